using Editor.Tests.Support;
using LabelPipeline.LabelStudio;
using LabelStudio.Emulator;
using Newtonsoft.Json.Linq;
using Xunit.Abstractions;

namespace Editor.Tests;

/// <summary>
/// Model-assisted labeling end to end: ImportPredictions attaches a model's intervals to a task of the emulator; the
/// annotator opens the task in Label Studio's own editor, which starts them from a copy of the prediction (as Label
/// Studio's app does when the project shows predictions), keeps one region, drags the edge of another, deletes a third,
/// draws a new one with the mouse and presses Submit; Export then counts exactly that: confirmed, adjusted, rejected, added.
/// </summary>
[Collection(BrowserCollection.Name)]
[Trait("Category", "Browser")]
public sealed class PredictionLoopTests(ITestOutputHelper output) : EditorLoopTest
{
    private string Snapshot => Path.Combine(Output, "synthetic", "v1");

    [SkippableFact]
    public async Task An_annotators_edits_of_imported_predictions_are_counted_in_the_snapshot()
    {
        await EditorTool.RequireAsync();
        await StartEmulatorAsync();

        // The editor first shows the first quarter of the series (2021-01-01 to 01-08 18:00): the model's regions are in it.
        var model = Temp.Write("detector-v1.csv",
            "series,start,end,label,score\n" +
            "2021-01.csv,2021-01-02 00:00:00,2021-01-02 12:00:00,Anomaly,0.9\n" +
            "2021-01.csv,2021-01-04 00:00:00,2021-01-04 12:00:00,Anomaly,0.8\n" +
            "2021-01.csv,2021-01-06 12:00:00,2021-01-06 12:00:00,Anomaly,0.6\n");
        var import = await RunPipelineAsync("--target=Export", $"--predictions={model}");
        Assert.True(import.ExitCode == 0, import.ToString());

        var project = (await Client.ListProjectsAsync("synthetic v1", CancellationToken.None)).Single();
        var prediction = (await Client.ListPredictionsAsync(project.Id, CancellationToken.None)).Single();
        var ids = prediction.Result.Select(r => (string)r["id"]!).ToArray();
        Assert.Equal(3, ids.Length);

        JObject[] actions =
        [
            Act("serialize"), // what the annotator starts from: the prediction, unchanged
            Act("label", ("value", "Anomaly")), Act("drag", ("channel", 0), ("from", 0.80), ("to", 0.92)),
            Act("key", ("key", "Escape")),
            Act("resize", ("channel", 1), ("region", ids[1]), ("edge", "e"), ("to", 0.60)),
            Act("selectRegion", ("channel", 0), ("region", ids[2])), Act("key", ("key", "Backspace")),
            Act("submit"),
        ];
        var manifest = new JObject
        {
            ["upstream"] = Emulator.BaseUrl.ToString(),
            ["cases"] = new JArray(new JObject
            {
                ["name"] = "review predictions on synthetic/v1/2021-01.csv",
                ["upstreamTask"] = new JObject { ["project"] = project.Id, ["task"] = prediction.Task },
                ["actions"] = new JArray(actions),
            }),
        };
        var run = await EditorTool.RunAsync(manifest, Temp.Path, TimeSpan.FromMinutes(3), new Dictionary<string, string> { ["LSF_UPSTREAM_TOKEN"] = Emulator.LegacyToken });
        var session = run.Cases.Single();
        output.WriteLine(session.Describe());
        output.WriteLine(session.Actions.ToString(Newtonsoft.Json.Formatting.None));
        Assert.True(session.Ok, session.Describe());

        // The annotator worked on an annotation of their own, copied from the prediction (which stays as it was).
        var serialized = session.Json["serialized"]!;
        Assert.Equal(("annotation", 1), ((string)serialized["selected"]!["type"]!, serialized["annotations"]!.Count()));
        Assert.True(JToken.DeepEquals(prediction.Result, serialized["predictions"]![0]!["result"]), "the prediction itself changed in the editor");

        // The editor loaded the emulator's prediction and the annotator's copy of it exactly as ImportPredictions wrote it.
        var start = (JArray)session.Actions[0]["result"]!;
        Assert.True(JToken.DeepEquals(prediction.Result, start), $"imported {prediction.Result.ToString(Newtonsoft.Json.Formatting.None)}\neditor   {start.ToString(Newtonsoft.Json.Formatting.None)}");

        var submission = (JObject)session.Submissions.Single();
        Assert.Equal(201, submission["status"]!.Value<int>());
        var submitted = (JArray)submission["result"]!;
        output.WriteLine("submitted: " + submitted.ToString(Newtonsoft.Json.Formatting.None));
        Assert.Equal(3, submitted.Count);
        Assert.True(JToken.DeepEquals(prediction.Result[0], submitted.Single(r => (string)r["id"]! == ids[0])), "the kept region changed");
        var resized = submitted.Single(r => (string)r["id"]! == ids[1]);
        Assert.Equal("prediction-changed", (string)resized["origin"]!);
        Assert.Equal((string)prediction.Result[1]["value"]!["start"]!, (string)resized["value"]!["start"]!);
        Assert.True(string.CompareOrdinal((string)resized["value"]!["end"]!, "2021-01-05 00:00:00") > 0, $"the edge was not dragged: {resized}");
        Assert.DoesNotContain(submitted, r => (string)r["id"]! == ids[2]);
        var drawn = submitted.Single(r => !ids.Contains((string)r["id"]!));
        Assert.Equal("manual", (string)drawn["origin"]!);

        var export = await RunPipelineAsync("--target=Export");
        Assert.True(export.ExitCode == 0, export.ToString());
        output.WriteLine(export.Output);
        var review = JObject.Parse(await File.ReadAllTextAsync(Path.Combine(Snapshot, "manifest.json")))["prediction_review"]!;
        Assert.Equal((3, 1, 1, 1, 1), ((int)review["predicted_regions"]!, (int)review["confirmed"]!, (int)review["adjusted"]!, (int)review["rejected"]!, (int)review["added"]!));
        var rows = (await File.ReadAllLinesAsync(Path.Combine(Snapshot, "intervals.jsonl"))).Select(JObject.Parse).ToArray();
        Assert.Equal(
            [(ids[0], "confirmed", "prediction"), (ids[1], "adjusted", "prediction-changed"), ((string)drawn["id"]!, "added", "manual")],
            rows.Select(r => ((string)r["region_id"]!, (string)r["review"]!, (string)r["origin"]!)));
        Assert.Contains($",{ids[2]},2021-01-06T12:00:00.000000,2021-01-06T12:00:00.000000,Anomaly,0.6,rejected,,,", await File.ReadAllTextAsync(Path.Combine(Snapshot, "predictions", "review.csv")));
        Assert.Empty(Emulator.ContractViolations);
    }
}
