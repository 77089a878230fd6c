using System.Globalization;
using System.Text.Json;

namespace LabelPipeline.Benchmarks;

/// <summary><c>--name=value</c> or <c>--name value</c> options after the command word.</summary>
internal sealed class Arguments
{
    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);

    public Arguments(IReadOnlyList<string> args)
    {
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal))
            {
                throw new ArgumentException($"Unexpected argument '{arg}': options are --name=value.");
            }

            var equals = arg.IndexOf('=', StringComparison.Ordinal);
            if (equals > 0)
            {
                _values[arg[2..equals]] = arg[(equals + 1)..];
            }
            else if (i + 1 < args.Count && !args[i + 1].StartsWith("--", StringComparison.Ordinal))
            {
                _values[arg[2..]] = args[++i];
            }
            else
            {
                _values[arg[2..]] = "true";
            }
        }
    }

    public string Required(string name) =>
        _values.TryGetValue(name, out var value) ? value : throw new ArgumentException($"--{name} is required.");

    public string Get(string name, string fallback) => _values.GetValueOrDefault(name, fallback);

    public int Int(string name, int fallback) =>
        _values.TryGetValue(name, out var value) ? int.Parse(value, CultureInfo.InvariantCulture) : fallback;

    public IReadOnlyList<int> Ints(string name, string fallback) =>
        Get(name, fallback).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(v => int.Parse(v, CultureInfo.InvariantCulture)).ToArray();

    public IReadOnlySet<string> Set(string name, string fallback) =>
        Get(name, fallback).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(StringComparer.Ordinal);
}

/// <summary>Peak resident memory from /proc: the high-water mark the kernel keeps for a process (VmHWM).</summary>
internal static class PeakMemory
{
    /// <summary>This process's VmHWM in KiB; read it last, after the work and its output are done.</summary>
    public static long SelfKilobytes()
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
            {
                return long.Parse(line["VmHWM:".Length..].Replace("kB", string.Empty, StringComparison.Ordinal).Trim(), CultureInfo.InvariantCulture);
            }
        }

        throw new InvalidOperationException("/proc/self/status has no VmHWM line: peak memory can only be measured on Linux.");
    }
}

/// <summary>How busy the machine is with other work: other engineers' builds and tests share these cores.</summary>
internal static class CpuActivity
{
    /// <summary>The share of all cores busy over the next <paramref name="window"/> (/proc/stat; steal counts as busy).</summary>
    public static double BusyPercent(TimeSpan window)
    {
        var (busy0, total0) = Read();
        Thread.Sleep(window);
        var (busy1, total1) = Read();
        return total1 == total0 ? 0 : 100.0 * (busy1 - busy0) / (total1 - total0);
    }

    /// <summary>
    /// Waits until the cores are at most <paramref name="maxBusyPercent"/> busy (sampled each second), for at most
    /// <paramref name="timeout"/>; returns the last sample, so a run that could not wait says how contended it was.
    /// </summary>
    public static double WaitForQuiet(double maxBusyPercent, TimeSpan timeout)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var busy = BusyPercent(TimeSpan.FromSeconds(1));
        while (busy > maxBusyPercent && clock.Elapsed < timeout)
        {
            busy = BusyPercent(TimeSpan.FromSeconds(1));
        }

        return busy;
    }

    private static (long Busy, long Total) Read()
    {
        // cpu  user nice system idle iowait irq softirq steal guest guest_nice
        var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Take(8)
            .Select(f => long.Parse(f, CultureInfo.InvariantCulture)).ToArray();
        var total = fields.Sum();
        return (total - fields[3] - fields[4], total);
    }
}

/// <summary>
/// SplitMix64 (Steele, Lea, Flood 2014): tiny, fast and fully specified, so the generated inputs are byte-identical on
/// every machine and runtime (System.Random's algorithm is not part of its contract).
/// </summary>
internal sealed class SplitMix64(ulong seed)
{
    private ulong _state = seed;

    public ulong Next()
    {
        unchecked
        {
            var z = _state += 0x9E3779B97F4A7C15UL;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return z ^ (z >> 31);
        }
    }

    /// <summary>Uniform in [0, n) (the modulo bias is irrelevant for test data).</summary>
    public long Below(long n) => (long)(Next() % (ulong)n);

    /// <summary>True with probability percent/100.</summary>
    public bool Percent(int percent) => Below(100) < percent;
}

/// <summary>What a workload process reports on its last stdout line: <c>RESULT {json}</c>.</summary>
internal static class Result
{
    public const string Prefix = "RESULT ";

    public static void Print(Dictionary<string, object?> values)
    {
        values["peak_kb"] = PeakMemory.SelfKilobytes();
        values["cpu_seconds"] = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds;
        Console.Out.WriteLine(Prefix + JsonSerializer.Serialize(values));
        Console.Out.Flush();
    }
}
