namespace LabelPipeline.Export;

/// <summary>One labeled time range of one annotation, in UTC (or in the time column's units on a numeric axis).</summary>
/// <param name="TaskId">The Label Studio task.</param>
/// <param name="SeriesFile">The task's CSV (the storage URL or file name).</param>
/// <param name="AnnotationId">The annotation the region belongs to.</param>
/// <param name="RegionId">The result's region id.</param>
/// <param name="Start">Start, inclusive.</param>
/// <param name="End">End, inclusive.</param>
/// <param name="Instant">A point region (start equals end).</param>
/// <param name="Labels">The labels the annotator chose for the region.</param>
public sealed record LabeledRange(
    int TaskId,
    string SeriesFile,
    int AnnotationId,
    string RegionId,
    RangeBound Start,
    RangeBound End,
    bool Instant,
    IReadOnlyList<string> Labels);

/// <summary>A region bound: a UTC instant when the series has dates, else a raw number of the time axis.</summary>
public readonly record struct RangeBound(DateTimeOffset? Time, double? Number) : IComparable<RangeBound>
{
    public static RangeBound At(DateTimeOffset time) => new(time.ToUniversalTime(), null);

    public static RangeBound At(double number) => new(null, number);

    public int CompareTo(RangeBound other) =>
        Time is { } t && other.Time is { } o ? t.CompareTo(o) : Nullable.Compare(Number, other.Number);

    public static bool operator <(RangeBound a, RangeBound b) => a.CompareTo(b) < 0;

    public static bool operator >(RangeBound a, RangeBound b) => a.CompareTo(b) > 0;

    public static bool operator <=(RangeBound a, RangeBound b) => a.CompareTo(b) <= 0;

    public static bool operator >=(RangeBound a, RangeBound b) => a.CompareTo(b) >= 0;
}
