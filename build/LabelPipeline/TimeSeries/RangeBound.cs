namespace LabelPipeline.TimeSeries;

/// <summary>A region bound: a UTC instant when the series has dates, else a raw number of the time axis.</summary>
public readonly record struct RangeBound(DateTimeOffset? Time, double? Number) : IComparable<RangeBound>
{
    public static RangeBound At(DateTimeOffset time) => new(time.ToUniversalTime(), null);

    public static RangeBound At(double number) => new(null, number);

    public int CompareTo(RangeBound other) =>
        Time is { } t && other.Time is { } o ? t.CompareTo(o) : Nullable.Compare(Number, other.Number);

    public RangeBound Add(TimeSpan span) => Time is { } t ? At(t + span) : At(Number!.Value + span.TotalSeconds);

    public string ToText() => Time is { } t
        ? t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff", System.Globalization.CultureInfo.InvariantCulture)
        : Number!.Value.ToString("R", System.Globalization.CultureInfo.InvariantCulture);

    public static bool operator <(RangeBound a, RangeBound b) => a.CompareTo(b) < 0;

    public static bool operator >(RangeBound a, RangeBound b) => a.CompareTo(b) > 0;

    public static bool operator <=(RangeBound a, RangeBound b) => a.CompareTo(b) <= 0;

    public static bool operator >=(RangeBound a, RangeBound b) => a.CompareTo(b) >= 0;
}
