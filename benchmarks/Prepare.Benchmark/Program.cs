using System.Diagnostics;
using System.Globalization;
using System.Text;
using LabelPipeline.Datasets;
using LabelPipeline.Prepare;

// Prepare benchmark: `bench` generates deterministic sources (once, reused while their parameters match) and runs
// `prepare` on each in a fresh process, so each size's peak memory (VmHWM) is its own; the table goes to stdout and
// <data>/prepare-results.md.
return args.FirstOrDefault() switch
{
    "bench" => Bench(Options.Parse(args[1..])),
    "prepare" => PrepareOnce(args[1], args[2]),
    "editor" => EditorRender.Run(Options.Parse(args[1..]), args),
    "generate" => Sources.GenerateMany(args[1], int.Parse(args[2], CultureInfo.InvariantCulture), long.Parse(args[3], CultureInfo.InvariantCulture), int.Parse(args[4], CultureInfo.InvariantCulture)),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: Prepare.Benchmark bench [--data DIR] [--rows 1000000,5000000,40000000] [--channels 10] [--reps 1]\n" +
                            "       Prepare.Benchmark prepare <dataset version folder> <prepared folder>\n" +
                            "       Prepare.Benchmark generate <dataset version folder> <series> <rows each> <channels>   (prepare-compare.sh's inputs)\n" +
                            "       Prepare.Benchmark editor [--data DIR] [--shapes 20x12500,1x50000] [--prepared DIR --pick 3] [--reps 3] --template T --tool lsf-check.js");
    return 2;
}

static int Bench(Options options)
{
    var results = new List<string>
    {
        "| source rows | channels | source size | task files | rows per task | seconds | rows/s | MB/s | peak memory |",
        "|--:|--:|--:|--:|--:|--:|--:|--:|--:|",
    };
    foreach (var rows in options.Rows)
    {
        var folder = Path.Combine(options.Data, $"prepare-{rows}x{options.Channels}", "v1");
        var source = GenerateSource(folder, rows, options.Channels);
        var bytes = new FileInfo(source).Length;
        var runs = new List<(double Seconds, long Tasks, long RowsPerTask, long PeakKb)>();
        for (var rep = 0; rep < options.Reps; rep++)
        {
            var output = Path.Combine(options.Data, $"prepared-{rows}x{options.Channels}");
            if (Directory.Exists(output))
            {
                Directory.Delete(output, recursive: true); // a cold run: nothing to skip
            }

            var self = Environment.ProcessPath!;
            var start = new ProcessStartInfo(self) { RedirectStandardOutput = true };
            if (self.EndsWith("dotnet", StringComparison.Ordinal))
            {
                start.ArgumentList.Add(typeof(Options).Assembly.Location);
            }

            start.ArgumentList.Add("prepare");
            start.ArgumentList.Add(folder);
            start.ArgumentList.Add(output);
            using var process = Process.Start(start)!;
            var line = process.StandardOutput.ReadToEnd().Trim().Split('\n')[^1];
            process.WaitForExit();
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"prepare {folder} failed: {line}");
            }

            var parts = line.Split(' ');
            runs.Add((double.Parse(parts[0], CultureInfo.InvariantCulture), long.Parse(parts[1], CultureInfo.InvariantCulture), long.Parse(parts[2], CultureInfo.InvariantCulture), long.Parse(parts[3], CultureInfo.InvariantCulture)));
            Directory.Delete(output, recursive: true);
        }

        var median = runs.OrderBy(r => r.Seconds).ElementAt(runs.Count / 2);
        var row = string.Create(CultureInfo.InvariantCulture,
            $"| {rows:N0} | {options.Channels} | {bytes / 1048576.0:N0} MB | {median.Tasks:N0} | {median.RowsPerTask:N0} | {median.Seconds:0.0} | {rows / median.Seconds:N0} | {bytes / 1048576.0 / median.Seconds:0.0} | {runs.Max(r => r.PeakKb) / 1024.0:0} MB |");
        Console.WriteLine(row);
        results.Add(row);
    }

    File.WriteAllLines(Path.Combine(options.Data, "prepare-results.md"), results);
    Console.WriteLine(string.Join('\n', results));
    return 0;
}

static int PrepareOnce(string folder, string output)
{
    var dataset = Dataset.Open("bench", "v1", folder);
    var clock = Stopwatch.StartNew();
    var result = DatasetPreparer.Run(dataset, new PrepareOptions(), output, CancellationToken.None);
    clock.Stop();
    var peak = File.ReadLines("/proc/self/status").Where(l => l.StartsWith("VmHWM:", StringComparison.Ordinal))
        .Select(l => long.Parse(l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture)).FirstOrDefault();
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{clock.Elapsed.TotalSeconds:0.000} {result.TaskFiles.Files.Count} {result.Manifest.Settings.RowsPerTask} {peak}"));
    return 0;
}

// A 1 Hz series with `channels` smooth channels, a few spikes and a missing cell now and then (deterministic).
static string GenerateSource(string folder, long rows, int channels) => Sources.Generate(folder, rows, channels);

internal static partial class Sources
{
    /// <summary>
    /// <paramref name="series"/> sources of <paramref name="rows"/> rows each (the one-file generator's series, so the
    /// same content in each) into one dataset folder; done once, kept while the marker is there.
    /// </summary>
    public static int GenerateMany(string folder, int series, long rows, int channels)
    {
        var marker = Path.Combine(folder, $".complete-{series}x{rows}x{channels}");
        if (File.Exists(marker))
        {
            return 0;
        }

        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }

        var scratch = folder + ".generating";
        for (var s = 0; s < series; s++)
        {
            var one = Generate(Path.Combine(scratch, s.ToString(CultureInfo.InvariantCulture)), rows, channels);
            Directory.CreateDirectory(folder);
            File.Move(one, Path.Combine(folder, series == 1 ? "series.csv" : $"s{s:D4}.csv"));
        }

        Directory.Delete(scratch, recursive: true);
        File.WriteAllText(marker, string.Empty);
        return 0;
    }

    public static string Generate(string folder, long rows, int channels)
{
    var file = Path.Combine(folder, "series.csv");
    var marker = Path.Combine(folder, ".complete");
    if (File.Exists(marker))
    {
        return file;
    }

    Directory.CreateDirectory(folder);
    var t0 = new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc);
    using (var writer = new StreamWriter(file, false, new UTF8Encoding(false), 1 << 20) { NewLine = "\n" })
    {
        writer.WriteLine("timestamp," + string.Join(',', Enumerable.Range(0, channels).Select(c => $"sensor_{c:D2}")));
        var line = new StringBuilder();
        Span<char> buffer = stackalloc char[32];
        for (long i = 0; i < rows; i++)
        {
            line.Clear();
            t0.AddSeconds(i).TryFormat(buffer, out var n, "yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
            line.Append(buffer[..n]);
            for (var c = 0; c < channels; c++)
            {
                line.Append(',');
                if ((i + c) % 100_003 == 7)
                {
                    continue; // missing
                }

                var value = 50 + (10 * Math.Sin((i / 600.0) + c)) + ((i * 7 + c) % 5) + (i % 250_000 == 0 ? 40 : 0);
                value.TryFormat(buffer, out n, "0.###", CultureInfo.InvariantCulture);
                line.Append(buffer[..n]);
            }

            writer.WriteLine(line);
        }
    }

    File.WriteAllText(marker, string.Empty);
    return file;
}

}

internal sealed record Options(string Data, long[] Rows, int Channels, int Reps)
{
    public static Options Parse(string[] args)
    {
        string Get(string name, string fallback)
        {
            var i = Array.IndexOf(args, "--" + name);
            return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
        }

        return new Options(
            Get("data", "benchmarks/.data"),
            Get("rows", "1000000,5000000,40000000").Split(',').Select(r => long.Parse(r, CultureInfo.InvariantCulture)).ToArray(),
            int.Parse(Get("channels", "10"), CultureInfo.InvariantCulture),
            int.Parse(Get("reps", "1"), CultureInfo.InvariantCulture));
    }
}
