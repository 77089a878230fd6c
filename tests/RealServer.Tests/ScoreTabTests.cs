using LabelPipeline.LabelStudio;
using LabelPipeline.Predictions;
using LabelPipeline.TimeSeries;
using Newtonsoft.Json.Linq;
using RealServer.Tests.Support;
using Xunit.Abstractions;

namespace RealServer.Tests;

/// <summary>
/// Likely anomalies first on the real Label Studio (the run's SQLite server), through the real pipeline executable:
/// ImportPredictions' Data Manager tab lists the tasks by prediction score (the server's own
/// <c>-tasks:predictions_score</c>), the labeling stream opened from it (<c>/api/projects/{id}/next?view=</c>) serves
/// the highest-scored task first, and re-runs make no second tab and put back an ordering someone changed.
/// </summary>
[Collection(RealServerCollection.Name)]
[Trait("Category", "RealServer")]
public sealed class ScoreTabTests(RealLabelStudio server, ITestOutputHelper output) : IDisposable
{
    // Task scores: March 0.95, May 0.7, January 0.4 (the higher of its two regions); the other three have no prediction.
    private const string Scored =
        "series,start,end,label,score\n" +
        "2021-01.csv,2021-01-05 10:00:00,2021-01-05 12:00:00,Anomaly,0.4\n" +
        "2021-01.csv,2021-01-06 10:00:00,2021-01-06 12:00:00,Anomaly,0.2\n" +
        "2021-03.csv,2021-03-10 00:00:00,2021-03-10 01:00:00,Anomaly,0.95\n" +
        "2021-05.csv,2021-05-10 00:00:00,2021-05-10 01:00:00,Anomaly,0.7\n";

    private readonly HttpClient _http = new();

    public void Dispose() => _http.Dispose();

    [SkippableFact]
    public async Task The_tab_orders_tasks_by_score_the_stream_serves_the_highest_first_and_reruns_keep_one_tab()
    {
        server.Require();
        using var scenario = new PipelineScenario(server, "scoretab").WithSyntheticFiles();
        var predictions = Path.Combine(scenario.WorkDirectory, "detector.csv");
        await File.WriteAllTextAsync(predictions, Scored);
        string[] arguments = ["--target=ImportPredictions", "--labels=Anomaly,Normal", $"--predictions={predictions}"];

        var first = await scenario.RunOkAsync(arguments);
        output.WriteLine(first.ToString());
        Assert.Contains($"Data Manager tab '{ScoreTab.Title}' created", first.Output, StringComparison.Ordinal);
        var client = new LabelStudioClient(_http, server.BaseUrl, server.Token);
        var project = Assert.Single(await client.ListProjectsAsync(scenario.Title, CancellationToken.None), p => p.Title == scenario.Title);
        var view = Assert.Single(await client.ListViewsAsync(project.Id, CancellationToken.None));
        Assert.Equal((ScoreTab.Title, ScoreTab.Ordering), (view.Title, Assert.Single(view.Ordering)));

        // The tab lists the scored tasks by score, highest first, then the three without a prediction.
        var byScore = await TabOrderAsync(client, project.Id, view.Id);
        Assert.Equal(["2021-03.csv", "2021-05.csv", "2021-01.csv"], byScore.Take(3));
        Assert.Equal(["2021-02.csv", "2021-04.csv", "2021-06.csv"], byScore.Skip(3).Order(StringComparer.Ordinal));

        // The labeling stream opened from the tab serves the highest-scored task first (not the first by id).
        Assert.Equal("2021-03.csv", await NextAsync(client, project.Id, view.Id));

        // Someone sorts the tab by id in the UI (the server then lists January first: the change took) ...
        await client.UpdateViewAsync(view.Id, new DataManagerViewRequest { Project = project.Id, Data = new JObject { ["title"] = ScoreTab.Title, ["ordering"] = new JArray("tasks:id") } }, CancellationToken.None);
        Assert.Equal("2021-01.csv", (await TabOrderAsync(client, project.Id, view.Id))[0]);

        // ... a re-run puts the score order back, in the same tab, and the stream serves the highest-scored task again.
        var second = await scenario.RunOkAsync(arguments);
        output.WriteLine(second.ToString());
        Assert.Contains("orders by prediction score again", second.Output, StringComparison.Ordinal);
        var after = Assert.Single(await client.ListViewsAsync(project.Id, CancellationToken.None));
        Assert.Equal((view.Id, ScoreTab.Ordering), (after.Id, Assert.Single(after.Ordering)));
        Assert.Equal(byScore.Take(3), (await TabOrderAsync(client, project.Id, view.Id)).Take(3));
        Assert.Equal("2021-03.csv", await NextAsync(client, project.Id, view.Id));

        // A third run with nothing changed leaves the one tab alone.
        var third = await scenario.RunOkAsync(arguments);
        Assert.DoesNotContain($"tab '{ScoreTab.Title}' created", third.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("orders by prediction score again", third.Output, StringComparison.Ordinal);
        Assert.Equal(view.Id, Assert.Single(await client.ListViewsAsync(project.Id, CancellationToken.None)).Id);
    }

    /// <summary>The series of the tab's tasks, in the order the server lists them.</summary>
    private static async Task<List<string>> TabOrderAsync(LabelStudioClient client, int projectId, int viewId)
    {
        var order = new List<string>();
        await foreach (var task in client.ListTasksAsync(projectId, withAnnotations: false, CancellationToken.None, viewId: viewId))
        {
            order.Add(SeriesNames.FromUrl(task.Data["csv"]!.ToString()));
        }

        return order;
    }

    private static async Task<string> NextAsync(LabelStudioClient client, int projectId, int viewId) =>
        SeriesNames.FromUrl((await client.NextTaskAsync(projectId, viewId, CancellationToken.None)).Data["csv"]!.ToString());
}
