using LabelPipeline.Datasets;
using LabelPipeline.Export;
using LabelPipeline.Prepare;
using LabelPipeline.Tests.Support;
using Newtonsoft.Json.Linq;

namespace LabelPipeline.Tests.Quality;

/// <summary>
/// Regions on Prepare's window tasks are scored on the source rows the windows show (as the dense files count them):
/// a task's rows are its window's; a range that continues into the next window is one range of the source; rows of
/// unannotated windows do not count for the detector. Numbers worked out by hand below.
/// </summary>
public sealed class QualityWindowTests : IDisposable
{
    private const string Config = "<View><TimeSeries name=\"ts\" valueType=\"url\" value=\"$csv\" timeColumn=\"time\" timeFormat=\"%Y-%m-%d %H:%M:%S\" sep=\",\">" +
                                  "<Channel column=\"a\"/></TimeSeries><TimeSeriesLabels name=\"label\" toName=\"ts\"><Label value=\"Anomaly\"/></TimeSeriesLabels></View>";

    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private static string M(int minute) => $"2024-01-01 00:{minute:D2}:00";

    private static JObject Region(int from, int to, string id) => new()
    {
        ["value"] = new JObject { ["start"] = M(from), ["end"] = M(to), ["instant"] = from == to, ["timeserieslabels"] = new JArray("Anomaly") },
        ["id"] = id, ["from_name"] = "label", ["to_name"] = "ts", ["type"] = "timeserieslabels",
    };

    private static JObject Annotation(int id, string email, params JObject[] regions) => new()
    {
        ["id"] = id, ["completed_by"] = new JObject { ["id"] = id, ["email"] = email }, ["result"] = new JArray(regions), ["was_cancelled"] = false,
    };

    private static JObject Task(int id, string file, JObject[] annotations, params JObject[] predicted) => new()
    {
        ["id"] = id, ["data"] = new JObject { ["csv"] = $"/data/local-files/?d=.prepared/ds/v1/{file}" }, ["annotations"] = new JArray(annotations),
        ["predictions"] = new JArray(predicted.Select((r, i) => new JObject { ["id"] = 100 + (id * 10) + i, ["model_version"] = "det", ["result"] = new JArray(r) })),
    };

    [Fact]
    public void Window_tasks_are_scored_on_the_source_rows_they_show()
    {
        // 12 source rows, one a minute; windows of 4 rows: 00:00–00:03, 00:04–00:07, 00:08–00:11.
        var source = Path.Combine(_temp.Path, "ds", "v1", "s.csv");
        Directory.CreateDirectory(Path.GetDirectoryName(source)!);
        File.WriteAllText(source, "time,a\n" + string.Concat(Enumerable.Range(0, 12).Select(i => $"{M(i)},{i}\n")));
        var dataset = Dataset.Open("ds", "v1", Path.GetDirectoryName(source)!);
        var prepared = DatasetPreparer.Run(dataset, new PrepareOptions { MaxPointsPerTask = 4 }, Path.Combine(_temp.Path, "prepared", "ds", "v1"), CancellationToken.None);
        Assert.Equal(3, prepared.TaskFiles.Files.Count);

        var export = Path.Combine(_temp.Path, "export.json");
        File.WriteAllText(export, new JArray(
            // Window 1: Alice rows 1–2, Bob rows 2–3: F1 2·1/(2·1+1+1) = 0.5, IoU 1/3, kappa 0 (p_o = p_e = 0.5).
            Task(1, "s.w0001.csv", [Annotation(11, "alice@example.com", Region(1, 2, "a1")), Annotation(12, "bob@example.com", Region(2, 3, "b1"))]),
            // Window 2: Alice all four rows, Bob none: F1 0; kappa 0 (Bob's column is constant). The detector flags rows 6–7.
            Task(2, "s.w0002.csv", [Annotation(21, "alice@example.com", Region(4, 7, "a2")), Annotation(22, "bob@example.com")], Region(6, 7, "p1")),
            // Window 3: nobody looked; its prediction is not judged.
            Task(3, "s.w0003.csv", [], Region(8, 11, "p2"))).ToString());
        var snapshot = Path.Combine(_temp.Path, "out");
        SnapshotBuilder.Build(export, new SnapshotOptions
        {
            Dataset = prepared.Source,
            Schema = prepared.SourceSchema,
            Prepared = prepared.Manifest,
            LabelConfig = Config,
            AnomalyLabels = new HashSet<string> { "Anomaly" },
            Source = new SnapshotSource("export-file", null, null, null, null),
        }, snapshot, CancellationToken.None);

        Assert.Equal(
            "task,series,label,annotator_a,annotator_b,rows,point_f1,cohen_kappa,overlap_iou\n" +
            "1,s.csv,Anomaly,alice@example.com,bob@example.com,4,0.5,0,0.333333\n" +
            "2,s.csv,Anomaly,alice@example.com,bob@example.com,4,0,0,0\n",
            File.ReadAllText(Path.Combine(snapshot, "quality", "agreement.csv")));

        // Rows of windows 1 and 2 count (8). Expert rows 1–7 are one range of the source (it runs on into window 2);
        // predicted rows 6–7: precision 1, recall 2/7, range recall 2/7, range precision 1, event recall 1.
        Assert.Equal(
            "model_version,label,rows,point_precision,point_recall,point_f1,range_precision,range_recall,range_f1,event_recall,expert_ranges,predicted_ranges\n" +
            "det,Anomaly,8,1,0.285714,0.444444,1,0.285714,0.444444,1,1,1\n",
            File.ReadAllText(Path.Combine(snapshot, "quality", "detector.csv")));
    }
}
