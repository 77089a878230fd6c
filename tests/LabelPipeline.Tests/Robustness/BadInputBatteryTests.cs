using System.Diagnostics;
using System.Text;
using LabelPipeline.Datasets;
using LabelPipeline.Export;
using LabelPipeline.LabelConfig;
using LabelPipeline.Predictions;
using LabelPipeline.Prepare;
using LabelPipeline.Processes;
using LabelPipeline.Tests.Support;
using Newtonsoft.Json.Linq;

namespace LabelPipeline.Tests.Robustness;

/// <summary>
/// Issue 13's adversarial battery, one test per defect: each input is either used as meant, refused with what, where
/// and how to fix, or accepted with a warning in the log and the report. Every test here failed before its fix.
/// </summary>
public sealed class BadInputBatteryTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private string Folder => Path.Combine(_temp.Path, "ds", "v1");

    private string Prepared => Path.Combine(_temp.Path, "prepared", "ds", "v1");

    private string Source(string name, string content)
    {
        Directory.CreateDirectory(Folder);
        var path = Path.Combine(Folder, name);
        File.WriteAllText(path, content, new UTF8Encoding(false));
        return path;
    }

    private PreparedDataset Run(PrepareOptions? options = null) =>
        DatasetPreparer.Run(Dataset.Open("ds", "v1", Folder), options ?? new PrepareOptions(), Prepared, CancellationToken.None);

    private string Task(string name) => File.ReadAllText(Path.Combine(Prepared, name));

    private static JObject Report(PreparedDataset result) => JObject.Parse(File.ReadAllText(result.ReportPath));

    private static string ReportWarnings(PreparedDataset result) => string.Join("\n", Report(result)["warnings"]?.Values<string>() ?? []);

    private static PrepareOptions Zone(string id) => new() { TimeZone = PrepareOptions.ParseTimeZone(id) };

    [Fact]
    public void Times_without_an_offset_in_a_file_with_offsets_are_read_in_the_time_zone_with_a_warning()
    {
        Source("mixed.csv", "time,v\n2024-01-01T00:00:00+01:00,1\n2024-01-01T02:00:00,2\n2024-01-01T03:00:00Z,3\n");
        var result = Run(Zone("Europe/Berlin"));

        // 02:00 Berlin is 01:00 UTC: the zone the user gave, not UTC.
        Assert.Equal("time,v\n2023-12-31 23:00:00,1\n2024-01-01 01:00:00,2\n2024-01-01 03:00:00,3\n", Task("mixed.csv"));
        Assert.Equal(1, result.Manifest.Sources.Single().Fixes.TimesShiftedToUtc);
        Assert.Contains(result.Warnings, w => w.Contains("line 3", StringComparison.Ordinal) && w.Contains("without an offset", StringComparison.Ordinal) && w.Contains("Europe/Berlin", StringComparison.Ordinal));
        Assert.Contains("without an offset", ReportWarnings(result), StringComparison.Ordinal);

        // The snapshot agrees: a region over the first two rows (task file times, UTC) labels exactly those source rows.
        var config = LabelConfigGenerator.Generate(File.ReadAllText(Repository.Template), result.TaskSchema, ["Anomaly"]);
        var export = _temp.Write("export.json", ExportOfOneRegion("mixed.csv", "2023-12-31 23:00:00", "2024-01-01 01:00:00"));
        var snapshot = Path.Combine(_temp.Path, "out", "ds", "v1");
        SnapshotBuilder.Build(export, SnapshotOptionsFor(result, config), snapshot, CancellationToken.None);
        Assert.Equal("2023-12-31T23:00:00.000000,2024-01-01T01:00:00.000000\n", File.ReadAllText(Path.Combine(snapshot, SnapshotLayout.LookoutLabels)));
        Assert.Equal([1, 1, 0], File.ReadAllLines(Path.Combine(snapshot, SnapshotLayout.DenseFolder, "mixed.csv")).Skip(1).Select(l => l.Split(',')[2] == "1" ? 1 : 0));
    }

    private static string ExportOfOneRegion(string taskFile, string start, string end) => new JArray(new JObject
    {
        ["id"] = 1, ["project"] = 1,
        ["data"] = new JObject { ["csv"] = $"/data/local-files/?d=.prepared/ds/v1/{taskFile}" },
        ["annotations"] = new JArray(new JObject
        {
            ["id"] = 1, ["completed_by"] = 1, ["was_cancelled"] = false, ["ground_truth"] = false,
            ["created_at"] = "2024-01-02T00:00:00Z", ["updated_at"] = "2024-01-02T00:00:00Z",
            ["result"] = new JArray(new JObject
            {
                ["id"] = "r1", ["from_name"] = "label", ["to_name"] = "ts", ["type"] = "timeserieslabels",
                ["value"] = new JObject { ["start"] = start, ["end"] = end, ["instant"] = false, ["timeserieslabels"] = new JArray("Anomaly") },
            }),
        }),
    }).ToString();

    [Fact]
    public void Microsecond_times_are_detected_and_written_in_milliseconds()
    {
        Source("us.csv", "time,v\n2024-01-01 00:00:00.123456,1\n2024-01-01 00:00:00.223456,2\n");
        var result = Run();
        Assert.Equal("%Y-%m-%d %H:%M:%S.%f", result.SourceSchema.TimeFormat!.Pattern);
        Assert.Equal("time,v\n2024-01-01 00:00:00.123,1\n2024-01-01 00:00:00.223,2\n", Task("us.csv"));
        Assert.Equal(2, result.Manifest.Sources.Single().Fixes.TimesRounded);
    }

    [Fact]
    public void An_ambiguous_local_time_at_a_fall_back_is_taken_with_a_warning()
    {
        // Berlin's clocks went from 03:00 CEST back to 02:00 CET on 2024-10-27: 02:30 happened twice.
        Source("dst.csv", "time,v\n2024-10-27 01:30:00,1\n2024-10-27 02:30:00,2\n2024-10-27 03:30:00,3\n");
        var result = Run(Zone("Europe/Berlin"));
        var warning = Assert.Single(result.Warnings, w => w.Contains("ambiguous", StringComparison.Ordinal));
        Assert.Contains("line 3", warning, StringComparison.Ordinal);
        Assert.Contains("2024-10-27 02:30:00", warning, StringComparison.Ordinal);
        Assert.Contains("ambiguous", ReportWarnings(result), StringComparison.Ordinal);
    }

    [Fact]
    public void Percent_q_on_second_resolution_data_warns_about_1970()
    {
        Source("epoch.csv", "time,v\n1700000000,1\n1700000060,2\n");
        var result = Run(new PrepareOptions { TimeFormat = "%Q" });
        var warning = Assert.Single(result.Warnings, w => w.Contains("1970", StringComparison.Ordinal));
        Assert.Contains("%s", warning, StringComparison.Ordinal);
        Assert.Contains("1970", ReportWarnings(result), StringComparison.Ordinal);
    }

    [Fact]
    public void A_nul_byte_in_the_header_is_refused_before_it_reaches_a_task_file()
    {
        Source("nul.csv", "time,v\0x\n2024-01-01 00:00:00,1\n");
        var error = Assert.Throws<DatasetException>(() => Run());
        Assert.Contains("nul.csv line 1", error.Message, StringComparison.Ordinal);
        Assert.Contains("NUL", error.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Prepared) && Directory.EnumerateFiles(Prepared, "*.csv").Any());
    }

    [Fact]
    public void A_symlink_pointing_outside_the_dataset_folder_is_refused()
    {
        Source("a.csv", "time,v\n2024-01-01 00:00:00,1\n");
        var outside = _temp.Write("elsewhere/secret.csv", "time,v\n2024-01-01 00:00:00,1\n");
        File.CreateSymbolicLink(Path.Combine(Folder, "b.csv"), outside);
        var error = Assert.Throws<DatasetException>(() => Dataset.Open("ds", "v1", Folder));
        Assert.Contains("b.csv", error.Message, StringComparison.Ordinal);
        Assert.Contains("outside the dataset folder", error.Message, StringComparison.Ordinal);

        // A link that stays inside the folder is fine.
        File.Delete(Path.Combine(Folder, "b.csv"));
        File.CreateSymbolicLink(Path.Combine(Folder, "b.csv"), Path.Combine(Folder, "a.csv"));
        Assert.Equal(2, Dataset.Open("ds", "v1", Folder).Files.Count);
    }

    [Fact]
    public void A_whitespace_only_file_is_called_empty()
    {
        Source("blank.csv", "  \n\t\n   \n");
        var error = Assert.Throws<DatasetException>(() => Run());
        Assert.Contains("blank.csv", error.Message, StringComparison.Ordinal);
        Assert.Contains("only whitespace", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("single column", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Dates_that_read_as_day_month_and_month_day_are_refused_not_guessed()
    {
        // Found by the detection property: every day is 12 or less, so %d/%m/%Y and %m/%d/%Y both read the file.
        Source("us.csv", "time,v\n12/09/2024 10:00,1\n12/10/2024 10:00,2\n");
        var error = Assert.Throws<DatasetException>(() => Run());
        Assert.Contains("us.csv line 2", error.Message, StringComparison.Ordinal);
        Assert.Contains("--time-format=\"%m/%d/%Y %H:%M\"", error.Message, StringComparison.Ordinal);

        Run(new PrepareOptions { TimeFormat = "%m/%d/%Y %H:%M" });
        Assert.Equal("time,v\n2024-12-09 10:00:00,1\n2024-12-10 10:00:00,2\n", Task("us.csv"));
    }

    [Fact]
    public void A_name_with_a_comma_in_a_semicolon_file_keeps_the_semicolon()
    {
        // Found by the Prepare property: one ',' in a name and one ';' between the columns tied, and ',' won.
        Source("eu.csv", "time;pressure (bar, abs)\n2024-01-01 00:00:00;1.5\n2024-01-01 00:01:00;2.5\n");
        var result = Run();
        Assert.Equal(';', result.SourceSchema.Separator);
        Assert.Equal("time,pressure (bar_ abs)\n2024-01-01 00:00:00,1.5\n2024-01-01 00:01:00,2.5\n", Task("eu.csv"));
    }

    [Fact]
    public void A_leap_second_is_named_as_one()
    {
        Source("leap.csv", "time,v\n2016-12-31 23:59:59,1\n2016-12-31 23:59:60,2\n2017-01-01 00:00:00,3\n");
        var error = Assert.Throws<DatasetException>(() => Run(new PrepareOptions { TimeFormat = "%Y-%m-%d %H:%M:%S" }));
        Assert.Contains("leap.csv line 3", error.Message, StringComparison.Ordinal);
        Assert.Contains("leap second", error.Message, StringComparison.Ordinal);
        Assert.Contains("23:59:59", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_leap_second_is_named_when_the_format_is_detected_too()
    {
        Source("leap.csv", "time,v\n2016-12-31 23:59:59,1\n2016-12-31 23:59:60,2\n");
        var error = Assert.Throws<DatasetException>(() => Run());
        Assert.Contains("leap second", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_version_that_is_a_file_is_called_a_file()
    {
        _temp.Write("ds/v2", "not a folder");
        var error = Assert.Throws<DatasetException>(() => Dataset.Open("ds", "v2", Path.Combine(_temp.Path, "ds", "v2")));
        Assert.Contains("is a file, not a folder", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_missing_dataset_message_names_real_arguments()
    {
        var error = Assert.Throws<DatasetException>(() => Dataset.Open("ds", "v9", Path.Combine(_temp.Path, "ds", "v9")));
        Assert.DoesNotContain("--dataset-path", error.Message, StringComparison.Ordinal);
        Assert.Contains("--datasets-dir", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_file_name_a_url_would_cut_gets_a_safe_task_file_that_maps_back()
    {
        Source("a?b.csv", "time,v\n2024-01-01 00:00:00,1\n2024-01-01 00:01:00,2\n");
        var result = Run();
        var task = Assert.Single(result.TaskFiles.Files);
        Assert.Equal("a_b.csv", Path.GetFileName(task));
        Assert.Equal("a?b.csv", result.Manifest.FindTask("a_b.csv")!.Value.Source.File);

        // Export end: a region on the task the storage made from a_b.csv lands on the source a?b.csv.
        var config = LabelConfigGenerator.Generate(File.ReadAllText(Repository.Template), result.TaskSchema, ["Anomaly"]);
        var export = _temp.Write("export.json", ExportOfOneRegion("a_b.csv", "2024-01-01 00:00:00", "2024-01-01 00:01:00"));
        var summary = SnapshotBuilder.Build(export, SnapshotOptionsFor(result, config), Path.Combine(_temp.Path, "out", "ds", "v1"), CancellationToken.None);
        Assert.Equal(1, summary.LookoutRows);
        Assert.True(File.Exists(Path.Combine(_temp.Path, "out", "ds", "v1", SnapshotLayout.DenseFolder, "a?b.csv")));
    }

    private static SnapshotOptions SnapshotOptionsFor(PreparedDataset result, string config, Action<string>? progress = null) => new()
    {
        Dataset = result.Source,
        Schema = result.SourceSchema,
        Prepared = result.Manifest,
        LabelConfig = config,
        AnomalyLabels = new HashSet<string> { "Anomaly" },
        Source = new SnapshotSource("export-file", null, null, null, null),
        Progress = progress,
    };

    [Fact]
    public void Ctrl_c_while_the_snapshot_is_built_keeps_the_previous_snapshot()
    {
        Source("a.csv", "time,v\n2024-01-01 00:00:00,1\n2024-01-01 00:01:00,2\n");
        var result = Run();
        var config = LabelConfigGenerator.Generate(File.ReadAllText(Repository.Template), result.TaskSchema, ["Anomaly"]);
        var export = _temp.Write("export.json", "[]");
        var snapshot = Path.Combine(_temp.Path, "out", "ds", "v1");
        SnapshotBuilder.Build(export, SnapshotOptionsFor(result, config), snapshot, CancellationToken.None);
        File.WriteAllText(Path.Combine(snapshot, "marker"), "the previous snapshot");

        // Ctrl-C arrives while the last part (the manifest) is written: after every loop that looks at the token.
        using var cancellation = new CancellationTokenSource();
        void Progress(string part)
        {
            if (part == $"writing {SnapshotLayout.Manifest}")
            {
                cancellation.Cancel();
            }
        }

        Assert.ThrowsAny<OperationCanceledException>(() => SnapshotBuilder.Build(export, SnapshotOptionsFor(result, config, Progress), snapshot, cancellation.Token));
        Assert.Equal("the previous snapshot", File.ReadAllText(Path.Combine(snapshot, "marker")));
        Assert.Empty(Directory.GetDirectories(Path.GetDirectoryName(snapshot)!, ".*"));
    }

    /// <summary>A process id that is certainly not running: one that just ended.</summary>
    private static int DeadProcessId()
    {
        using var process = Process.Start(new ProcessStartInfo("true") { UseShellExecute = false })!;
        process.WaitForExit();
        return process.Id;
    }

    [Fact]
    public void Prepare_removes_what_a_killed_run_left_and_keeps_what_a_running_one_is_writing()
    {
        Source("a.csv", "time,v\n2024-01-01 00:00:00,1\n");
        Directory.CreateDirectory(Prepared);
        var dead = Path.Combine(Prepared, ScratchName.For(".staging-", string.Empty, DeadProcessId()));
        var running = Path.Combine(Prepared, ScratchName.For(".staging-", string.Empty, Environment.ProcessId));
        var foreign = Path.Combine(Prepared, ".staging-notours");
        foreach (var folder in new[] { dead, running, foreign })
        {
            Directory.CreateDirectory(folder);
            File.WriteAllText(Path.Combine(folder, "0.csv"), "half written");
        }

        Run();
        Assert.False(Directory.Exists(dead));
        Assert.True(Directory.Exists(running));
        Assert.True(Directory.Exists(foreign)); // no process id in its name: not provably dead, so kept
    }

    [Fact]
    public void A_snapshot_build_removes_what_a_killed_export_left_and_keeps_a_running_ones()
    {
        Source("a.csv", "time,v\n2024-01-01 00:00:00,1\n");
        var result = Run();
        var config = LabelConfigGenerator.Generate(File.ReadAllText(Repository.Template), result.TaskSchema, ["Anomaly"]);
        var parent = Path.Combine(_temp.Path, "out", "ds");
        Directory.CreateDirectory(parent);
        var deadPid = DeadProcessId();
        var deadStaging = Path.Combine(parent, ScratchName.For(".v1.", ".tmp", deadPid));
        var deadPrevious = deadStaging + ".previous";
        var deadExport = Path.Combine(parent, ScratchName.For(".export-", ".json", deadPid));
        var liveExport = Path.Combine(parent, ScratchName.For(".export-", ".json", Environment.ProcessId));
        var otherVersion = Path.Combine(parent, ScratchName.For(".v2.", ".tmp", Environment.ProcessId));
        Directory.CreateDirectory(deadStaging);
        Directory.CreateDirectory(deadPrevious);
        Directory.CreateDirectory(otherVersion);
        File.WriteAllText(deadExport, "[");
        File.WriteAllText(liveExport, "[");

        SnapshotBuilder.Build(_temp.Write("export.json", "[]"), SnapshotOptionsFor(result, config), Path.Combine(parent, "v1"), CancellationToken.None);

        Assert.False(Directory.Exists(deadStaging));
        Assert.False(Directory.Exists(deadPrevious));
        Assert.False(File.Exists(deadExport));
        Assert.True(File.Exists(liveExport));
        Assert.True(Directory.Exists(otherVersion));
    }

    private PredictionFile ReadPredictions(string name, string content) => PredictionFileReader.Read(_temp.Write(name, content));

    [Fact]
    public void A_semicolon_separated_predictions_file_is_read()
    {
        var file = ReadPredictions("model.csv", "series;start;end;label\na.csv;2021-01-01 00:10:00;2021-01-01 00:20:00;Anomaly\n");
        var interval = Assert.Single(file.Intervals);
        Assert.Equal(("a.csv", "2021-01-01 00:10:00", "2021-01-01 00:20:00", "Anomaly"), (interval.Series, interval.Start, interval.End, interval.Label));
    }

    [Fact]
    public void Every_problem_of_a_predictions_file_is_reported_at_once()
    {
        var error = Assert.Throws<PredictionException>(() => ReadPredictions(
            "model.csv",
            "series,start,end,score\n" +
            ",2021-01-01 00:10:00,2021-01-01 00:20:00,1\n" +
            "a.csv,,2021-01-01 00:20:00,1\n" +
            "a.csv,2021-01-01 00:10:00,2021-01-01 00:20:00,high\n" +
            "a.csv,2021-01-01 00:10:00,2021-01-01 00:20:00,1,extra\n" +
            "a.csv,2021-01-01 00:10:00,2021-01-01 00:20:00,1\n"));
        Assert.Contains("4 problem(s)", error.Message, StringComparison.Ordinal);
        foreach (var line in new[] { "line 2", "line 3", "line 4", "line 5" })
        {
            Assert.Contains("model.csv " + line, error.Message, StringComparison.Ordinal);
        }

        Assert.DoesNotContain("line 6", error.Message, StringComparison.Ordinal);
    }
}
