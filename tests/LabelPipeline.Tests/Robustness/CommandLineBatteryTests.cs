using LabelPipeline.Tests.Support;
using Newtonsoft.Json.Linq;

namespace LabelPipeline.Tests.Robustness;

/// <summary>Issue 13's battery at the command line (the real executable, no server): arguments and the offline conversion.</summary>
public sealed class CommandLineBatteryTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private string DatasetsDir
    {
        get
        {
            var folder = Path.Combine(_temp.Path, "datasets");
            _temp.Write("datasets/ds/v1/a.csv", "time,v\n2024-01-01 00:00:00,1\n2024-01-01 00:01:00,2\n2024-01-01 00:02:00,3\n");
            return folder;
        }
    }

    private static string Export(string label) => new JArray(new JObject
    {
        ["id"] = 1, ["project"] = 1,
        ["data"] = new JObject { ["csv"] = "/data/local-files/?d=.prepared/ds/v1/a.csv" },
        ["annotations"] = new JArray(new JObject
        {
            ["id"] = 1, ["completed_by"] = 1, ["was_cancelled"] = false, ["ground_truth"] = false,
            ["created_at"] = "2024-01-02T00:00:00Z", ["updated_at"] = "2024-01-02T00:00:00Z",
            ["result"] = new JArray(new JObject
            {
                ["id"] = "r1", ["from_name"] = "label", ["to_name"] = "ts", ["type"] = "timeserieslabels",
                ["value"] = new JObject { ["start"] = "2024-01-01 00:00:00", ["end"] = "2024-01-01 00:01:00", ["instant"] = false, ["timeserieslabels"] = new JArray(label) },
            }),
        }),
    }).ToString();

    [Fact]
    public async Task Output_pointing_at_a_file_is_refused_with_the_argument_named()
    {
        var file = _temp.Write("not-a-folder", "x");
        var run = await PipelineRunner.RunAsync(["--target=ConvertExport", $"--export-file={_temp.Write("e.json", "[]")}", $"--datasets-dir={DatasetsDir}", "--dataset=ds", $"--output={file}"]);
        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains("--output", run.Output, StringComparison.Ordinal);
        Assert.Contains("is a file", run.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConvertExport_shows_and_runs_Prepare_as_its_prerequisite()
    {
        var tree = await PipelineRunner.RunAsync(["--target=ConvertExport", "--tree"]);
        Assert.True(tree.ExitCode == 0, tree.ToString());
        Assert.Contains("ConvertExport\n└─Prepare\n", tree.Output.ReplaceLineEndings("\n"), StringComparison.Ordinal);

        var run = await PipelineRunner.RunAsync(
            ["--target=ConvertExport", $"--export-file={_temp.Write("e.json", Export("Anomaly"))}", $"--datasets-dir={DatasetsDir}", "--dataset=ds", $"--output={Path.Combine(_temp.Path, "out")}"]);
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("1 source files -> 1 task files", run.Output, StringComparison.Ordinal); // Prepare's own summary, as a task
    }

    [Fact]
    public async Task An_undefined_label_says_how_to_give_the_config()
    {
        var run = await PipelineRunner.RunAsync(
            ["--target=ConvertExport", $"--export-file={_temp.Write("e.json", Export("Spike"))}", $"--datasets-dir={DatasetsDir}", "--dataset=ds", $"--output={Path.Combine(_temp.Path, "out")}"]);
        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains("'Spike'", run.Output, StringComparison.Ordinal);
        Assert.Contains("--labels", run.Output, StringComparison.Ordinal);
        Assert.Contains("--label-config-file", run.Output, StringComparison.Ordinal);
    }
}
