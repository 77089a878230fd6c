using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using LabelPipeline.Datasets;
using LabelPipeline.LabelConfig;

namespace LabelPipeline.Benchmarks;

/// <summary>One generated input set: a dataset folder of series, the labeling config and a Label Studio JSON export.</summary>
/// <param name="Directory">The input set's folder (it holds a stamp of the parameters it was generated with).</param>
/// <param name="SeriesDirectory">The dataset folder: one CSV per task.</param>
/// <param name="ExportFile">The Label Studio JSON export (CONTRACT.md §6.3 shape).</param>
/// <param name="ConfigFile">The labeling config, generated from templates/timeseries-labeling.xml as CreateProject does.</param>
/// <param name="Regions">timeserieslabels regions in non-cancelled annotations (what both sides count).</param>
/// <param name="Rows">Data rows over all series files.</param>
internal sealed record InputSet(string Directory, string SeriesDirectory, string ExportFile, string ConfigFile, long Regions, long Rows);

/// <summary>
/// Deterministic, streaming generators for the benchmark inputs. Nothing is held in memory: series rows and export tasks
/// are written as they are produced. A folder is reused when its stamp matches the parameters (and generator version),
/// and regenerated from scratch otherwise; the stamp is written last, so an interrupted run regenerates.
/// </summary>
internal static class DataGenerator
{
    /// <summary>Bump when the generated content changes.</summary>
    private const int GeneratorVersion = 2; // 2: the export also carries predictions of two model versions

    private const ulong Seed = 0x4C6162656C506970UL; // "LabelPip"

    public const string TimePattern = "%Y-%m-%d %H:%M:%S";
    public const string DataKey = "csv";
    public const string UrlPrefix = "/data/local-files/?d=bench/v1/";
    public static readonly string[] Labels = ["Anomaly", "Normal"];
    public static readonly DateTime Origin = new(2021, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    private static readonly UTF8Encoding Utf8 = new(false);

    /// <summary>
    /// Workload (a): <paramref name="tasks"/> tasks, each one series file (7 days, hourly) labeled by two annotators with
    /// <paramref name="regionsPerTask"/> regions between them; every 10th task also has a cancelled annotation (skipped by both sides).
    /// Every task also has predictions of two model versions (10 scored regions each), which the quality files judge.
    /// </summary>
    public static InputSet EnsureExport(string root, string template, int tasks, int regionsPerTask, int channels)
    {
        var directory = Path.Combine(root, $"export-{tasks}x{regionsPerTask}x{channels}");
        const int rowsPerSeries = 7 * 24;
        var set = new InputSet(
            directory, Path.Combine(directory, "series"), Path.Combine(directory, "export.json"), Path.Combine(directory, "label-config.xml"),
            (long)tasks * regionsPerTask, (long)tasks * rowsPerSeries);
        var stamp = Stamp(template, "export", tasks, regionsPerTask, channels);
        if (IsCurrent(directory, stamp))
        {
            return set;
        }

        Console.Error.WriteLine($"generating {directory} ...");
        Reset(directory);
        Directory.CreateDirectory(set.SeriesDirectory);
        for (var task = 1; task <= tasks; task++)
        {
            var rng = new SplitMix64(Seed ^ ((ulong)task * 0x9E3779B97F4A7C15UL));
            WriteSeries(Path.Combine(set.SeriesDirectory, SeriesName(task)), TaskOrigin(task), 3600, rowsPerSeries, channels, rng);
        }

        WriteConfig(set.ConfigFile, template, channels);
        WriteExport(set.ExportFile, tasks, task =>
        {
            var rng = new SplitMix64(Seed ^ 0xA5A5A5A5UL ^ ((ulong)task * 0xD1B54A32D192ED03UL));
            var window = TimeSpan.FromDays(7).TotalSeconds - 6 * 3600;
            var first = regionsPerTask / 2;
            var annotations = new List<AnnotationSpec>
            {
                new(task * 10 + 1, 1, false, Regions(rng, first, TaskOrigin(task), (long)window, 60, 6 * 3600)),
                new(task * 10 + 2, 2, false, Regions(rng, regionsPerTask - first, TaskOrigin(task), (long)window, 60, 6 * 3600)),
            };
            if (task % 10 == 0)
            {
                annotations.Add(new AnnotationSpec(task * 10 + 3, 3, true, Regions(rng, 5, TaskOrigin(task), (long)window, 60, 6 * 3600)));
            }

            PredictionSpec Predicted(int id, string version) =>
                new(id, version, Regions(rng, 10, TaskOrigin(task), (long)window, 3600, 6 * 3600), 0.01 * (task % 100));
            return new TaskSpec(task, SeriesName(task), annotations, [Predicted(task * 10 + 5, "detector-v1"), Predicted(task * 10 + 6, "detector-v2")]);
        });
        File.WriteAllText(Path.Combine(directory, "stamp.txt"), stamp, Utf8);
        return set;
    }

    /// <summary>
    /// Workload (b): one series of <paramref name="rows"/> rows at 1 s (timestamp + <paramref name="channels"/> numeric
    /// channels), and an export with one task whose two annotators drew rows/2,500 regions (up to 20 minutes each).
    /// </summary>
    public static InputSet EnsureDense(string root, string template, long rows, int channels)
    {
        var directory = Path.Combine(root, $"dense-{rows}x{channels}");
        var regions = Math.Max(2, rows / 2500);
        var set = new InputSet(
            directory, Path.Combine(directory, "series"), Path.Combine(directory, "export.json"), Path.Combine(directory, "label-config.xml"),
            regions, rows);
        var stamp = Stamp(template, "dense", rows, channels);
        if (IsCurrent(directory, stamp))
        {
            return set;
        }

        Console.Error.WriteLine($"generating {directory} ({rows:N0} rows x {channels} channels) ...");
        Reset(directory);
        Directory.CreateDirectory(set.SeriesDirectory);
        WriteSeries(Path.Combine(set.SeriesDirectory, "series.csv"), Origin, 1, rows, channels, new SplitMix64(Seed ^ 0x5E51E5UL));
        WriteConfig(set.ConfigFile, template, channels);
        WriteExport(set.ExportFile, 1, task =>
        {
            var rng = new SplitMix64(Seed ^ 0xDE05EUL);
            var first = (int)(regions / 2);
            return new TaskSpec(task, "series.csv",
            [
                new AnnotationSpec(11, 1, false, Regions(rng, first, Origin, rows, 1, 1200)),
                new AnnotationSpec(12, 2, false, Regions(rng, (int)(regions - first), Origin, rows, 1, 1200)),
            ]);
        });
        File.WriteAllText(Path.Combine(directory, "stamp.txt"), stamp, Utf8);
        return set;
    }

    public static string SeriesName(int task) => $"s{task:D5}.csv";

    private static DateTime TaskOrigin(int task) => Origin.AddDays((task - 1) * 3);

    private static string Stamp(string template, params object[] parameters) =>
        $"generator={GeneratorVersion}; seed={Seed}; template-sha256={Convert.ToHexStringLower(SHA256.HashData(Utf8.GetBytes(template)))}; " +
        string.Join("; ", parameters.Select(p => Convert.ToString(p, CultureInfo.InvariantCulture))) + "\n";

    private static bool IsCurrent(string directory, string stamp)
    {
        var path = Path.Combine(directory, "stamp.txt");
        return File.Exists(path) && File.ReadAllText(path) == stamp;
    }

    private static void Reset(string directory)
    {
        if (Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true);
        }

        Directory.CreateDirectory(directory);
    }

    public static IReadOnlyList<string> Columns(int channels) =>
        ["timestamp", .. Enumerable.Range(0, channels).Select(i => $"signal_{i:D2}")];

    public static SeriesSchema Schema(int channels)
    {
        var columns = Columns(channels);
        return new SeriesSchema(',', columns, columns[0], TimeFormat.Parse(TimePattern), columns.Skip(1).ToArray());
    }

    private static void WriteConfig(string path, string template, int channels) =>
        File.WriteAllText(path, LabelConfigGenerator.Generate(template, Schema(channels), Labels), Utf8);

    /// <summary>
    /// Rows of <c>yyyy-MM-dd HH:mm:ss</c> plus random-walk channels with exactly three decimals and a non-zero last digit,
    /// so the text is the shortest round-trip form of its double: pandas writes every value back byte for byte.
    /// </summary>
    private static void WriteSeries(string path, DateTime start, int stepSeconds, long rows, int channels, SplitMix64 rng)
    {
        using var writer = new StreamWriter(path, false, Utf8, 1 << 20) { NewLine = "\n" };
        writer.WriteLine(string.Join(',', Columns(channels)));
        var state = new long[channels];
        for (var c = 0; c < channels; c++)
        {
            state[c] = rng.Below(200_000) - 100_000;
        }

        Span<char> line = stackalloc char[32 + channels * 16];
        var time = start;
        for (long row = 0; row < rows; row++)
        {
            time.TryFormat(line, out var n, "yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
            for (var c = 0; c < channels; c++)
            {
                state[c] = Math.Clamp(state[c] + rng.Below(2001) - 1000, -999_999, 999_999);
                var value = state[c];
                if (value % 10 == 0)
                {
                    value += value >= 0 ? 1 : -1;
                }

                line[n++] = ',';
                if (value < 0)
                {
                    line[n++] = '-';
                    value = -value;
                }

                (value / 1000).TryFormat(line[n..], out var written, default, CultureInfo.InvariantCulture);
                n += written;
                line[n++] = '.';
                (value % 1000).TryFormat(line[n..], out written, "D3", CultureInfo.InvariantCulture);
                n += written;
            }

            line[n++] = '\n';
            writer.Write(line[..n]);
            time = time.AddSeconds(stepSeconds);
        }
    }

    private sealed record RegionSpec(string Id, DateTime Start, DateTime End, string[] Labels);

    private sealed record AnnotationSpec(int Id, int Annotator, bool Cancelled, IReadOnlyList<RegionSpec> Regions);

    private sealed record PredictionSpec(int Id, string ModelVersion, IReadOnlyList<RegionSpec> Regions, double Score);

    private sealed record TaskSpec(int Id, string SeriesFile, IReadOnlyList<AnnotationSpec> Annotations, IReadOnlyList<PredictionSpec>? Predictions = null);

    /// <summary>Regions inside [origin, origin + window s): 5 % instants, the rest minDuration..maxDuration s; labels 75 % Anomaly, 20 % Normal, 5 % both.</summary>
    private static RegionSpec[] Regions(SplitMix64 rng, int count, DateTime origin, long window, int minDuration, int maxDuration)
    {
        var regions = new RegionSpec[count];
        for (var i = 0; i < count; i++)
        {
            var start = origin.AddSeconds(rng.Below(window));
            var end = rng.Percent(5) ? start : start.AddSeconds(minDuration + rng.Below(maxDuration - minDuration + 1));
            var kind = rng.Below(100);
            string[] labels = kind < 75 ? ["Anomaly"] : kind < 95 ? ["Normal"] : ["Anomaly", "Normal"];
            regions[i] = new RegionSpec(RegionId(rng), start, end, labels);
        }

        return regions;
    }

    private static string RegionId(SplitMix64 rng)
    {
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-";
        Span<char> id = stackalloc char[10];
        for (var i = 0; i < id.Length; i++)
        {
            id[i] = alphabet[(int)rng.Below(alphabet.Length)];
        }

        return new string(id);
    }

    private static string Time(DateTime time) => time.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);

    private static string Stamp(DateTime time) => time.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);

    /// <summary>A result list of timeserieslabels regions, as the editor writes them (predicted regions carry a score).</summary>
    private static void WriteResult(Utf8JsonWriter json, IReadOnlyList<RegionSpec> regions, string origin, double? score)
    {
        json.WriteStartArray("result");
        foreach (var region in regions)
        {
            json.WriteStartObject();
            json.WriteStartObject("value");
            json.WriteString("start", Time(region.Start));
            json.WriteString("end", Time(region.End));
            json.WriteBoolean("instant", region.Start == region.End);
            json.WriteStartArray("timeserieslabels");
            foreach (var label in region.Labels)
            {
                json.WriteStringValue(label);
            }

            json.WriteEndArray();
            json.WriteEndObject();
            json.WriteString("id", region.Id);
            json.WriteString("from_name", "label");
            json.WriteString("to_name", "ts");
            json.WriteString("type", "timeserieslabels");
            json.WriteString("origin", origin);
            if (score is { } s)
            {
                json.WriteNumber("score", s);
            }

            json.WriteEndObject();
        }

        json.WriteEndArray();
    }

    /// <summary>A JSON export as Label Studio writes it (every key of §6.3), one task at a time.</summary>
    private static void WriteExport(string path, int tasks, Func<int, TaskSpec> taskAt)
    {
        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16);
        using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = false });
        var created = new DateTime(2025, 9, 18, 6, 47, 45, DateTimeKind.Utc);
        json.WriteStartArray();
        for (var id = 1; id <= tasks; id++)
        {
            var task = taskAt(id);
            var taskCreated = created.AddSeconds(id * 37);
            json.WriteStartObject();
            json.WriteNumber("id", task.Id);
            json.WriteStartArray("annotations");
            foreach (var annotation in task.Annotations)
            {
                var annotationCreated = taskCreated.AddMinutes(annotation.Annotator * 13).AddTicks(annotation.Id * 7919);
                json.WriteStartObject();
                json.WriteNumber("id", annotation.Id);
                json.WriteNumber("completed_by", annotation.Annotator);
                WriteResult(json, annotation.Regions, "manual", null);
                json.WriteBoolean("was_cancelled", annotation.Cancelled);
                json.WriteBoolean("ground_truth", false);
                json.WriteString("created_at", Stamp(annotationCreated));
                json.WriteString("updated_at", Stamp(annotationCreated.AddMinutes(11)));
                json.WriteString("draft_created_at", Stamp(annotationCreated.AddMinutes(-2)));
                json.WriteNumber("lead_time", 50.815 + annotation.Regions.Count);
                json.WriteStartObject("prediction");
                json.WriteEndObject();
                json.WriteNumber("result_count", 0);
                json.WriteString("unique_id", $"{annotation.Id:x8}-0000-4000-8000-{task.Id:x12}");
                json.WriteNull("import_id");
                json.WriteString("last_action", annotation.Cancelled ? "skipped" : "submitted");
                json.WriteBoolean("bulk_created", false);
                json.WriteNumber("task", task.Id);
                json.WriteNumber("project", 1);
                json.WriteNumber("updated_by", annotation.Annotator);
                json.WriteNull("parent_prediction");
                json.WriteNull("parent_annotation");
                json.WriteNull("last_created_by");
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteNull("file_upload");
            json.WriteStartArray("drafts");
            json.WriteEndArray();
            json.WriteStartArray("predictions");
            foreach (var prediction in task.Predictions ?? [])
            {
                json.WriteStartObject();
                json.WriteNumber("id", prediction.Id);
                WriteResult(json, prediction.Regions, "prediction", prediction.Score);
                json.WriteString("model_version", prediction.ModelVersion);
                json.WriteNumber("score", prediction.Score);
                json.WriteNull("cluster");
                json.WriteNull("neighbors");
                json.WriteNumber("mislabeling", 0);
                json.WriteString("created_at", Stamp(taskCreated.AddMinutes(1)));
                json.WriteString("updated_at", Stamp(taskCreated.AddMinutes(1)));
                json.WriteNumber("task", task.Id);
                json.WriteNumber("project", 1);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteStartObject("data");
            json.WriteString(DataKey, UrlPrefix + task.SeriesFile);
            json.WriteEndObject();
            json.WriteStartObject("meta");
            json.WriteEndObject();
            json.WriteString("created_at", Stamp(taskCreated));
            json.WriteString("updated_at", Stamp(taskCreated.AddHours(2)));
            json.WriteNumber("inner_id", task.Id);
            json.WriteNumber("total_annotations", task.Annotations.Count(a => !a.Cancelled));
            json.WriteNumber("cancelled_annotations", task.Annotations.Count(a => a.Cancelled));
            json.WriteNumber("total_predictions", task.Predictions?.Count ?? 0);
            json.WriteNumber("comment_count", 0);
            json.WriteNumber("unresolved_comment_count", 0);
            json.WriteNull("last_comment_updated_at");
            json.WriteNumber("project", 1);
            json.WriteNumber("updated_by", 1);
            json.WriteStartArray("comment_authors");
            json.WriteEndArray();
            json.WriteEndObject();
            json.Flush();
        }

        json.WriteEndArray();
        json.Flush();
    }
}
