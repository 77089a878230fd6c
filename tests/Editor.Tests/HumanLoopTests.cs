using System.Globalization;
using Editor.Tests.Support;
using LabelPipeline.LabelConfig;
using LabelPipeline.LabelStudio;
using LabelStudio.Emulator;
using Newtonsoft.Json.Linq;
using Xunit.Abstractions;

namespace Editor.Tests;

/// <summary>
/// The human loop end to end: the pipeline provisions the Label Studio emulator; an annotator opens a task in Label
/// Studio's own editor (page, task and CSV served through tests/editor/serve.js, which forwards /api and /data to the
/// emulator), selects labels, drags ranges and double-clicks an instant with the mouse, and presses Submit; the editor's
/// result goes to <c>POST /api/tasks/{id}/annotations/</c>; Export then writes exactly those ranges to labels.csv.
/// </summary>
[Collection(BrowserCollection.Name)]
[Trait("Category", "Browser")]
public sealed class HumanLoopTests(ITestOutputHelper output) : EditorLoopTest
{
    [SkippableFact]
    public async Task Regions_drawn_in_the_editor_are_exported_exactly_to_labels_csv()
    {
        await EditorTool.RequireAsync();
        await StartEmulatorAsync();

        var provision = await RunPipelineAsync("--target=Export");
        Assert.True(provision.ExitCode == 0, provision.ToString());

        var project = (await Client.ListProjectsAsync("synthetic v1", CancellationToken.None)).Single();
        var task = await FindTaskAsync(project.Id, "2021-01.csv");

        // An annotator's session: labels by clicking their buttons, ranges by dragging on a chart, an instant by a double-click.
        JObject[] actions =
        [
            Act("label", ("value", "Anomaly")), Act("drag", ("channel", 0), ("from", 0.10), ("to", 0.25)),
            Act("label", ("value", "Anomaly")), Act("dblclick", ("channel", 0), ("at", 0.62)),
            Act("label", ("value", "Normal")), Act("drag", ("channel", 1), ("from", 0.35), ("to", 0.50)),
            Act("label", ("value", "Anomaly")), Act("drag", ("channel", 2), ("from", 0.75), ("to", 0.90)),
            Act("submit"),
        ];
        var manifest = new JObject
        {
            ["upstream"] = Emulator.BaseUrl.ToString(),
            ["cases"] = new JArray(new JObject
            {
                ["name"] = "annotate synthetic/v1/2021-01.csv",
                ["upstreamTask"] = new JObject { ["project"] = project.Id, ["task"] = task.Id },
                ["actions"] = new JArray(actions),
            }),
        };
        var run = await EditorTool.RunAsync(manifest, Temp.Path, TimeSpan.FromMinutes(3), new Dictionary<string, string> { ["LSF_UPSTREAM_TOKEN"] = Emulator.LegacyToken });
        var session = run.Cases.Single();
        output.WriteLine(session.Describe());
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"render time: {session.RenderMs:0} ms (with page load {session.PageMs:0} ms) for task {task.Id} (2021-01.csv)"));
        Assert.True(session.Ok, session.Describe());

        // What the editor reported when Submit was pressed, and what it sent.
        var submission = (JObject)session.Submissions.Single();
        Assert.Equal(201, submission["status"]!.Value<int>());
        var drawn = (JArray)submission["result"]!;
        output.WriteLine("editor result: " + drawn.ToString(Newtonsoft.Json.Formatting.None));
        Assert.True(JToken.DeepEquals(session.Actions.Last()["result"], drawn), "the submitted result differs from the editor's state at Submit");
        Assert.Equal(4, drawn.Count);
        Assert.All(drawn, r =>
        {
            Assert.Equal("timeserieslabels", r["type"]!.ToString());
            Assert.Equal("manual", r["origin"]!.ToString());
            Assert.Equal(10, r["id"]!.ToString().Length);
        });
        var instant = Assert.Single(drawn, r => r["value"]!["instant"]!.Value<bool>());
        Assert.Equal(instant["value"]!["start"]!.ToString(), instant["value"]!["end"]!.ToString());
        Assert.Single(drawn, r => r["value"]!["timeserieslabels"]!.Values<string>().Single() == "Normal");

        // The emulator stored exactly that, through the annotation endpoint Label Studio's app uses.
        var stored = (await FindTaskAsync(project.Id, "2021-01.csv", withAnnotations: true)).Annotations.Single();
        Assert.Equal(submission["response"]!["id"]!.Value<int>(), stored.Id);
        Assert.True(JToken.DeepEquals(drawn, stored.Result), $"stored {stored.Result.ToString(Newtonsoft.Json.Formatting.None)}");

        // Export: labels.csv holds the Anomaly ranges as drawn (the Normal one is not an anomaly label), UTC, microseconds.
        var export = await RunPipelineAsync("--target=Export");
        Assert.True(export.ExitCode == 0, export.ToString());
        var expected = ExpectedLabels(drawn, LabelConfigValidator.Read(project.LabelConfig), "Anomaly");
        var labelsFile = LabelsFile();
        var exported = await File.ReadAllTextAsync(labelsFile);
        output.WriteLine($"{labelsFile}:\n{exported}");
        Assert.Equal(expected, exported);
        Assert.Equal(3, exported.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Empty(Emulator.ContractViolations);
    }

    [SkippableFact]
    public async Task A_region_dragged_across_a_window_boundary_in_the_editor_is_one_range_on_the_source_rows()
    {
        await EditorTool.RequireAsync();

        // One source of 600 rows × 2 channels (1 minute apart); 600 values per task = 300 rows: two windows, two tasks.
        var datasets = Path.Combine(Temp.Path, "datasets");
        var source = Path.Combine(datasets, "long", "v1", "s.csv");
        Directory.CreateDirectory(Path.GetDirectoryName(source)!);
        var t0 = new DateTime(2024, 5, 1, 0, 0, 0, DateTimeKind.Utc);
        await File.WriteAllTextAsync(source, "time,a,b\n" + string.Concat(Enumerable.Range(0, 600).Select(i =>
            string.Create(CultureInfo.InvariantCulture, $"{t0.AddMinutes(i):yyyy-MM-dd HH:mm:ss},{Math.Sin(i / 20.0):0.###},{i % 13}\n"))));
        await StartEmulatorAsync(datasets);
        string[] args = ["--dataset=long", "--max-points-per-task=600"];
        var provision = await RunPipelineAsync(["--target=Export", .. args]);
        Assert.True(provision.ExitCode == 0, provision.ToString());
        var project = (await Client.ListProjectsAsync("long v1", CancellationToken.None)).Single();
        var first = await FindTaskAsync(project.Id, "s.w0001.csv");
        var second = await FindTaskAsync(project.Id, "s.w0002.csv");

        // The editor opens on the first quarter of a task. In window 1 the annotator moves the view to the end (the overview's
        // brush) and drags from 80 % to the right edge; in window 2, at the start, from 30 % back to the left edge. LSF 1.4.0
        // cannot end a region on a task's last point (a drag within the last snap interval writes the end as
        // "0NaN-NaN-NaN NaN:NaN:NaN"), so the drag ends on the second-to-last point, which WindowMapping counts as the edge.
        JObject Session(string name, LabelStudioTask task, double from, double to, string? view) => new()
        {
            ["name"] = name,
            ["upstreamTask"] = new JObject { ["project"] = project.Id, ["task"] = task.Id },
            ["actions"] = new JArray(new[]
            {
                view is null ? null : Act("overview", ("to", view)),
                Act("label", ("value", "Anomaly")), Act("drag", ("channel", 0), ("from", from), ("to", to)), Act("submit"),
            }.OfType<JObject>()),
        };
        var manifest = new JObject
        {
            ["upstream"] = Emulator.BaseUrl.ToString(),
            ["cases"] = new JArray(Session("window 1: to the right edge", first, 0.80, 0.99, "end"), Session("window 2: from the left edge", second, 0.30, 0.0, null)),
        };
        var run = await EditorTool.RunAsync(manifest, Temp.Path, TimeSpan.FromMinutes(3), new Dictionary<string, string> { ["LSF_UPSTREAM_TOKEN"] = Emulator.LegacyToken });
        foreach (var session in run.Cases)
        {
            output.WriteLine(session.Describe());
            Assert.True(session.Ok, session.Describe());
            output.WriteLine("editor result: " + session.Submissions.Single()["result"]!.ToString(Newtonsoft.Json.Formatting.None));
        }

        var export = await RunPipelineAsync(["--target=Export", .. args]);
        Assert.True(export.ExitCode == 0, export.ToString());
        var snapshot = Path.Combine(Output, "long", "v1");
        var intervals = (await File.ReadAllLinesAsync(Path.Combine(snapshot, "intervals.csv"))).Skip(1).ToArray();
        output.WriteLine(string.Join('\n', intervals));
        var row = Assert.Single(intervals);
        Assert.StartsWith("long,v1,s.csv,", row, StringComparison.Ordinal);
        Assert.Contains("+", row.Split(',')[5], StringComparison.Ordinal); // region ids of both windows

        // Dense labels: one unbroken run of source rows across the boundary (rows 300 and 301 of the source, lines 301-302).
        var flagged = (await File.ReadAllLinesAsync(Path.Combine(snapshot, "dense", "s.csv"))).Skip(1)
            .Select((line, index) => (line, index)).Where(x => x.line.EndsWith(",1,Anomaly", StringComparison.Ordinal)).Select(x => x.index).ToArray();
        output.WriteLine($"flagged source rows {flagged.First()}..{flagged.Last()} ({flagged.Length})");
        Assert.Equal(Enumerable.Range(flagged.First(), flagged.Length), flagged);
        Assert.Contains(299, flagged);
        Assert.Contains(300, flagged);
        Assert.Empty(Emulator.ContractViolations);
    }

    /// <summary>What labels.csv must hold for the editor's result: each anomaly region's bounds, read with the project's timeFormat.</summary>
    private static string ExpectedLabels(JArray result, LabelConfigInfo config, string anomalyLabel)
    {
        var format = config.TimeFormat ?? throw new InvalidOperationException("the sample dataset has dates");
        DateTimeOffset Parse(JToken token) => format.TryParse(token.ToString(), out var time) ? time : throw new FormatException($"'{token}' is not in {format.Pattern}");
        var ranges = result
            .Where(r => r["value"]!["timeserieslabels"]!.Values<string>().Contains(anomalyLabel))
            .Select(r => (Start: Parse(r["value"]!["start"]!), End: Parse(r["value"]!["end"]!)))
            .OrderBy(r => r.Start)
            .ToArray();
        for (var i = 1; i < ranges.Length; i++)
        {
            Assert.True(ranges[i].Start > ranges[i - 1].End, "the drawn ranges overlap; the test means them to be apart, so merging cannot hide a difference");
        }

        return string.Concat(ranges.Select(r => $"{Utc(r.Start)},{Utc(r.End)}\n"));
    }

    private static string Utc(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff", CultureInfo.InvariantCulture);

    private string LabelsFile()
    {
        var version = Path.Combine(Output, "synthetic", "v1");
        var lookout = Path.Combine(version, "lookout", "labels.csv");
        return File.Exists(lookout) ? lookout : Path.Combine(version, "labels.csv");
    }

    private async Task<LabelStudioTask> FindTaskAsync(int projectId, string file, bool withAnnotations = false)
    {
        await foreach (var task in Client.ListTasksAsync(projectId, withAnnotations, CancellationToken.None))
        {
            if (task.Data["csv"]?.ToString().EndsWith(file, StringComparison.Ordinal) == true)
            {
                return task;
            }
        }

        throw new InvalidOperationException($"no task for {file} in project {projectId}");
    }
}
