namespace LabelPipeline.DatasetGenerator;

/// <summary>
/// The normal behaviour of the plant. Channels come in groups of <see cref="GroupSize"/> (signal_00..04 is group 0,
/// signal_05..09 group 1, ...) that share a daily cycle, a weekend dip and a slowly wandering load (an
/// Ornstein–Uhlenbeck process), so they move together like sensors on one machine; a few channels are loaded
/// negatively (they fall when the group rises). Each channel adds its own baseline, an annual ambient term, a slow
/// drift of its own and measurement noise.
/// </summary>
public static class SignalModel
{
    public const int GroupSize = 5;

    /// <summary>The range every value stays in, normal or anomalous (the walkthrough's data spans about 185–795).</summary>
    public const double Floor = 185.0;
    public const double Ceiling = 795.0;

    public static int GroupCount(int channels) => (channels + GroupSize - 1) / GroupSize;

    public static int GroupOf(int channel) => channel / GroupSize;
}

/// <summary>What every channel needs to know about one row's time.</summary>
public readonly record struct RowTime(double DayAngle, double Weekend, double Annual)
{
    private const double TwoPi = 2.0 * Math.PI;
    private static readonly DateTime AnnualEpoch = new(2000, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    public static RowTime At(DateTime time)
    {
        var minuteOfDay = (time.Hour * 60) + time.Minute;
        var dayAngle = TwoPi * minuteOfDay / 1440.0;

        // Hours since Monday 00:00; the weekend (Saturday and Sunday) ramps in and out over eight hours.
        var hourOfWeek = ((((int)time.DayOfWeek + 6) % 7) * 24.0) + (minuteOfDay / 60.0);
        var weekend = hourOfWeek < 144.0
            ? DetMath.SmoothStep((hourOfWeek - 116.0) / 8.0)
            : DetMath.SmoothStep((168.0 - hourOfWeek) / 8.0);

        // Ambient temperature: coldest in mid-January, warmest in mid-July.
        var days = (time - AnnualEpoch).Ticks / (double)TimeSpan.TicksPerDay;
        var annual = DetMath.Sin(TwoPi * (days - 105.0) / 365.2425);
        return new RowTime(dayAngle, weekend, annual);
    }
}

/// <summary>The shared part of one channel group: its daily shape and its slowly wandering load.</summary>
public sealed class GroupProcess
{
    private readonly Xoshiro256 _rng;
    private readonly double _phi;
    private readonly double _innovation;

    public GroupProcess(ulong seed, int group, int intervalMinutes)
    {
        _rng = Xoshiro256.ForStream(seed, "group", group);
        DailyPhase = _rng.Uniform(0, 2.0 * Math.PI);
        Harmonic = _rng.Uniform(0.1, 0.45);
        HarmonicPhase = _rng.Uniform(0, 2.0 * Math.PI);
        var tauDays = _rng.Uniform(0.6, 2.5);
        (_phi, _innovation) = OrnsteinUhlenbeck(intervalMinutes / 1440.0, tauDays);
        Load = _rng.NextGaussian();
    }

    public double DailyPhase { get; }

    /// <summary>Relative size of the twice-a-day harmonic (two shifts).</summary>
    public double Harmonic { get; }

    public double HarmonicPhase { get; }

    /// <summary>The current load, stationary mean 0 and standard deviation 1.</summary>
    public double Load { get; private set; }

    public void Step() => Load = (_phi * Load) + (_innovation * _rng.NextGaussian());

    /// <summary>AR(1) coefficients of an OU process with unit variance, sampled every <paramref name="stepDays"/>.</summary>
    internal static (double Phi, double Innovation) OrnsteinUhlenbeck(double stepDays, double tauDays)
    {
        var phi = 1.0 - Math.Min(stepDays / tauDays, 1.0);
        return (phi, Math.Sqrt(1.0 - (phi * phi))); // Sqrt is exactly rounded by IEEE-754, so deterministic
    }
}

/// <summary>One channel: its parameters, drawn once from its own stream, and its per-row noise.</summary>
public sealed class ChannelProcess
{
    private const double Margin = 5.0;
    private readonly Xoshiro256 _rng;
    private readonly double _slowPhi;
    private readonly double _slowInnovation;
    private double _slow;

    public ChannelProcess(ulong seed, int index, int intervalMinutes)
    {
        Index = index;
        Group = SignalModel.GroupOf(index);
        _rng = Xoshiro256.ForStream(seed, "channel", index);
        Sign = _rng.Chance(0.2) ? -1.0 : 1.0;
        DailyAmplitude = _rng.Uniform(6, 28);
        PhaseJitter = _rng.Uniform(-0.4, 0.4);
        WeekendDip = _rng.Uniform(3, 16);
        LoadScale = _rng.Uniform(6, 18);
        AnnualAmplitude = _rng.Uniform(-14, 14);
        SlowScale = _rng.Uniform(2, 6);
        NoiseScale = _rng.Uniform(0.8, 3.2);
        var slowTauDays = _rng.Uniform(20, 60);

        // How far the normal signal strays from the baseline: 3 standard deviations of the sum of its parts (their
        // variances add). The baseline is placed so the channel stays in range and the channels together fill it.
        var variance = (0.6 * DailyAmplitude * DailyAmplitude) + (0.2 * WeekendDip * WeekendDip) + (LoadScale * LoadScale)
            + (0.5 * AnnualAmplitude * AnnualAmplitude) + (SlowScale * SlowScale) + (NoiseScale * NoiseScale);
        Envelope = 3.0 * Math.Sqrt(variance);
        var low = SignalModel.Floor + Margin + Envelope;
        var high = SignalModel.Ceiling - Margin - Envelope;
        // Golden-ratio spacing by index (with a little jitter) spreads the baselines over the whole range for any
        // number of channels, and inside every group, without depending on how many channels there are.
        var golden = 0.5 + (index * 0.6180339887498949);
        var spread = Math.Clamp(golden - Math.Floor(golden) + _rng.Uniform(-0.04, 0.04), 0.0, 1.0);
        Baseline = low + ((high - low) * spread);

        (_slowPhi, _slowInnovation) = GroupProcess.OrnsteinUhlenbeck(intervalMinutes / 1440.0, slowTauDays);
        _slow = _rng.NextGaussian();
    }

    public int Index { get; }

    public int Group { get; }

    /// <summary>+1 or -1: how the channel follows its group's shared movements.</summary>
    public double Sign { get; }

    public double Baseline { get; }

    public double DailyAmplitude { get; }

    public double PhaseJitter { get; }

    public double WeekendDip { get; }

    public double LoadScale { get; }

    public double AnnualAmplitude { get; }

    public double SlowScale { get; }

    public double NoiseScale { get; }

    public double Envelope { get; }

    /// <summary>Room between the normal envelope and the ceiling.</summary>
    public double RoomUp => SignalModel.Ceiling - Baseline - Envelope;

    /// <summary>Room between the normal envelope and the floor.</summary>
    public double RoomDown => Baseline - Envelope - SignalModel.Floor;

    public double RoomToward(double direction) => direction > 0 ? RoomUp : RoomDown;

    /// <summary>
    /// The direction an anomaly of about <paramref name="magnitude"/> takes: <paramref name="preferred"/> if there is
    /// room for it that way, otherwise the other way.
    /// </summary>
    public double DirectionFor(double preferred, double magnitude) => RoomToward(preferred) >= magnitude ? preferred : -preferred;

    /// <summary>The normal value at this row; then advances the channel's own slow drift.</summary>
    public double Next(in RowTime time, GroupProcess group)
    {
        var daily = DetMath.Sin(time.DayAngle + group.DailyPhase + PhaseJitter)
            + (group.Harmonic * DetMath.Sin((2.0 * time.DayAngle) + group.HarmonicPhase + (2.0 * PhaseJitter)));
        var shared = (DailyAmplitude * daily) + (WeekendDip * ((2.0 / 7.0) - time.Weekend)) + (LoadScale * group.Load);
        var value = Baseline + (Sign * shared) + (AnnualAmplitude * time.Annual) + (SlowScale * _slow) + (NoiseScale * _rng.NextGaussian());
        _slow = (_slowPhi * _slow) + (_slowInnovation * _rng.NextGaussian());
        return value;
    }
}
