namespace LabelPipeline.TimeSeries;

/// <summary>A region bound: a UTC instant when the series has dates, else a raw number of the time axis.</summary>
public readonly record struct RangeBound(DateTimeOffset? Time, double? Number) : IComparable<RangeBound>
{
    public static RangeBound At(DateTimeOffset time) => new(time.ToUniversalTime(), null);

    public static RangeBound At(double number) => new(null, number);

    public int CompareTo(RangeBound other) =>
        Time is { } t && other.Time is { } o ? t.CompareTo(o) : Nullable.Compare(Number, other.Number);

    /// <summary>
    /// A long that orders as the bound does within one series (all times, or all numbers): UTC ticks, or the double's
    /// bits with negative numbers flipped so they order as signed integers (-0 and +0 are one value). What bounds are
    /// sorted and merged by on disk (<see cref="IO.SeriesSpill{T}"/>) and swept by (quality's row sweep).
    /// </summary>
    public long SortKey()
    {
        if (Time is { } time)
        {
            return time.UtcTicks;
        }

        var value = Number ?? double.NaN;
        var bits = BitConverter.DoubleToInt64Bits(value == 0 ? 0.0 : value);
        return bits < 0 ? bits ^ long.MaxValue : bits;
    }

    /// <summary>The bound a <see cref="SortKey"/> came from: a UTC time when <paramref name="time"/>, else a number (-0 as 0).</summary>
    public static RangeBound FromSortKey(long key, bool time) => time
        ? At(new DateTimeOffset(key, TimeSpan.Zero))
        : At(BitConverter.Int64BitsToDouble(key < 0 ? key ^ long.MaxValue : key));

    public RangeBound Add(TimeSpan span) => Time is { } t ? At(t + span) : At(Number!.Value + span.TotalSeconds);

    public string ToText() => Time is { } t
        ? t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff", System.Globalization.CultureInfo.InvariantCulture)
        : Number!.Value.ToString("R", System.Globalization.CultureInfo.InvariantCulture);

    public static bool operator <(RangeBound a, RangeBound b) => a.CompareTo(b) < 0;

    public static bool operator >(RangeBound a, RangeBound b) => a.CompareTo(b) > 0;

    public static bool operator <=(RangeBound a, RangeBound b) => a.CompareTo(b) <= 0;

    public static bool operator >=(RangeBound a, RangeBound b) => a.CompareTo(b) >= 0;
}
