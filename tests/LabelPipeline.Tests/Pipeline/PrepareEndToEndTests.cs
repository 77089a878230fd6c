using LabelPipeline.LabelStudio;
using LabelPipeline.Tests.Support;
using LabelStudio.Emulator;
using Newtonsoft.Json.Linq;

namespace LabelPipeline.Tests.Pipeline;

/// <summary>
/// Prepare in the whole graph (the real executable against the emulator): long series become several tasks, a region
/// drawn across a window boundary comes back as one range on the right source rows, and the real NAB and SKAB files
/// (with NAB's backward step and repeated DST times) go through with the policies.
/// </summary>
public sealed class PrepareEndToEndTests() : EmulatorPipelineTest(scratchDatasets: true)
{
    private Task<PipelineRun> RunAsync(params string[] arguments) => RunPipelineAsync(arguments);

    private async Task<List<LabelStudioTask>> TasksAsync(string title)
    {
        var project = (await Client.ListProjectsAsync(title, CancellationToken.None)).Single();
        var tasks = new List<LabelStudioTask>();
        await foreach (var task in Client.ListTasksAsync(project.Id, withAnnotations: false, CancellationToken.None))
        {
            tasks.Add(task);
        }

        return tasks;
    }

    private static JObject Region(string start, string end, string id) => new()
    {
        ["value"] = new JObject { ["start"] = start, ["end"] = end, ["instant"] = false, ["timeserieslabels"] = new JArray("Anomaly") },
        ["id"] = id, ["from_name"] = "label", ["to_name"] = "ts", ["type"] = "timeserieslabels", ["origin"] = "manual",
    };

    [Fact]
    public async Task A_region_drawn_across_a_window_boundary_is_one_range_on_the_right_source_rows()
    {
        // 1,000 rows × 2 channels, ';' and CRLF, a quoted name; 500 values per task = 250 rows, 10 rows of overlap.
        var t0 = new DateTime(2024, 5, 1, 0, 0, 0, DateTimeKind.Utc);
        var source = Path.Combine(DatasetsDir, "long", "v1", "s.csv");
        Directory.CreateDirectory(Path.GetDirectoryName(source)!);
        await File.WriteAllTextAsync(source, "time;\"flow \"\"A\"\"\";b\r\n" + string.Concat(Enumerable.Range(0, 1000).Select(i => $"{t0.AddMinutes(i):yyyy-MM-dd HH:mm:ss};{i};{i % 7}\r\n")));
        var sourceBytes = await File.ReadAllBytesAsync(source);
        string[] args = ["--target=Export", "--dataset=long", "--max-points-per-task=500", "--window-overlap=10"];

        var first = await RunAsync(args);
        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.Contains("1 source files -> 5 task files", first.Output);
        var tasks = await TasksAsync("long v1");
        Assert.Equal(5, tasks.Count);
        var manifest = JObject.Parse(await File.ReadAllTextAsync(Path.Combine(DatasetsDir, ".prepared", "long", "v1", "prepare.json")));
        var windows = (JArray)manifest["sources"]![0]!["tasks"]!;
        Assert.Equal("2024-05-01 04:09:00", windows[0]!["end"]!.ToString()); // rows 0..249
        Assert.Equal("2024-05-01 04:00:00", windows[1]!["start"]!.ToString()); // 240..489: repeats the last 10

        // One annotator drags from 03:50 to the end of window 1, then carries on in window 2 up to 04:20.
        Task<LabelStudioTask> Window(int n) => Task.FromResult(tasks.Single(t => t.Data["csv"]!.ToString().EndsWith($"s.w000{n}.csv", StringComparison.Ordinal)));
        await Client.CreateAnnotationAsync((await Window(1)).Id, new AnnotationRequest { Result = [Region("2024-05-01 03:50:00", "2024-05-01 04:09:00", "left")] }, CancellationToken.None);
        await Client.CreateAnnotationAsync((await Window(2)).Id, new AnnotationRequest { Result = [Region("2024-05-01 04:00:00", "2024-05-01 04:20:00", "right")] }, CancellationToken.None);

        var second = await RunAsync(args);
        Assert.True(second.ExitCode == 0, second.ToString());
        Assert.Contains("1 sources unchanged", second.Output);
        var snapshot = Path.Combine(Output, "long", "v1");
        var intervals = (await File.ReadAllLinesAsync(Path.Combine(snapshot, "intervals.csv"))).Skip(1).ToArray();
        var row = Assert.Single(intervals);
        Assert.StartsWith("long,v1,s.csv,", row, StringComparison.Ordinal);
        Assert.Contains(",left+right,2024-05-01T03:50:00.000000,2024-05-01T04:20:00.000000,", row, StringComparison.Ordinal);
        Assert.Equal("2024-05-01T03:50:00.000000,2024-05-01T04:20:00.000000\n", await File.ReadAllTextAsync(Path.Combine(snapshot, "lookout", "labels.csv")));

        // Dense labels: the source's own 1,000 rows, unchanged, flagged on source lines 232..262 (03:50..04:20).
        var dense = await File.ReadAllLinesAsync(Path.Combine(snapshot, "dense", "s.csv"));
        Assert.Equal(1001, dense.Length);
        Assert.Equal("time;\"flow \"\"A\"\"\";b;is_anomaly;label", dense[0]);
        var flagged = dense.Select((line, index) => (line, index)).Where(x => x.line.EndsWith(";1;Anomaly", StringComparison.Ordinal)).Select(x => x.index + 1).ToArray();
        Assert.Equal(Enumerable.Range(232, 31), flagged);
        Assert.Equal(sourceBytes, await File.ReadAllBytesAsync(source));

        var snapshotManifest = JObject.Parse(await File.ReadAllTextAsync(Path.Combine(snapshot, "manifest.json")));
        Assert.Equal(5, ((JArray)snapshotManifest["prepared"]!["tasks"]!).Count);
        Assert.All(snapshotManifest["prepared"]!["tasks"]!, t => Assert.Equal("s.csv", t["source"]!.ToString()));
        var verify = await RunAsync("--target=Verify", "--dataset=long", "--max-points-per-task=500", "--window-overlap=10");
        Assert.True(verify.ExitCode == 0, verify.ToString());
    }

    [SkippableFact]
    public async Task NAB_and_SKAB_go_through_with_the_policies_and_not_without()
    {
        var nab = Path.Combine(Repository.SharedDatasets, "NAB", "realKnownCause");
        Skip.IfNot(Directory.Exists(nab), $"{nab} is missing (../shared is not beside the clone).");
        foreach (var file in Directory.GetFiles(nab, "*.csv"))
        {
            CopyInto("nab", file);
        }

        foreach (var file in Directory.GetFiles(Path.Combine(Repository.SharedDatasets, "SKAB", "valve1"), "*.csv"))
        {
            CopyInto("skab", file);
        }

        var refused = await RunAsync("--target=Export", "--dataset=nab");
        Assert.NotEqual(0, refused.ExitCode);
        Assert.Contains("machine_temperature_system_failure.csv line 10151: time '2014-01-07 02:00:00' goes backwards", refused.Output);
        Assert.Contains("--on-unsorted=sort", refused.Output);
        Assert.Empty(await Client.ListProjectsAsync(null, CancellationToken.None));

        var nabRun = await RunAsync("--target=Export", "--dataset=nab", "--on-unsorted=sort", "--on-duplicate=mean");
        Assert.True(nabRun.ExitCode == 0, nabRun.ToString());
        Assert.Contains("machine_temperature_system_failure.csv: 22,695 rows -> 1 task file; 11 rows out of time order sorted, 24 rows repeating a time averaged (12 times)", nabRun.Output);
        Assert.Contains("ec2_request_latency_system_failure.csv: 4,032 rows -> 1 task file; 12 rows repeating a time averaged (1 time)", nabRun.Output);
        Assert.Equal(4, (await TasksAsync("nab v1")).Count);

        var skabRun = await RunAsync("--target=Export", "--dataset=skab");
        Assert.True(skabRun.ExitCode == 0, skabRun.ToString());
        Assert.Contains("separator ';' -> ','", skabRun.Output);
        Assert.Equal(2, (await TasksAsync("skab v1")).Count);
    }
}
