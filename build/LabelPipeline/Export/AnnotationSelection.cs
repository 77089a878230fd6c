namespace LabelPipeline.Export;

/// <summary>Which annotations count when several people labeled the same task (<c>--annotations</c>).</summary>
public enum AnnotationSelection
{
    /// <summary>Every non-cancelled annotation: the union of what all annotators marked.</summary>
    All,

    /// <summary>Per task, the most recently updated non-cancelled annotation.</summary>
    Latest,

    /// <summary>Per task, the annotations marked ground truth; a task without one falls back to its latest.</summary>
    GroundTruth,
}

public static class AnnotationSelections
{
    public static AnnotationSelection Parse(string text) => text.Trim().ToLowerInvariant() switch
    {
        "all" => AnnotationSelection.All,
        "latest" => AnnotationSelection.Latest,
        "ground-truth" or "groundtruth" => AnnotationSelection.GroundTruth,
        _ => throw new ArgumentException($"--annotations={text}: expected all, latest or ground-truth."),
    };

    public static string ToArgument(this AnnotationSelection selection) => selection switch
    {
        AnnotationSelection.Latest => "latest",
        AnnotationSelection.GroundTruth => "ground-truth",
        _ => "all",
    };

    /// <summary>The annotations of one task that count under <paramref name="selection"/>.</summary>
    public static IEnumerable<ExportedAnnotation> Select(this AnnotationSelection selection, IEnumerable<ExportedAnnotation> annotations)
    {
        var live = annotations.Where(a => !a.WasCancelled).ToArray();
        var latest = live.OrderByDescending(a => a.UpdatedAt ?? a.CreatedAt).ThenByDescending(a => a.Id).Take(1);
        return selection switch
        {
            AnnotationSelection.Latest => latest,
            AnnotationSelection.GroundTruth => live.Any(a => a.GroundTruth) ? live.Where(a => a.GroundTruth) : latest,
            _ => live,
        };
    }
}
