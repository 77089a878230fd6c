using System.Text;
using LabelPipeline.Datasets;
using LabelPipeline.IO;
using Newtonsoft.Json.Linq;

namespace LabelPipeline.Prepare;

/// <summary>What Prepare produced: the source dataset and the task files Label Studio imports, with their schemas.</summary>
/// <param name="Source">The source dataset (never changed).</param>
/// <param name="TaskFiles">The task files Label Studio imports (one folder per dataset version), sorted by name.</param>
/// <param name="TaskSchema">The task files' schema, what the labeling config is generated from: ',' separator, safe names, UTC time format.</param>
/// <param name="Unchanged">Source files whose task files were already there, unchanged.</param>
/// <param name="Removed">Task files of an earlier run that no source produces any more, deleted.</param>
public sealed record PreparedDataset(
    Dataset Source,
    SeriesSchema SourceSchema,
    Dataset TaskFiles,
    SeriesSchema TaskSchema,
    PreparedManifest Manifest,
    IReadOnlyList<string> Warnings,
    IReadOnlyList<string> Unchanged,
    IReadOnlyList<string> Removed)
{
    public string ReportPath => Path.Combine(TaskFiles.Directory, DatasetPreparer.ReportFileName);

    /// <summary>Source and task files whose bytes had to be read and hashed; the others' file stamps were unchanged.</summary>
    public int FilesHashed { get; init; }

    /// <summary>Sources whose header and first rows were read to detect the schema; the others' file stamps were unchanged.</summary>
    public int SchemasDetected { get; init; }
}

/// <summary>
/// Prepare: turns every source CSV of a dataset version into task files Label Studio's editor renders correctly and
/// fast (<see cref="SeriesPreparer"/>), never touching the source. Content-addressed: a source whose sha256 and settings
/// match the manifest is not read again, and a task file is only replaced when its bytes change, so re-running on
/// unchanged data changes nothing (and S3 upload skips every file).
/// </summary>
public static class DatasetPreparer
{
    public const string ReportFileName = "prepare-report.json";
    private const string StagingPrefix = ".staging-";
    private static readonly UTF8Encoding Utf8 = new(false);

    /// <summary>One serializer for every source's fixes: a new one per source resolved the type's contract again each time (ms each).</summary>
    /// <remarks>Built on first use: an unchanged re-run writes no report and need not start Json.NET at all.</remarks>
    private static readonly Lazy<Newtonsoft.Json.JsonSerializer> SnakeCase = new(() => Newtonsoft.Json.JsonSerializer.Create(new Newtonsoft.Json.JsonSerializerSettings
    {
        ContractResolver = new Newtonsoft.Json.Serialization.DefaultContractResolver { NamingStrategy = new Newtonsoft.Json.Serialization.SnakeCaseNamingStrategy() },
    }));

    /// <param name="progress">Told how far each source is read; null: silent.</param>
    public static PreparedDataset Run(Dataset source, PrepareOptions options, string preparedDirectory, CancellationToken ct, InputLimits? limits = null, PrepareProgress? progress = null)
    {
        limits ??= InputLimits.Default;
        Directory.CreateDirectory(preparedDirectory);
        var manifestPath = Path.Combine(preparedDirectory, PreparedManifest.FileName);
        var reading = System.Threading.Tasks.Task.Run(() => PreparedManifest.TryRead(manifestPath), ct); // on the other core, while the schema is detected
        var stamps = FileStampCache.Read(preparedDirectory);
        var (schema, schemaWarnings) = DatasetInspector.DetectSchema(source, options.TimeColumn, options.TimeFormat, limits, stamps);
        var warnings = schemaWarnings.ToList();
        var safe = ColumnNames.MakeSafe(schema.Columns);
        var timeIndex = IndexOf(schema.Columns, schema.TimeColumn);
        var channelIndexes = schema.Channels.Select(c => IndexOf(schema.Columns, c)).ToArray();
        var milliseconds = schema.TimeFormat is { } f && (f.Pattern.Contains("%L", StringComparison.Ordinal) || f.Pattern.Contains("%f", StringComparison.Ordinal) || f.Epoch == EpochUnit.Milliseconds);
        var outputFormat = schema.TimeFormat is null ? null : TimeFormat.Parse(milliseconds ? "%Y-%m-%d %H:%M:%S.%L" : "%Y-%m-%d %H:%M:%S");
        // A zone applies to wall-clock times only: epoch numbers and times with an offset are absolute already (with %Z,
        // the values without an offset are wall-clock times: SeriesPreparer tells them apart).
        var zone = schema.TimeFormat is { Epoch: EpochUnit.None } ? options.TimeZone : null;
        var preparedChannels = channelIndexes.Select(i => safe[i]).ToArray();
        var preparedSchema = new SeriesSchema(',', [safe[timeIndex], .. preparedChannels], safe[timeIndex], outputFormat, preparedChannels);
        var layout = new SeriesLayout
        {
            Separator = schema.Separator,
            ColumnCount = schema.Columns.Count,
            SourceColumns = schema.Columns,
            TimeIndex = timeIndex,
            ChannelIndexes = channelIndexes,
            SourceFormat = schema.TimeFormat,
            Milliseconds = milliseconds,
            Zone = zone,
            Header = string.Join(',', preparedSchema.Columns),
        };

        var columns = schema.Columns.Select((name, i) => new ColumnMapping(
            name,
            i == timeIndex || channelIndexes.Contains(i) ? safe[i] : null,
            i == timeIndex ? "time" : channelIndexes.Contains(i) ? "channel" : "dropped")).ToArray();
        var manifestSchema = new PreparedSchema(
            schema.Separator.ToString(),
            schema.TimeFormat?.Pattern,
            outputFormat?.Pattern,
            zone?.Id ?? "UTC",
            columns);
        var rowsPerTask = options.RowsPerTask(channelIndexes.Length);
        if (options.WindowOverlap < 0 || options.WindowOverlap >= rowsPerTask)
        {
            throw new ArgumentException(
                $"--window-overlap={options.WindowOverlap}: must be from 0 to {rowsPerTask - 1} (each task holds {rowsPerTask:N0} rows: --max-points-per-task / {channelIndexes.Length} channels).");
        }

        var settings = new PreparedSettings(
            options.MaxPointsPerTask, rowsPerTask, options.WindowOverlap, PrepareOptions.ToArgument(options.OnUnsorted), PrepareOptions.ToArgument(options.OnDuplicate), options.Overview);
        var previous = reading.GetAwaiter().GetResult();

        // prepare.json as this build wrote it (its stamp unchanged) with these columns and settings holds their fingerprint.
        var fingerprint = previous is not null && stamps.OutputIs(manifestPath, OutputDigest(previous.Fingerprint))
                          && previous.Schema.SameAs(manifestSchema) && previous.Settings == settings
            ? previous.Fingerprint
            : Hashes.Sha256(new JObject
            {
                ["format"] = PreparedManifest.CurrentFormat,
                ["schema"] = JObject.FromObject(manifestSchema),
                ["settings"] = JObject.FromObject(settings),
            }.ToString(Newtonsoft.Json.Formatting.None));
        var earlier = new Dictionary<string, PreparedSource>(StringComparer.Ordinal);
        foreach (var s in previous?.Fingerprint == fingerprint ? previous.Sources : [])
        {
            earlier.TryAdd(s.File, s);
        }

        var fixedForAll = new PrepareFixes
        {
            SeparatorChanged = schema.Separator != ',',
            TimeFormatChanged = schema.TimeFormat is not null && schema.TimeFormat.Pattern != outputFormat!.Pattern,
            HeaderNamesChanged = schema.Columns.Where((c, i) => columns[i].Prepared is { } p && p != c).Count(),
            TextColumnsDropped = columns.Count(c => c.Role == "dropped"),
        };
        var sources = new List<PreparedSource>();
        var unchanged = new List<string>();
        var names = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

        // Every source is written to staging first; only when all succeeded do the task files move in place, so a
        // failure leaves the folder as the last successful run left it.
        // A killed run's staging folder is removed here; a running one's (another process's id) is left alone.
        Processes.ScratchName.RemoveDead(preparedDirectory, StagingPrefix, string.Empty);
        var staging = Path.Combine(preparedDirectory, Processes.ScratchName.Mine(StagingPrefix, string.Empty));
        var moves = new List<(string From, string To, string Sha256)>();
        try
        {
            var outcomes = ForEachSource(source.Files, options.Workers, progress, ct, (index, file) =>
            {
                var name = Path.GetFileName(file);
                var sha = stamps.SourceSha256(file);
                if (earlier.TryGetValue(name, out var before) && before.Sha256 == sha
                    && before.AllTasks.All(t => stamps.TaskFileIs(Path.Combine(preparedDirectory, t.File), t.Bytes, t.Sha256)))
                {
                    return new SourceOutcome(before, true, []);
                }

                var sourceMoves = new List<(string From, string To, string Sha256)>();
                var stagingFolder = Path.Combine(staging, index.ToString(System.Globalization.CultureInfo.InvariantCulture));
                PrepareOne(file, name, sha, layout, options, rowsPerTask, preparedDirectory, stagingFolder, limits, progress, stamps, sourceMoves, ct, out var entry);
                entry = entry with
                {
                    Fixes = entry.Fixes with
                    {
                        SeparatorChanged = fixedForAll.SeparatorChanged,
                        TimeFormatChanged = fixedForAll.TimeFormatChanged,
                        HeaderNamesChanged = fixedForAll.HeaderNamesChanged,
                        TextColumnsDropped = fixedForAll.TextColumnsDropped,
                    },
                };
                return new SourceOutcome(entry, false, sourceMoves);
            });

            // In source order, as a sequential run would: the first failure wins, names are claimed first come first served.
            foreach (var (file, outcome) in source.Files.Zip(outcomes))
            {
                var (entry, same, sourceMoves) = outcome.Result();
                var name = Path.GetFileName(file);
                foreach (var task in entry.AllTasks)
                {
                    if (!names.TryAdd(task.File, name))
                    {
                        throw new DatasetException(
                            $"{file}: its task file '{task.File}' has the same name as one made from '{names[task.File]}'. Rename one of the source files.");
                    }
                }

                if (same)
                {
                    unchanged.Add(name);
                }

                sources.Add(entry);
                moves.AddRange(sourceMoves);
            }

            foreach (var (from, to, sha) in moves)
            {
                File.Move(from, to, overwrite: true);
                stamps.TaskFileWritten(to, sha);
            }
        }
        finally
        {
            if (Directory.Exists(staging))
            {
                Directory.Delete(staging, recursive: true);
            }
        }

        var manifest = new PreparedManifest { Fingerprint = fingerprint, Schema = manifestSchema, Settings = settings, Sources = sources };
        var removed = new List<string>();
        foreach (var stale in Directory.EnumerateFiles(preparedDirectory, "*.csv").Where(p => !names.ContainsKey(Path.GetFileName(p))).Order(StringComparer.Ordinal))
        {
            File.Delete(stale);
            removed.Add(Path.GetFileName(stale));
        }

        warnings.AddRange(sources.SelectMany(s => s.Warnings ?? []));
        var reportPath = Path.Combine(preparedDirectory, ReportFileName);

        // Nothing changed: every source is the one in prepare.json, in the same order, and no task file moved or went.
        // Then the manifest is the one read, and with the same warnings the report is the same too: when both files
        // still carry the stamps this build wrote them with, they are neither rendered nor read again.
        var manifestDigest = OutputDigest(fingerprint);
        var reportDigest = OutputDigest(fingerprint, [.. warnings]);
        var nothingChanged = previous is not null && previous.Fingerprint == fingerprint && moves.Count == 0 && removed.Count == 0
                             && sources.Count == previous.Sources.Count && sources.Zip(previous.Sources).All(p => ReferenceEquals(p.First, p.Second));
        if (!nothingChanged || !stamps.OutputIs(manifestPath, manifestDigest) || !stamps.OutputIs(reportPath, reportDigest))
        {
            WriteIfChanged(manifestPath, manifest.ToJson());
            WriteIfChanged(reportPath, Report(manifest, warnings));
        }

        stamps.OutputWritten(manifestPath, manifestDigest);
        stamps.OutputWritten(reportPath, reportDigest);
        if (!stamps.Unchanged)
        {
            WriteIfChanged(Path.Combine(preparedDirectory, FileStampCache.FileName), stamps.Render());
        }

        var files = names.Keys.Order(StringComparer.Ordinal).Select(n => Path.Combine(preparedDirectory, n)).ToArray();
        var prepared = new Dataset(source.Name, source.Version, Path.GetFullPath(preparedDirectory), files);
        // The snapshot reads the sources again (dense labels, the report): a %Z file's wall-clock values in the zone too.
        var sourceSchema = schema with { TimeFormat = schema.TimeFormat?.InZone(zone) };
        return new PreparedDataset(source, sourceSchema, prepared, preparedSchema, manifest, warnings, unchanged, removed) { FilesHashed = stamps.Hashed, SchemasDetected = source.Files.Count - stamps.DetectionsReused };
    }

    /// <summary>The prepare report: every fix per source and in total, deterministic (no clock), beside the manifest.</summary>
    public static string Report(PreparedManifest manifest, IReadOnlyList<string>? warnings = null)
    {
        var perSource = new JArray(manifest.Sources.Select(s => new JObject
        {
            ["file"] = s.File,
            ["tasks"] = s.Tasks.Count,
            ["overview"] = s.Overview?.File,
            ["fixes"] = JObject.FromObject(s.Fixes, SnakeCase.Value),
        }));
        var totals = new JObject();
        foreach (var source in perSource)
        {
            foreach (var (key, value) in (JObject)source["fixes"]!)
            {
                if (key == "any")
                {
                    continue;
                }

                totals[key] = value!.Type == JTokenType.Boolean
                    ? (totals[key]?.Value<long>() ?? 0) + (value.Value<bool>() ? 1 : 0)
                    : (totals[key]?.Value<long>() ?? 0) + value.Value<long>();
            }
        }

        var report = new JObject
        {
            ["format"] = "labelpipeline-prepare-report/1",
            ["policies"] = new JObject { ["on_unsorted"] = manifest.Settings.OnUnsorted, ["on_duplicate"] = manifest.Settings.OnDuplicate },
            ["time"] = new JObject
            {
                ["source_format"] = manifest.Schema.SourceTimeFormat,
                ["source_time_zone"] = manifest.Schema.TimeZone,
                ["task_format"] = manifest.Schema.TimeFormat,
                ["task_time_zone"] = "UTC",
            },
            ["renamed_columns"] = new JArray(manifest.Schema.Columns.Where(c => c.Prepared is not null && c.Prepared != c.Source)
                .Select(c => new JObject { ["source"] = c.Source, ["prepared"] = c.Prepared })),
            ["dropped_columns"] = new JArray(manifest.Schema.Columns.Where(c => c.Role == "dropped").Select(c => c.Source)),
            ["rows_per_task"] = manifest.Settings.RowsPerTask,
            ["totals"] = totals,
            ["warnings"] = new JArray(warnings ?? []),
            ["sources"] = perSource,
        };
        return report.ToString(Newtonsoft.Json.Formatting.Indented).Replace("\r\n", "\n", StringComparison.Ordinal) + "\n";
    }

    /// <summary>Prepares one source into <paramref name="staging"/>; adds the files that differ from what is in place to <paramref name="moves"/>.</summary>
    private static void PrepareOne(
        string file, string name, string sha, SeriesLayout layout, PrepareOptions options, int rowsPerTask, string preparedDirectory, string staging,
        InputLimits limits, PrepareProgress? progress, FileStampCache stamps, List<(string From, string To, string Sha256)> moves, CancellationToken ct, out PreparedSource entry)
    {
        Directory.CreateDirectory(staging);
        IReadOnlyList<WrittenWindow> windows;
        PrepareFixes fixes;
        WrittenWindow? overview;
        IReadOnlyList<string> warnings;
        try
        {
            (windows, fixes, overview, warnings) = new SeriesPreparer(file, layout, options, staging, rowsPerTask, limits, ct, progress).Run();
        }
        catch (Exception e) when (DatasetInspector.IsInvalidUtf8(e))
        {
            throw DatasetInspector.NotUtf8(file);
        }

        if (windows.Count == 0)
        {
            throw new DatasetException($"{file}: the file has a header but no data rows with values.");
        }

        // One window keeps the source's name, so a short series is the same task as before; longer ones are numbered.
        var stem = Path.GetFileNameWithoutExtension(SafeTaskName(name));
        var digits = Math.Max(4, windows.Count.ToString(System.Globalization.CultureInfo.InvariantCulture).Length);
        var tasks = new List<PreparedTask>();
        PreparedTask? overviewTask = null;
        foreach (var window in overview is null ? windows : windows.Append(overview))
        {
            var final = window == overview ? $"{stem}.overview.csv"
                : windows.Count == 1 ? SafeTaskName(name) : $"{stem}.w{window.Window.ToString("D" + digits, System.Globalization.CultureInfo.InvariantCulture)}.csv";
            var hash = Hashes.Sha256File(window.TempPath);
            var bytes = new FileInfo(window.TempPath).Length;
            var destination = Path.Combine(preparedDirectory, final);
            if (!stamps.TaskFileIs(destination, bytes, hash))
            {
                moves.Add((window.TempPath, destination, hash)); // same bytes: the file (and its time stamp) is left alone
            }

            var task = new PreparedTask(final, hash, bytes, window.Window, window.Rows, window.FirstLine, window.LastLine, window.Start, window.End, window.OverlapRows, window.EndReachable);
            if (window == overview)
            {
                overviewTask = task;
            }
            else
            {
                tasks.Add(task);
            }
        }

        entry = new PreparedSource(name, sha, new FileInfo(file).Length, tasks, fixes, overviewTask, warnings.Count > 0 ? warnings : null);
    }

    /// <summary>
    /// A task file name that survives a URL: Label Studio serves local files as <c>/data/local-files/?d=path</c>, so
    /// '?', '#', '%', '&amp;', '+' or a control character in a name would cut or change the path. The manifest maps
    /// the task file back to its source's real name.
    /// </summary>
    internal static string SafeTaskName(string name) =>
        string.Create(name.Length, name, (span, source) =>
        {
            for (var i = 0; i < source.Length; i++)
            {
                span[i] = source[i] is '?' or '#' or '%' or '&' or '+' or '\\' || char.IsControl(source[i]) ? '_' : source[i];
            }
        });

    /// <summary>What became of one source: its manifest entry, whether it was unchanged, and its task files to move in place.</summary>
    private sealed record SourceOutcome(PreparedSource Entry, bool Unchanged, List<(string From, string To, string Sha256)> Moves);

    /// <summary>
    /// Runs <paramref name="prepare"/> on every source, <paramref name="workers"/> at a time, handing sources out in order
    /// (so the first ones finish first and progress reads sensibly). Results come back in source order; a failure is
    /// kept in its place, and sources after the first failure are not started.
    /// </summary>
    private static Outcome<SourceOutcome>[] ForEachSource(
        IReadOnlyList<string> files, int workers, PrepareProgress? progress, CancellationToken ct, Func<int, string, SourceOutcome> prepare)
    {
        var outcomes = new Outcome<SourceOutcome>[files.Count];
        var next = -1;
        var firstFailure = int.MaxValue;
        progress?.Starting(files.Count);
        void Work()
        {
            int index;
            while ((index = Interlocked.Increment(ref next)) < files.Count && index < Volatile.Read(ref firstFailure))
            {
                try
                {
                    ct.ThrowIfCancellationRequested();
                    outcomes[index] = new(prepare(index, files[index]), null);
                }
                catch (Exception e)
                {
                    outcomes[index] = new(null, System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e));
                    for (var seen = Volatile.Read(ref firstFailure); index < seen; seen = Volatile.Read(ref firstFailure))
                    {
                        Interlocked.CompareExchange(ref firstFailure, index, seen);
                    }
                }

                progress?.SourceDone();
            }
        }

        var count = Math.Clamp(workers > 0 ? workers : Math.Min(Environment.ProcessorCount, 4), 1, Math.Max(1, files.Count));
        if (count == 1)
        {
            Work();
        }
        else
        {
            var threads = Enumerable.Range(0, count).Select(_ => new Thread(Work) { IsBackground = true, Name = "Prepare" }).ToList();
            threads.ForEach(t => t.Start());
            threads.ForEach(t => t.Join());
        }

        return outcomes;
    }

    /// <summary>A result, or the exception that took its place (rethrown where the result is taken).</summary>
    private readonly record struct Outcome<T>(T? Value, System.Runtime.ExceptionServices.ExceptionDispatchInfo? Error)
        where T : class
    {
        public T Result()
        {
            Error?.Throw();
            return Value ?? throw new InvalidOperationException("a source after a failed one was taken");
        }
    }

    /// <summary>What prepare.json or the report is made from: this build of the code (a new one renders them once more), the fingerprint, the warnings.</summary>
    private static string OutputDigest(string fingerprint, params string[] warnings) =>
        Hashes.Sha256(string.Join('\n', [DatasetInspector.CodeVersion, fingerprint, .. warnings]));

    private static void WriteIfChanged(string path, string content)
    {
        if (File.Exists(path) && File.ReadAllText(path, Utf8) == content)
        {
            return;
        }

        AtomicFile.WriteAllText(path, content);
    }

    private static int IndexOf(IReadOnlyList<string> list, string value)
    {
        for (var i = 0; i < list.Count; i++)
        {
            if (list[i] == value)
            {
                return i;
            }
        }

        return -1;
    }

}
