using LabelPipeline.Datasets;
using LabelPipeline.Export;
using LabelPipeline.LabelConfig;
using LabelPipeline.Tests.Support;
using Newtonsoft.Json.Linq;

namespace LabelPipeline.Tests.Export;

/// <summary>The snapshot's review of predictions: confirmed, adjusted, rejected and added, per region and counted.</summary>
public sealed class PredictionReviewTests() : SnapshotTestBase(
    ("a.csv", "timestamp,v\n" + string.Concat(Enumerable.Range(0, 12).Select(i => $"2021-01-01 0{i / 6}:{i % 6}0:00,{i}\n"))))
{
    private static JObject Region(string id, string start, string end, string label = "Anomaly", string origin = "prediction", double? score = null)
    {
        var region = new JObject
        {
            ["value"] = new JObject { ["start"] = start, ["end"] = end, ["instant"] = start == end, ["timeserieslabels"] = new JArray(label) },
            ["id"] = id, ["from_name"] = "label", ["to_name"] = "ts", ["type"] = "timeserieslabels", ["origin"] = origin,
        };
        if (score is not null)
        {
            region["score"] = score;
        }

        return region;
    }

    private static JObject Prediction(int id, string version, params JObject[] result) => new()
    {
        ["id"] = id, ["model_version"] = version, ["score"] = 0.9, ["result"] = new JArray(result), ["task"] = 1,
    };

    private static JObject Task(JArray predictions, params JObject[] annotations) => new()
    {
        ["id"] = 1, ["data"] = new JObject { ["csv"] = "/data/local-files/?d=ds/v1/a.csv" }, ["annotations"] = new JArray(annotations), ["predictions"] = predictions,
    };

    private static JObject Annotation(int id, params JObject[] results) => Annotation(id, "2021-02-01T00:00:00Z", results);

    // The model flagged four regions; the annotator kept p1, moved p2's end, deleted p3, redrew p4 under a new id, added m1.
    private static readonly JObject Predicted = Prediction(
        7,
        "det-v1",
        Region("p1", "2021-01-01 00:10:00", "2021-01-01 00:20:00", score: 0.8),
        Region("p2", "2021-01-01 00:40:00", "2021-01-01 00:50:00"),
        Region("p3", "2021-01-01 01:00:00", "2021-01-01 01:00:00", "Normal"),
        Region("p4", "2021-01-01 01:30:00", "2021-01-01 01:40:00"));

    private static JObject Reviewed(int id = 30) => Annotation(
        id,
        Region("p1", "2021-01-01 00:10:00", "2021-01-01 00:20:00", score: 0.8),
        Region("p2", "2021-01-01 00:40:00", "2021-01-01 01:10:00", origin: "prediction-changed"),
        Region("x9", "2021-01-01 01:30:00", "2021-01-01 01:40:00", origin: "manual"),
        Region("m1", "2021-01-01 00:00:00", "2021-01-01 00:00:00", origin: "manual"));

    private string Build(string name, SnapshotOptions options, params JObject[] tasks)
    {
        var export = Temp.Write($"{name}.json", new JArray(tasks).ToString());
        var directory = Path.Combine(Temp.Path, "out", name);
        SnapshotBuilder.Build(export, options, directory, CancellationToken.None);
        return directory;
    }

    [Fact]
    public void Each_region_and_predicted_region_gets_its_outcome_and_the_manifest_counts_them()
    {
        var dir = Build("s", Options(), Task(new JArray(Predicted), Reviewed()));

        var manifest = JObject.Parse(File.ReadAllText(Path.Combine(dir, "manifest.json")));
        var review = (JObject)manifest["prediction_review"]!;
        Assert.Equal(
            (1, 1, 4, 2, 1, 1, 1),
            ((int)review["tasks_reviewed"]!, (int)review["annotations_reviewed"]!, (int)review["predicted_regions"]!, (int)review["confirmed"]!,
             (int)review["adjusted"]!, (int)review["rejected"]!, (int)review["added"]!));
        Assert.Equal(JTokenType.Null, review["model_version"]!.Type);

        var intervals = File.ReadAllLines(Path.Combine(dir, "intervals.csv"));
        Assert.EndsWith(",origin,ground_truth,review,prediction_region_id", intervals[0]);
        Assert.Equal(5, intervals.Length);
        Assert.EndsWith(",manual,false,added,", intervals[1]); // m1 at 00:00
        Assert.EndsWith(",prediction,false,confirmed,p1", intervals[2]);
        Assert.EndsWith(",prediction-changed,false,adjusted,p2", intervals[3]);
        Assert.EndsWith(",manual,false,confirmed,p4", intervals[4]); // matched by value: same bounds and labels under a new id
        var jsonl = File.ReadAllLines(Path.Combine(dir, "intervals.jsonl")).Select(JObject.Parse).ToArray();
        Assert.Equal(["added", "confirmed", "adjusted", "confirmed"], jsonl.Select(j => (string)j["review"]!));
        Assert.Equal(JTokenType.Null, jsonl[0]["prediction_region_id"]!.Type);

        var rows = File.ReadAllLines(Path.Combine(dir, "predictions", "review.csv"));
        Assert.Equal("series,task_id,annotation_id,model_version,prediction_id,region_id,start_utc,end_utc,labels,score,outcome,annotated_start_utc,annotated_end_utc,annotated_labels", rows[0]);
        Assert.Equal(
        [
            "a.csv,1,30,det-v1,7,p1,2021-01-01T00:10:00.000000,2021-01-01T00:20:00.000000,Anomaly,0.8,confirmed,2021-01-01T00:10:00.000000,2021-01-01T00:20:00.000000,Anomaly",
            "a.csv,1,30,det-v1,7,p2,2021-01-01T00:40:00.000000,2021-01-01T00:50:00.000000,Anomaly,,adjusted,2021-01-01T00:40:00.000000,2021-01-01T01:10:00.000000,Anomaly",
            "a.csv,1,30,det-v1,7,p3,2021-01-01T01:00:00.000000,2021-01-01T01:00:00.000000,Normal,,rejected,,,",
            "a.csv,1,30,det-v1,7,p4,2021-01-01T01:30:00.000000,2021-01-01T01:40:00.000000,Anomaly,,confirmed,2021-01-01T01:30:00.000000,2021-01-01T01:40:00.000000,Anomaly",
        ],
            rows[1..]);

        // Rejected regions are not labels: lookout holds only what the annotator kept.
        Assert.DoesNotContain("01:00:00.000000,2021-01-01T01:00:00", File.ReadAllText(Path.Combine(dir, "lookout", "labels.csv")), StringComparison.Ordinal);
        Assert.Empty(SnapshotVerifier.Verify(dir, Options(), CancellationToken.None));
    }

    [Fact]
    public void A_relabeled_region_is_adjusted_and_each_annotator_reviews_separately()
    {
        var relabeled = Annotation(40, Region("p1", "2021-01-01 00:10:00", "2021-01-01 00:20:00", "Normal", "prediction-changed"));
        var dir = Build("s", Options(), Task(new JArray(Predicted), Reviewed(30), relabeled));
        var review = JObject.Parse(File.ReadAllText(Path.Combine(dir, "manifest.json")))["prediction_review"]!;
        Assert.Equal((2, 8, 2, 2, 4, 1), ((int)review["annotations_reviewed"]!, (int)review["predicted_regions"]!, (int)review["confirmed"]!, (int)review["adjusted"]!, (int)review["rejected"]!, (int)review["added"]!));
    }

    [Fact]
    public void The_model_version_chooses_which_predictions_count()
    {
        var other = Prediction(9, "det-v2", Region("q1", "2021-01-01 00:00:00", "2021-01-01 00:00:00"));
        var task = Task(new JArray(Predicted, other), Reviewed());

        // Default: the newest prediction's version (det-v2): only m1 matches by value, everything else was added.
        var newest = JObject.Parse(File.ReadAllText(Path.Combine(Build("newest", Options(), task), "manifest.json")))["prediction_review"]!;
        Assert.Equal((1, 1, 0, 0, 3), ((int)newest["predicted_regions"]!, (int)newest["confirmed"]!, (int)newest["adjusted"]!, (int)newest["rejected"]!, (int)newest["added"]!));

        var chosenDir = Build("chosen", Options(modelVersion: "det-v1"), task);
        var chosen = JObject.Parse(File.ReadAllText(Path.Combine(chosenDir, "manifest.json")))["prediction_review"]!;
        Assert.Equal(("det-v1", 4, 2, 1), ((string)chosen["model_version"]!, (int)chosen["predicted_regions"]!, (int)chosen["confirmed"]!, (int)chosen["rejected"]!));
        Assert.Empty(SnapshotVerifier.Verify(chosenDir, Options(), CancellationToken.None)); // Verify reads the version back from the manifest
    }

    [Fact]
    public void Without_predictions_the_snapshot_has_no_review()
    {
        var withIds = Task(new JArray(7), Reviewed()); // a direct export lists prediction ids only: nothing to compare
        var none = Task([], Reviewed());
        foreach (var (name, task) in new[] { ("ids", withIds), ("none", none) })
        {
            var dir = Build(name, Options(), task);
            Assert.Null(JObject.Parse(File.ReadAllText(Path.Combine(dir, "manifest.json")))["prediction_review"]);
            Assert.False(Directory.Exists(Path.Combine(dir, "predictions")));
            Assert.All(File.ReadAllLines(Path.Combine(dir, "intervals.csv")).Skip(1), line => Assert.EndsWith(",false,,", line));
        }
    }
}
