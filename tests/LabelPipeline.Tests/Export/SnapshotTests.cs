using LabelPipeline.Datasets;
using LabelPipeline.Export;
using LabelPipeline.LabelConfig;
using LabelPipeline.Tests.Support;
using Newtonsoft.Json.Linq;

namespace LabelPipeline.Tests.Export;

/// <summary>Snapshots built from export files: reproducible, every bound representation, every output, Verify, bad exports.</summary>
public sealed class SnapshotTests() : SnapshotTestBase(
    ("a.csv", "timestamp,v\n2021-01-01 00:00:00,1\n2021-01-01 00:10:00,2\n2021-01-01 00:20:00,3\n2021-01-01 00:30:00,4\n2021-01-01 00:40:00,5\n"),
    ("b.csv", "timestamp,v\r\n2021-01-02 00:00:00,1\r\n2021-01-02 00:10:00,2\r\n"))
{
    private static JObject Region(object start, object end, string label = "Anomaly", string id = "r1") => new()
    {
        ["value"] = new JObject { ["start"] = JToken.FromObject(start), ["end"] = JToken.FromObject(end), ["instant"] = Equals(start, end), ["timeserieslabels"] = new JArray(label) },
        ["id"] = id, ["from_name"] = "label", ["to_name"] = "ts", ["type"] = "timeserieslabels", ["origin"] = "manual",
    };

    private static JObject Task(int id, string file, params JObject[] annotations) => new()
    {
        ["id"] = id, ["data"] = new JObject { ["csv"] = $"/data/local-files/?d=ds/v1/{file}" }, ["annotations"] = new JArray(annotations), ["project"] = 1,
    };

    private string ExportFile(params JObject[] tasks) => Temp.Write($"export-{Guid.NewGuid():N}.json", new JArray(tasks).ToString());

    private string Snapshot(string name) => Path.Combine(Temp.Path, "out", name);

    private static Dictionary<string, string> Hashes(string directory) =>
        Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories)
            .ToDictionary(f => Path.GetRelativePath(directory, f), LabelPipeline.IO.Hashes.Sha256File);

    private JObject[] TwoTasks(string end = "2021-01-01 00:20:00") =>
    [
        Task(1, "a.csv", Annotation(10, "2021-02-01T00:00:00Z", Region("2021-01-01 00:10:00", end))),
        Task(2, "b.csv", Annotation(20, "2021-02-01T00:00:00Z", Region("2021-01-02 00:10:00", "2021-01-02 00:10:00", "Normal", "n1"))),
    ];

    [Fact]
    public void Writes_every_output_with_inclusive_dense_labels()
    {
        var summary = SnapshotBuilder.Build(ExportFile(TwoTasks()), Options(), Snapshot("s"), CancellationToken.None);
        Assert.Equal((2, 2, 2, 1), (summary.Tasks, summary.Annotations, summary.Regions, summary.LookoutRows));
        var dir = Snapshot("s");
        Assert.Equal("2021-01-01T00:10:00.000000,2021-01-01T00:20:00.000000\n", File.ReadAllText(Path.Combine(dir, "lookout", "labels.csv")));
        Assert.Equal(["labels.csv"], Directory.GetFiles(Path.Combine(dir, "lookout")).Select(Path.GetFileName));
        Assert.Equal(
            "timestamp,v,is_anomaly,label\n2021-01-01 00:00:00,1,0,\n2021-01-01 00:10:00,2,1,Anomaly\n2021-01-01 00:20:00,3,1,Anomaly\n2021-01-01 00:30:00,4,0,\n2021-01-01 00:40:00,5,0,\n",
            File.ReadAllText(Path.Combine(dir, "dense", "a.csv")));
        Assert.Equal(
            "timestamp,v,is_anomaly,label\n2021-01-02 00:00:00,1,0,\n2021-01-02 00:10:00,2,0,Normal\n",
            File.ReadAllText(Path.Combine(dir, "dense", "b.csv")));
        var intervals = File.ReadAllLines(Path.Combine(dir, "intervals.csv"));
        Assert.StartsWith("dataset,dataset_version,series,task_id,annotation_id,region_id,start_utc,end_utc", intervals[0]);
        Assert.Equal(3, intervals.Length);
        Assert.Contains("ds,v1,a.csv,1,10,r1,2021-01-01T00:10:00.000000,2021-01-01T00:20:00.000000,2021-01-01 00:10:00,2021-01-01 00:20:00,false,Anomaly,1", intervals[1]);
        var jsonl = File.ReadAllLines(Path.Combine(dir, "intervals.jsonl")).Select(JObject.Parse).ToArray();
        Assert.True((bool)jsonl[1]["instant"]!);
        Assert.Equal("user 1", (string)jsonl[0]["annotator"]!);

        var manifest = JObject.Parse(File.ReadAllText(Path.Combine(dir, "manifest.json")));
        Assert.Equal(1, (int)manifest["counts"]!["regions_per_label"]!["Anomaly"]!);
        foreach (var file in (JArray)manifest["files"]!)
        {
            Assert.Equal((string)file["sha256"]!, LabelPipeline.IO.Hashes.Sha256File(Path.Combine(dir, (string)file["path"]!)));
        }

        Assert.Equal(LabelPipeline.IO.Hashes.Sha256File(Dataset.Files[0]), (string)manifest["series"]![0]!["sha256"]!);
    }

    [Fact]
    public void Same_inputs_give_byte_identical_snapshots_and_one_change_changes_only_what_it_should()
    {
        SnapshotBuilder.Build(ExportFile(TwoTasks()), Options(), Snapshot("one"), CancellationToken.None);
        SnapshotBuilder.Build(ExportFile(TwoTasks()), Options(), Snapshot("two"), CancellationToken.None);
        Assert.Equal(Hashes(Snapshot("one")), Hashes(Snapshot("two")));

        SnapshotBuilder.Build(ExportFile(TwoTasks(end: "2021-01-01 00:30:00")), Options(), Snapshot("changed"), CancellationToken.None);
        var before = Hashes(Snapshot("one"));
        var after = Hashes(Snapshot("changed"));
        var changed = before.Keys.Where(k => before[k] != after[k]).Select(k => k.Replace('\\', '/')).Order().ToArray();
        Assert.Equal(["dense/a.csv", "intervals.csv", "intervals.jsonl", "lookout/labels.csv", "manifest.json", "report.html", "source/export.json"], changed);
    }

    [Fact]
    public void Rebuilding_replaces_the_previous_snapshot_and_leaves_no_staging_folder()
    {
        SnapshotBuilder.Build(ExportFile(TwoTasks()), Options(), Snapshot("s"), CancellationToken.None);
        SnapshotBuilder.Build(ExportFile(TwoTasks(end: "2021-01-01 00:30:00")), Options(), Snapshot("s"), CancellationToken.None);
        Assert.Equal(["s"], Directory.GetDirectories(Path.Combine(Temp.Path, "out")).Select(Path.GetFileName));
        Assert.Contains("00:30:00", File.ReadAllText(Path.Combine(Snapshot("s"), "lookout", "labels.csv")));
    }

    [Theory]
    [InlineData("truncated", "truncated")]
    [InlineData("not-array", "does not start with '['")]
    [InlineData("wrong-type", "wrong type")]
    [InlineData("missing-value", "no 'value'")]
    [InlineData("unknown-label", "'Fault' is not defined")]
    [InlineData("start-after-end", "is after value.end")]
    [InlineData("unknown-series", "'zzz.csv' is not a file of dataset")]
    [InlineData("bad-time", "does not match the project's timeFormat")]
    public void Broken_exports_fail_clearly_and_leave_the_previous_snapshot(string kind, string expected)
    {
        SnapshotBuilder.Build(ExportFile(TwoTasks()), Options(), Snapshot("s"), CancellationToken.None);
        var good = Hashes(Snapshot("s"));
        var tasks = TwoTasks();
        var path = kind switch
        {
            "truncated" => Temp.Write("bad.json", new JArray(tasks).ToString()[..120]),
            "not-array" => Temp.Write("bad.json", tasks[0].ToString()),
            "wrong-type" => Temp.Write("bad.json", new JArray(new JObject(tasks[0]) { ["annotations"] = "oops" }).ToString()),
            "missing-value" => ExportFile(Task(1, "a.csv", Annotation(10, "2021-02-01T00:00:00Z", new JObject { ["id"] = "x", ["from_name"] = "label", ["type"] = "timeserieslabels" }))),
            "unknown-label" => ExportFile(Task(1, "a.csv", Annotation(10, "2021-02-01T00:00:00Z", Region("2021-01-01 00:10:00", "2021-01-01 00:20:00", "Fault")))),
            "start-after-end" => ExportFile(Task(1, "a.csv", Annotation(10, "2021-02-01T00:00:00Z", Region("2021-01-01 00:30:00", "2021-01-01 00:20:00")))),
            "unknown-series" => ExportFile(Task(1, "zzz.csv", Annotation(10, "2021-02-01T00:00:00Z", Region("2021-01-01 00:10:00", "2021-01-01 00:20:00")))),
            _ => ExportFile(Task(1, "a.csv", Annotation(10, "2021-02-01T00:00:00Z", Region("01/01/2021", "2021-01-01 00:20:00")))),
        };
        var error = Assert.Throws<ExportException>(() => SnapshotBuilder.Build(path, Options(), Snapshot("s"), CancellationToken.None));
        Assert.Contains(expected, error.Message);
        Assert.Equal(good, Hashes(Snapshot("s")));
        Assert.Single(Directory.GetDirectories(Path.Combine(Temp.Path, "out")));
    }

    [Fact]
    public void Numbers_are_epoch_milliseconds_with_a_time_format()
    {
        var start = new DateTimeOffset(2021, 1, 1, 0, 10, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();
        SnapshotBuilder.Build(ExportFile(Task(1, "a.csv", Annotation(10, "2021-02-01T00:00:00Z", Region(start, start + 600_000)))), Options(), Snapshot("s"), CancellationToken.None);
        Assert.Equal(
            ["0", "1", "1", "0", "0"],
            File.ReadAllLines(Path.Combine(Snapshot("s"), "dense", "a.csv")).Skip(1).Select(l => l.Split(',')[2]));
    }

    [Fact]
    public void Numeric_time_axis_uses_raw_values()
    {
        using var temp = new TempDirectory();
        temp.Write("n/v1/a.csv", "tick,v\n0,1\n1,2\n2,3\n3,4\n");
        var dataset = Dataset.Open("n", "v1", Path.Combine(temp.Path, "n", "v1"));
        var schema = DatasetInspector.Inspect(dataset).Schema;
        var config = LabelConfigGenerator.Generate(File.ReadAllText(Repository.Template), schema, ["Anomaly"]);
        var export = temp.Write("e.json", new JArray(Task(1, "a.csv", Annotation(10, "2021-02-01T00:00:00Z", Region(1, 2)))).ToString());
        var options = Options(config) with { Dataset = dataset, Schema = schema };
        SnapshotBuilder.Build(export, options, Path.Combine(temp.Path, "out"), CancellationToken.None);
        Assert.Equal("1,2\n", File.ReadAllText(Path.Combine(temp.Path, "out", "lookout", "labels.csv")));
        Assert.Equal(["0", "1", "1", "0"], File.ReadAllLines(Path.Combine(temp.Path, "out", "dense", "a.csv")).Skip(1).Select(l => l.Split(',')[2]));
    }

    [Fact]
    public void Annotation_selection_decides_between_annotators()
    {
        var task = Task(1, "a.csv",
            Annotation(10, "2021-02-01T00:00:00Z", Region("2021-01-01 00:00:00", "2021-01-01 00:00:00", id: "old")),
            Annotation(11, "2021-03-01T00:00:00Z", Region("2021-01-01 00:40:00", "2021-01-01 00:40:00", id: "new")));
        ((JObject)((JArray)task["annotations"]!)[0])["ground_truth"] = true;
        var export = ExportFile(task);
        int Regions(AnnotationSelection selection) =>
            SnapshotBuilder.Build(export, Options() with { Annotations = selection }, Snapshot(selection.ToString()), CancellationToken.None).Regions;
        Assert.Equal(2, Regions(AnnotationSelection.All));
        Assert.Equal(1, Regions(AnnotationSelection.Latest));
        Assert.Contains(",new,", File.ReadAllText(Path.Combine(Snapshot("Latest"), "intervals.csv")));
        Assert.Equal(1, Regions(AnnotationSelection.GroundTruth));
        Assert.Contains(",old,", File.ReadAllText(Path.Combine(Snapshot("GroundTruth"), "intervals.csv")));
    }

    [Fact]
    public void Instants_are_widened_or_dropped_for_lookout_but_kept_in_intervals()
    {
        var export = ExportFile(Task(1, "a.csv", Annotation(10, "2021-02-01T00:00:00Z", Region("2021-01-01 00:20:00", "2021-01-01 00:20:00"))));
        SnapshotBuilder.Build(export, Options() with { InstantWidth = TimeSpan.FromMinutes(10) }, Snapshot("w"), CancellationToken.None);
        Assert.Equal("2021-01-01T00:15:00.000000,2021-01-01T00:25:00.000000\n", File.ReadAllText(Path.Combine(Snapshot("w"), "lookout", "labels.csv")));
        SnapshotBuilder.Build(export, Options() with { InstantWidth = null }, Snapshot("d"), CancellationToken.None);
        Assert.Equal(string.Empty, File.ReadAllText(Path.Combine(Snapshot("d"), "lookout", "labels.csv")));
        Assert.Equal(2, File.ReadAllLines(Path.Combine(Snapshot("d"), "intervals.csv")).Length);
    }

    [Fact]
    public void Verify_passes_on_a_fresh_snapshot_and_names_what_changed()
    {
        SnapshotBuilder.Build(ExportFile(TwoTasks()), Options(), Snapshot("s"), CancellationToken.None);
        Assert.Empty(SnapshotVerifier.Verify(Snapshot("s"), Options(), CancellationToken.None));

        File.AppendAllText(Path.Combine(Snapshot("s"), "intervals.csv"), "tampered\n");
        File.AppendAllText(Dataset.Files[1], "2021-01-02 00:20:00,3\r\n");
        var differences = SnapshotVerifier.Verify(Snapshot("s"), Options(), CancellationToken.None);
        Assert.Contains("intervals.csv: the file in the snapshot was changed or removed", differences);
        Assert.Contains("series b.csv: content changed since the snapshot", differences);
        Assert.Contains("dense/b.csv: rebuilt content differs from the manifest", differences);
    }
}
