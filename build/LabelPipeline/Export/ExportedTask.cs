namespace LabelPipeline.Export;

/// <summary>One annotation of an exported task: what the annotation selection and the interval table need.</summary>
public sealed record ExportedAnnotation
{
    public int Id { get; init; }
    public bool WasCancelled { get; init; }
    public bool GroundTruth { get; init; }
    public string? Annotator { get; init; }
    public DateTimeOffset? CreatedAt { get; init; }
    public DateTimeOffset? UpdatedAt { get; init; }
}

/// <summary>One prediction object of an exported task, its regions read like an annotation's (its id posing as the annotation id).</summary>
/// <param name="Problem">The first region that cannot be read: an error only if the review compares with this prediction.</param>
public sealed record ExportedPrediction(int Id, string? ModelVersion, IReadOnlyList<LabeledRange> Ranges, string? Problem);

/// <summary>
/// One task of a Label Studio export as <see cref="ExportReader"/> read it: its annotations, and its regions, which are
/// handed out by <see cref="Ranges"/> (they may be on disk: a task can hold hundreds of thousands).
/// </summary>
public sealed class ExportedTask
{
    private readonly Func<AnnotationSelection, IEnumerable<LabeledRange>> _ranges;

    internal ExportedTask(int id, string seriesFile, bool repeated, IReadOnlyList<ExportedAnnotation> annotations, IReadOnlyList<ExportedPrediction> predictions,
        Func<AnnotationSelection, IEnumerable<LabeledRange>> ranges)
    {
        Id = id;
        SeriesFile = seriesFile;
        Repeated = repeated;
        Annotations = annotations;
        Predictions = predictions;
        _ranges = ranges;
    }

    public int Id { get; }

    /// <summary>The task's CSV file name (the last segment of its storage URL).</summary>
    public string SeriesFile { get; }

    /// <summary>The task appeared earlier in the export (its repeated annotations are left out).</summary>
    public bool Repeated { get; }

    /// <summary>Every annotation (cancelled ones too; an annotation repeated from an earlier copy of the task is left out).</summary>
    public IReadOnlyList<ExportedAnnotation> Annotations { get; }

    /// <summary>The prediction objects (a direct export lists bare ids, which cannot be compared: they are not here).</summary>
    public IReadOnlyList<ExportedPrediction> Predictions { get; }

    /// <summary>
    /// The regions of the selected annotations, in the order of the export, once per call. A region that cannot be read
    /// fails here (naming task, annotation and region), and only when its annotation is selected.
    /// </summary>
    public IEnumerable<LabeledRange> Ranges(AnnotationSelection selection = AnnotationSelection.All) => _ranges(selection);
}
