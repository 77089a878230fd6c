using System.Numerics;

namespace LabelPipeline.DatasetGenerator;

/// <summary>
/// xoshiro256** 1.0 (Blackman and Vigna, public domain reference at prng.di.unimi.it), seeded through SplitMix64.
/// Written out here rather than using <see cref="System.Random"/>, whose algorithm is not part of its contract and
/// has changed between runtimes: the committed dataset must come out byte-identical on every machine and .NET version.
/// Only integer arithmetic and exactly rounded IEEE-754 operations are used.
/// </summary>
public sealed class Xoshiro256
{
    private ulong _s0;
    private ulong _s1;
    private ulong _s2;
    private ulong _s3;

    /// <summary>Seeds the four state words with consecutive SplitMix64 outputs, as the xoshiro authors recommend.</summary>
    public Xoshiro256(ulong seed)
    {
        var sm = seed;
        _s0 = SplitMix64(ref sm);
        _s1 = SplitMix64(ref sm);
        _s2 = SplitMix64(ref sm);
        _s3 = SplitMix64(ref sm);
        if ((_s0 | _s1 | _s2 | _s3) == 0)
        {
            _s0 = 1; // the one state xoshiro cannot leave; SplitMix64 never produces it, but be explicit
        }
    }

    /// <summary>Builds a generator from an explicit state (used to check against the reference test vector).</summary>
    public Xoshiro256(ulong s0, ulong s1, ulong s2, ulong s3)
    {
        if ((s0 | s1 | s2 | s3) == 0)
        {
            throw new ArgumentException("The all-zero state is not allowed.");
        }

        (_s0, _s1, _s2, _s3) = (s0, s1, s2, s3);
    }

    /// <summary>
    /// An independent stream for one purpose (e.g. "channel" 7): the normal signal of a channel does not depend on how
    /// many other channels or anomalies there are, so a smaller variant's channels match the full dataset's.
    /// </summary>
    public static Xoshiro256 ForStream(ulong seed, string purpose, int index)
    {
        unchecked
        {
            var hash = 14695981039346656037UL; // FNV-1a 64 over the purpose's UTF-16 code units
            foreach (var c in purpose)
            {
                hash ^= c;
                hash *= 1099511628211UL;
            }

            var mixer = seed;
            var key = SplitMix64(ref mixer) ^ (hash * 0x9E3779B97F4A7C15UL) ^ ((ulong)index * 0xD1B54A32D192ED03UL);
            return new Xoshiro256(key);
        }
    }

    public static ulong SplitMix64(ref ulong state)
    {
        unchecked
        {
            state += 0x9E3779B97F4A7C15UL;
            var z = state;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return z ^ (z >> 31);
        }
    }

    public ulong NextUInt64()
    {
        unchecked
        {
            var result = BitOperations.RotateLeft(_s1 * 5, 7) * 9;
            var t = _s1 << 17;
            _s2 ^= _s0;
            _s3 ^= _s1;
            _s1 ^= _s2;
            _s0 ^= _s3;
            _s2 ^= t;
            _s3 = BitOperations.RotateLeft(_s3, 45);
            return result;
        }
    }

    /// <summary>Uniform in [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / 9007199254740992.0);

    /// <summary>Uniform in [min, max).</summary>
    public double Uniform(double min, double max) => min + ((max - min) * NextDouble());

    public bool Chance(double probability) => NextDouble() < probability;

    /// <summary>
    /// Approximately standard normal (mean 0, variance 1): the Irwin–Hall sum of twelve uniforms minus six. Bounded to
    /// ±6 and free of log/sqrt/cos, whose last bit may differ between C runtimes.
    /// </summary>
    public double NextGaussian()
    {
        var sum = 0.0;
        for (var i = 0; i < 12; i++)
        {
            sum += NextDouble();
        }

        return sum - 6.0;
    }
}
