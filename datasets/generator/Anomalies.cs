namespace LabelPipeline.DatasetGenerator;

public enum AnomalyKind
{
    SpikeBurst,
    Drift,
    LevelShift,
    Flatline,
}

/// <summary>A moment given relative to the dataset's first month, so the schedule follows --start.</summary>
public readonly record struct MonthTime(int MonthOffset, int Day, int Hour, int Minute)
{
    public DateTime Resolve(DateTime start) => start.AddMonths(MonthOffset).AddDays(Day - 1).AddHours(Hour).AddMinutes(Minute);
}

/// <summary>One injected anomaly as scheduled; <see cref="Group"/> wraps around when there are fewer groups.</summary>
public sealed record AnomalySpec(string Id, AnomalyKind Kind, int Group, MonthTime Start, MonthTime End, string Description)
{
    /// <summary>
    /// The schedule. With the defaults (start 2021-01-01) A3 is exactly the walkthrough's recorded label,
    /// 2021-04-05 23:40:00 → 2021-04-11 00:50:00, on signal_15..19 (the panels in its screenshot are signal_17..19), and
    /// A2 crosses the 2021-02.csv / 2021-03.csv boundary. Days stay ≤ 28 so every month has them. 2021-05 stays clean.
    /// </summary>
    public static readonly IReadOnlyList<AnomalySpec> Schedule =
    [
        new("A1", AnomalyKind.SpikeBurst, 1, new(0, 18, 3, 20), new(0, 18, 11, 50),
            "Burst of short simultaneous spikes (electrical interference / intermittent contact) on one sensor group."),
        new("A2", AnomalyKind.Drift, 2, new(1, 24, 6, 0), new(2, 3, 8, 0),
            "Gradual drift away from normal (fouling / sensor degradation), snapping back at maintenance; crosses a month boundary."),
        new("A3", AnomalyKind.LevelShift, 3, new(3, 5, 23, 40), new(3, 11, 0, 50),
            "Abrupt level shift with slightly higher noise (process change), then abrupt return; the label recorded in the walkthrough."),
        new("A4", AnomalyKind.Flatline, 0, new(5, 14, 9, 30), new(5, 15, 17, 10),
            "Data-acquisition dropout: every channel of the group freezes at its last value (stuck sensor / frozen PLC)."),
    ];

    public static string KindName(AnomalyKind kind) => kind switch
    {
        AnomalyKind.SpikeBurst => "spike_burst",
        AnomalyKind.Drift => "drift",
        AnomalyKind.LevelShift => "level_shift",
        AnomalyKind.Flatline => "flatline",
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };
}

/// <summary>
/// An anomaly placed on the row grid: <see cref="StartRow"/>..<see cref="EndRow"/> inclusive, every affected channel is
/// changed on every one of those rows (and on no other row), so the window is exact ground truth.
/// </summary>
public sealed class PlacedAnomaly
{
    private readonly double[] _magnitude;
    private readonly double[] _direction;
    private readonly double[] _held;
    private readonly double[]? _spikes; // [row offset * channels + channel index in Channels], 0 = no spike
    private readonly ulong _salt;

    public PlacedAnomaly(AnomalySpec spec, long startRow, long endRow, DateTime start, DateTime end, IReadOnlyList<ChannelProcess> channels, ulong seed, int scheduleIndex)
    {
        Spec = spec;
        StartRow = startRow;
        EndRow = endRow;
        Start = start;
        End = end;
        Channels = channels.Select(c => c.Index).ToArray();
        _magnitude = new double[channels.Count];
        _direction = new double[channels.Count];
        _held = new double[channels.Count];

        // Its own stream: the normal signal is the same with or without anomalies.
        var rng = Xoshiro256.ForStream(seed, "anomaly", scheduleIndex);
        _salt = rng.NextUInt64();
        for (var i = 0; i < channels.Count; i++)
        {
            // Each channel goes up or down at random, the other way if the range has no room for it.
            var channel = channels[i];
            var (low, high) = spec.Kind switch
            {
                AnomalyKind.LevelShift => (70.0, 115.0),
                AnomalyKind.Drift => (85.0, 130.0),
                AnomalyKind.SpikeBurst => (90.0, 150.0),
                _ => (0.0, 0.0),
            };
            var wanted = rng.Uniform(low, high);
            var preferred = rng.Chance(0.5) ? 1.0 : -1.0;
            _direction[i] = channel.DirectionFor(preferred, wanted);
            _magnitude[i] = Math.Min(wanted, channel.RoomToward(_direction[i]));
        }

        if (spec.Kind == AnomalyKind.SpikeBurst)
        {
            // A spike event hits most channels of the group at once; the first and the last row always spike, and
            // every row of the window has at least one spiking channel, so the window is what was injected.
            var rows = (int)(endRow - startRow + 1);
            _spikes = new double[rows * channels.Count];
            for (var r = 0; r < rows; r++)
            {
                var eventful = r == 0 || r == rows - 1 || rng.Chance(0.35);
                var strength = eventful ? rng.Uniform(0.45, 1.0) : rng.Uniform(0.15, 0.35);
                var any = false;
                for (var i = 0; i < channels.Count; i++)
                {
                    var hit = rng.Chance(eventful ? 0.85 : 0.25);
                    var jitter = rng.Uniform(0.8, 1.0);
                    if (hit)
                    {
                        _spikes[(r * channels.Count) + i] = strength * jitter;
                        any = true;
                    }
                }

                if (!any)
                {
                    _spikes[(r * channels.Count) + (r % channels.Count)] = strength;
                }
            }
        }
    }

    public AnomalySpec Spec { get; }

    public long StartRow { get; }

    public long EndRow { get; }

    public DateTime Start { get; }

    public DateTime End { get; }

    /// <summary>Channel indexes, ascending.</summary>
    public IReadOnlyList<int> Channels { get; }

    public long Rows => EndRow - StartRow + 1;

    public bool Covers(long row) => row >= StartRow && row <= EndRow;

    /// <summary>
    /// The anomalous value of the <paramref name="slot"/>-th affected channel at <paramref name="row"/>, from its normal
    /// value, the value printed on the row before (for the flatline) and the channel's normal noise sample.
    /// </summary>
    public double Apply(long row, int slot, double normal, double previous, double noiseScale)
    {
        var offset = row - StartRow;
        switch (Spec.Kind)
        {
            case AnomalyKind.LevelShift:
                return normal + (_direction[slot] * _magnitude[slot]) + (0.6 * noiseScale * NoiseEcho(row, slot));
            case AnomalyKind.Drift:
                return normal + (_direction[slot] * _magnitude[slot] * (offset + 1) / Rows);
            case AnomalyKind.SpikeBurst:
                var spike = _spikes![(offset * Channels.Count) + slot];
                // A row without a spike on this channel still carries a small disturbance, so every affected cell differs.
                return normal + (_direction[slot] * (spike > 0 ? spike * _magnitude[slot] : 2.0 + noiseScale));
            case AnomalyKind.Flatline:
            default:
                if (offset == 0)
                {
                    _held[slot] = row > 0 ? previous : normal;
                }

                return _held[slot];
        }
    }

    /// <summary>Extra noise for the level shift, a deterministic hash of row and channel (no stream consumed).</summary>
    private double NoiseEcho(long row, int slot)
    {
        var state = unchecked((ulong)row * 0x9E3779B97F4A7C15UL) ^ ((ulong)(slot + 1) << 48) ^ _salt;
        return ((Xoshiro256.SplitMix64(ref state) >> 11) * (1.0 / 9007199254740992.0) * 2.0) - 1.0;
    }
}
