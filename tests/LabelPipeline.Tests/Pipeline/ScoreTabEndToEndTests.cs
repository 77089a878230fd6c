using LabelPipeline.LabelStudio;
using LabelPipeline.Predictions;
using LabelPipeline.Tests.Support;
using Newtonsoft.Json.Linq;

namespace LabelPipeline.Tests.Pipeline;

/// <summary>
/// Likely anomalies first, as a user runs it (the real executable) against the emulator held to the contract:
/// ImportPredictions gives each prediction a task score and makes one Data Manager tab that lists tasks by it, highest
/// first; the labeling stream opened from the tab serves the highest-scored task first; re-runs make no second tab
/// and put back an ordering someone changed. (tests/RealServer.Tests checks the same against the real server.)
/// </summary>
public sealed class ScoreTabEndToEndTests() : EmulatorPipelineTest(scratchDatasets: false)
{
    // Task scores: March 0.95, May 0.7, January 0.4 (the higher of its two regions); the other three have no prediction.
    private const string Scored =
        "series,start,end,label,score\n" +
        "2021-01.csv,2021-01-05 10:00:00,2021-01-05 12:00:00,Anomaly,0.4\n" +
        "2021-01.csv,2021-01-06 10:00:00,2021-01-06 12:00:00,Anomaly,0.2\n" +
        "2021-03.csv,2021-03-10 00:00:00,2021-03-10 01:00:00,Anomaly,0.95\n" +
        "2021-05.csv,2021-05-10 00:00:00,2021-05-10 01:00:00,Anomaly,0.7\n";

    private Task<PipelineRun> RunAsync(params string[] arguments) => RunPipelineAsync(["--labels=Anomaly,Normal", .. arguments]);

    [Fact]
    public async Task The_tab_lists_tasks_by_score_and_the_stream_serves_the_highest_first_created_once()
    {
        var file = Temp.Write("detector.csv", Scored);
        var first = await RunAsync("--target=ImportPredictions", $"--predictions={file}");
        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.Contains($"Data Manager tab '{ScoreTab.Title}'", first.Output);

        var project = (await Client.ListProjectsAsync("synthetic v1", CancellationToken.None)).Single();
        var view = Assert.Single(await Client.ListViewsAsync(project.Id, CancellationToken.None));
        Assert.Equal(ScoreTab.Title, view.Title);
        Assert.Equal([ScoreTab.Ordering], view.Ordering);

        var names = new List<string>();
        await foreach (var task in Client.ListTasksAsync(project.Id, withAnnotations: false, CancellationToken.None, viewId: view.Id))
        {
            names.Add(LabelPipeline.TimeSeries.SeriesNames.FromUrl(task.Data["csv"]!.ToString()));
        }

        // Scored tasks by score, highest first; the three without a prediction after them (by id).
        Assert.Equal(["2021-03.csv", "2021-05.csv", "2021-01.csv", "2021-02.csv", "2021-04.csv", "2021-06.csv"], names);
        var predictions = await Client.ListPredictionsAsync(project.Id, CancellationToken.None);
        Assert.Equal([0.4, 0.7, 0.95], predictions.Select(p => p.Score!.Value).Order()); // each task's highest region score

        var next = await Client.NextTaskAsync(project.Id, view.Id, CancellationToken.None);
        Assert.Equal("2021-03.csv", LabelPipeline.TimeSeries.SeriesNames.FromUrl(next.Data["csv"]!.ToString()));

        // Someone sorts the tab by id in the UI; a re-run puts the score order back, in the same tab.
        await Client.UpdateViewAsync(view.Id, new DataManagerViewRequest { Project = project.Id, Data = new JObject { ["title"] = ScoreTab.Title, ["ordering"] = new JArray("tasks:id") } }, CancellationToken.None);
        var again = await RunAsync("--target=ImportPredictions", $"--predictions={file}");
        Assert.True(again.ExitCode == 0, again.ToString());
        var after = Assert.Single(await Client.ListViewsAsync(project.Id, CancellationToken.None));
        Assert.Equal(view.Id, after.Id);
        Assert.Equal([ScoreTab.Ordering], after.Ordering);

        var third = await RunAsync("--target=ImportPredictions", $"--predictions={file}");
        Assert.True(third.ExitCode == 0, third.ToString());
        Assert.Single(await Client.ListViewsAsync(project.Id, CancellationToken.None));
        Assert.Empty(Emulator.ContractViolations);
    }

    [Fact]
    public async Task Intervals_without_scores_give_the_task_score_1()
    {
        var file = Temp.Write("flags.csv", "series,start,end\n2021-02.csv,2021-02-10 00:00:00,2021-02-10 01:00:00\n");
        var run = await RunAsync("--target=ImportPredictions", $"--predictions={file}");
        Assert.True(run.ExitCode == 0, run.ToString());
        var project = (await Client.ListProjectsAsync("synthetic v1", CancellationToken.None)).Single();
        Assert.Equal(1.0, Assert.Single(await Client.ListPredictionsAsync(project.Id, CancellationToken.None)).Score);
        Assert.Empty(Emulator.ContractViolations);
    }
}
