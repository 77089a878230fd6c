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
public sealed class HumanLoopTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly TempDirectory _temp = new();
    private EmulatorServer? _labelStudio;

    private string Output => Path.Combine(_temp.Path, "artifacts");

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_labelStudio is not null)
        {
            await _labelStudio.DisposeAsync();
        }

        _temp.Dispose();
    }

    private Task<PipelineRun> RunPipelineAsync(params string[] arguments) =>
        PipelineRunner.RunAsync(
            [
                $"--label-studio-url={_labelStudio!.BaseUrl}",
                $"--datasets-dir={RepositoryPaths.Datasets}",
                $"--local-files-root={RepositoryPaths.Datasets}",
                $"--output={Output}",
                $"--state-dir={Path.Combine(_temp.Path, "state")}",
                "--labels=Anomaly,Normal",
                .. arguments,
            ],
            new Dictionary<string, string> { ["LABELPIPELINE_LABEL_STUDIO_TOKEN"] = _labelStudio.LegacyToken });

    [SkippableFact]
    public async Task Regions_drawn_in_the_editor_are_exported_exactly_to_labels_csv()
    {
        await EditorTool.RequireAsync();
        _labelStudio = await EmulatorServer.StartAsync(
            new EmulatorOptions { LocalFilesDocumentRoot = RepositoryPaths.Datasets, OpenApiSpecPath = RepositoryPaths.OpenApiSpec },
            CancellationToken.None);

        var provision = await RunPipelineAsync("--target=Export");
        Assert.True(provision.ExitCode == 0, provision.ToString());

        using var http = new HttpClient();
        var client = new LabelStudioClient(http, _labelStudio.BaseUrl, _labelStudio.LegacyToken);
        var project = (await client.ListProjectsAsync("synthetic v1", CancellationToken.None)).Single();
        var task = await FindTaskAsync(client, project.Id, "2021-01.csv");

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
            ["upstream"] = _labelStudio.BaseUrl.ToString(),
            ["cases"] = new JArray(new JObject
            {
                ["name"] = "annotate synthetic/v1/2021-01.csv",
                ["upstreamTask"] = new JObject { ["project"] = project.Id, ["task"] = task.Id },
                ["actions"] = new JArray(actions),
            }),
        };
        var run = await EditorTool.RunAsync(manifest, _temp.Path, TimeSpan.FromMinutes(3), new Dictionary<string, string> { ["LSF_UPSTREAM_TOKEN"] = _labelStudio.LegacyToken });
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
        var stored = (await FindTaskAsync(client, project.Id, "2021-01.csv", withAnnotations: true)).Annotations.Single();
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
        Assert.Empty(_labelStudio.ContractViolations);
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

    private static async Task<LabelStudioTask> FindTaskAsync(LabelStudioClient client, int projectId, string file, bool withAnnotations = false)
    {
        await foreach (var task in client.ListTasksAsync(projectId, withAnnotations, CancellationToken.None))
        {
            if (task.Data["csv"]?.ToString().EndsWith(file, StringComparison.Ordinal) == true)
            {
                return task;
            }
        }

        throw new InvalidOperationException($"no task for {file} in project {projectId}");
    }

    private static JObject Act(string type, params (string Name, object Value)[] fields)
    {
        var action = new JObject { ["type"] = type };
        foreach (var (name, value) in fields)
        {
            action[name] = JToken.FromObject(value);
        }

        return action;
    }
}
