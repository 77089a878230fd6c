namespace LabelPipeline.Predictions;

/// <summary>Where a row came from, for error messages: <c>file line N</c>.</summary>
public readonly record struct RowSource(string File, long Line)
{
    public override string ToString() => $"{File} line {Line}";
}

/// <summary>One flagged interval as the model wrote it (times still text, checked later against the series).</summary>
/// <param name="Series">The series file (task) the interval belongs to, e.g. <c>2021-01.csv</c>.</param>
/// <param name="Start">The first flagged time (inclusive), as written.</param>
/// <param name="End">The last flagged time (inclusive), as written.</param>
/// <param name="Label">The label to give the region; null takes the default prediction label.</param>
/// <param name="Score">The model's confidence for this interval, if it has one.</param>
public sealed record PredictedInterval(string Series, string Start, string End, string? Label, double? Score, RowSource Source);

/// <summary>One per-timestamp anomaly score as the model wrote it.</summary>
public sealed record ScoreSample(string Series, string Time, double Score, RowSource Source);

/// <summary>The two shapes of model output: flagged intervals, or a score per timestamp.</summary>
public enum PredictionFileKind
{
    Intervals,
    Scores,
}

/// <summary>A model output file, read and checked row by row but not yet against the dataset.</summary>
/// <param name="Scores">Per-timestamp scores; from a CSV file streamed from disk on each enumeration (never held).</param>
public sealed record PredictionFile(string Path, PredictionFileKind Kind, IReadOnlyList<PredictedInterval> Intervals, IEnumerable<ScoreSample> Scores);
