using LabelPipeline.Tests.Support;
using Newtonsoft.Json.Linq;

namespace LabelPipeline.Tests.Quality;

/// <summary>
/// --min-agreement and --min-detector-f1 through the real executable (ConvertExport, no server): the run fails with
/// one clear line per shortfall and a non-zero exit, after writing the snapshot; it passes when the numbers are high
/// enough; the step summary carries the headline numbers.
/// </summary>
public sealed class QualityGateTests() : EmulatorPipelineTest(scratchDatasets: false)
{
    private static JObject Region(string start, string end, string id) => new()
    {
        ["value"] = new JObject { ["start"] = start, ["end"] = end, ["instant"] = false, ["timeserieslabels"] = new JArray("Anomaly") },
        ["id"] = id, ["from_name"] = "label", ["to_name"] = "ts", ["type"] = "timeserieslabels",
    };

    private static JObject Annotation(int id, string email, params JObject[] regions) => new()
    {
        ["id"] = id, ["completed_by"] = new JObject { ["id"] = id, ["email"] = email }, ["was_cancelled"] = false, ["ground_truth"] = false,
        ["result"] = new JArray(regions),
    };

    // Alice marks 00:00–02:00 on April 5 (13 rows), Bob 01:00–02:00 (7 rows): point F1 = 2·7/(13+7) = 0.7.
    // The detector flags 01:30–03:00 (10 rows, 4 of them expert rows): precision 0.4, recall 4/13, point F1 0.347826.
    private string Export() => Temp.Write("export.json", new JArray(new JObject
    {
        ["id"] = 1,
        ["data"] = new JObject { ["csv"] = "/data/local-files/?d=synthetic/v1/2021-04.csv" },
        ["annotations"] = new JArray(
            Annotation(5, "alice@example.com", Region("2021-04-05 00:00:00", "2021-04-05 02:00:00", "a1")),
            Annotation(6, "bob@example.com", Region("2021-04-05 01:00:00", "2021-04-05 02:00:00", "b1"))),
        ["predictions"] = new JArray(new JObject
        {
            ["id"] = 9, ["model_version"] = "det-v1", ["score"] = 0.9, ["task"] = 1,
            ["result"] = new JArray(Region("2021-04-05 01:30:00", "2021-04-05 03:00:00", "p1")),
        }),
    }).ToString());

    private Task<PipelineRun> Convert(string export, params string[] gates) => ConvertTo(Output, export, gates);

    private Task<PipelineRun> ConvertTo(string output, string export, params string[] gates) => PipelineRunner.RunAsync(
        ["--target=ConvertExport", $"--export-file={export}", $"--datasets-dir={DatasetsDir}", $"--output={output}", .. gates],
        new Dictionary<string, string> { ["GITHUB_STEP_SUMMARY"] = Path.Combine(Temp.Path, "step-summary.md") });

    [Fact]
    public async Task Gates_fail_below_and_pass_at_or_above_the_numbers()
    {
        var export = Export();

        var passing = await Convert(export, "--min-agreement=0.7", "--min-detector-f1=0.34");
        Assert.True(passing.ExitCode == 0, passing.ToString());
        var detector = await File.ReadAllTextAsync(Path.Combine(Output, "synthetic", "v1", "quality", "detector.csv"));
        Assert.Contains("det-v1,Anomaly,", detector);
        Assert.Contains(",0.4,0.307692,0.347826,", detector); // the numbers the comment above works out by hand
        var summary = await File.ReadAllTextAsync(Path.Combine(Temp.Path, "step-summary.md"));
        Assert.Contains("agreement: 1 annotator pairs on 1 tasks, mean point F1 0.7", summary);
        Assert.Contains("detector 'det-v1' on Anomaly: point F1 0.347826", summary);

        var agreementFails = await Convert(export, "--min-agreement=0.71");
        Assert.NotEqual(0, agreementFails.ExitCode);
        Assert.Contains("--min-agreement=0.71: the mean point F1 between annotators is 0.7 (1 pairs on 1 tasks), below 0.71", agreementFails.Output);
        Assert.True(File.Exists(Path.Combine(Output, "synthetic", "v1", "quality", "agreement.csv"))); // written before the gate judged it

        var detectorFails = await Convert(export, "--min-detector-f1=0.5");
        Assert.NotEqual(0, detectorFails.ExitCode);
        Assert.Contains("--min-detector-f1=0.5: model version 'det-v1', label 'Anomaly': point F1 0.347826 is below 0.5", detectorFails.Output);
        Assert.DoesNotContain("--min-agreement", detectorFails.Output);
    }

    [Fact]
    public async Task An_unchanged_rerun_touches_no_file_and_its_gates_judge_as_the_built_snapshot_did()
    {
        var export = Export();
        string[] passing = ["--min-agreement=0.7", "--min-detector-f1=0.34"];
        string[] failing = ["--min-agreement=0.71", "--min-detector-f1=0.5"];

        // The verdicts of freshly built snapshots.
        var builtPassing = await Convert(export, passing);
        Assert.True(builtPassing.ExitCode == 0, builtPassing.ToString());
        Assert.DoesNotContain("is up to date", builtPassing.Output);
        var builtFailing = await ConvertTo(Path.Combine(Temp.Path, "failing"), export, failing);
        Assert.NotEqual(0, builtFailing.ExitCode);
        Assert.Equal(2, GateLines(builtFailing).Count);

        // The same inputs again: nothing rebuilt, no file touched, the same verdicts and quality lines from the manifest.
        var before = Files();
        await Task.Delay(20); // a rewrite would get a later time stamp
        var reusedPassing = await Convert(export, passing);
        Assert.True(reusedPassing.ExitCode == 0, reusedPassing.ToString());
        Assert.Contains("is up to date", reusedPassing.Output);
        Assert.Equal(QualityLines(builtPassing), QualityLines(reusedPassing));
        Assert.NotEmpty(QualityLines(reusedPassing));

        var reusedFailing = await Convert(export, failing);
        Assert.NotEqual(0, reusedFailing.ExitCode);
        Assert.Contains("is up to date", reusedFailing.Output);
        Assert.Equal(GateLines(builtFailing), GateLines(reusedFailing));
        Assert.Equal(before, Files());
    }

    private Dictionary<string, (DateTime, string)> Files() => Directory.GetFiles(Output, "*", SearchOption.AllDirectories)
        .ToDictionary(f => f, f => (File.GetLastWriteTimeUtc(f), LabelPipeline.IO.Hashes.Sha256File(f)));

    /// <summary>One entry per shortfall: "--min-...=x: ...; see quality/....csv."</summary>
    private static List<string> GateLines(PipelineRun run) => System.Text.RegularExpressions.Regex
        .Matches(run.Output, @"--min-(agreement|detector-f1)=[^:]+: .*?see quality/\w+\.csv").Select(m => m.Value).ToList();

    private static List<string> QualityLines(PipelineRun run) => run.Output.Split('\n')
        .Select(l => l.Trim()).Where(l => l.StartsWith("agreement: ", StringComparison.Ordinal) || l.StartsWith("detector '", StringComparison.Ordinal)).ToList();

    [Fact]
    public async Task A_gate_with_nothing_to_judge_fails_and_a_bad_value_is_refused()
    {
        var single = Temp.Write("single.json", new JArray(new JObject
        {
            ["id"] = 1,
            ["data"] = new JObject { ["csv"] = "/data/local-files/?d=synthetic/v1/2021-04.csv" },
            ["annotations"] = new JArray(Annotation(5, "alice@example.com", Region("2021-04-05 00:00:00", "2021-04-05 02:00:00", "a1"))),
        }).ToString());
        var nothing = await Convert(single, "--min-agreement=0.5", "--min-detector-f1=0.5");
        Assert.NotEqual(0, nothing.ExitCode);
        Assert.Contains("no task was labeled by two or more annotators", nothing.Output);
        Assert.Contains("the export has no predictions to judge", nothing.Output);

        var bad = await Convert(single, "--min-agreement=80%");
        Assert.NotEqual(0, bad.ExitCode);
        Assert.Contains("--min-agreement=80%: expected a number from 0 to 1", bad.Output);
    }
}
