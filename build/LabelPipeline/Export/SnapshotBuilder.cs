using System.Globalization;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using CsvHelper;
using LabelPipeline.LabelConfig;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace LabelPipeline.Export;

/// <summary>What a snapshot holds, in numbers.</summary>
public sealed record SnapshotSummary(string Directory, int Tasks, int Annotations, int Regions, int LookoutRows, IReadOnlyDictionary<string, int> RegionsPerLabel);

/// <summary>
/// Builds a label snapshot from a saved Label Studio JSON export: the Lookout/SiteWise file, the interval table (CSV and
/// JSONL), dense per-timestamp labels for every series, and a manifest hashing every input and output. The same export,
/// config and series always give byte-identical files (no clocks, fixed orders, invariant formats). Everything is
/// written to a staging folder first and swapped in at the end, so a failure leaves the previous snapshot untouched.
/// </summary>
public static class SnapshotBuilder
{
    private static readonly UTF8Encoding Utf8 = new(false);

    public static string ToolVersion { get; } =
        typeof(SnapshotBuilder).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";

    /// <param name="exportFile">A Label Studio JSON export (it is copied into the snapshot).</param>
    /// <param name="snapshotDirectory"><c>&lt;output&gt;/&lt;dataset&gt;/&lt;version&gt;</c>.</param>
    public static SnapshotSummary Build(string exportFile, SnapshotOptions options, string snapshotDirectory, CancellationToken ct)
    {
        var staging = StagingDirectory(snapshotDirectory);
        try
        {
            var summary = BuildInto(exportFile, options, staging, ct);
            Commit(staging, snapshotDirectory);
            return summary with { Directory = snapshotDirectory };
        }
        finally
        {
            if (Directory.Exists(staging))
            {
                Directory.Delete(staging, recursive: true);
            }
        }
    }

    /// <summary>Builds into <paramref name="directory"/> (which must not exist): used by Build and by Verify.</summary>
    public static SnapshotSummary BuildInto(string exportFile, SnapshotOptions options, string directory, CancellationToken ct)
    {
        Directory.CreateDirectory(Path.Combine(directory, "source"));
        var config = LabelConfigValidator.Read(options.LabelConfig);
        var exportCopy = Path.Combine(directory, SnapshotLayout.Export);
        if (!string.Equals(Path.GetFullPath(exportFile), Path.GetFullPath(exportCopy), StringComparison.Ordinal))
        {
            File.Copy(exportFile, exportCopy);
        }

        File.WriteAllText(Path.Combine(directory, SnapshotLayout.LabelConfig), options.LabelConfig, Utf8);

        var ranges = new List<LabeledRange>();
        int tasks = 0, annotations = 0;
        foreach (var task in ExportFileReader.ReadTasks(exportFile)) // the user's path, so errors name the file they gave
        {
            ct.ThrowIfCancellationRequested();
            tasks++;
            annotations += options.Annotations.Select(task.Annotations).Count();
            ranges.AddRange(RangeExtractor.Extract(task, config, options.Annotations));
        }

        CheckSeries(ranges, options);
        ranges.Sort(Compare);

        var lookout = LookoutLabels.Merge(WidenInstants(ranges, options.InstantWidth), options.AnomalyLabels);
        Write(directory, SnapshotLayout.LookoutLabels, LookoutLabels.Render(lookout));
        WriteIntervalsCsv(directory, ranges, options);
        WriteIntervalsJsonl(directory, ranges, options);
        var bySeries = ranges.ToLookup(r => r.SeriesFile, StringComparer.Ordinal);
        foreach (var file in options.Dataset.Files)
        {
            ct.ThrowIfCancellationRequested();
            var name = Path.GetFileName(file);
            DenseLabels.Write(file, options.Schema, bySeries[name].ToArray(), options.AnomalyLabels, Path.Combine(directory, SnapshotLayout.DenseFolder, name));
        }

        HtmlReport.Write(Path.Combine(directory, HtmlReport.FileName), options, ranges, bySeries);
        var perLabel = ranges.SelectMany(r => r.Labels).GroupBy(l => l, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        WriteManifest(directory, options, config, tasks, annotations, ranges.Count, lookout.Count, perLabel);
        return new SnapshotSummary(directory, tasks, annotations, ranges.Count, lookout.Count, perLabel);
    }

    public static string StagingDirectory(string snapshotDirectory) =>
        Path.Combine(Path.GetDirectoryName(Path.GetFullPath(snapshotDirectory))!, $".{Path.GetFileName(snapshotDirectory)}.{Guid.NewGuid():N}.tmp");

    public static string Sha256(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    private static void CheckSeries(List<LabeledRange> ranges, SnapshotOptions options)
    {
        var names = options.Dataset.Files.Select(Path.GetFileName).ToHashSet(StringComparer.Ordinal);
        var unknown = ranges.FirstOrDefault(r => !names.Contains(r.SeriesFile));
        if (unknown is not null)
        {
            throw new ExportException(
                $"task {unknown.TaskId}: its series '{unknown.SeriesFile}' is not a file of dataset {options.Dataset.Name} {options.Dataset.Version} " +
                $"({options.Dataset.Directory}). Was the export made from another dataset version?");
        }
    }

    private static int Compare(LabeledRange a, LabeledRange b)
    {
        var c = string.CompareOrdinal(a.SeriesFile, b.SeriesFile);
        c = c != 0 ? c : a.Start.CompareTo(b.Start);
        c = c != 0 ? c : a.End.CompareTo(b.End);
        c = c != 0 ? c : a.AnnotationId.CompareTo(b.AnnotationId);
        return c != 0 ? c : string.CompareOrdinal(a.RegionId, b.RegionId);
    }

    private static IEnumerable<LabeledRange> WidenInstants(IEnumerable<LabeledRange> ranges, TimeSpan? width)
    {
        foreach (var range in ranges)
        {
            if (!range.Instant)
            {
                yield return range;
            }
            else if (width is { } w)
            {
                yield return range with { Start = range.Start.Add(-w / 2), End = range.End.Add(w / 2) };
            }
        }
    }

    private static readonly string[] IntervalColumns =
    [
        "dataset", "dataset_version", "series", "task_id", "annotation_id", "region_id", "start_utc", "end_utc", "start_raw", "end_raw",
        "instant", "labels", "is_anomaly", "choices", "text", "annotator", "created_at", "updated_at", "origin", "ground_truth",
    ];

    private static string[] IntervalRow(LabeledRange r, SnapshotOptions o) =>
    [
        o.Dataset.Name, o.Dataset.Version, r.SeriesFile, Invariant(r.TaskId), Invariant(r.AnnotationId), r.RegionId, r.Start.ToText(), r.End.ToText(),
        r.StartRaw, r.EndRaw, r.Instant ? "true" : "false", string.Join('|', r.Labels), r.Labels.Any(o.AnomalyLabels.Contains) ? "1" : "0",
        string.Join('|', r.Choices), r.Text ?? string.Empty, r.Annotator ?? string.Empty, r.CreatedAt ?? string.Empty, r.UpdatedAt ?? string.Empty,
        r.Origin, r.GroundTruth ? "true" : "false",
    ];

    private static void WriteIntervalsCsv(string directory, List<LabeledRange> ranges, SnapshotOptions options)
    {
        using var text = new StreamWriter(Path.Combine(directory, SnapshotLayout.IntervalsCsv), false, Utf8);
        using var csv = CsvWriter.Create(text, new CsvWriterOptions { NewLine = "\n", Separator = ',' }, true);
        csv.WriteRecord(IntervalColumns);
        foreach (var range in ranges)
        {
            csv.WriteRecord(IntervalRow(range, options));
        }
    }

    private static void WriteIntervalsJsonl(string directory, List<LabeledRange> ranges, SnapshotOptions options)
    {
        using var text = new StreamWriter(Path.Combine(directory, SnapshotLayout.IntervalsJsonl), false, Utf8) { NewLine = "\n" };
        foreach (var range in ranges)
        {
            var row = IntervalRow(range, options);
            var json = new JObject();
            for (var i = 0; i < IntervalColumns.Length; i++)
            {
                json[IntervalColumns[i]] = IntervalColumns[i] switch
                {
                    "task_id" => range.TaskId,
                    "annotation_id" => range.AnnotationId,
                    "instant" => range.Instant,
                    "ground_truth" => range.GroundTruth,
                    "is_anomaly" => row[i] == "1",
                    "labels" => new JArray(range.Labels),
                    "choices" => new JArray(range.Choices),
                    "text" or "annotator" or "created_at" or "updated_at" when row[i].Length == 0 => JValue.CreateNull(),
                    _ => row[i],
                };
            }

            text.WriteLine(json.ToString(Formatting.None));
        }
    }

    private static void WriteManifest(
        string directory, SnapshotOptions options, LabelConfigInfo config, int tasks, int annotations, int regions, int lookoutRows,
        IReadOnlyDictionary<string, int> perLabel)
    {
        var files = Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(directory, f).Replace('\\', '/'))
            .Where(f => f != SnapshotLayout.Manifest)
            .Order(StringComparer.Ordinal)
            .Select(f => new JObject { ["path"] = f, ["bytes"] = new FileInfo(Path.Combine(directory, f)).Length, ["sha256"] = Sha256(Path.Combine(directory, f)) });
        var sources = options.Dataset.Files
            .Select(f => new JObject { ["file"] = Path.GetFileName(f), ["bytes"] = new FileInfo(f).Length, ["sha256"] = Sha256(f) });
        var manifest = new JObject
        {
            ["format"] = "labelpipeline-snapshot/1",
            ["tool"] = new JObject { ["name"] = "LabelPipeline", ["version"] = ToolVersion },
            ["dataset"] = new JObject { ["name"] = options.Dataset.Name, ["version"] = options.Dataset.Version },
            ["source"] = new JObject
            {
                ["kind"] = options.Source.Kind,
                ["label_studio_version"] = options.Source.LabelStudioVersion,
                ["project_id"] = options.Source.ProjectId,
                ["export_id"] = options.Source.ExportId,
                ["export_method"] = options.Source.ExportMethod,
            },
            ["label_config_sha256"] = Convert.ToHexStringLower(SHA256.HashData(Utf8.GetBytes(options.LabelConfig))),
            ["series"] = new JArray(sources),
            ["rules"] = new JObject
            {
                ["annotations"] = options.Annotations.ToArgument(),
                ["anomaly_labels"] = new JArray(options.AnomalyLabels.Order(StringComparer.Ordinal)),
                ["time_zone"] = config.TimeFormat is null ? "none (numeric time axis)" : "UTC; timestamps without an offset are UTC, as Label Studio's editor reads them",
                ["time_format"] = config.TimeFormat?.Pattern,
                ["inclusive"] = "start and end inclusive: a sample at t is labeled when start <= t <= end",
                ["instant_width_seconds"] = options.InstantWidth?.TotalSeconds,
                ["lookout_merge"] = "overlapping and touching anomaly ranges merged across annotators and series",
            },
            ["counts"] = new JObject
            {
                ["tasks"] = tasks,
                ["annotations"] = annotations,
                ["regions"] = regions,
                ["lookout_rows"] = lookoutRows,
                ["regions_per_label"] = JObject.FromObject(perLabel),
            },
            ["files"] = new JArray(files),
        };
        Write(directory, SnapshotLayout.Manifest, manifest.ToString(Formatting.Indented).Replace("\r\n", "\n", StringComparison.Ordinal) + "\n");
    }

    private static void Write(string directory, string relative, string content)
    {
        var path = Path.Combine(directory, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content, Utf8);
    }

    /// <summary>Replaces the snapshot folder with the staged one: two renames, the old one kept until the new one is in place.</summary>
    private static void Commit(string staging, string snapshotDirectory)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(snapshotDirectory))!);
        var previous = staging + ".previous";
        if (Directory.Exists(snapshotDirectory))
        {
            Directory.Move(snapshotDirectory, previous);
        }

        Directory.Move(staging, snapshotDirectory);
        if (Directory.Exists(previous))
        {
            Directory.Delete(previous, recursive: true);
        }
    }

    private static string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);
}
