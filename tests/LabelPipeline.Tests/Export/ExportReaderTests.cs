using LabelPipeline.Export;
using Newtonsoft.Json.Linq;

namespace LabelPipeline.Tests.Export;

/// <summary>
/// The export defects of issue 13, each through the snapshot (what ConvertExport and Export run): every one of these
/// gave wrong labels, a raw .NET exception or silence before the one-pass reader.
/// </summary>
public sealed class ExportReaderTests() : SnapshotTestBase(
    ("a.csv", "timestamp,v\n" + string.Concat(Enumerable.Range(0, 12).Select(i => $"2021-01-01 0{i / 6}:{i % 6}0:00,{i}\n"))))
{
    private string Output => Path.Combine(Temp.Path, "out", "ds", "v1");

    private SnapshotSummary Build(string exportText) =>
        SnapshotBuilder.Build(Temp.Write("export.json", exportText), Options(), Output, CancellationToken.None);

    private static string Region(string id, string start, string end, string fromName = "label") =>
        $$"""{"value": {"start": {{start}}, "end": {{end}}, "instant": false, "timeserieslabels": ["Anomaly"]}, "id": "{{id}}", "from_name": "{{fromName}}", "to_name": "ts", "type": "timeserieslabels", "origin": "manual"}""";

    private static string Task(int id, params string[] results) => Task(id, 11, results);

    private static string Task(int id, int annotationId, params string[] results) =>
        $"{{\"id\": {id}, \"annotations\": [{{\"id\": {annotationId}, \"completed_by\": 1, \"result\": [{string.Join(", ", results)}], \"was_cancelled\": false, " +
        "\"ground_truth\": false, \"created_at\": \"2021-02-01T00:00:00Z\", \"updated_at\": \"2021-02-01T00:00:00Z\"}], \"data\": {\"csv\": \"/data/local-files/?d=ds/v1/a.csv\"}}";

    private static string Export(params string[] tasks) => "[\n" + string.Join(",\n", tasks) + "\n]\n";

    [Fact]
    public void A_NaN_bound_is_an_error_naming_the_region_not_1970()
    {
        // Label Studio's Python writes a NaN float as a bare NaN; Newtonsoft read it as 0 ms: 1970-01-01, labeled up to the end.
        var error = Assert.Throws<ExportException>(() => Build(Export(Task(1, Region("r1", "NaN", "\"2021-01-01 00:20:00\"")))));
        Assert.Contains("export.json line 2", error.Message);
        Assert.Contains("task 1, annotation 11", error.Message);
        Assert.Contains("value.start is NaN, which is not a time", error.Message);
        Assert.Contains("move that region's start one point inwards", error.Message);
        Assert.False(Directory.Exists(Output));
    }

    [Fact]
    public void An_epoch_bound_beyond_year_9999_is_a_clear_error()
    {
        var error = Assert.Throws<ExportException>(() => Build(Export(Task(1, Region("r1", "1e20", "\"2021-01-01 00:20:00\"")))));
        Assert.Contains("task 1 (a.csv), annotation 11, region 'r1': value.start 1e20 is not a time", error.Message);
        Assert.Contains("outside the years 1 to 9999", error.Message);
    }

    [Fact]
    public void A_JSON_MIN_export_is_refused_with_what_to_do()
    {
        var min = """[{"csv": "/data/local-files/?d=ds/v1/a.csv", "id": 1, "label": [{"start": "2021-01-01 00:10:00", "end": "2021-01-01 00:20:00", "instant": false, "timeserieslabels": ["Anomaly"]}], "annotator": 1, "annotation_id": 11, "created_at": "2021-02-01T00:00:00Z", "updated_at": "2021-02-01T00:00:00Z", "lead_time": 3.2}]""";
        var error = Assert.Throws<ExportException>(() => Build(min));
        Assert.Contains("JSON-MIN", error.Message);
        Assert.Contains("Export > JSON", error.Message);
        Assert.False(Directory.Exists(Output));
    }

    [Fact]
    public void A_region_of_a_control_the_config_lacks_is_left_out_with_a_warning_in_the_log_and_the_manifest()
    {
        var summary = Build(Export(Task(1,
            Region("r1", "\"2021-01-01 00:10:00\"", "\"2021-01-01 00:20:00\""),
            Region("x1", "\"2021-01-01 00:40:00\"", "\"2021-01-01 00:50:00\"", fromName: "label_v2"))));
        Assert.Equal(1, summary.Regions);
        var warning = Assert.Single(summary.Warnings);
        Assert.Contains("1 region of the control 'label_v2' left out", warning);
        Assert.Contains("task 1, annotation 11, region 'x1'", warning);
        var manifest = JObject.Parse(File.ReadAllText(Path.Combine(Output, "manifest.json")));
        Assert.Equal(warning, (string?)Assert.Single((JArray)manifest["warnings"]!));
    }

    [Fact]
    public void The_same_task_twice_counts_its_annotation_once_with_a_warning()
    {
        var task = Task(1, Region("r1", "\"2021-01-01 00:10:00\"", "\"2021-01-01 00:20:00\""));
        var summary = Build(Export(task, task));
        Assert.Equal((1, 1, 1), (summary.Tasks, summary.Annotations, summary.Regions));
        Assert.Contains("task 1 (a.csv) appears more than once in the export; its annotation 11 was counted once", Assert.Single(summary.Warnings));
        Assert.Equal(2, File.ReadAllLines(Path.Combine(Output, "intervals.csv")).Length); // header and one region
    }

    [Fact]
    public void A_second_copy_of_a_task_with_a_new_annotation_adds_only_that_annotation()
    {
        var summary = Build(Export(
            Task(1, 11, Region("r1", "\"2021-01-01 00:10:00\"", "\"2021-01-01 00:20:00\"")),
            Task(1, 12, Region("r2", "\"2021-01-01 00:40:00\"", "\"2021-01-01 00:50:00\""))));
        Assert.Equal((1, 2, 2), (summary.Tasks, summary.Annotations, summary.Regions));
        Assert.Empty(summary.Warnings);
    }

    [Fact]
    public void An_export_nested_thousands_deep_says_so()
    {
        var deep = "[" + new string('[', 5000) + new string(']', 5000) + "]";
        var error = Assert.Throws<ExportException>(() => Build(deep));
        Assert.Contains("task 0 is Array", error.Message); // the first element is not a task at all

        var deepInTask = $$"""[{"id": 1, "meta": {{new string('[', 5000) + new string(']', 5000)}}, "annotations": []}]""";
        error = Assert.Throws<ExportException>(() => Build(deepInTask));
        Assert.Contains("nested more than 64 levels deep", error.Message);
        Assert.Contains("not a Label Studio JSON export", error.Message);
        Assert.DoesNotContain("truncated", error.Message);
    }

    [Fact]
    public void A_folder_given_as_the_export_file_says_it_is_a_folder()
    {
        var folder = Path.Combine(Temp.Path, "downloads");
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "project-1-at-2021.json"), "[]");
        var error = Assert.Throws<ExportException>(() => SnapshotBuilder.Build(folder, Options(), Output, CancellationToken.None));
        Assert.Contains($"{folder} is a folder", error.Message);
        Assert.Contains("project-1-at-2021.json", error.Message);
    }

    [Fact]
    public void Messages_say_where_in_the_file()
    {
        var error = Assert.Throws<ExportException>(() => Build("[\n  {\"id\": 1, \"annotations\": [}\n]"));
        Assert.Contains("export.json line 2, position", error.Message);
        Assert.Contains("not valid JSON", error.Message);
    }

    [Fact]
    public void Values_longer_than_the_read_buffer_are_read_whole()
    {
        var note = new string('n', 300_000) + "\u00e9";
        var text = $$"""{"value": {"text": ["{{note}}"]}, "id": "r1", "from_name": "note", "to_name": "ts", "type": "textarea"}""";
        Build(Export(Task(1, Region("r1", "\"2021-01-01 00:10:00\"", "\"2021-01-01 00:20:00\""), text)));
        var row = File.ReadAllLines(Path.Combine(Output, "intervals.jsonl")).Single();
        Assert.Equal(new string('n', 300_000) + "\u00e9", (string?)JObject.Parse(row)["text"]);
    }
}
