using System.Text;
using LabelPipeline.Datasets;
using LabelPipeline.Export;
using LabelPipeline.LabelConfig;
using LabelPipeline.Prepare;
using LabelPipeline.Tests.Support;
using Newtonsoft.Json.Linq;

namespace LabelPipeline.Tests.Prepare;

/// <summary>Prepare: messy sources become clean task files, windows, policies, content addressing, and the way back.</summary>
public sealed class PrepareTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private string Source(string name, string content, bool bom = false)
    {
        var path = Path.Combine(_temp.Path, "ds", "v1", name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content, new UTF8Encoding(bom));
        return path;
    }

    private string Prepared => Path.Combine(_temp.Path, "prepared", "ds", "v1");

    private PreparedDataset Run(PrepareOptions? options = null) =>
        DatasetPreparer.Run(Dataset.Open("ds", "v1", Path.Combine(_temp.Path, "ds", "v1")), options ?? new PrepareOptions(), Prepared, CancellationToken.None);

    private string Task(string name) => File.ReadAllText(Path.Combine(Prepared, name));

    private static string Lines(string header, int count, Func<int, string> row) =>
        header + "\n" + string.Concat(Enumerable.Range(0, count).Select(i => row(i) + "\n"));

    private static DateTime T0 => new(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void A_messy_file_becomes_one_clean_task_file_and_every_fix_is_counted()
    {
        // BOM, ';' separator, CRLF, quoted names with a separator, quote and spaces inside, nan and empty cells, a text
        // column, a repeated time and a backward step.
        var source = Source("messy.csv",
            "\"time\";\" motor \"\"A\"\" current \";\"p;q\";note\r\n" +
            "2024-01-01 00:00:02;1.5;nan;x\r\n" +
            "2024-01-01 00:00:00;;10;y\r\n" +
            "2024-01-01 00:00:01;2.5;11;z\r\n" +
            "2024-01-01 00:00:01;3.5;13;z\r\n" +
            "\r\n" +
            "2024-01-01 00:00:03;4;;w\r\n", bom: true);
        var before = File.ReadAllBytes(source);

        var result = Run(new PrepareOptions { OnUnsorted = UnsortedPolicy.Sort, OnDuplicate = DuplicatePolicy.Mean });

        Assert.Equal(
            "time,motor A current,p_q\n" +
            "2024-01-01 00:00:00,3,10\n" + // leading gap: the channel's first value (00:00:01's mean)
            "2024-01-01 00:00:01,3,12\n" + // two rows at 00:00:01 averaged
            "2024-01-01 00:00:02,1.5,12\n" + // nan: the value before
            "2024-01-01 00:00:03,4,12\n",
            Task("messy.csv"));
        Assert.Equal(before, File.ReadAllBytes(source)); // the source is never touched
        var fixes = result.Manifest.Sources.Single().Fixes;
        Assert.Equal(5, fixes.RowsRead);
        Assert.Equal(4, fixes.RowsWritten);
        Assert.Equal(3, fixes.RowsReordered); // the three rows after 00:00:02 that are earlier than it
        Assert.Equal(1, fixes.DuplicateTimes);
        Assert.Equal(2, fixes.DuplicateRowsAveraged);
        Assert.Equal(3, fixes.MissingCellsFilled);
        Assert.True(fixes.ByteOrderMarkRemoved && fixes.CarriageReturnsRemoved && fixes.SeparatorChanged);
        Assert.Equal(2, fixes.HeaderNamesChanged);
        Assert.Equal(1, fixes.TextColumnsDropped);
        Assert.Equal(["time", "motor A current", "p_q"], result.TaskSchema.Columns);
        Assert.Contains(result.Manifest.Schema.Columns, c => c.Source == "motor \"A\" current" && c.Prepared == "motor A current");
        var report = JObject.Parse(File.ReadAllText(result.ReportPath));
        Assert.Equal(3, report["totals"]!["rows_reordered"]!.Value<long>());
        Assert.Equal("note", report["dropped_columns"]![0]!.ToString());
        Assert.Contains(PrepareSummary.Lines(result), l => l.Contains("3 rows out of time order sorted", StringComparison.Ordinal));

        // The labeling config made from the prepared schema names exactly the task file's columns.
        var config = LabelConfigGenerator.Generate(File.ReadAllText(Repository.Template), result.TaskSchema, ["Anomaly"]);
        Assert.Contains("column=\"motor A current\"", config, StringComparison.Ordinal);
        Assert.Contains("sep=\",\"", config, StringComparison.Ordinal);
    }

    [Fact]
    public void Keep_first_keeps_the_first_row_of_a_repeated_time()
    {
        Source("d.csv", "t,v\n2024-01-01 00:00:00,1\n2024-01-01 00:00:01,2\n2024-01-01 00:00:01,9\n2024-01-01 00:00:02,3\n");
        var result = Run();
        Assert.Equal("t,v\n2024-01-01 00:00:00,1\n2024-01-01 00:00:01,2\n2024-01-01 00:00:02,3\n", Task("d.csv"));
        Assert.Equal(1, result.Manifest.Sources.Single().Fixes.DuplicateRowsDropped);
    }

    [Fact]
    public void The_fail_policies_name_file_and_line_and_write_no_task_file()
    {
        var file = Source("d.csv", "t,v\n2024-01-01 00:00:00,1\n2024-01-01 00:00:01,2\n2024-01-01 00:00:01,9\n2024-01-01 00:00:02,3\n");
        var repeat = Assert.Throws<DatasetException>(() => Run(new PrepareOptions { OnDuplicate = DuplicatePolicy.Fail }));
        Assert.Contains($"{file} line 4: time '2024-01-01 00:00:01' repeats line 3", repeat.Message, StringComparison.Ordinal);
        Assert.Contains("--on-duplicate=keep-first", repeat.Message, StringComparison.Ordinal);
        Source("d.csv", "t,v\n2024-01-01 00:00:00,1\n2024-01-01 00:00:01,2\n2024-01-01 00:00:01,9\n2024-01-01 00:00:00,3\n");
        var backwards = Assert.Throws<DatasetException>(() => Run());
        Assert.Contains($"{file} line 5: time '2024-01-01 00:00:00' goes backwards (line 4 has '2024-01-01 00:00:01')", backwards.Message, StringComparison.Ordinal);
        Assert.Contains("--on-unsorted=sort", backwards.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(Prepared, "*.csv"));
        Assert.Empty(Directory.GetDirectories(Prepared)); // no staging folder left behind
    }

    [Fact]
    public void A_source_that_fails_leaves_the_task_files_of_the_last_successful_run()
    {
        Source("a.csv", Lines("time,v", 5, i => $"{T0.AddMinutes(i):yyyy-MM-dd HH:mm:ss},{i}"));
        var b = Source("b.csv", Lines("time,v", 5, i => $"{T0.AddDays(1).AddMinutes(i):yyyy-MM-dd HH:mm:ss},{i}"));
        Run();
        var before = Directory.GetFiles(Prepared).ToDictionary(f => f, File.ReadAllBytes);

        // a.csv changes and would be rewritten, but b.csv (later) now steps back: nothing moves in.
        Source("a.csv", Lines("time,v", 5, i => $"{T0.AddMinutes(i):yyyy-MM-dd HH:mm:ss},{i * 10}"));
        File.AppendAllText(b, $"{T0:yyyy-MM-dd HH:mm:ss},9\n");
        Assert.Throws<DatasetException>(() => Run());
        Assert.Equal(before.Keys.Order(), Directory.GetFiles(Prepared).Order());
        Assert.All(before, f => Assert.Equal(f.Value, File.ReadAllBytes(f.Key)));
        Assert.Empty(Directory.GetDirectories(Prepared));
    }

    [Theory]
    [InlineData("2024-01-01 00:00:01,abc", "line 302: column 'v' value 'abc' is not a number")]
    [InlineData("2024-01-01 00:00:01,2,3", "line 302: 3 fields, but the header has 2")]
    [InlineData("01/02/2024,2", "line 302: time '01/02/2024' does not match the time format")]
    [InlineData(",2", "line 302: the time cell (column 't') is empty")]
    public void Rows_it_cannot_handle_are_refused_with_file_and_line(string badRow, string expected)
    {
        // Past the rows the schema is detected from, so Prepare's own row checks answer.
        var file = Source("bad.csv", Lines("t,v", 300, i => $"{T0.AddSeconds(-1000 + i):yyyy-MM-dd HH:mm:ss},{i}") + badRow + "\n");
        var error = Assert.Throws<DatasetException>(() => Run());
        Assert.Contains($"{file} {expected}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Long_series_are_split_into_windows_with_overlap_recorded_in_the_manifest()
    {
        Source("long.csv", Lines("time,a,b", 10, i => $"{T0.AddMinutes(i):yyyy-MM-dd HH:mm:ss},{i},{i * 2}"));
        Source("short.csv", Lines("time,a,b", 3, i => $"{T0.AddDays(1).AddMinutes(i):yyyy-MM-dd HH:mm:ss},{i},{i}"));

        // 8 values per task / 2 channels = 4 rows; each window repeats the last row of the one before.
        var result = Run(new PrepareOptions { MaxPointsPerTask = 8, WindowOverlap = 1 });

        Assert.Equal(["long.w0001.csv", "long.w0002.csv", "long.w0003.csv", "short.csv"], result.TaskFiles.Files.Select(Path.GetFileName));
        var tasks = result.Manifest.Sources.Single(s => s.File == "long.csv").Tasks;
        Assert.Equal([(4L, 2L, 5L, 0), (4L, 5L, 8L, 1), (4L, 8L, 11L, 1)], tasks.Select(t => (t.Rows, t.FirstLine, t.LastLine, t.OverlapRows)));
        Assert.Equal("2024-01-01 00:03:00", tasks[0].End);
        Assert.Equal("2024-01-01 00:03:00", tasks[1].Start);
        Assert.Equal("2024-01-01 00:09:00", tasks[2].End);
        Assert.StartsWith("time,a,b\n2024-01-01 00:06:00,6,12\n", Task("long.w0003.csv"), StringComparison.Ordinal);
        Assert.Equal(10, result.Manifest.Sources.Single(s => s.File == "long.csv").Fixes.RowsWritten);
    }

    [Fact]
    public void The_overview_of_a_long_series_keeps_every_spike_in_one_task_and_maps_back()
    {
        // 1,000 rows, two one-row spikes the editor's stride decimation would drop; 100 rows per task: 10 windows.
        Source("long.csv", Lines("time,a,b", 1000, i =>
            $"{T0.AddMinutes(i):yyyy-MM-dd HH:mm:ss},{(i == 123 ? "1000" : i == 777 ? "-1000" : (i % 10).ToString(System.Globalization.CultureInfo.InvariantCulture))},{i % 7}"));
        var result = Run(new PrepareOptions { MaxPointsPerTask = 200, Overview = true });

        var source = result.Manifest.Sources.Single();
        Assert.Equal(10, source.Tasks.Count);
        Assert.Equal("long.overview.csv", source.Overview!.File);
        Assert.Contains("long.overview.csv", result.TaskFiles.Files.Select(Path.GetFileName));
        var lines = File.ReadAllLines(Path.Combine(Prepared, "long.overview.csv"));
        Assert.Equal("time,a,b", lines[0]);
        Assert.InRange(lines.Length - 1, 20, 100); // at most one task's rows
        Assert.Contains($"{T0.AddMinutes(123):yyyy-MM-dd HH:mm:ss},1000,4", lines);
        Assert.Contains($"{T0.AddMinutes(777):yyyy-MM-dd HH:mm:ss},-1000,0", lines);
        var times = lines.Skip(1).Select(l => l.Split(',')[0]).ToArray();
        Assert.Equal(times.Order(StringComparer.Ordinal), times); // time order, no repeats
        Assert.Equal(times.Length, times.Distinct().Count());
        Assert.Contains(PrepareSummary.Lines(result), l => l.Contains("10 task files + overview", StringComparison.Ordinal));

        // A region drawn on the overview is a region of the source; it never merges with a window's.
        var summary = Snapshot(
            result,
            ExportTask(1, "long.overview.csv", 11, 1, Region("2024-01-01 02:00:00", "2024-01-01 02:05:00", "o1")),
            ExportTask(2, "long.w0002.csv", 12, 1, Region("2024-01-01 01:40:00", "2024-01-01 03:19:00", "w2")));
        Assert.Equal(2, summary.Regions);
        Assert.All(Intervals(), r => Assert.StartsWith("ds,v1,long.csv,", r, StringComparison.Ordinal));
    }

    [Fact]
    public void Re_running_with_an_overview_reads_its_manifest_back_and_rewrites_nothing()
    {
        Source("long.csv", Lines("time,a", 1000, i => $"{T0.AddMinutes(i):yyyy-MM-dd HH:mm:ss},{i % 10}"));
        var first = Run(new PrepareOptions { MaxPointsPerTask = 100, Overview = true });
        var manifest = File.ReadAllText(Path.Combine(Prepared, PreparedManifest.FileName));
        Assert.DoesNotContain("all_tasks", manifest, StringComparison.Ordinal); // the windows and the overview are listed once
        var stamps = Directory.GetFiles(Prepared).ToDictionary(f => f, File.GetLastWriteTimeUtc);
        Thread.Sleep(20);

        var again = Run(new PrepareOptions { MaxPointsPerTask = 100, Overview = true });
        Assert.Equal(first.Manifest.ToJson(), again.Manifest.ToJson());
        Assert.Equal("long.overview.csv", PreparedManifest.TryRead(Path.Combine(Prepared, PreparedManifest.FileName))!.Sources.Single().Overview!.File);
        Assert.Equal(stamps, Directory.GetFiles(Prepared).ToDictionary(f => f, File.GetLastWriteTimeUtc));
    }

    [Fact]
    public void Re_running_on_unchanged_data_changes_nothing_and_a_changed_source_only_its_own_files()
    {
        Source("a.csv", Lines("time,v", 5, i => $"{T0.AddMinutes(i):yyyy-MM-dd HH:mm:ss},{i}"));
        var b = Source("b.csv", Lines("time,v", 5, i => $"{T0.AddDays(1).AddMinutes(i):yyyy-MM-dd HH:mm:ss},{i}"));
        Run();
        var stamps = Directory.GetFiles(Prepared).ToDictionary(f => f, File.GetLastWriteTimeUtc);
        var bytes = Directory.GetFiles(Prepared).ToDictionary(f => f, File.ReadAllBytes);
        Thread.Sleep(20);

        var again = Run();
        Assert.Equal(["a.csv", "b.csv"], again.Unchanged);
        Assert.All(stamps, s => Assert.Equal(s.Value, File.GetLastWriteTimeUtc(s.Key)));
        Assert.All(bytes, s => Assert.Equal(s.Value, File.ReadAllBytes(s.Key)));

        File.WriteAllText(b, Lines("time,v", 5, i => $"{T0.AddDays(1).AddMinutes(i):yyyy-MM-dd HH:mm:ss},{i + 1}"));
        var changed = Run();
        Assert.Equal(["a.csv"], changed.Unchanged);
        Assert.Equal(stamps[Path.Combine(Prepared, "a.csv")], File.GetLastWriteTimeUtc(Path.Combine(Prepared, "a.csv")));
        Assert.NotEqual(bytes[Path.Combine(Prepared, "b.csv")], File.ReadAllBytes(Path.Combine(Prepared, "b.csv")));

        // Other settings are another preparation: everything is made again, and files no source makes are removed.
        var windowed = Run(new PrepareOptions { MaxPointsPerTask = 2 });
        Assert.Empty(windowed.Unchanged);
        Assert.Equal(["a.csv", "b.csv"], windowed.Removed);
        Assert.Equal(6, Directory.GetFiles(Prepared, "*.csv").Length);
    }

    [Fact]
    public void Times_in_a_zone_are_written_in_UTC_at_the_editors_precision()
    {
        Source("z.csv", "time,v\n2024-07-01 02:00:00.123456,1\n2024-07-01 02:00:01.500000,2\n");
        var result = Run(new PrepareOptions { TimeZone = PrepareOptions.ParseTimeZone("Europe/Berlin"), TimeFormat = "%Y-%m-%d %H:%M:%S.%f" });
        Assert.Equal("time,v\n2024-07-01 00:00:00.123,1\n2024-07-01 00:00:01.500,2\n", Task("z.csv"));
        Assert.Equal("%Y-%m-%d %H:%M:%S.%L", result.TaskSchema.TimeFormat!.Pattern); // %f is not supported by the editor, %L is
        var fixes = result.Manifest.Sources.Single().Fixes;
        Assert.Equal(1, fixes.TimesRounded);
        Assert.Equal(2, fixes.TimesShiftedToUtc);
        Assert.Equal("Europe/Berlin", result.Manifest.Schema.TimeZone);
    }

    [Fact]
    public void Offsets_become_UTC_without_a_zone_in_the_format()
    {
        Source("o.csv", "time,v\n2024-01-01T01:00:00+01:00,1\n2024-01-01T01:30:00+01:00,2\n");
        var result = Run();
        Assert.Equal("time,v\n2024-01-01 00:00:00,1\n2024-01-01 00:30:00,2\n", Task("o.csv"));
        Assert.Equal("%Y-%m-%d %H:%M:%S", result.TaskSchema.TimeFormat!.Pattern);
    }

    [Fact]
    public void A_time_the_zone_skips_is_refused()
    {
        var file = Source("dst.csv", "time,v\n2024-03-31 01:30:00,1\n2024-03-31 02:30:00,2\n");
        var error = Assert.Throws<DatasetException>(() => Run(new PrepareOptions { TimeZone = PrepareOptions.ParseTimeZone("Europe/Berlin") }));
        Assert.Contains($"{file} line 3: time '2024-03-31 02:30:00' does not exist in time zone Europe/Berlin", error.Message, StringComparison.Ordinal);
    }

    // ------------------------------------------------------------------ the way back: regions on windows → source

    private const string Config = "<View><TimeSeries name=\"ts\" valueType=\"url\" value=\"$csv\" timeColumn=\"time\" timeFormat=\"%Y-%m-%d %H:%M:%S\" sep=\",\">" +
                                  "<Channel column=\"a\"/></TimeSeries><TimeSeriesLabels name=\"label\" toName=\"ts\"><Label value=\"Anomaly\"/><Label value=\"Normal\"/></TimeSeriesLabels></View>";

    private static JObject Region(string start, string end, string id, string label = "Anomaly") => new()
    {
        ["value"] = new JObject { ["start"] = start, ["end"] = end, ["instant"] = start == end, ["timeserieslabels"] = new JArray(label) },
        ["id"] = id, ["from_name"] = "label", ["to_name"] = "ts", ["type"] = "timeserieslabels", ["origin"] = "manual",
    };

    private static JObject ExportTask(int id, string file, int annotation, int user, params JObject[] results) =>
        ExportTask(id, file, Annotation(annotation, user, results));

    private SnapshotSummary Snapshot(PreparedDataset result, params JObject[] tasks)
    {
        var export = Path.Combine(_temp.Path, $"export-{Guid.NewGuid():N}.json");
        File.WriteAllText(export, new JArray(tasks).ToString());
        return SnapshotBuilder.Build(export, new SnapshotOptions
        {
            Dataset = result.Source,
            Schema = result.SourceSchema,
            Prepared = result.Manifest,
            LabelConfig = Config,
            AnomalyLabels = new HashSet<string> { "Anomaly" },
            Source = new SnapshotSource("export-file", null, null, null, null),
        }, Path.Combine(_temp.Path, "out"), CancellationToken.None);
    }

    private string[] Intervals() => File.ReadAllLines(Path.Combine(_temp.Path, "out", "intervals.csv")).Skip(1).ToArray();

    private string[] DenseAnomalies(string file) => File.ReadAllLines(Path.Combine(_temp.Path, "out", "dense", file)).Skip(1)
        .Where(l => l.Split(',')[^2] == "1").Select(l => l.Split(',')[0]).ToArray();

    [Fact]
    public void A_region_continued_across_a_window_boundary_is_one_range_on_the_source_rows()
    {
        // 12 rows, 4 per task: windows 00:00–00:03, 00:04–00:07, 00:08–00:11. The second source row is repeated (dropped).
        Source("s.csv", "time,a\n" + string.Concat(Enumerable.Range(0, 12).Select(i => $"{T0.AddMinutes(i):yyyy-MM-dd HH:mm:ss},{i}\n" + (i == 1 ? $"{T0.AddMinutes(1):yyyy-MM-dd HH:mm:ss},99\n" : string.Empty))));
        var result = Run(new PrepareOptions { MaxPointsPerTask = 4 });
        Assert.Equal(3, result.TaskFiles.Files.Count);

        var summary = Snapshot(
            result,
            ExportTask(1, "s.w0001.csv", 11, 1, Region("2024-01-01 00:02:00", "2024-01-01 00:03:00", "r1"), Region("2024-01-01 00:00:00", "2024-01-01 00:00:00", "i1")),
            ExportTask(2, "s.w0002.csv", 12, 1, Region("2024-01-01 00:04:00", "2024-01-01 00:07:00", "r2")),
            ExportTask(3, "s.w0003.csv", 13, 1, Region("2024-01-01 00:08:00", "2024-01-01 00:09:00", "r3"), Region("2024-01-01 00:11:00", "2024-01-01 00:11:00", "r4")));

        // r1 → r2 → r3 chain into one range; the instants stay apart.
        Assert.Equal(3, summary.Regions);
        var rows = Intervals();
        Assert.Contains(rows, r => r.StartsWith("ds,v1,s.csv,1,11,r1+r2+r3,2024-01-01T00:02:00.000000,2024-01-01T00:09:00.000000,", StringComparison.Ordinal));
        Assert.Equal("2024-01-01T00:00:00.000000,2024-01-01T00:00:00.000000\n2024-01-01T00:02:00.000000,2024-01-01T00:09:00.000000\n2024-01-01T00:11:00.000000,2024-01-01T00:11:00.000000\n",
            File.ReadAllText(Path.Combine(_temp.Path, "out", "lookout", "labels.csv")));

        // Dense labels run over the source's own 13 rows (the repeat included), flagged by time.
        var dense = File.ReadAllLines(Path.Combine(_temp.Path, "out", "dense", "s.csv"));
        Assert.Equal(14, dense.Length);
        Assert.Equal(
            ["2024-01-01 00:00:00", "2024-01-01 00:02:00", "2024-01-01 00:03:00", "2024-01-01 00:04:00", "2024-01-01 00:05:00", "2024-01-01 00:06:00", "2024-01-01 00:07:00", "2024-01-01 00:08:00", "2024-01-01 00:09:00", "2024-01-01 00:11:00"],
            DenseAnomalies("s.csv"));

        var manifest = JObject.Parse(File.ReadAllText(Path.Combine(_temp.Path, "out", "manifest.json")));
        Assert.Equal("s.csv", manifest["prepared"]!["tasks"]![1]!["source"]!.ToString());
        Assert.Equal(result.Manifest.Sources[0].Tasks[1].Sha256, manifest["prepared"]!["tasks"]![1]!["sha256"]!.ToString());
    }

    private static JObject Annotation(int id, int user, params JObject[] results) => new()
    {
        ["id"] = id, ["completed_by"] = user, ["result"] = new JArray(results), ["was_cancelled"] = false, ["ground_truth"] = false,
        ["created_at"] = "2024-02-01T00:00:00Z", ["updated_at"] = "2024-02-01T00:00:00Z",
    };

    private static JObject ExportTask(int id, string file, params JObject[] annotations) => new()
    {
        ["id"] = id, ["data"] = new JObject { ["csv"] = $"/data/local-files/?d=.prepared/ds/v1/{file}" }, ["annotations"] = new JArray(annotations), ["project"] = 1,
    };

    [Fact]
    public void Regions_that_stop_short_of_the_boundary_or_differ_in_label_or_annotator_stay_apart()
    {
        // Windows 00:00–00:03 and 00:04–00:07; the editor can drag up to 00:02 in the first (not onto its last point).
        Source("s.csv", Lines("time,a", 8, i => $"{T0.AddMinutes(i):yyyy-MM-dd HH:mm:ss},{i}"));
        var result = Run(new PrepareOptions { MaxPointsPerTask = 4 });
        Assert.Equal("2024-01-01 00:02:00", result.Manifest.Sources[0].Tasks[0].EndReachable);
        var summary = Snapshot(
            result,
            ExportTask(1, "s.w0001.csv",
                Annotation(11, 1,
                    Region("2024-01-01 00:00:00", "2024-01-01 00:01:30", "short"), // ends before the last point it could reach
                    Region("2024-01-01 00:02:00", "2024-01-01 00:03:00", "normal", "Normal")), // another label than "next"
                Annotation(13, 2, Region("2024-01-01 00:02:00", "2024-01-01 00:03:00", "theirs"))), // another annotator than "next"
            ExportTask(2, "s.w0002.csv", Annotation(12, 1, Region("2024-01-01 00:04:00", "2024-01-01 00:05:00", "next"))));
        Assert.Equal(4, summary.Regions);
        Assert.DoesNotContain(Intervals(), r => r.Contains('+', StringComparison.Ordinal));
    }

    [Fact]
    public void A_region_ending_on_the_last_point_the_editor_can_reach_continues_in_the_next_window()
    {
        Source("s.csv", Lines("time,a", 8, i => $"{T0.AddMinutes(i):yyyy-MM-dd HH:mm:ss},{i}"));
        var result = Run(new PrepareOptions { MaxPointsPerTask = 4 });
        var summary = Snapshot(
            result,
            ExportTask(1, "s.w0001.csv", Annotation(11, 1, Region("2024-01-01 00:01:00", "2024-01-01 00:02:00", "left"))),
            ExportTask(2, "s.w0002.csv", Annotation(12, 1, Region("2024-01-01 00:04:00", "2024-01-01 00:05:00", "right"))));
        Assert.Equal(1, summary.Regions);
        Assert.Contains(Intervals(), r => r.Contains(",left+right,2024-01-01T00:01:00.000000,2024-01-01T00:05:00.000000,", StringComparison.Ordinal));
        Assert.Equal(["2024-01-01 00:01:00", "2024-01-01 00:02:00", "2024-01-01 00:03:00", "2024-01-01 00:04:00", "2024-01-01 00:05:00"], DenseAnomalies("s.csv"));
    }

    [Fact]
    public void Regions_meeting_in_the_overlap_merge_and_times_go_back_to_the_sources_zone()
    {
        // Berlin in January is UTC+1: the task files say 23:00.., the source 00:00..; 4 rows per task, 2 overlapping.
        Source("s.csv", Lines("time,a", 8, i => $"{T0.AddMinutes(i):yyyy-MM-dd HH:mm:ss},{i}"));
        var result = Run(new PrepareOptions { MaxPointsPerTask = 4, WindowOverlap = 2, TimeZone = PrepareOptions.ParseTimeZone("Europe/Berlin") });
        Assert.Equal("2023-12-31 23:02:00", result.Manifest.Sources[0].Tasks[1].Start);
        var summary = Snapshot(
            result,
            ExportTask(1, "s.w0001.csv", 11, 1, Region("2023-12-31 23:01:00", "2023-12-31 23:02:00", "r1")),
            ExportTask(2, "s.w0002.csv", 12, 1, Region("2023-12-31 23:02:00", "2023-12-31 23:04:00", "r2")));
        Assert.Equal(1, summary.Regions);
        Assert.Equal(["2024-01-01 00:01:00", "2024-01-01 00:02:00", "2024-01-01 00:03:00", "2024-01-01 00:04:00"], DenseAnomalies("s.csv"));
    }

    [Fact]
    public void Dense_labels_follow_a_source_that_Prepare_sorted()
    {
        Source("u.csv", "time,a\n2024-01-01 00:00:00,1\n2024-01-01 00:00:02,2\n2024-01-01 00:00:01,3\n2024-01-01 00:00:03,4\n");
        var result = Run(new PrepareOptions { OnUnsorted = UnsortedPolicy.Sort });
        Snapshot(result, ExportTask(1, "u.csv", 11, 1, Region("2024-01-01 00:00:01", "2024-01-01 00:00:02", "r1")));
        Assert.Equal(["2024-01-01 00:00:02", "2024-01-01 00:00:01"], DenseAnomalies("u.csv"));
    }
}
