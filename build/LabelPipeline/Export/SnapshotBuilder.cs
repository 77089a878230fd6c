using System.Reflection;
using System.Text;
using LabelPipeline.IO;
using LabelPipeline.LabelConfig;
using LabelPipeline.Quality;
using LabelPipeline.TimeSeries;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace LabelPipeline.Export;

/// <summary>What a snapshot holds, in numbers.</summary>
public sealed record SnapshotSummary(string Directory, int Tasks, int Annotations, int Regions, int LookoutRows, IReadOnlyDictionary<string, int> RegionsPerLabel)
{
    /// <summary>What is valid but probably not what the annotator meant (regions outside their series), for the log.</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];

    /// <summary>How annotators treated predicted regions; null when no task had predictions.</summary>
    public PredictionReviewCounts? PredictionReview { get; init; }

    /// <summary>The snapshot already held these inputs' labels: nothing was rebuilt, no file touched (<see cref="SnapshotReuse"/>).</summary>
    public bool Unchanged { get; init; }

    /// <summary>Annotator agreement and the detectors against the labels, as the manifest keeps them; null when quality is off.</summary>
    public QualityFigures? Quality { get; init; }
}

/// <summary>
/// Builds a label snapshot from a saved Label Studio JSON export: the Lookout/SiteWise file, the interval table (CSV and
/// JSONL), dense per-timestamp labels for every series, and a manifest hashing every input and output. The same export,
/// config and series always give byte-identical files (no clocks, fixed orders, invariant formats). Everything is
/// written to a staging folder first and swapped in at the end, so a failure leaves the previous snapshot untouched.
/// </summary>
public static class SnapshotBuilder
{
    private static readonly UTF8Encoding Utf8 = new(false);

    /// <summary>A series with at most this many regions has them read once and held while its dense file is written (a few MB).</summary>
    private const int HeldRegions = 16_384;

    /// <summary>Where the regions are spilled while the snapshot is built (inside the staging folder, removed before the manifest).</summary>
    private const string SpillFolder = ".regions";

    public static string ToolVersion { get; } =
        typeof(SnapshotBuilder).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";

    /// <param name="exportFile">A Label Studio JSON export (it is copied into the snapshot).</param>
    /// <param name="snapshotDirectory"><c>&lt;output&gt;/&lt;dataset&gt;/&lt;version&gt;</c>.</param>
    public static SnapshotSummary Build(string exportFile, SnapshotOptions options, string snapshotDirectory, CancellationToken ct)
    {
        RemoveLeftovers(snapshotDirectory);
        ExportReader.CheckFile(exportFile);
        if (SnapshotReuse.TryReuse(exportFile, options, snapshotDirectory) is { } unchanged)
        {
            return unchanged;
        }

        var staging = StagingDirectory(snapshotDirectory);
        try
        {
            var summary = BuildInto(exportFile, options, staging, ct);
            ct.ThrowIfCancellationRequested(); // Ctrl-C during the build: the previous snapshot stays
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
        ExportReader.CheckFile(exportFile);
        var hashes = new HashedFiles();
        Directory.CreateDirectory(Path.Combine(directory, "source"));
        var config = LabelConfigValidator.Read(options.LabelConfig);
        var exportCopy = Path.Combine(directory, SnapshotLayout.Export);
        if (!string.Equals(Path.GetFullPath(exportFile), Path.GetFullPath(exportCopy), StringComparison.Ordinal))
        {
            File.Copy(exportFile, exportCopy);
        }

        File.WriteAllText(Path.Combine(directory, SnapshotLayout.LabelConfig), options.LabelConfig, Utf8);

        var reviewer = new PredictionReviewer(options.PredictionModelVersion, options.Annotations);
        var seriesNames = options.Dataset.Files.Select(Path.GetFileName).ToHashSet(StringComparer.Ordinal);
        int tasks = 0, annotations = 0, regions, lookoutRows;
        IReadOnlyDictionary<string, int> perLabel;
        var warnings = new List<string>();
        IReadOnlyList<string> readerWarnings;
        using var quality = options.Quality ? new QualityCollector(options) : null;
        QualityReport? qualityReport = null;

        // The regions go to disk (the store's folder is deleted before the manifest lists the snapshot's files).
        var spill = Path.Combine(directory, SpillFolder);
        using (var store = new SortedRangeStore(spill))
        {
            (LabeledRange Range, string Series)? unknown = null;
            var reader = new ExportReader(config, spill);
            foreach (var task in reader.ReadTasks(exportFile)) // the user's path, so errors name the file they gave
            {
                ct.ThrowIfCancellationRequested();
                tasks += task.Repeated ? 0 : 1;
                options.Progress?.Invoke($"reading the export, {tasks:N0} tasks so far");
                annotations += options.Annotations.Select(task.Annotations).Count();

                // A Prepare task file's regions are written for its source series (WindowMapping, below).
                var series = options.Prepared?.FindTask(task.SeriesFile)?.Source.File ?? task.SeriesFile;
                var known = seriesNames.Contains(series);
                foreach (var range in reviewer.Review(task, task.Ranges(options.Annotations)))
                {
                    unknown ??= known ? null : (range, series);
                    store.Add(series, range);
                }

                quality?.AddTask(task); // reads the task's regions again (while they can be read), never holds them
            }

            readerWarnings = reader.Warnings;
            warnings.AddRange(readerWarnings);

            if (unknown is { } u)
            {
                throw new ExportException(
                    $"task {u.Range.TaskId}: its series '{u.Series}' is not a file of dataset {options.Dataset.Name} {options.Dataset.Version} " +
                    $"({options.Dataset.Directory}). Was the export made from another dataset version?");
            }

            store.Sort(
                series => options.Prepared is { } prepared ? WindowMapping.Apply(series, prepared) : series,
                Compare,
                range => options.Prepared is { } prepared ? WindowMapping.Alone(range, prepared) : range);
            regions = store.Count;

            // One pass over the regions for the interval files, the Lookout file and the counts (they stream from disk).
            var lookoutMerger = new LookoutLabels.Merger(options.AnomalyLabels);
            var labelCounts = new SortedDictionary<string, int>(StringComparer.Ordinal);
            IEnumerable<LabeledRange> Tap(IEnumerable<LabeledRange> ranges)
            {
                foreach (var range in ranges)
                {
                    if (Widened(range, options.InstantWidth) is { } widened)
                    {
                        lookoutMerger.Add(widened);
                    }

                    foreach (var label in range.Labels)
                    {
                        labelCounts[label] = labelCounts.GetValueOrDefault(label) + 1;
                    }

                    yield return range;
                }
            }

            options.Progress?.Invoke($"writing {SnapshotLayout.IntervalsCsv}");
            IntervalFiles.Write(Path.Combine(directory, SnapshotLayout.IntervalsCsv), Path.Combine(directory, SnapshotLayout.IntervalsJsonl), Tap(store.All()), options, hashes);
            var lookout = lookoutMerger.Result();
            lookoutRows = lookout.Count;
            options.Progress?.Invoke($"writing {SnapshotLayout.LookoutLabels}");
            Write(directory, SnapshotLayout.LookoutLabels, LookoutLabels.Render(lookout), hashes);
            perLabel = labelCounts;
            var seriesDone = 0;

            // When the report charts every series, and their charts fit in memory together, each chart is gathered as the
            // dense pass reads its series, not by a second read of the file (a series of millions of rows is read once).
            var envelopes = HtmlReport.GatherAllCharts(options.Dataset.Files.Count, options.Schema) ? new Dictionary<string, SeriesEnvelope>(StringComparer.Ordinal) : null;
            foreach (var file in options.Dataset.Files)
            {
                ct.ThrowIfCancellationRequested();
                var name = Path.GetFileName(file);
                seriesDone++;
                // Read from disk once when few (thousands of series), else streamed for each use below (one series can
                // hold hundreds of thousands of regions).
                var mine = store.CountOf(name) <= HeldRegions ? store.OfSeries(name).ToList() : store.OfSeries(name);
                options.Progress?.Invoke($"writing {SnapshotLayout.DenseFolder}/{name}, series {seriesDone:N0} of {options.Dataset.Files.Count:N0}");
                var chart = envelopes is null ? null : envelopes[name] = HtmlReport.BeginEnvelope(options.Schema);
                var span = DenseLabels.Write(file, options.Schema, mine, options.AnomalyLabels, Path.Combine(directory, SnapshotLayout.DenseFolder, name), quality?.BeginSeries(name, mine), hashes, chart);
                quality?.EndSeries();
                warnings.AddRange(OutsideTheSeries(file, mine, span));
            }

            if (reviewer.HasPredictions)
            {
                Write(directory, SnapshotLayout.PredictionReview, PredictionReview.RenderCsv(reviewer.Predicted), hashes);
            }

            qualityReport = quality?.Finish();
            QualityFiles.Write(directory, qualityReport);
            options.Progress?.Invoke($"writing {HtmlReport.FileName}");
            HtmlReport.Write(Path.Combine(directory, HtmlReport.FileName), options, store.OfSeries, qualityReport, envelopes);
        }

        options.Progress?.Invoke($"writing {SnapshotLayout.Manifest}");
        WriteManifest(directory, options, hashes, config, tasks, annotations, regions, lookoutRows, perLabel, reviewer.HasPredictions ? reviewer.ToJson() : null, readerWarnings, qualityReport);
        return new SnapshotSummary(directory, tasks, annotations, regions, lookoutRows, perLabel)
        {
            Warnings = warnings,
            PredictionReview = reviewer.HasPredictions ? reviewer.Counts : null,
            Quality = qualityReport is null ? null : QualityFigures.Of(qualityReport),
        };
    }

    /// <summary>
    /// Regions that cover no sample of their series: valid (Label Studio stored them, and they stay in the interval
    /// table and labels.csv) but labeling nothing, e.g. a series replaced by a shorter one. Inverted or unparsable
    /// bounds never get here: they are errors already (ExportReader).
    /// </summary>
    private static IEnumerable<string> OutsideTheSeries(string file, IEnumerable<LabeledRange> ranges, (RangeBound First, RangeBound Last)? span)
    {
        const int MaxPerSeries = 5;
        var outside = ranges.Where(r => span is not { } s || r.End < s.First || r.Start > s.Last).ToArray();
        var within = span is { } s2 ? $"the series spans {s2.First.ToText()} to {s2.Last.ToText()}" : "the series has no rows";
        foreach (var r in outside.Take(MaxPerSeries))
        {
            yield return $"{file}: task {r.TaskId}, annotation {r.AnnotationId}, region '{r.RegionId}' ({r.StartRaw} to {r.EndRaw}) lies outside the series ({within}): "
                + "it labels no row. It is kept in the interval table (and in labels.csv if its label is an anomaly label); delete or redraw it in Label Studio if it is a mistake.";
        }

        if (outside.Length > MaxPerSeries)
        {
            yield return $"{file}: {outside.Length - MaxPerSeries} more regions lie outside the series.";
        }
    }

    /// <summary>A folder beside the snapshot to build it in, named with this process's id (see <see cref="RemoveLeftovers"/>).</summary>
    public static string StagingDirectory(string snapshotDirectory) =>
        Path.Combine(Path.GetDirectoryName(Path.GetFullPath(snapshotDirectory))!, Processes.ScratchName.Mine($".{Path.GetFileName(snapshotDirectory)}.", ".tmp"));

    /// <summary>A file beside the snapshot to download the export into, named with this process's id.</summary>
    public static string ExportDownloadPath(string snapshotDirectory) =>
        Path.Combine(Path.GetDirectoryName(Path.GetFullPath(snapshotDirectory))!, Processes.ScratchName.Mine(".export-", ".json"));

    /// <summary>
    /// Removes what a killed Export or ConvertExport left beside this snapshot: its staging folders (and a swapped-out
    /// previous snapshot) and downloaded exports. Only those whose process is gone: a run still going keeps its own.
    /// </summary>
    private static void RemoveLeftovers(string snapshotDirectory)
    {
        var parent = Path.GetDirectoryName(Path.GetFullPath(snapshotDirectory))!;
        Processes.ScratchName.RemoveDead(parent, $".{Path.GetFileName(snapshotDirectory)}.", ".tmp", ".previous");
        Processes.ScratchName.RemoveDead(parent, ".export-", ".json");
    }

    private static int Compare(LabeledRange a, LabeledRange b)
    {
        var c = string.CompareOrdinal(a.SeriesFile, b.SeriesFile);
        c = c != 0 ? c : a.Start.CompareTo(b.Start);
        c = c != 0 ? c : a.End.CompareTo(b.End);
        c = c != 0 ? c : a.AnnotationId.CompareTo(b.AnnotationId);
        return c != 0 ? c : string.CompareOrdinal(a.RegionId, b.RegionId);
    }

    /// <summary>A region as the Lookout file takes it: an instant widened to <paramref name="width"/> around its point, or dropped (null width).</summary>
    private static LabeledRange? Widened(LabeledRange range, TimeSpan? width) =>
        !range.Instant ? range : width is { } w ? range with { Start = range.Start.Add(-w / 2), End = range.End.Add(w / 2) } : null;

    internal static JObject SourceJson(SnapshotSource source) => new()
    {
        ["kind"] = source.Kind,
        ["label_studio_version"] = source.LabelStudioVersion,
        ["project_id"] = source.ProjectId,
        ["export_id"] = source.ExportId,
        ["export_method"] = source.ExportMethod,
    };

    internal static JObject RulesJson(SnapshotOptions options, LabelConfigInfo config) => new()
    {
        ["annotations"] = options.Annotations.ToArgument(),
        ["anomaly_labels"] = new JArray(options.AnomalyLabels.Order(StringComparer.Ordinal)),
        ["time_zone"] = config.TimeFormat is null ? "none (numeric time axis)" : "UTC; timestamps without an offset are UTC, as Label Studio's editor reads them",
        ["time_format"] = config.TimeFormat?.Pattern,
        ["inclusive"] = "start and end inclusive: a sample at t is labeled when start <= t <= end",
        ["instant_width_seconds"] = options.InstantWidth?.TotalSeconds,
        ["lookout_merge"] = "overlapping and touching anomaly ranges merged across annotators and series",
        ["quality"] = options.Quality ? QualityRule : "off",
    };

    /// <summary>The rules' <c>quality</c> entry when the quality files are measured (anything else: --quality was off).</summary>
    internal const string QualityRule = "agreement and detector measured (quality/, the manifest's agreement and detector blocks)";

    private static void WriteManifest(
        string directory, SnapshotOptions options, HashedFiles hashes, LabelConfigInfo config, int tasks, int annotations, int regions, int lookoutRows,
        IReadOnlyDictionary<string, int> perLabel, JObject? predictionReview, IReadOnlyList<string> warnings, QualityReport? quality)
    {
        var files = Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(directory, f).Replace('\\', '/'))
            .Where(f => f != SnapshotLayout.Manifest)
            .Order(StringComparer.Ordinal)
            .Select(f =>
            {
                var (bytes, sha256) = hashes.Of(Path.Combine(directory, f));
                return new JObject { ["path"] = f, ["bytes"] = bytes, ["sha256"] = sha256 };
            });
        var sources = options.Dataset.Files
            .Select(f =>
            {
                var (bytes, sha256) = SeriesSha256(options, f);
                return new JObject { ["file"] = Path.GetFileName(f), ["bytes"] = bytes, ["sha256"] = sha256 };
            });
        var manifest = new JObject
        {
            ["format"] = "labelpipeline-snapshot/1",
            ["tool"] = new JObject { ["name"] = "LabelPipeline", ["version"] = ToolVersion },
            ["dataset"] = new JObject { ["name"] = options.Dataset.Name, ["version"] = options.Dataset.Version },
            ["source"] = SourceJson(options.Source),
            ["label_config_sha256"] = Hashes.Sha256(options.LabelConfig),
            ["series"] = new JArray(), // streamed below, like files
            ["rules"] = RulesJson(options, config),
            ["counts"] = new JObject
            {
                ["tasks"] = tasks,
                ["annotations"] = annotations,
                ["regions"] = regions,
                ["lookout_rows"] = lookoutRows,
                ["regions_per_label"] = JObject.FromObject(perLabel),
            },
            ["files"] = new JArray(),
        };
        if (predictionReview is not null)
        {
            manifest.Property("files")!.AddBeforeSelf(new JProperty("prediction_review", predictionReview));
        }

        foreach (var (name, block) in new[] { ("agreement", quality?.AgreementJson()), ("detector", quality?.DetectorJson()) })
        {
            if (block is not null)
            {
                manifest.Property("files")!.AddBeforeSelf(new JProperty(name, block));
            }
        }

        if (warnings.Count > 0)
        {
            // What the export held that the snapshot leaves out on purpose (a control the config lacks, a repeated task).
            manifest.Property("files")!.AddBeforeSelf(new JProperty("warnings", new JArray(warnings)));
        }

        if (options.Prepared is { } prepared)
        {
            // The exact task files the labels were drawn on, and the source each came from.
            manifest["prepared"] = new JObject
            {
                ["manifest_sha256"] = Hashes.Sha256(prepared.ToJson()),
                ["fingerprint"] = prepared.Fingerprint,
                ["time_format"] = prepared.Schema.TimeFormat,
                ["time_zone"] = prepared.Schema.TimeZone,
                ["tasks"] = new JArray(prepared.Sources.SelectMany(s => s.AllTasks.Select(t => new JObject
                {
                    ["file"] = t.File,
                    ["sha256"] = t.Sha256,
                    ["source"] = s.File,
                    ["source_sha256"] = s.Sha256,
                    ["source_lines"] = new JArray(t.FirstLine, t.LastLine),
                    ["start"] = t.Start,
                    ["end"] = t.End,
                }))),
            };
        }

        // Streamed, not rendered to one string, and the two per-file lists one entry at a time: with thousands of
        // series they are megabytes.
        var streamed = new Dictionary<string, IEnumerable<JObject>> { ["series"] = sources, ["files"] = files };
        using var text = new StreamWriter(Path.Combine(directory, SnapshotLayout.Manifest), false, Utf8) { NewLine = "\n" };
        using (var json = new JsonTextWriter(text) { Formatting = Formatting.Indented, CloseOutput = false })
        {
            json.WriteStartObject();
            foreach (var property in manifest.Properties())
            {
                if (!streamed.TryGetValue(property.Name, out var entries))
                {
                    property.WriteTo(json);
                    continue;
                }

                json.WritePropertyName(property.Name);
                json.WriteStartArray();
                foreach (var entry in entries)
                {
                    entry.WriteTo(json);
                }

                json.WriteEndArray();
            }

            json.WriteEndObject();
        }

        text.Write('\n');
    }

    private static void Write(string directory, string relative, string content, HashedFiles hashes)
    {
        var path = Path.Combine(directory, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var writer = HashedFiles.CreateText(path, hashes);
        writer.Write(content);
    }

    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<Prepare.PreparedManifest, Dictionary<string, Prepare.PreparedSource>> PreparedSources = new();

    /// <summary>
    /// A series file's size and SHA-256. Prepare ran earlier in the same run and hashed every source it had to read (an
    /// unchanged one it knows by its file stamp): its figures are taken when the file still has the size it recorded;
    /// anything else is read and hashed here.
    /// </summary>
    internal static (long Bytes, string Sha256) SeriesSha256(SnapshotRules rules, string file)
    {
        var bytes = new FileInfo(file).Length;
        if (rules.Prepared is { } prepared
            && PreparedSources.GetValue(prepared, m => m.Sources.ToDictionary(s => s.File, StringComparer.Ordinal))
                .TryGetValue(Path.GetRelativePath(rules.Dataset.Directory, file).Replace('\\', '/'), out var source)
            && source.Bytes == bytes)
        {
            return (bytes, source.Sha256);
        }

        return (bytes, Hashes.Sha256File(file));
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
}
