using LabelPipeline.LabelStudio;
using LabelPipeline.Predictions;
using LabelPipeline.Tests.Support;
using LabelPipeline.TimeSeries;

namespace LabelPipeline.Tests.Pipeline;

/// <summary>
/// Likely anomalies first against a real Label Studio given by environment variables (until tests/RealServer.Tests
/// with its once-per-run server is on main): <c>LABELPIPELINE_REAL_LS_URL</c> (http://127.0.0.1:…),
/// <c>LABELPIPELINE_REAL_LS_TOKEN</c> (a legacy token) and <c>LABELPIPELINE_REAL_LS_FILES_ROOT</c> (the server's
/// LOCAL_FILES_DOCUMENT_ROOT, as this machine sees it). Skipped with the reason when they are not set. Each run makes
/// its own project (a dataset named after a fresh id) and leaves other projects alone.
/// </summary>
public sealed class ScoreTabRealServerTests : IDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly HttpClient _http = new();

    public void Dispose()
    {
        _http.Dispose();
        _temp.Dispose();
    }

    [SkippableFact]
    public async Task The_tab_orders_tasks_by_score_and_the_stream_serves_the_highest_first_on_the_real_server()
    {
        var url = Environment.GetEnvironmentVariable("LABELPIPELINE_REAL_LS_URL");
        var token = Environment.GetEnvironmentVariable("LABELPIPELINE_REAL_LS_TOKEN");
        var root = Environment.GetEnvironmentVariable("LABELPIPELINE_REAL_LS_FILES_ROOT");
        Skip.If(url is null || token is null || root is null, "set LABELPIPELINE_REAL_LS_URL, _TOKEN and _FILES_ROOT to run this against a real Label Studio");
        Assert.StartsWith("http://127.0.0.1:", url, StringComparison.Ordinal); // loopback only

        var dataset = "scoretab" + Guid.NewGuid().ToString("N")[..8];
        var source = Path.Combine(root, dataset, "v1");
        Directory.CreateDirectory(source);
        try
        {
            foreach (var file in Repository.SyntheticFiles)
            {
                File.Copy(file, Path.Combine(source, Path.GetFileName(file)));
            }

            var predictions = _temp.Write("detector.csv",
                "series,start,end,label,score\n" +
                "2021-01.csv,2021-01-05 10:00:00,2021-01-05 12:00:00,Anomaly,0.4\n" +
                "2021-03.csv,2021-03-10 00:00:00,2021-03-10 01:00:00,Anomaly,0.95\n" +
                "2021-05.csv,2021-05-10 00:00:00,2021-05-10 01:00:00,Anomaly,0.7\n");
            string[] arguments =
            [
                "--target=ImportPredictions", $"--label-studio-url={url}", $"--local-files-root={root}", $"--datasets-dir={root}",
                $"--dataset={dataset}", "--labels=Anomaly,Normal", $"--predictions={predictions}",
                $"--state-dir={Path.Combine(_temp.Path, "state")}", $"--output={Path.Combine(_temp.Path, "out")}",
            ];
            var environment = new Dictionary<string, string> { ["LABELPIPELINE_LABEL_STUDIO_TOKEN"] = token! };
            var first = await PipelineRunner.RunAsync(arguments, environment, TimeSpan.FromMinutes(5));
            Assert.True(first.ExitCode == 0, first.ToString());

            var client = new LabelStudioClient(_http, new Uri(url!), token!);
            var project = Assert.Single(await client.ListProjectsAsync($"{dataset} v1", CancellationToken.None));
            var view = Assert.Single(await client.ListViewsAsync(project.Id, CancellationToken.None));
            Assert.Equal((ScoreTab.Title, ScoreTab.Ordering), (view.Title, Assert.Single(view.Ordering)));

            // The tab lists the scored tasks by score, highest first, then the rest.
            var order = new List<string>();
            await foreach (var task in client.ListTasksAsync(project.Id, withAnnotations: false, CancellationToken.None, viewId: view.Id))
            {
                order.Add(SeriesNames.FromUrl(task.Data["csv"]!.ToString()));
            }

            Assert.Equal(["2021-03.csv", "2021-05.csv", "2021-01.csv"], order.Take(3));
            Assert.Equal(6, order.Count);

            // The labeling stream opened from the tab serves the highest-scored task first (not the first by id).
            var next = await client.NextTaskAsync(project.Id, view.Id, CancellationToken.None);
            Assert.Equal("2021-03.csv", SeriesNames.FromUrl(next.Data["csv"]!.ToString()));

            // A re-run creates no second tab.
            var again = await PipelineRunner.RunAsync(arguments, environment, TimeSpan.FromMinutes(5));
            Assert.True(again.ExitCode == 0, again.ToString());
            Assert.Equal(view.Id, Assert.Single(await client.ListViewsAsync(project.Id, CancellationToken.None)).Id);
        }
        finally
        {
            foreach (var folder in new[] { Path.Combine(root, dataset), Path.Combine(root, ".prepared", dataset) }.Where(Directory.Exists))
            {
                Directory.Delete(folder, recursive: true);
            }
        }
    }
}
