using System.Globalization;
using LabelPipeline.TimeSeries;
using Newtonsoft.Json.Linq;

namespace LabelPipeline.Export;

/// <summary>What an annotator did with a region a model predicted.</summary>
public static class ReviewOutcome
{
    /// <summary>Kept as predicted: same bounds and labels.</summary>
    public const string Confirmed = "confirmed";

    /// <summary>Kept but moved, resized or relabeled.</summary>
    public const string Adjusted = "adjusted";

    /// <summary>Deleted: the predicted region is missing from the annotation.</summary>
    public const string Rejected = "rejected";

    /// <summary>Drawn by hand on a task that had predictions: a region the model missed.</summary>
    public const string Added = "added";
}

/// <summary>One predicted region and what one annotation made of it (the rows of <c>predictions/review.csv</c>).</summary>
public sealed record PredictedRegionReview(LabeledRange Predicted, int AnnotationId, string ModelVersion, string Outcome, LabeledRange? Annotated);

/// <summary>The review of a whole export.</summary>
public sealed record PredictionReviewCounts(int TasksReviewed, int AnnotationsReviewed, int PredictedRegions, int Confirmed, int Adjusted, int Rejected, int Added);

/// <summary>
/// Compares each annotation's regions with the regions its task's predictions proposed (one model version): matched by
/// region id first — the editor keeps a prediction's region ids when an annotator starts from it, and marks the results'
/// <c>origin</c> "prediction", or "prediction-changed" once edited — then by value (same bounds and labels), for results
/// whose ids changed. A matched region with the same bounds and labels is confirmed, else adjusted; a predicted region no
/// annotation region matches was rejected; an annotation region that matches nothing was added by hand. The outcome is
/// decided by value, not by origin, so a region dragged away and back counts as confirmed.
/// </summary>
public static class PredictionReview
{
    /// <summary>
    /// Reviews one task. <paramref name="annotated"/> are the task's regions as extracted (selected annotations only);
    /// the returned list is the same regions with <see cref="LabeledRange.Review"/> and <see cref="LabeledRange.PredictionRegionId"/> set.
    /// </summary>
    /// <param name="modelVersion">The model version to compare against; null: the version of the task's newest prediction.</param>
    public static (IReadOnlyList<LabeledRange> Ranges, IReadOnlyList<PredictedRegionReview> Predicted, int Annotations) Review(
        ExportedTask task, IReadOnlyList<LabeledRange> annotated, string? modelVersion, AnnotationSelection selection)
    {
        var predictions = task.Predictions; // bare ids (a direct export) are not here: they cannot be compared
        var version = modelVersion ?? predictions.OrderByDescending(p => p.Id).Select(p => p.ModelVersion).FirstOrDefault();
        var chosen = predictions.Where(p => version is not null && p.ModelVersion == version).ToList();
        if (chosen.Count == 0)
        {
            return (annotated, [], 0);
        }

        var predicted = PredictedRanges(chosen).ToList();
        var predictedById = predicted.Where(p => p.RegionId.Length > 0).ToLookup(p => p.RegionId, StringComparer.Ordinal);
        var predictedByValue = predicted.GroupBy(ValueKey).ToDictionary(g => g.Key, g => g.ToList()); // in predicted order
        var result = new List<LabeledRange>(annotated.Count);
        var reviews = new List<PredictedRegionReview>();
        var annotations = selection.Select(task.Annotations).ToList();
        foreach (var annotation in annotations)
        {
            var mine = annotated.Where(r => r.AnnotationId == annotation.Id).ToList();
            var matchOf = new Dictionary<LabeledRange, LabeledRange>(ReferenceEqualityComparer.Instance);
            var taken = new HashSet<LabeledRange>(ReferenceEqualityComparer.Instance);
            foreach (var region in mine)
            {
                var byId = predictedById[region.RegionId].FirstOrDefault(p => !taken.Contains(p));
                if (byId is not null)
                {
                    matchOf[region] = byId;
                    taken.Add(byId);
                }
            }

            // By value: the first predicted region not taken with the same bounds and labels, found by key (a scan of
            // every predicted region per annotated one is quadratic in a task with hundreds of thousands of each).
            var skipped = new Dictionary<(RangeBound, RangeBound, string), int>();
            foreach (var region in mine.Where(r => !matchOf.ContainsKey(r)))
            {
                var key = ValueKey(region);
                if (!predictedByValue.TryGetValue(key, out var candidates))
                {
                    continue;
                }

                var next = skipped.GetValueOrDefault(key);
                while (next < candidates.Count && taken.Contains(candidates[next]))
                {
                    next++; // taken entries before the cursor stay taken: taken only grows within an annotation
                }

                skipped[key] = next;
                if (next < candidates.Count && SameValue(candidates[next], region))
                {
                    matchOf[region] = candidates[next];
                    taken.Add(candidates[next]);
                }
            }

            foreach (var region in mine)
            {
                if (matchOf.TryGetValue(region, out var prediction))
                {
                    var outcome = SameValue(prediction, region) ? ReviewOutcome.Confirmed : ReviewOutcome.Adjusted;
                    result.Add(region with { Review = outcome, PredictionRegionId = prediction.RegionId, ModelVersion = version });
                    reviews.Add(new PredictedRegionReview(prediction, annotation.Id, version!, outcome, region));
                }
                else
                {
                    result.Add(region with { Review = ReviewOutcome.Added, ModelVersion = version });
                }
            }

            reviews.AddRange(predicted.Where(p => !taken.Contains(p)).Select(p => new PredictedRegionReview(p, annotation.Id, version!, ReviewOutcome.Rejected, null)));
        }

        // Regions of annotations the selection left out never reach here; keep any others unchanged.
        result.AddRange(annotated.Where(r => annotations.All(a => a.Id != r.AnnotationId)));
        return (result, reviews, annotations.Count);
    }

    public static PredictionReviewCounts Count(int tasksReviewed, int annotationsReviewed, IReadOnlyList<PredictedRegionReview> predicted, int added) => new(
        tasksReviewed,
        annotationsReviewed,
        predicted.Count,
        predicted.Count(p => p.Outcome == ReviewOutcome.Confirmed),
        predicted.Count(p => p.Outcome == ReviewOutcome.Adjusted),
        predicted.Count(p => p.Outcome == ReviewOutcome.Rejected),
        added);

    /// <summary>predictions/review.csv: one row per predicted region per reviewing annotation.</summary>
    public static string RenderCsv(IEnumerable<PredictedRegionReview> reviews)
    {
        var text = new System.Text.StringBuilder(
            "series,task_id,annotation_id,model_version,prediction_id,region_id,start_utc,end_utc,labels,score,outcome,annotated_start_utc,annotated_end_utc,annotated_labels\n");
        foreach (var r in reviews
                     .OrderBy(r => r.Predicted.SeriesFile, StringComparer.Ordinal)
                     .ThenBy(r => r.AnnotationId)
                     .ThenBy(r => r.Predicted.Start)
                     .ThenBy(r => r.Predicted.End)
                     .ThenBy(r => r.Predicted.RegionId, StringComparer.Ordinal))
        {
            string[] row =
            [
                r.Predicted.SeriesFile, Invariant(r.Predicted.TaskId), Invariant(r.AnnotationId), r.ModelVersion, Invariant(r.Predicted.AnnotationId),
                r.Predicted.RegionId, r.Predicted.Start.ToText(), r.Predicted.End.ToText(), string.Join('|', r.Predicted.Labels),
                r.Predicted.Score?.ToString("R", CultureInfo.InvariantCulture) ?? string.Empty, r.Outcome,
                r.Annotated?.Start.ToText() ?? string.Empty, r.Annotated?.End.ToText() ?? string.Empty,
                r.Annotated is null ? string.Empty : string.Join('|', r.Annotated.Labels),
            ];
            text.Append(string.Join(',', row.Select(Quote))).Append('\n');
        }

        return text.ToString();
    }

    /// <summary>The manifest block.</summary>
    public static JObject ToJson(PredictionReviewCounts counts, string? modelVersion) => new()
    {
        ["model_version"] = modelVersion,
        ["model_version_rule"] = modelVersion is null ? "per task, the version of its newest prediction" : "--model-version",
        ["matching"] = "annotation regions matched to predicted regions by region id, then by bounds and labels; confirmed = same bounds and labels",
        ["tasks_reviewed"] = counts.TasksReviewed,
        ["annotations_reviewed"] = counts.AnnotationsReviewed,
        ["predicted_regions"] = counts.PredictedRegions,
        ["confirmed"] = counts.Confirmed,
        ["adjusted"] = counts.Adjusted,
        ["rejected"] = counts.Rejected,
        ["added"] = counts.Added,
    };

    /// <summary>The regions of the given predictions, read like annotation regions (a prediction's first unreadable region fails here).</summary>
    internal static IEnumerable<LabeledRange> PredictedRanges(IEnumerable<ExportedPrediction> predictions) =>
        predictions.SelectMany(p => p.Problem is { } problem ? throw new ExportException(problem) : p.Ranges);

    /// <summary>Equal for regions <see cref="SameValue"/> holds the same (bounds equal, labels equal in any order).</summary>
    private static (RangeBound, RangeBound, string) ValueKey(LabeledRange r) => (r.Start, r.End, string.Join('\u001f', r.Labels.Order(StringComparer.Ordinal)));

    private static bool SameValue(LabeledRange a, LabeledRange b) =>
        a.Start.CompareTo(b.Start) == 0 && a.End.CompareTo(b.End) == 0 && a.Labels.Order(StringComparer.Ordinal).SequenceEqual(b.Labels.Order(StringComparer.Ordinal), StringComparer.Ordinal);

    private static string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Quote(string field) =>
        field.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? "\"" + field.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : field;
}

/// <summary>Collects the review over a whole export, task by task, as the snapshot is built.</summary>
public sealed class PredictionReviewer(string? modelVersion, AnnotationSelection selection)
{
    private readonly List<PredictedRegionReview> _predicted = [];
    private int _added;
    private int _tasks;
    private int _annotations;

    /// <summary>Whether any task had predictions to compare with: only then does the snapshot carry a review.</summary>
    public bool HasPredictions => _tasks > 0;

    public IReadOnlyList<PredictedRegionReview> Predicted => _predicted;

    /// <summary>The task's regions with their review set (unchanged when the task has no predictions).</summary>
    public IEnumerable<LabeledRange> Review(ExportedTask task, IEnumerable<LabeledRange> ranges)
    {
        if (task.Predictions.Count == 0)
        {
            return ranges;
        }

        var (reviewed, predicted, annotations) = PredictionReview.Review(task, ranges.ToList(), modelVersion, selection);
        if (annotations > 0) // predictions of the chosen version, and someone annotated the task
        {
            _tasks++;
            _annotations += annotations;
            _predicted.AddRange(predicted);
            _added += reviewed.Count(r => r.Review == ReviewOutcome.Added); // counted, not kept: memory stays flat
        }

        return reviewed;
    }

    public PredictionReviewCounts Counts => PredictionReview.Count(_tasks, _annotations, _predicted, _added);

    public JObject ToJson() => PredictionReview.ToJson(Counts, modelVersion);
}
