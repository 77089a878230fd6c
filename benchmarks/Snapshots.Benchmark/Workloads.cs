using System.Diagnostics;
using System.Text;
using System.Text.Json;
using LabelPipeline.Datasets;
using LabelPipeline.Export;
using LabelPipeline.LabelConfig;

namespace LabelPipeline.Benchmarks;

/// <summary>
/// The .NET side: each workload runs in its own process (so its peak memory is its own), times its work with a
/// Stopwatch from opening the inputs to closing the outputs, and reports on stdout. Runtime start-up is excluded, as
/// the Python interpreter's start and pandas' import are excluded on the other side; the parent also times the process.
/// </summary>
internal static class Workloads
{
    private static readonly UTF8Encoding Utf8 = new(false);

    /// <summary>(a) Label Studio export → Lookout/SiteWise <c>labels.csv</c>: stream tasks, extract regions, merge, render.</summary>
    public static int Export(Arguments args)
    {
        var export = args.Required("export");
        var output = args.Required("out");
        var anomalyLabels = args.Set("anomaly-labels", "Anomaly");
        var clock = Stopwatch.StartNew();
        var config = LabelConfigValidator.Read(File.ReadAllText(args.Required("config")));
        long regions = 0, anomalous = 0;
        var ranges = ExportReader.ReadRanges(export, config)
            .Select(range =>
            {
                regions++;
                anomalous += range.Labels.Any(anomalyLabels.Contains) ? 1 : 0;
                return range;
            });
        var merged = LookoutLabels.Merge(ranges, anomalyLabels);
        File.WriteAllText(output, LookoutLabels.Render(merged), Utf8);
        clock.Stop();
        Result.Print(new()
        {
            ["seconds"] = clock.Elapsed.TotalSeconds,
            ["regions"] = regions,
            ["anomalous_regions"] = anomalous,
            ["lookout_rows"] = merged.Count,
        });
        return 0;
    }

    /// <summary>
    /// (a₀) The floor under (a): the export tokenised by <see cref="Utf8JsonReader"/> over a refilled
    /// 64 KB buffer (as the export reader reads it), and nothing else: no object, no string, no output. What (a) cannot
    /// go below in this runtime, however lean its own work gets.
    /// </summary>
    public static int Scan(Arguments args)
    {
        var clock = Stopwatch.StartNew();
        using var file = new FileStream(args.Required("export"), FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
        var buffer = new byte[1 << 16];
        int start = 0, end = 0;
        var final = false;
        var state = new JsonReaderState();
        long tokens = 0, strings = 0;
        while (true)
        {
            buffer.AsSpan(start, end - start).CopyTo(buffer);
            end -= start;
            start = 0;
            while (!final && end < buffer.Length)
            {
                var read = file.Read(buffer, end, buffer.Length - end);
                final = read == 0;
                end += read;
            }

            var reader = new Utf8JsonReader(buffer.AsSpan(0, end), final, state);
            while (reader.Read())
            {
                tokens++;
                strings += reader.TokenType == JsonTokenType.String ? 1 : 0;
            }

            start = (int)reader.BytesConsumed;
            state = reader.CurrentState;
            if (final)
            {
                break;
            }

            if (start == 0)
            {
                Array.Resize(ref buffer, buffer.Length * 2); // one token longer than the buffer
            }
        }

        clock.Stop();
        Result.Print(new() { ["seconds"] = clock.Elapsed.TotalSeconds, ["tokens"] = tokens, ["strings"] = strings });
        return 0;
    }

    /// <summary>(b) Dense alignment: the series' regions from the export, then <see cref="DenseLabels.Write"/> over the series.</summary>
    public static int Dense(Arguments args)
    {
        var export = args.Required("export");
        var series = args.Required("series");
        var output = args.Required("out");
        var anomalyLabels = args.Set("anomaly-labels", "Anomaly");
        var clock = Stopwatch.StartNew();
        var config = LabelConfigValidator.Read(File.ReadAllText(args.Required("config")));
        var name = Path.GetFileName(series);
        var ranges = ExportReader.ReadRanges(export, config)
            .Where(r => r.SeriesFile == name)
            .ToArray();
        DenseLabels.Write(series, SchemaOf(series, config.TimeFormat), ranges, anomalyLabels, output);
        clock.Stop();
        Result.Print(new()
        {
            ["seconds"] = clock.Elapsed.TotalSeconds,
            ["regions"] = ranges.Length,
        });
        return 0;
    }

    /// <summary>The whole Export step on a saved export: <see cref="SnapshotBuilder.BuildInto"/> (every output + manifest).</summary>
    public static int Snapshot(Arguments args)
    {
        var export = args.Required("export");
        var seriesDirectory = args.Required("series-dir");
        var output = args.Required("out");
        var anomalyLabels = args.Set("anomaly-labels", "Anomaly");
        var clock = Stopwatch.StartNew();
        var configText = File.ReadAllText(args.Required("config"));
        var config = LabelConfigValidator.Read(configText);
        var dataset = Dataset.Open("bench", "v1", seriesDirectory);
        var options = new SnapshotOptions
        {
            Dataset = dataset,
            Schema = SchemaOf(dataset.Files[0], config.TimeFormat),
            LabelConfig = configText,
            AnomalyLabels = anomalyLabels,
            Source = new SnapshotSource("export-file", null, null, null, null),
            Quality = args.Get("quality", "true") != "false", // --quality=false: the peer, without the quality files
        };
        var summary = SnapshotBuilder.BuildInto(export, options, output, CancellationToken.None);
        clock.Stop();
        Result.Print(new()
        {
            ["seconds"] = clock.Elapsed.TotalSeconds,
            ["regions"] = summary.Regions,
            ["lookout_rows"] = summary.LookoutRows,
        });
        return 0;
    }

    /// <summary>Generates one input set (or reuses it) and prints its folder: series/, export.json, label-config.xml.</summary>
    public static int Inputs(Arguments args)
    {
        var data = Path.GetFullPath(args.Required("data"));
        var template = File.ReadAllText(args.Required("template"));
        var channels = args.Int("channels", 10);
        var set = args.Int("rows", 0) is var rows and > 0
            ? DataGenerator.EnsureDense(data, template, rows, channels, args.Int("regions", 0) is var regions and > 0 ? regions : null)
            : DataGenerator.EnsureExport(data, template, args.Int("tasks", 3000), args.Int("regions-per-task", 40), channels);
        Console.WriteLine(set.Directory);
        return 0;
    }

    /// <summary>
    /// The schema as CreateProject records it, from the header (comma-separated, time first, channels after) and the
    /// config's timeFormat. Not <see cref="DatasetInspector.Inspect"/>: that validates every row, a separate cost.
    /// </summary>
    private static SeriesSchema SchemaOf(string file, TimeFormat? format)
    {
        string header;
        using (var reader = new StreamReader(file, Utf8))
        {
            header = reader.ReadLine() ?? throw new InvalidOperationException($"{file} is empty.");
        }

        var columns = header.Split(',');
        return new SeriesSchema(',', columns, columns[0], format, columns[1..]);
    }
}
