using System.Globalization;
using System.Text;
using System.Text.Json;

namespace LabelPipeline.DatasetGenerator;

/// <summary>
/// dotnet run --project datasets/generator -- [--output datasets/synthetic/v1] [--start 2021-01-01] [--months 6]
///     [--interval-minutes 10] [--channels 20] [--seed N] [--check]
/// </summary>
public static class Program
{
    public const int ExitOk = 0;
    public const int ExitDifferences = 1;
    public const int ExitInvalidOptions = 2;
    public const int ExitIoError = 3;

    public static int Main(string[] args)
    {
        GeneratorOptions? options;
        try
        {
            options = GeneratorOptions.Parse(args, DefaultOutput());
        }
        catch (OptionsException e)
        {
            Console.Error.WriteLine("error: " + e.Message.Replace("\n", "\nerror: ", StringComparison.Ordinal));
            Console.Error.WriteLine("Run with --help for the options.");
            return ExitInvalidOptions;
        }

        if (options is null)
        {
            Console.WriteLine(GeneratorOptions.Usage);
            return ExitOk;
        }

        var dataset = DatasetGenerator.Generate(options);
        foreach (var note in dataset.Notes)
        {
            Console.WriteLine("note: " + note);
        }

        try
        {
            return options.Check ? Check(options, dataset) : Write(options, dataset);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return ExitIoError;
        }
    }

    /// <summary>
    /// The committed dataset's folder: datasets/synthetic/v1 under the repository root, found from the working
    /// directory (or, failing that, from the generator's own build output), so it does not matter where it runs from.
    /// </summary>
    private static string DefaultOutput()
    {
        foreach (var origin in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(origin); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "datasets", "generator", "Generator.csproj")))
                {
                    return Path.Combine(dir.FullName, "datasets", "synthetic", "v1");
                }
            }
        }

        return Path.Combine("datasets", "synthetic", "v1");
    }

    private static string Show(string path)
    {
        var relative = Path.GetRelativePath(Directory.GetCurrentDirectory(), path);
        return relative.StartsWith("..", StringComparison.Ordinal) ? path : relative;
    }

    private static int Write(GeneratorOptions options, GeneratedDataset dataset)
    {
        Directory.CreateDirectory(options.Output);
        foreach (var file in dataset.Files)
        {
            var state = WriteIfChanged(Path.Combine(options.Output, file.Name), file.Content);
            Console.WriteLine($"{Show(Path.Combine(options.Output, file.Name))}: {file.Rows} rows, {file.Content.Length:N0} bytes, " +
                $"{DatasetGenerator.FormatTime(file.First)} → {DatasetGenerator.FormatTime(file.Last)} ({state})");
        }

        var truthState = WriteIfChanged(options.GroundTruthPath, dataset.GroundTruth);
        Console.WriteLine($"{Show(options.GroundTruthPath)}: {dataset.Anomalies.Count} anomalies, {dataset.GroundTruth.Length:N0} bytes ({truthState})");
        foreach (var anomaly in dataset.Anomalies)
        {
            Console.WriteLine($"  {anomaly.Spec.Id} {AnomalySpec.KindName(anomaly.Spec.Kind),-11} {DatasetGenerator.FormatTime(anomaly.Start)} → " +
                $"{DatasetGenerator.FormatTime(anomaly.End)}  {anomaly.Rows,4} rows  " +
                $"{DatasetGenerator.ChannelName(anomaly.Channels[0])}..{DatasetGenerator.ChannelName(anomaly.Channels[^1])}");
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"values {dataset.Min:F2}..{dataset.Max:F2} (outside anomalies {dataset.NormalMin:F2}..{dataset.NormalMax:F2}), " +
            $"{dataset.Files.Sum(f => f.Rows)} rows x {options.Channels} channels"));

        var stale = Directory.EnumerateFiles(options.Output, "*.csv")
            .Select(Path.GetFileName)
            .Where(name => dataset.Files.All(f => f.Name != name))
            .Order(StringComparer.Ordinal)
            .ToArray();
        foreach (var name in stale)
        {
            Console.Error.WriteLine($"warning: {Show(Path.Combine(options.Output, name!))} was not produced by this run, but Label Studio would import it as a task; delete it if it is left over.");
        }

        return ExitOk;
    }

    private static string WriteIfChanged(string path, byte[] content)
    {
        if (File.Exists(path) && File.ReadAllBytes(path).AsSpan().SequenceEqual(content))
        {
            return "unchanged";
        }

        var existed = File.Exists(path);
        var temporary = path + ".tmp";
        File.WriteAllBytes(temporary, content);
        File.Move(temporary, path, overwrite: true);
        return existed ? "updated" : "created";
    }

    private static int Check(GeneratorOptions options, GeneratedDataset dataset)
    {
        var differences = new List<string>();
        var expected = dataset.Files.Select(f => (Path: Path.Combine(options.Output, f.Name), f.Content))
            .Append((Path: options.GroundTruthPath, Content: dataset.GroundTruth));
        foreach (var (path, content) in expected)
        {
            if (!File.Exists(path))
            {
                differences.Add($"{Show(path)}: missing (the generator makes it)");
                continue;
            }

            var actual = File.ReadAllBytes(path);
            if (!actual.AsSpan().SequenceEqual(content))
            {
                differences.Add($"{Show(path)}: {Describe(content, actual)}");
            }
        }

        if (Directory.Exists(options.Output))
        {
            foreach (var path in Directory.EnumerateFiles(options.Output, "*.csv").Order(StringComparer.Ordinal))
            {
                if (dataset.Files.All(f => f.Name != Path.GetFileName(path)))
                {
                    differences.Add($"{Show(path)}: not made by the generator, but Label Studio would import it as a task");
                }
            }
        }

        var what = $"{dataset.Files.Count} CSV files + {Show(options.GroundTruthPath)} in {Show(options.Output)}";
        if (differences.Count == 0)
        {
            Console.WriteLine($"check: OK, {what} are exactly what the generator makes.");
            return ExitOk;
        }

        Console.Error.WriteLine($"check: {differences.Count} difference(s) between the generator's output and {what}:");
        foreach (var difference in differences)
        {
            Console.Error.WriteLine("  " + difference);
        }

        if (RecordedOptions(options.GroundTruthPath) is { } recorded && recorded != Describe(options))
        {
            Console.Error.WriteLine($"The files on disk were generated with {recorded}; this check used {Describe(options)}.");
        }

        Console.Error.WriteLine("Regenerate with the same options without --check (dotnet run --project datasets/generator -- ...), then commit the result.");
        return ExitDifferences;
    }

    private static string Describe(GeneratorOptions options) => string.Create(CultureInfo.InvariantCulture,
        $"--start {options.Start:yyyy-MM-dd} --months {options.Months} --interval-minutes {options.IntervalMinutes} --channels {options.Channels} --seed {options.Seed}");

    /// <summary>The options recorded in the ground truth on disk (its "generator" block), if it can be read.</summary>
    private static string? RecordedOptions(string path)
    {
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(path));
            var g = document.RootElement.GetProperty("generator");
            return string.Create(CultureInfo.InvariantCulture,
                $"--start {g.GetProperty("start").GetString()} --months {g.GetProperty("months").GetInt32()} --interval-minutes {g.GetProperty("intervalMinutes").GetInt32()} " +
                $"--channels {g.GetProperty("channels").GetInt32()} --seed {g.GetProperty("seed").GetUInt64()}");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            return null;
        }
    }

    /// <summary>Where two versions of a text file first part, with a hint for the usual culprits.</summary>
    private static string Describe(byte[] expected, byte[] actual)
    {
        if (actual.AsSpan().StartsWith(Encoding.UTF8.Preamble))
        {
            return "starts with a UTF-8 byte-order mark; the generator writes none";
        }

        if (actual.AsSpan().IndexOf((byte)'\r') >= 0)
        {
            return "has CRLF line ends; the generator writes LF (check git's core.autocrlf and datasets/.gitattributes)";
        }

        var expectedLines = Encoding.UTF8.GetString(expected).Split('\n');
        var actualLines = Encoding.UTF8.GetString(actual).Split('\n');
        var differing = 0;
        var first = -1;
        for (var i = 0; i < Math.Max(expectedLines.Length, actualLines.Length); i++)
        {
            var e = i < expectedLines.Length ? expectedLines[i] : null;
            var a = i < actualLines.Length ? actualLines[i] : null;
            if (e != a)
            {
                differing++;
                first = first < 0 ? i : first;
            }
        }

        var size = $"{actual.Length:N0} bytes, expected {expected.Length:N0}";
        if (first < 0)
        {
            return $"differs ({size})";
        }

        var summary = $"{differing} line(s) differ ({size}, {actualLines.Length - 1} lines, expected {expectedLines.Length - 1}); first at line {first + 1}";
        var expectedLine = first < expectedLines.Length ? expectedLines[first] : null;
        var actualLine = first < actualLines.Length ? actualLines[first] : null;
        if (expectedLine is not null && actualLine is not null && first > 0 && expectedLines[0].Contains(',', StringComparison.Ordinal))
        {
            // A CSV row: name the first differing cell.
            var header = expectedLines[0].Split(',');
            var e = expectedLine.Split(',');
            var a = actualLine.Split(',');
            for (var i = 0; i < Math.Max(e.Length, a.Length); i++)
            {
                var ec = i < e.Length ? e[i] : "<no field>";
                var ac = i < a.Length ? a[i] : "<no field>";
                if (ec != ac)
                {
                    var column = i < header.Length ? header[i] : $"field {i + 1}";
                    return $"{summary} ({e[0]}), column {column}: expected {Clip(ec)}, found {Clip(ac)}";
                }
            }
        }

        return $"{summary}:\n" +
            $"      expected: {Clip(expectedLine ?? "<end of file>")}\n" +
            $"      found:    {Clip(actualLine ?? "<end of file>")}";
    }

    private static string Clip(string line) => line.Length <= 140 ? line : line[..140] + "…";
}
