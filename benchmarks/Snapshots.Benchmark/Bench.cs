using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace LabelPipeline.Benchmarks;

/// <summary>One run of one side of one workload.</summary>
/// <param name="Seconds">The work as the process timed it (inputs opened → outputs closed).</param>
/// <param name="ProcessSeconds">The whole process as the parent timed it (runtime start-up / pandas import included).</param>
/// <param name="PeakKb">The process's VmHWM.</param>
/// <param name="CpuSeconds">The process's user + system CPU time, start-up included.</param>
/// <param name="Busy">How busy the cores were (%) in the second before the process started: other work competing.</param>
internal sealed record Sample(double Seconds, double ProcessSeconds, long PeakKb, double CpuSeconds, double Busy, IReadOnlyDictionary<string, double> Values)
{
    public long Count(string name) => (long)Values.GetValueOrDefault(name, -1);
}

/// <summary>A table row: one workload at one size, both sides.</summary>
internal sealed record Measurement(string Workload, string Size, string Unit, long Items, IReadOnlyList<Sample> Net, IReadOnlyList<Sample>? Pandas, string Check)
{
    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }

    public double NetSeconds => Median(Net.Select(s => s.Seconds));
    public double? PandasSeconds => Pandas is null ? null : Median(Pandas.Select(s => s.Seconds));
    public double NetRate => Items / NetSeconds;
    public double? PandasRate => Items / PandasSeconds;
    public double? Ratio => PandasSeconds / NetSeconds;
    public double NetPeakMb => Net.Max(s => s.PeakKb) / 1024.0;
    public double? PandasPeakMb => Pandas?.Max(s => s.PeakKb) / 1024.0;
    public double NetProcessSeconds => Median(Net.Select(s => s.ProcessSeconds));
    public double? PandasProcessSeconds => Pandas is null ? null : Median(Pandas.Select(s => s.ProcessSeconds));
    public double NetCpuSeconds => Median(Net.Select(s => s.CpuSeconds));
    public double? PandasCpuSeconds => Pandas is null ? null : Median(Pandas.Select(s => s.CpuSeconds));
}

/// <summary>
/// Generates the inputs, runs each workload's .NET process and pandas process on identical inputs (several repetitions,
/// alternating which side goes first), checks both produced the same result, and prints the table.
/// </summary>
internal sealed class Bench(Arguments args)
{
    private readonly string _data = Path.GetFullPath(args.Get("data", Path.Combine(Path.GetTempPath(), "labelpipeline-bench")));
    private readonly string _python = args.Get("python", "/usr/bin/python3");
    private readonly string _script = Path.GetFullPath(args.Required("pandas-script"));
    private readonly string _template = args.Required("template");
    private readonly int _reps = args.Int("reps", 3);
    private readonly IReadOnlyList<int> _tasks = args.Ints("tasks", "500,2000");
    private readonly int _regionsPerTask = args.Int("regions-per-task", 50);
    private readonly IReadOnlyList<int> _rows = args.Ints("rows", "1000000,5000000");
    private readonly int _channels = args.Int("channels", 10);
    private readonly int _snapshotReps = args.Int("snapshot-reps", 1);
    private readonly double _quietPercent = args.Int("quiet-percent", 15);
    private readonly TimeSpan _quietWait = TimeSpan.FromSeconds(args.Int("quiet-wait", 30));
    private TimeSpan _quietBudget = TimeSpan.FromSeconds(args.Int("quiet-budget", 180));
    private readonly List<Measurement> _results = [];
    private readonly List<string> _failures = [];
    private string _out = string.Empty;

    public int Run()
    {
        if (_tasks.Count != _rows.Count)
        {
            throw new ArgumentException("--tasks and --rows need the same number of sizes (small,...,full).");
        }

        var template = File.ReadAllText(_template);
        Directory.CreateDirectory(_data);
        _out = Path.Combine(_data, "out");
        if (Directory.Exists(_out))
        {
            Directory.Delete(_out, recursive: true);
        }

        Directory.CreateDirectory(_out);
        var clock = Stopwatch.StartNew();
        var sizes = _tasks.Select((t, i) => (Export: DataGenerator.EnsureExport(_data, template, t, _regionsPerTask, _channels),
            Dense: DataGenerator.EnsureDense(_data, template, _rows[i], _channels))).ToArray();
        Console.Error.WriteLine($"inputs ready in {clock.Elapsed.TotalSeconds:F1} s under {_data}");

        foreach (var (export, dense) in sizes)
        {
            MeasureExport(export);
            MeasureDense(dense);
        }

        Directory.Delete(_out, recursive: true);
        var report = Report(clock.Elapsed);
        Console.Out.Write(report);
        File.WriteAllText(Path.Combine(_data, "results.md"), report, new UTF8Encoding(false));
        Console.Error.WriteLine($"(also written to {Path.Combine(_data, "results.md")})");
        return _failures.Count == 0 ? 0 : 1;
    }

    private void MeasureExport(InputSet set)
    {
        var size = $"{set.Regions / _regionsPerTask:N0} tasks × {_regionsPerTask} regions";
        var net = new List<Sample>();
        var pandas = new List<Sample>();
        var check = "identical labels.csv";
        byte[]? expected = null;
        for (var rep = 1; rep <= _reps; rep++)
        {
            var netOut = Path.Combine(_out, "net-labels.csv");
            var pandasOut = Path.Combine(_out, "pandas-labels.csv");
            var sides = new (Func<Sample> Run, List<Sample> Into)[]
            {
                (() => RunSelf("export", "--export", set.ExportFile, "--config", set.ConfigFile, "--out", netOut), net),
                (() => RunPandas("export", "--export", set.ExportFile, "--config", set.ConfigFile, "--out", pandasOut), pandas),
            };
            RunAlternating(sides, rep);
            var n = net[^1];
            var p = pandas[^1];
            var a = File.ReadAllBytes(netOut);
            var b = File.ReadAllBytes(pandasOut);
            expected ??= b;
            if (!a.AsSpan().SequenceEqual(b) || !b.AsSpan().SequenceEqual(expected) || n.Count("regions") != set.Regions || p.Count("regions") != set.Regions
                || n.Count("anomalous_regions") != p.Count("anomalous_regions") || n.Count("lookout_rows") != p.Count("lookout_rows"))
            {
                check = Fail($"(a) {size} rep {rep}: outputs differ — .NET {n.Count("regions")} regions, {n.Count("anomalous_regions")} anomalous, " +
                             $"{n.Count("lookout_rows")} rows ({a.Length} bytes); pandas {p.Count("regions")}, {p.Count("anomalous_regions")}, {p.Count("lookout_rows")} ({b.Length} bytes)");
            }
            else
            {
                check = $"identical labels.csv: {p.Count("lookout_rows"):N0} merged rows from {p.Count("anomalous_regions"):N0} anomalous regions";
            }
        }

        _results.Add(new Measurement("(a) export → labels.csv", size, "regions", set.Regions, net, pandas, check));
        MeasureFloor(set, size);
        if (_snapshotReps > 0)
        {
            MeasureSnapshot("(a′) full snapshot of that export", size, "regions", set.Regions, set, "lookout/labels.csv", expected!);
        }
    }

    /// <summary>(a₀), .NET only: the export tokenised and nothing else (<see cref="Workloads.Scan"/>), what (a) cannot go below.</summary>
    private void MeasureFloor(InputSet set, string size)
    {
        var floor = new List<Sample>();
        for (var rep = 1; rep <= _reps; rep++)
        {
            floor.Add(RunSelf("scan", "--export", set.ExportFile));
        }

        var tokens = floor.Select(s => s.Count("tokens")).Distinct().ToArray();
        var check = tokens is [> 0 and var count]
            ? $"{count:N0} tokens ({floor[0].Count("strings"):N0} strings) in every run"
            : Fail($"{FloorWorkload} {size}: token counts differ between runs ({string.Join(", ", tokens)})");
        _results.Add(new Measurement(FloorWorkload, size, "regions", set.Regions, floor, null, check));
    }

    private const string FloorWorkload = "(a₀) floor: that export tokenised by Utf8JsonReader, nothing else";

    private void MeasureDense(InputSet set)
    {
        var size = $"{set.Rows:N0} rows × {_channels} ch";
        var net = new List<Sample>();
        var pandas = new List<Sample>();
        var check = string.Empty;
        string? expectedHash = null;
        var series = Path.Combine(set.SeriesDirectory, "series.csv");
        for (var rep = 1; rep <= _reps; rep++)
        {
            var netOut = Path.Combine(_out, "net-dense.csv");
            var pandasOut = Path.Combine(_out, "pandas-dense.csv");
            var sides = new (Func<Sample> Run, List<Sample> Into)[]
            {
                (() => RunSelf("dense", "--export", set.ExportFile, "--config", set.ConfigFile, "--series", series, "--out", netOut), net),
                (() => RunPandas("dense", "--export", set.ExportFile, "--config", set.ConfigFile, "--series", series, "--out", pandasOut), pandas),
            };
            RunAlternating(sides, rep);
            var p = pandas[^1];
            var netHash = Sha256(netOut);
            var pandasHash = Sha256(pandasOut);
            if (rep == 1)
            {
                var (rows, anomalous) = CountDense(netOut);
                if (rows != set.Rows || rows != p.Count("rows") || anomalous != p.Count("anomalous_rows"))
                {
                    check = Fail($"(b) {size}: .NET wrote {rows:N0} rows, {anomalous:N0} anomalous; pandas {p.Count("rows"):N0}, {p.Count("anomalous_rows"):N0}");
                }
                else
                {
                    check = $"byte-identical dense CSV: {anomalous:N0} of {rows:N0} rows anomalous ({100.0 * anomalous / rows:F1} %)";
                }

                expectedHash = pandasHash;
            }

            if (netHash != pandasHash || pandasHash != expectedHash)
            {
                check = Fail($"(b) {size} rep {rep}: dense outputs differ (.NET sha256 {netHash}, pandas {pandasHash}); first difference: {FirstDifference(netOut, pandasOut)}");
            }

            File.Delete(netOut);
            File.Delete(pandasOut);
        }

        _results.Add(new Measurement("(b) dense alignment", size, "rows", set.Rows, net, pandas, check));
        if (_snapshotReps > 0)
        {
            MeasureSnapshot("(b′) full snapshot of that series", size, "rows", set.Rows, set, "dense/series.csv", null, expectedHash);
        }
    }

    /// <summary>
    /// .NET only: SnapshotBuilder.BuildInto does more than the pandas reference (intervals, manifest, hashes). Measured
    /// twice in the same run, alternating: with the quality files (agreement, detector) and without them (the peer), so
    /// their cost is a difference under the same load.
    /// </summary>
    private void MeasureSnapshot(string workload, string size, string unit, long items, InputSet set, string file, byte[]? expected, string? expectedHash = null)
    {
        var net = new List<Sample>();
        var peer = new List<Sample>();
        var check = string.Empty;
        for (var rep = 1; rep <= _snapshotReps; rep++)
        {
            var directory = Path.Combine(_out, "snapshot");
            var peerDirectory = Path.Combine(_out, "snapshot-peer");
            RunAlternating(
            [
                (() => RunSelf("snapshot", "--export", set.ExportFile, "--config", set.ConfigFile, "--series-dir", set.SeriesDirectory, "--out", directory), net),
                (() => RunSelf("snapshot", "--export", set.ExportFile, "--config", set.ConfigFile, "--series-dir", set.SeriesDirectory, "--out", peerDirectory, "--quality", "false"), peer),
            ], rep);
            var produced = Path.Combine(directory, file);
            var same = expected is not null ? File.ReadAllBytes(produced).AsSpan().SequenceEqual(expected) : Sha256(produced) == expectedHash;
            var quality = Directory.Exists(Path.Combine(directory, "quality")) ? string.Join(", ", Directory.GetFiles(Path.Combine(directory, "quality")).Select(Path.GetFileName).Order()) : "no quality files";
            check = same ? $"{file} identical to pandas' output; {quality}" : Fail($"{workload} {size} rep {rep}: {file} differs from pandas' output");
            Directory.Delete(directory, recursive: true);
            Directory.Delete(peerDirectory, recursive: true);
        }

        _results.Add(new Measurement(workload, size, unit, items, net, null, check));
        _results.Add(new Measurement(workload + " without the quality files (peer)", size, unit, items, peer, null,
            $"quality files add {100 * (Median(net, s => s.Seconds) / Median(peer, s => s.Seconds) - 1):F1} % work time, "
            + $"{100 * (Median(net, s => s.CpuSeconds) / Median(peer, s => s.CpuSeconds) - 1):F1} % CPU time (medians)"));
    }

    private static double Median(List<Sample> samples, Func<Sample, double> value)
    {
        var values = samples.Select(value).Order().ToArray();
        return values[values.Length / 2];
    }

    private static void RunAlternating((Func<Sample> Run, List<Sample> Into)[] sides, int rep)
    {
        foreach (var side in rep % 2 == 1 ? sides : sides.Reverse())
        {
            side.Into.Add(side.Run());
        }
    }

    private string Fail(string message)
    {
        _failures.Add(message);
        Console.Error.WriteLine("MISMATCH: " + message);
        return "**MISMATCH** " + message;
    }

    private Sample RunSelf(params string[] arguments)
    {
        var self = Environment.ProcessPath!;
        return Path.GetFileNameWithoutExtension(self) == "dotnet"
            ? Run(".NET", self, [typeof(Bench).Assembly.Location, .. arguments], DotnetEnvironment)
            : Run(".NET", self, arguments, DotnetEnvironment);
    }

    private Sample RunPandas(params string[] arguments) => Run("pandas", _python, [_script, .. arguments]);

    /// <summary>The runtime setting build.sh gives the pipeline (a 16 MB first GC generation), unless the caller set one: the .NET side runs as users run it.</summary>
    private static readonly IReadOnlyDictionary<string, string> DotnetEnvironment = new Dictionary<string, string>
    {
        ["DOTNET_GCgen0size"] = Environment.GetEnvironmentVariable("DOTNET_GCgen0size") ?? "0x1000000",
    };

    private Sample Run(string side, string fileName, IReadOnlyList<string> arguments, IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(fileName) { RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        var waiting = Stopwatch.StartNew();
        var busy = CpuActivity.WaitForQuiet(_quietPercent, _quietWait < _quietBudget ? _quietWait : _quietBudget);
        _quietBudget -= waiting.Elapsed;
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {fileName}.");
        var stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        clock.Stop();
        var line = stdout.Split('\n').LastOrDefault(l => l.StartsWith(Result.Prefix, StringComparison.Ordinal));
        if (process.ExitCode != 0 || line is null)
        {
            throw new InvalidOperationException($"{side} {string.Join(' ', arguments)} failed (exit {process.ExitCode}):\n{stdout}");
        }

        using var json = JsonDocument.Parse(line[Result.Prefix.Length..]);
        var values = json.RootElement.EnumerateObject()
            .Where(p => p.Value.ValueKind == JsonValueKind.Number)
            .ToDictionary(p => p.Name, p => p.Value.GetDouble(), StringComparer.Ordinal);
        var sample = new Sample(values["seconds"], clock.Elapsed.TotalSeconds, (long)values["peak_kb"], values["cpu_seconds"], busy, values);
        Console.Error.WriteLine(
            $"  {side,-6} {arguments.FirstOrDefault(a => !a.EndsWith(".dll", StringComparison.Ordinal) && !a.EndsWith(".py", StringComparison.Ordinal)),-8} " +
            $"{sample.Seconds,8:F3} s work, {sample.ProcessSeconds,8:F3} s process, {sample.CpuSeconds,8:F3} s CPU, peak {sample.PeakKb / 1024.0,7:F1} MB, cores {busy:F0} % busy before");
        return sample;
    }

    private static string Sha256(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    /// <summary>Data rows and rows with is_anomaly = 1 (the second-to-last field) in a dense CSV.</summary>
    private static (long Rows, long Anomalous) CountDense(string path)
    {
        long rows = 0, anomalous = 0;
        using var reader = new StreamReader(path, Encoding.UTF8, false, 1 << 20);
        reader.ReadLine();
        while (reader.ReadLine() is { } line)
        {
            rows++;
            var last = line.LastIndexOf(',');
            if (last >= 2 && line[last - 1] == '1' && line[last - 2] == ',')
            {
                anomalous++;
            }
        }

        return (rows, anomalous);
    }

    private static string FirstDifference(string a, string b)
    {
        using var x = new StreamReader(a);
        using var y = new StreamReader(b);
        for (var line = 1; ; line++)
        {
            var l = x.ReadLine();
            var r = y.ReadLine();
            if (l != r)
            {
                return $"line {line}: .NET '{l}' vs pandas '{r}'";
            }

            if (l is null)
            {
                return "none by line (line endings?)";
            }
        }
    }

    private string Report(TimeSpan total)
    {
        var text = new StringBuilder();
        var inv = CultureInfo.InvariantCulture;
        var busy = _results.SelectMany(m => m.Net.Concat(m.Pandas ?? [])).Select(s => s.Busy).ToArray();
        text.AppendLine();
        text.AppendLine(inv, $"Machine: {Machine()}");
        text.AppendLine(inv,
            $"Repetitions: {_reps} per side and size ({_snapshotReps} for the .NET-only full snapshots), median shown; every run is a fresh process, alternating which side goes first; peak = the largest VmHWM over the runs.");
        var contended = busy.Max() > _quietPercent
            ? $" — other work was competing for the cores (each run waits up to {_quietWait.TotalSeconds:F0} s, {args.Int("quiet-budget", 180)} s in all, for ≤ {_quietPercent:F0} %), so wall times are noisy; CPU times are below."
            : ".";
        text.AppendLine(inv, $"Cores busy with other work in the second before each run: {busy.Min():F0}–{busy.Max():F0} % (median {Measurement.Median(busy):F0} %){contended}");
        text.AppendLine();
        text.AppendLine("Work time (inputs opened → outputs closed, as each process timed itself; runtime start-up and pandas import excluded):");
        text.AppendLine();
        text.AppendLine("| workload | size | .NET s | pandas s | .NET /s | pandas /s | × pandas | .NET peak MB | pandas peak MB |");
        text.AppendLine("|---|---|--:|--:|--:|--:|--:|--:|--:|");
        foreach (var m in _results)
        {
            var ratio = m.Pandas is null ? $"({Reference(m)?.PandasSeconds / m.NetSeconds:F1}×)" : $"**{m.Ratio:F1}×**";
            text.AppendLine(inv,
                $"| {m.Workload} | {m.Size} | {m.NetSeconds:F2} | {(m.Pandas is null ? "–" : $"{m.PandasSeconds:F2}")} | " +
                $"{m.NetRate:N0} {m.Unit} | {(m.Pandas is null ? "–" : $"{m.PandasRate:N0} {m.Unit}")} | {ratio} | {m.NetPeakMb:F0} | {(m.Pandas is null ? "–" : $"{m.PandasPeakMb:F0}")} |");
        }

        text.AppendLine();
        text.AppendLine("Whole process (wall from start to exit, and user+system CPU; start-up included on both sides):");
        text.AppendLine();
        text.AppendLine("| workload | size | .NET wall s | pandas wall s | × pandas (wall) | .NET CPU s | pandas CPU s | × pandas (CPU) |");
        text.AppendLine("|---|---|--:|--:|--:|--:|--:|--:|");
        foreach (var m in _results.Where(m => m.Pandas is not null || m.Workload == FloorWorkload))
        {
            var reference = m.Pandas is null ? Reference(m)! : m;
            text.AppendLine(inv,
                $"| {m.Workload} | {m.Size} | {m.NetProcessSeconds:F2} | {(m.Pandas is null ? "–" : $"{m.PandasProcessSeconds:F2}")} | " +
                $"{(m.Pandas is null ? "(" : "")}{reference.PandasProcessSeconds / m.NetProcessSeconds:F1}×{(m.Pandas is null ? ")" : "")} | " +
                $"{m.NetCpuSeconds:F2} | {(m.Pandas is null ? "–" : $"{m.PandasCpuSeconds:F2}")} | " +
                $"{(m.Pandas is null ? "(" : "")}{reference.PandasCpuSeconds / m.NetCpuSeconds:F1}×{(m.Pandas is null ? ")" : "")} |");
        }

        text.AppendLine();
        text.AppendLine("Checks:");
        foreach (var m in _results)
        {
            text.AppendLine(inv, $"- {m.Workload}, {m.Size}: {m.Check}");
        }

        text.AppendLine();
        text.AppendLine("Targets (≥ 10× pandas; .NET peak < 150 MB; flat = the full size's peak within 10 % of the smallest size's):");
        foreach (var group in _results.Where(m => m.Pandas is not null).GroupBy(m => m.Workload))
        {
            var rows = group.ToArray();
            var (small, full) = (rows[0], rows[^1]);
            var growth = full.NetPeakMb / small.NetPeakMb;
            text.AppendLine(inv,
                $"- {group.Key}: speed {Verdict(rows.All(r => r.Ratio >= 10))} ({string.Join(", ", rows.Select(r => $"{r.Ratio:F1}×"))}); " +
                $"memory {Verdict(rows.All(r => r.NetPeakMb < 150))} ({string.Join(", ", rows.Select(r => $"{r.NetPeakMb:F0} MB"))}); " +
                $"flat {Verdict(growth <= 1.10)} ({small.NetPeakMb:F0} → {full.NetPeakMb:F0} MB for ×{(double)full.Items / small.Items:F0} input; " +
                $"pandas {small.PandasPeakMb:F0} → {full.PandasPeakMb:F0} MB)");
        }

        foreach (var floor in _results.Where(m => m.Workload == FloorWorkload))
        {
            var conversion = Reference(floor)!;
            var budget = conversion.PandasCpuSeconds!.Value / 10;
            var left = floor.NetCpuSeconds > budget
                ? "the tokenising alone is over the budget"
                : string.Create(inv, $"{budget - floor.NetCpuSeconds:F3} s left for the conversion's own work");
            text.AppendLine(inv,
                $"- {FloorWorkload}, {floor.Size}: {floor.NetCpuSeconds:F2} s of CPU for the whole process, against a 10× budget of {budget:F3} s " +
                $"(pandas' {conversion.PandasCpuSeconds:F2} s / 10; (a) takes {conversion.NetCpuSeconds:F2} s): {left}");
        }

        foreach (var group in _results.Where(m => m.Pandas is null && m.Workload != FloorWorkload).GroupBy(m => m.Workload))
        {
            var rows = group.ToArray();
            var (small, full) = (rows[0], rows[^1]);
            text.AppendLine(inv,
                $"- {group.Key} (.NET only; SnapshotBuilder.BuildInto writes every snapshot file, more than the pandas reference does): " +
                $"{string.Join(", ", rows.Select(r => $"{r.NetSeconds:F2} s"))}; memory {Verdict(rows.All(r => r.NetPeakMb < 150))}, " +
                $"flat {Verdict(full.NetPeakMb / small.NetPeakMb <= 1.10)} ({string.Join(" → ", rows.Select(r => $"{r.NetPeakMb:F0} MB"))})");
        }

        text.AppendLine();
        var verdict = _failures.Count == 0 ? "Both sides produced the same results." : $"{_failures.Count} MISMATCHES: the numbers prove nothing.";
        text.AppendLine(inv, $"Total benchmark time {total.TotalMinutes:F1} min. {verdict}");
        return text.ToString();
    }

    private Measurement? Reference(Measurement snapshot) =>
        _results.FirstOrDefault(m => m.Pandas is not null && m.Size == snapshot.Size && m.Unit == snapshot.Unit);

    private static string Verdict(bool met) => met ? "MET" : "MISSED";

    private string Machine()
    {
        var cpu = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown CPU";
        var memory = File.ReadLines("/proc/meminfo").FirstOrDefault(l => l.StartsWith("MemTotal:", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "?";
        var os = File.Exists("/etc/os-release")
            ? File.ReadLines("/etc/os-release").FirstOrDefault(l => l.StartsWith("PRETTY_NAME=", StringComparison.Ordinal))?.Split('=', 2)[1].Trim('"')
            : RuntimeInformation.OSDescription;
        var kb = long.Parse(memory.Split(' ')[0], CultureInfo.InvariantCulture);
        var python = RunText(_python, [_script, "versions"]);
        return $"{cpu}, {Environment.ProcessorCount} cores, {kb / 1024.0 / 1024.0:F0} GB RAM, {os}; {RuntimeInformation.FrameworkDescription}; {python}";
    }

    private static string RunText(string fileName, IReadOnlyList<string> arguments)
    {
        var start = new ProcessStartInfo(fileName) { RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var text = process.StandardOutput.ReadToEnd().Trim();
        process.WaitForExit();
        return text;
    }
}
