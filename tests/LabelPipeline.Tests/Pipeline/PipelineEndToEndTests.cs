using LabelPipeline.LabelStudio;
using LabelPipeline.Tests.Support;
using LabelStudio.Emulator;
using Newtonsoft.Json.Linq;

namespace LabelPipeline.Tests.Pipeline;

/// <summary>
/// The whole graph, run as a user runs it (the real executable), against the Label Studio emulator held to the
/// upstream OpenAPI contract: every request the pipeline sends and every answer it gets is schema-checked.
/// </summary>
public sealed class PipelineEndToEndTests() : EmulatorPipelineTest(scratchDatasets: false)
{
    private static int SyntheticFileCount => Repository.SyntheticFiles.Length;

    private string LabelsFile => Path.Combine(Output, "synthetic", "v1", "lookout", "labels.csv");

    private Task<PipelineRun> RunAsync(params string[] arguments) => RunPipelineAsync(arguments);

    private Task<PipelineRun> RunWithTokenAsync(string token, params string[] arguments) => RunPipelineAsync(arguments, token: token);

    private async Task<(int Projects, int Storages, int Tasks)> CountAsync()
    {
        var projects = await Client.ListProjectsAsync(null, CancellationToken.None);
        var storages = 0;
        var tasks = 0;
        foreach (var project in projects)
        {
            storages += (await Client.ListLocalFilesStoragesAsync(project.Id, CancellationToken.None)).Count;
            await foreach (var _ in Client.ListTasksAsync(project.Id, withAnnotations: false, CancellationToken.None))
            {
                tasks++;
            }
        }

        return (projects.Count, storages, tasks);
    }

    private static JObject Region(string start, string end, string label, string id) => new()
    {
        ["value"] = new JObject { ["start"] = start, ["end"] = end, ["instant"] = start == end, ["timeserieslabels"] = new JArray(label) },
        ["id"] = id,
        ["from_name"] = "label",
        ["to_name"] = "ts",
        ["type"] = "timeserieslabels",
        ["origin"] = "manual",
    };

    [Fact]
    public async Task First_run_provisions_annotations_export_and_a_third_run_creates_nothing()
    {
        var first = await RunAsync("--target=Export");
        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.Equal((1, 1, SyntheticFileCount), await CountAsync());
        Assert.Equal(string.Empty, await File.ReadAllTextAsync(LabelsFile));
        Assert.Contains("no annotations yet", first.Output);

        // Two annotators label through the same endpoint the editor uses.
        var project = (await Client.ListProjectsAsync("synthetic v1", CancellationToken.None)).Single();
        var tasks = new List<LabelStudioTask>();
        await foreach (var task in Client.ListTasksAsync(project.Id, withAnnotations: false, CancellationToken.None))
        {
            tasks.Add(task);
        }

        var april = tasks.Single(t => t.Data["csv"]!.ToString().EndsWith("2021-04.csv", StringComparison.Ordinal));
        var january = tasks.Single(t => t.Data["csv"]!.ToString().EndsWith("2021-01.csv", StringComparison.Ordinal));
        await Client.CreateAnnotationAsync(april.Id, new AnnotationRequest
        {
            Result = [Region("2021-04-05 23:40:00", "2021-04-11 00:50:00", "Anomaly", "a1")],
        }, CancellationToken.None);
        await Client.CreateAnnotationAsync(april.Id, new AnnotationRequest
        {
            Result = [Region("2021-04-11 00:00:00", "2021-04-12 06:00:00", "Anomaly", "b1")], // overlaps the first annotator's
        }, CancellationToken.None);
        await Client.CreateAnnotationAsync(january.Id, new AnnotationRequest
        {
            Result = [Region("2021-01-15 10:00:00", "2021-01-15 10:00:00", "Anomaly", "c1")], // instant
        }, CancellationToken.None);

        var second = await RunAsync("--target=Export");
        Assert.True(second.ExitCode == 0, second.ToString());
        Assert.Equal(
            "2021-01-15T10:00:00.000000,2021-01-15T10:00:00.000000\n" +
            "2021-04-05T23:40:00.000000,2021-04-12T06:00:00.000000\n",
            await File.ReadAllTextAsync(LabelsFile));

        // The snapshot rebuilds from its own recorded inputs, and offline conversion of its export matches the online path.
        var verify = await RunAsync("--target=Verify");
        Assert.True(verify.ExitCode == 0, verify.ToString());
        Assert.Contains("reproduces exactly", verify.Output);
        var offlineOutput = Path.Combine(Temp.Path, "offline");
        var offline = await PipelineRunner.RunAsync(
            ["--target=ConvertExport", $"--export-file={Path.Combine(Output, "synthetic", "v1", "source", "export.json")}",
             $"--datasets-dir={DatasetsDir}", $"--output={offlineOutput}"]);
        Assert.True(offline.ExitCode == 0, offline.ToString());
        AssertSameSnapshot(Path.Combine(Output, "synthetic", "v1"), Path.Combine(offlineOutput, "synthetic", "v1"));

        var snapshot = Path.Combine(Output, "synthetic", "v1");
        var afterSecond = Directory.GetFiles(snapshot, "*", SearchOption.AllDirectories).ToDictionary(f => f, File.ReadAllBytes);
        var third = await RunAsync("--target=Export");
        Assert.True(third.ExitCode == 0, third.ToString());

        // Nothing changed: every file of the snapshot, manifest included, is byte-identical.
        Assert.Contains("reusing it", third.Output);
        Assert.All(afterSecond, f => Assert.True(f.Value.SequenceEqual(File.ReadAllBytes(f.Key)), f.Key));
        Assert.Equal((1, 1, SyntheticFileCount), await CountAsync());
        Assert.Contains("reused, unchanged", third.Output);
        Assert.Contains($"0 tasks created, {SyntheticFileCount} already there", third.Output);
        Assert.Empty(Emulator.ContractViolations);
    }

    /// <summary>Every file equal, and the manifests equal except for where the annotations came from.</summary>
    private static void AssertSameSnapshot(string online, string offline)
    {
        string[] Files(string d) => Directory.GetFiles(d, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(d, f)).Order().ToArray();
        Assert.Equal(Files(online), Files(offline));
        foreach (var file in Files(online).Where(f => f != "manifest.json"))
        {
            Assert.True(File.ReadAllBytes(Path.Combine(online, file)).SequenceEqual(File.ReadAllBytes(Path.Combine(offline, file))), file);
        }

        var a = JObject.Parse(File.ReadAllText(Path.Combine(online, "manifest.json")));
        var b = JObject.Parse(File.ReadAllText(Path.Combine(offline, "manifest.json")));
        Assert.Equal("label-studio", (string)a["source"]!["kind"]!);
        Assert.Equal("export-file", (string)b["source"]!["kind"]!);
        a.Remove("source");
        b.Remove("source");
        Assert.True(JToken.DeepEquals(a, b), $"{a}\n---\n{b}");
    }

    [Fact]
    public async Task Tree_lists_the_six_tasks_in_order()
    {
        var run = await RunAsync("--target=Export", "--tree");
        Assert.True(run.ExitCode == 0, run.ToString());

        // Cake prints the target first and each prerequisite nested below it.
        var positions = new[] { "Export", "ImportPredictions", "Sync", "ConnectStorage", "CreateProject", "ConfigureCors", "Deploy" }
            .Select(name => run.Output.IndexOf(name, StringComparison.Ordinal))
            .ToArray();
        Assert.All(positions, p => Assert.True(p >= 0, run.Output));
        Assert.Equal(positions.Order(), positions);
    }

    [Fact]
    public async Task Offline_conversion_writes_the_snapshot_and_the_github_step_summary()
    {
        var export = Temp.Write("export.json", new JArray(new JObject
        {
            ["id"] = 1,
            ["data"] = new JObject { ["csv"] = "/data/local-files/?d=synthetic/v1/2021-04.csv" },
            ["annotations"] = new JArray(new JObject
            {
                ["id"] = 5, ["completed_by"] = 1, ["was_cancelled"] = false, ["ground_truth"] = false,
                ["result"] = new JArray(Region("2021-04-05 23:40:00", "2021-04-11 00:50:00", "Anomaly", "a1")),
            }),
        }).ToString());
        var summary = Path.Combine(Temp.Path, "step-summary.md");
        var run = await PipelineRunner.RunAsync(
            ["--target=ConvertExport", $"--export-file={export}", $"--datasets-dir={DatasetsDir}", $"--output={Output}"],
            new Dictionary<string, string> { ["GITHUB_STEP_SUMMARY"] = summary });
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal("2021-04-05T23:40:00.000000,2021-04-11T00:50:00.000000\n", await File.ReadAllTextAsync(LabelsFile));
        var markdown = await File.ReadAllTextAsync(summary);
        Assert.Contains("### Labels: synthetic v1", markdown);
        Assert.Contains("| Anomaly | 1 |", markdown);
        Assert.True(File.Exists(Path.Combine(Output, "synthetic", "v1", "report.html")));
        Assert.Equal((0, 0, 0), await CountAsync()); // no server involved
    }

    [Fact]
    public async Task Verify_fails_when_a_snapshot_file_was_edited()
    {
        var export = Temp.Write("export.json", "[]");
        var convert = await PipelineRunner.RunAsync(["--target=ConvertExport", $"--export-file={export}", $"--datasets-dir={DatasetsDir}", $"--output={Output}"]);
        Assert.True(convert.ExitCode == 0, convert.ToString());
        await File.AppendAllTextAsync(LabelsFile, "2021-01-01T00:00:00.000000,2021-01-02T00:00:00.000000\n");
        var verify = await PipelineRunner.RunAsync(["--target=Verify", $"--datasets-dir={DatasetsDir}", $"--output={Output}"]);
        Assert.NotEqual(0, verify.ExitCode);
        Assert.Contains("lookout/labels.csv: the file in the snapshot was changed or removed", verify.Output);
    }

    [Fact]
    public async Task Dry_run_touches_nothing()
    {
        var run = await RunAsync("--target=Export", "--dryrun");
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal((0, 0, 0), await CountAsync());
        Assert.False(Directory.Exists(Output));
    }

    [Fact]
    public async Task Missing_dataset_fails_with_what_exists()
    {
        var run = await RunAsync("--target=Export", "--dataset-version=v9");
        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains("does not exist", run.Output);
        Assert.Contains("v1", run.Output);
        Assert.Equal((0, 0, 0), await CountAsync());
    }

    [Fact]
    public async Task Wrong_token_fails_with_401_and_never_prints_the_token()
    {
        const string wrong = "ffffffffffffffffffffffffffffffffffffffff";
        var run = await RunWithTokenAsync(wrong, "--target=Export");
        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains("401", run.Output);
        Assert.Contains("token", run.Output, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(wrong, run.Output);
    }

    [Fact]
    public async Task Unreachable_server_is_reported()
    {
        var run = await PipelineRunner.RunAsync(
            ["--target=Export", "--label-studio-url=http://127.0.0.1:9", $"--datasets-dir={DatasetsDir}", $"--output={Output}"],
            new Dictionary<string, string> { ["LABELPIPELINE_LABEL_STUDIO_TOKEN"] = EmulatorOptions.DefaultLegacyToken });
        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains("Cannot reach Label Studio at http://127.0.0.1:9", run.Output);
    }

    [Fact]
    public async Task Timestamps_going_backwards_stop_before_anything_is_created()
    {
        var datasets = Path.Combine(Temp.Path, "datasets");
        Temp.Write(Path.Combine("datasets", "bad", "v1", "a.csv"), "timestamp,v\n2021-01-01 00:10:00,1\n2021-01-01 00:00:00,2\n");
        var run = await PipelineRunner.RunAsync(
            ["--target=Export", $"--label-studio-url={Emulator.BaseUrl}", $"--datasets-dir={datasets}", "--dataset=bad", $"--output={Output}"],
            new Dictionary<string, string> { ["LABELPIPELINE_LABEL_STUDIO_TOKEN"] = EmulatorOptions.DefaultLegacyToken });
        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains("a.csv line 3", run.Output);
        Assert.Contains("goes backwards", run.Output);
        Assert.Equal((0, 0, 0), await CountAsync());
        Assert.False(Directory.Exists(Output));
    }

    [Fact]
    public async Task Invalid_arguments_are_listed()
    {
        var run = await RunAsync("--target=Export", "--label-studio-port=99999", "--storage=ftp");
        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains("--label-studio-port=99999", run.Output);
        Assert.Contains("--storage=ftp", run.Output);
    }

    [Fact]
    public async Task A_misspelt_argument_stops_the_run_before_anything_is_created()
    {
        // Before the argument table, --targt was ignored and the default graph ran (it deploys).
        var run = await RunAsync("--targt=Prepare", "--purge=flase");
        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains("--targt: unknown argument; did you mean --target?", run.Output);
        Assert.Contains("--purge=flase: expected true or false", run.Output);
        Assert.Equal((0, 0, 0), await CountAsync());
        Assert.False(Directory.Exists(Output));
    }
}
