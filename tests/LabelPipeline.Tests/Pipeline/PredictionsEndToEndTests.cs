using LabelPipeline.LabelStudio;
using LabelPipeline.Tests.Support;
using LabelPipeline.TimeSeries;
using LabelStudio.Emulator;
using Faults = LabelStudio.Emulator.Faults;
using Newtonsoft.Json.Linq;

namespace LabelPipeline.Tests.Pipeline;

/// <summary>
/// Model-assisted labeling as a user runs it (the real executable) against the emulator held to the OpenAPI subset:
/// predictions imported once, a re-import changing nothing, annotators' edits counted in the snapshot, bad model output
/// refused before anything is sent.
/// </summary>
public sealed class PredictionsEndToEndTests() : EmulatorPipelineTest(scratchDatasets: false)
{
    private string Snapshot => Path.Combine(Output, "synthetic", "v1");

    private Task<PipelineRun> RunAsync(params string[] arguments) => RunAsync(new Dictionary<string, string>(), arguments);

    private Task<PipelineRun> RunAsync(Dictionary<string, string> environment, params string[] arguments) =>
        RunPipelineAsync(["--labels=Anomaly,Normal", .. arguments], environment);

    private async Task<(Project Project, Dictionary<string, int> Tasks)> ProjectAsync()
    {
        var project = (await Client.ListProjectsAsync("synthetic v1", CancellationToken.None)).Single();
        var tasks = new Dictionary<string, int>();
        await foreach (var task in Client.ListTasksAsync(project.Id, withAnnotations: false, CancellationToken.None))
        {
            tasks[SeriesNameOf(task)] = task.Id;
        }

        return (await Client.GetProjectAsync(project.Id, CancellationToken.None), tasks);
    }

    private static string SeriesNameOf(LabelStudioTask task) => SeriesNames.FromUrl(task.Data["csv"]!.ToString());

    private const string Intervals =
        "series,start,end,label,score\n" +
        "2021-01.csv,2021-01-05 10:00:00,2021-01-05 12:00:00,Anomaly,0.91\n" +
        "2021-01.csv,2021-01-20T06:00:00Z,2021-01-20T06:00:00Z,,0.55\n" +
        "2021-01.csv,2021-01-25 00:00:00,2021-01-25 03:00:00,Normal,\n" +
        "2021-03.csv,2021-03-10 00:00:00,2021-03-10 01:00:00,,0.7\n";

    [Fact]
    public async Task Predictions_are_imported_once_shown_to_annotators_and_reviewed_in_the_snapshot()
    {
        var file = Temp.Write("detector-v3.csv", Intervals);
        var first = await RunAsync("--target=Export", $"--predictions={file}");
        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.Contains("ImportPredictions: 2 tasks got a new prediction, 0 unchanged, 0 earlier predictions of 'detector-v3' removed", first.Output);

        var (project, tasks) = await ProjectAsync();
        Assert.Equal("detector-v3", project.ModelVersion);
        Assert.True(project.ShowCollabPredictions);
        var predictions = await Client.ListPredictionsAsync(project.Id, CancellationToken.None);
        Assert.Equal([tasks["2021-01.csv"], tasks["2021-03.csv"]], predictions.Select(p => p.Task).Order());
        Assert.All(predictions, p => Assert.Equal("detector-v3", p.ModelVersion));
        var january = predictions.Single(p => p.Task == tasks["2021-01.csv"]);
        Assert.Equal(0.91, january.Score);
        Assert.Equal(
            [("2021-01-05 10:00:00", "2021-01-05 12:00:00", false, "Anomaly"), ("2021-01-20 06:00:00", "2021-01-20 06:00:00", true, "Anomaly"), ("2021-01-25 00:00:00", "2021-01-25 03:00:00", false, "Normal")],
            january.Result.Select(r => ((string)r["value"]!["start"]!, (string)r["value"]!["end"]!, (bool)r["value"]!["instant"]!, (string)r["value"]!["timeserieslabels"]![0]!)));

        // The tasks carry them where the editor reads them (fields=all).
        await foreach (var task in Client.ListTasksAsync(project.Id, withAnnotations: true, CancellationToken.None))
        {
            Assert.Equal(task.Id == tasks["2021-01.csv"] || task.Id == tasks["2021-03.csv"] ? 1 : 0, task.Predictions.Count);
        }

        // A re-import with the same output changes nothing.
        var again = await RunAsync("--target=Export", $"--predictions={file}");
        Assert.True(again.ExitCode == 0, again.ToString());
        Assert.Contains("ImportPredictions: 0 tasks got a new prediction, 2 unchanged, 0 earlier predictions of 'detector-v3' removed", again.Output);
        Assert.Equal(predictions.Select(p => p.Id), (await Client.ListPredictionsAsync(project.Id, CancellationToken.None)).Select(p => p.Id));

        // The annotator starts from the prediction: keeps the first region, stretches the instant, deletes the Normal one, adds one.
        var kept = (JObject)january.Result[0].DeepClone();
        var stretched = (JObject)january.Result[1].DeepClone();
        stretched["value"]!["end"] = "2021-01-20 08:00:00";
        stretched["value"]!["instant"] = false;
        stretched["origin"] = "prediction-changed";
        var added = new JObject
        {
            ["value"] = new JObject { ["start"] = "2021-01-28 00:00:00", ["end"] = "2021-01-28 02:00:00", ["instant"] = false, ["timeserieslabels"] = new JArray("Anomaly") },
            ["id"] = "manual0001", ["from_name"] = "label", ["to_name"] = "ts", ["type"] = "timeserieslabels", ["origin"] = "manual",
        };
        await Client.CreateAnnotationAsync(tasks["2021-01.csv"], new AnnotationRequest { Result = [kept, stretched, added] }, CancellationToken.None);

        var stepSummary = Path.Combine(Temp.Path, "step-summary.md");
        var export = await RunAsync(new Dictionary<string, string> { ["GITHUB_STEP_SUMMARY"] = stepSummary }, "--target=Export");
        Assert.True(export.ExitCode == 0, export.ToString());
        Assert.Contains("Predictions: 3 predicted regions reviewed in 1 annotations: 1 confirmed, 1 adjusted, 1 rejected; 1 added by hand.", await File.ReadAllTextAsync(stepSummary));
        Assert.Contains("Skipping ImportPredictions: no --predictions file given.", export.Output);
        Assert.Contains("3 predicted regions on 1 tasks, reviewed in 1 annotations: 1 confirmed, 1 adjusted, 1 rejected; 1 added by hand", export.Output);
        var review = JObject.Parse(await File.ReadAllTextAsync(Path.Combine(Snapshot, "manifest.json")))["prediction_review"]!;
        Assert.Equal((1, 1, 1, 1), ((int)review["confirmed"]!, (int)review["adjusted"]!, (int)review["rejected"]!, (int)review["added"]!));
        Assert.Equal(
            ["confirmed", "adjusted", "added"],
            (await File.ReadAllLinesAsync(Path.Combine(Snapshot, "intervals.jsonl"))).Select(l => (string)JObject.Parse(l)["review"]!));
        Assert.Equal(
            "2021-01-05T10:00:00.000000,2021-01-05T12:00:00.000000\n2021-01-20T06:00:00.000000,2021-01-20T08:00:00.000000\n2021-01-28T00:00:00.000000,2021-01-28T02:00:00.000000\n",
            await File.ReadAllTextAsync(Path.Combine(Snapshot, "lookout", "labels.csv")));

        // The export carries the predictions, so Verify and an offline conversion give the same review.
        var verify = await RunAsync("--target=Verify");
        Assert.True(verify.ExitCode == 0, verify.ToString());
        Assert.Empty(Emulator.ContractViolations);
    }

    [Fact]
    public async Task A_new_output_of_the_same_model_version_replaces_the_old_and_scores_become_intervals()
    {
        var first = await RunAsync("--target=Export", $"--predictions={Temp.Write("first.csv", Intervals)}", "--model-version=det");
        Assert.True(first.ExitCode == 0, first.ToString());
        var (project, tasks) = await ProjectAsync();

        // Per-timestamp scores for February only: January's and March's predictions of "det" go, February gets one.
        var scores = "series,timestamp,score\n" + string.Concat(Enumerable.Range(0, 12).Select(i =>
            $"2021-02.csv,2021-02-02 {i / 6:00}:{i % 6 * 10:00}:00,{(i is 2 or 3 or 5 or 9 ? 0.9 : 0.1)}\n"));
        var second = await RunAsync("--target=ImportPredictions", $"--predictions={Temp.Write("scores.csv", scores)}", "--model-version=det",
            "--score-threshold=0.8", "--merge-gap=1200", "--min-duration=600");
        Assert.True(second.ExitCode == 0, second.ToString());
        Assert.Contains("ImportPredictions: 1 tasks got a new prediction, 0 unchanged, 2 earlier predictions of 'det' removed", second.Output);
        var prediction = Assert.Single(await Client.ListPredictionsAsync(project.Id, CancellationToken.None));
        Assert.Equal(tasks["2021-02.csv"], prediction.Task);
        // 00:20-00:30 and 00:50 merge (gap 20 min); 01:30 alone is shorter than 10 min and is dropped.
        var value = prediction.Result.Single()["value"]!;
        Assert.Equal(("2021-02-02 00:20:00", "2021-02-02 00:50:00", "Anomaly"), ((string)value["start"]!, (string)value["end"]!, (string)value["timeserieslabels"]![0]!));
        Assert.Empty(Emulator.ContractViolations);
    }

    [Fact]
    public async Task A_lost_answer_to_the_import_is_not_retried_blindly_and_a_re_run_leaves_one_prediction_per_task()
    {
        // The server stores the predictions but the answer never arrives: the POST is not repeated (it would duplicate them).
        await RestartEmulatorAsync(new Faults.RateFaultInjector(new Faults.FaultPlan
        {
            Rules = [new Faults.FaultRule
            {
                Method = "POST", Path = @"^/api/projects/\d+/import/predictions/?$", Rate = 1, Kinds = [Faults.FaultKind.ResponseLost], Limit = 1,
            }],
        }));
        var file = Temp.Write("detector-v3.csv", Intervals);

        var lost = await RunAsync("--target=ImportPredictions", $"--predictions={file}", "--retries=2");
        Assert.NotEqual(0, lost.ExitCode);
        var (project, _) = await ProjectAsync();
        Assert.Equal(2, (await Client.ListPredictionsAsync(project.Id, CancellationToken.None)).Count); // stored once, not twice

        var again = await RunAsync("--target=ImportPredictions", $"--predictions={file}");
        Assert.True(again.ExitCode == 0, again.ToString());
        Assert.Contains("ImportPredictions: 0 tasks got a new prediction, 2 unchanged", again.Output);
        Assert.Equal(2, (await Client.ListPredictionsAsync(project.Id, CancellationToken.None)).Count);
    }

    [Fact]
    public async Task A_missing_predictions_file_fails_before_anything_is_provisioned()
    {
        var run = await RunAsync("--target=Export", $"--predictions={Path.Combine(Temp.Path, "nope.csv")}");
        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains("--predictions=", run.Output);
        Assert.Contains("nope.csv does not exist", run.Output);
        Assert.Empty(await Client.ListProjectsAsync(null, CancellationToken.None));
    }

    [Fact]
    public async Task Bad_model_output_fails_with_file_and_line_and_imports_nothing()
    {
        var provision = await RunAsync("--target=Sync");
        Assert.True(provision.ExitCode == 0, provision.ToString());
        var file = Temp.Write("bad.csv",
            "series,start,end,label\n" +
            "2021-01.csv,2021-01-05 10:00:00,2021-01-05 12:00:00,Anomaly\n" +
            "2020-12.csv,2020-12-05 10:00:00,2020-12-05 12:00:00,Anomaly\n" +
            "2021-01.csv,2021-01-05 10:00:00,2021-01-05 12:00:00,Spike\n" +
            "2021-01.csv,2021-01-31 23:00:00,2021-02-01 01:00:00,Anomaly\n");
        var run = await RunAsync("--target=Export", $"--predictions={file}");
        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains("3 problem(s); nothing was imported", run.Output);
        Assert.Contains("bad.csv line 3: series '2020-12.csv' is not a file of the dataset", run.Output);
        Assert.Contains("bad.csv line 4: label 'Spike' is not in the project's labeling config (Anomaly, Normal)", run.Output);
        Assert.Contains("bad.csv line 5: 2021-01-31T23:00:00.000000 .. 2021-02-01T01:00:00.000000 lies outside series '2021-01.csv'", run.Output);
        var (project, _) = await ProjectAsync();
        Assert.Empty(await Client.ListPredictionsAsync(project.Id, CancellationToken.None));
        Assert.False(Directory.Exists(Snapshot));
    }
}
