using System.Globalization;
using System.Text.Json.Nodes;
using RealServer.Tests.Support;
using Xunit.Abstractions;
using static RealServer.Tests.Support.WebApp;

namespace RealServer.Tests;

/// <summary>
/// The human loop in Label Studio's own web app (the real server's data manager and bundled editor, Chromium): log in,
/// open a task the pipeline created, wait for the chart, check by pixels that every channel's line is drawn inside its
/// plot, pick a label, drag a region with the mouse, Submit; Export then gives exactly that range on the right source
/// rows. With imported predictions: they are shown, the annotator adjusts one and deletes one, and the snapshot's
/// review counts say so.
/// </summary>
[Collection(RealServerCollection.Name)]
[Trait("Category", "RealServer")]
public sealed class WebAppHumanLoopTests(RealLabelStudio server, ITestOutputHelper output)
{
    private static readonly DateTime T0 = new(2024, 5, 1, 0, 0, 0, DateTimeKind.Utc);

    private LabelStudioHttp Api => server.Api;

    /// <summary>
    /// A source of 70,000 rows × 3 channels (one a minute): 210,000 values, more than the default 200,000 per task, so
    /// Prepare splits it into two windows (50,000 + 20,000 rows) and, with --overview, adds the overview task.
    /// </summary>
    private static void WriteLongSource(PipelineScenario scenario, int rows = 70_000)
    {
        Directory.CreateDirectory(scenario.SourceDirectory);
        using var writer = new StreamWriter(Path.Combine(scenario.SourceDirectory, "s.csv"));
        writer.Write("time,a,b,c\n");
        for (var i = 0; i < rows; i++)
        {
            writer.Write(string.Create(CultureInfo.InvariantCulture, $"{T0.AddMinutes(i):yyyy-MM-dd HH:mm:ss},{Math.Sin(i / 300.0):0.###},{i % 977 / 977.0:0.###},{Math.Cos(i / 1000.0) * 5:0.###}\n"));
        }
    }

    [SkippableTheory]
    [InlineData("s.w0002.csv")]
    [InlineData("s.overview.csv")]
    public async Task A_region_dragged_in_the_web_app_comes_out_of_Export_on_its_source_rows(string taskFile)
    {
        server.Require();
        WebApp.Require();
        using var scenario = new PipelineScenario(server, "web-" + taskFile.Split('.')[1]);
        WriteLongSource(scenario);
        await scenario.RunOkAsync("--target=Export", "--overview");
        var project = await Api.ProjectAsync(scenario.Title);
        var projectId = project["id"]!.GetValue<int>();
        var tasks = await Api.TasksAsync(projectId);
        Assert.Equal(["s.overview.csv", "s.w0001.csv", "s.w0002.csv"], tasks.Select(t => Path.GetFileName(t["data"]!.AsObject().Single().Value!.ToString())).Order(StringComparer.Ordinal));
        var task = PipelineScenario.TaskFor(tasks, taskFile);

        var session = await RunAsync(server, projectId, task["id"]!.GetValue<int>(), [
            Act("check"),
            Act("label", ("value", "Anomaly")),
            Act("drag", ("channel", 0), ("from", 0.30), ("to", 0.55)),
            Act("check"),
            Act("submit"),
        ], scenario.WorkDirectory);
        output.WriteLine(session.Describe());
        Assert.True(session.Ok, session.Describe());

        // Every channel's line is drawn, inside its plot, before and after the region is drawn.
        Assert.All(session.Checks, check =>
        {
            Assert.Equal(3, check.Length);
            Assert.All(check, channel => Assert.True(channel.DrawnInsideItsPlot, channel + "\n" + session.Describe()));
        });

        // What Submit sent is what the server stored.
        var submission = Assert.Single(session.Submissions)!;
        Assert.Equal(201, submission["status"]!.GetValue<int>());
        var region = Assert.Single(submission["body"]!["result"]!.AsArray())!;
        Assert.Equal(("timeserieslabels", "manual"), (region["type"]!.ToString(), region["origin"]!.ToString()));
        Assert.Equal("Anomaly", region["value"]!["timeserieslabels"]![0]!.ToString());
        var stored = Assert.Single(PipelineScenario.TaskFor(await Api.TasksAsync(projectId), taskFile)["annotations"]!.AsArray())!;
        Assert.True(JsonNode.DeepEquals(submission["body"]!["result"], stored["result"]), stored.ToJsonString());

        // Export: the range as drawn (the config's timeFormat, UTC), and exactly the source rows inside it.
        var format = PipelineScenario.Config(project).TimeFormat!;
        DateTimeOffset Bound(string name) => format.TryParse(region["value"]![name]!.ToString(), out var time) ? time : throw new FormatException(region.ToJsonString());
        var (start, end) = (Bound("start"), Bound("end"));
        Assert.True(end > start.AddHours(1), $"a drag across a quarter of the plot covers hours, not {start:u}..{end:u}");
        await scenario.RunOkAsync("--target=Export", "--overview");
        var labels = await File.ReadAllTextAsync(Path.Combine(scenario.Snapshot, "lookout", "labels.csv"));
        Assert.Equal($"{start.UtcDateTime:yyyy-MM-dd'T'HH:mm:ss}.000000,{end.UtcDateTime:yyyy-MM-dd'T'HH:mm:ss}.000000\n", labels);
        var expected = File.ReadLines(Path.Combine(scenario.SourceDirectory, "s.csv")).Skip(1)
            .Select((line, row) => (Time: DateTime.SpecifyKind(DateTime.ParseExact(line[..19], "yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture), DateTimeKind.Utc), row))
            .Where(x => x.Time >= start.UtcDateTime && x.Time <= end.UtcDateTime).Select(x => x.row).ToArray();
        var flagged = File.ReadLines(Path.Combine(scenario.Snapshot, "dense", "s.csv")).Skip(1)
            .Select((line, row) => (line, row)).Where(x => x.line.EndsWith(",1,Anomaly", StringComparison.Ordinal)).Select(x => x.row).ToArray();
        output.WriteLine($"{taskFile}: drawn {start:u} .. {end:u}; source rows {flagged.FirstOrDefault()}..{flagged.LastOrDefault()} ({flagged.Length}) flagged");
        Assert.NotEmpty(expected);
        Assert.Equal(expected, flagged);
    }

    [SkippableFact]
    public async Task The_pixel_check_fails_when_lines_are_drawn_outside_their_plots()
    {
        server.Require();
        WebApp.Require();

        // A config whose first channel's dataRange is narrower than its data: the editor clips the line to the plot ...
        using var scenario = new PipelineScenario(server, "web-unclipped");
        WriteLongSource(scenario, rows: 3000);
        await scenario.RunOkAsync("--target=Sync");
        var project = await Api.ProjectAsync(scenario.Title);
        var projectId = project["id"]!.GetValue<int>();
        var config = project["label_config"]!.GetValue<string>();
        var narrowed = System.Text.RegularExpressions.Regex.Replace(config, "<Channel column=\"a\"", "<Channel column=\"a\" dataRange=\"-0.3,0.3\"");
        Assert.NotEqual(config, narrowed);
        await Api.JsonAsync(HttpMethod.Patch, $"/api/projects/{projectId}", new JsonObject { ["label_config"] = narrowed });
        var task = Assert.Single(await Api.TasksAsync(projectId));

        // ... so the check passes; with the clip-paths removed, the same line is drawn above and below its plot, and the
        // check must see it.
        var session = await RunAsync(server, projectId, task["id"]!.GetValue<int>(), [Act("check"), Act("unclip"), Act("check")], scenario.WorkDirectory);
        output.WriteLine(session.Describe());
        Assert.True(session.Ok, session.Describe());
        Assert.All(session.Checks[0], channel => Assert.True(channel.DrawnInsideItsPlot, channel.ToString()));
        var unclipped = session.Checks[1];
        Assert.False(unclipped[0].DrawnInsideItsPlot, unclipped[0].ToString());
        Assert.True(unclipped[0].Outside > 50, unclipped[0].ToString());
    }

    [SkippableFact]
    public async Task Predictions_are_shown_and_the_annotators_adjustment_and_deletion_are_counted_in_the_review()
    {
        server.Require();
        WebApp.Require();

        // 3,000 rows, one task; two predicted regions: one in the editor's first view (a quarter of the task), one later.
        using var scenario = new PipelineScenario(server, "web-pred");
        WriteLongSource(scenario, rows: 3000);
        var predictions = Path.Combine(scenario.WorkDirectory, "detector-web.csv");
        await File.WriteAllTextAsync(predictions, "series,start,end,label,score\ns.csv,2024-05-01 03:20:00,2024-05-01 06:40:00,Anomaly,0.9\ns.csv,2024-05-02 09:20:00,2024-05-02 14:20:00,Anomaly,0.8\n");
        await scenario.RunOkAsync("--target=Export", $"--predictions={predictions}");
        var projectId = (await Api.ProjectAsync(scenario.Title))["id"]!.GetValue<int>();
        var task = Assert.Single(await Api.TasksAsync(projectId));
        var predicted = Assert.Single(task["predictions"]!.AsArray())!["result"]!.AsArray();
        Assert.Equal(2, predicted.Count);

        // The annotator sees both, shortens the first by dragging its right edge, deletes the second, and submits.
        var session = await RunAsync(server, projectId, task["id"]!.GetValue<int>(), [
            Act("check"),
            Act("select-region", ("index", 0)),
            Act("move-edge", ("edge", "e"), ("by", -0.05)),
            Act("select-region", ("index", 1)),
            Act("delete-region"),
            Act("submit"),
        ], scenario.WorkDirectory);
        output.WriteLine(session.Describe());
        Assert.True(session.Ok, session.Describe());
        Assert.Equal(2, session.Answer["steps"]!.AsArray().First(s => s!["do"]!.ToString() == "select-region")!["listed"]!.GetValue<int>()); // both predicted regions listed
        var submission = Assert.Single(session.Submissions)!;
        Assert.Equal(201, submission["status"]!.GetValue<int>());
        var kept = Assert.Single(submission["body"]!["result"]!.AsArray())!;
        Assert.Equal("prediction-changed", kept["origin"]!.ToString());
        Assert.Equal(predicted[0]!["id"]!.ToString(), kept["id"]!.ToString());
        Assert.Equal("2024-05-01 03:20:00", kept["value"]!["start"]!.ToString());
        Assert.True(string.CompareOrdinal(kept["value"]!["end"]!.ToString(), "2024-05-01 06:40:00") < 0, kept.ToJsonString());

        // The snapshot's review: two predicted regions, one adjusted, one rejected, none confirmed or added.
        await scenario.RunOkAsync("--target=Export", $"--predictions={predictions}");
        var review = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(scenario.Snapshot, "manifest.json")))!["prediction_review"]!;
        output.WriteLine(review.ToJsonString());
        Assert.Equal(
            (2, 0, 1, 1, 0),
            (review["predicted_regions"]!.GetValue<int>(), review["confirmed"]!.GetValue<int>(), review["adjusted"]!.GetValue<int>(), review["rejected"]!.GetValue<int>(), review["added"]!.GetValue<int>()));
    }
}
