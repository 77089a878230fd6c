using LabelPipeline.Datasets;
using LabelPipeline.Export;
using LabelPipeline.IO;
using LabelPipeline.LabelConfig;
using LabelPipeline.LabelStudio;
using Newtonsoft.Json.Linq;

namespace LabelPipeline.Tests.Export;

public sealed class LabelsExportTests
{
    private static readonly LabelConfigInfo DateConfig =
        new("ts", "csv", "label", TimeFormat.Parse("%Y-%m-%d %H:%M:%S"), ["Anomaly", "Normal"], ["v"]);

    private static readonly HashSet<string> Anomaly = ["Anomaly"];

    private static JObject Region(object start, object end, string label = "Anomaly", string id = "r1", bool? instant = false) => new()
    {
        ["value"] = new JObject
        {
            ["start"] = JToken.FromObject(start),
            ["end"] = JToken.FromObject(end),
            ["instant"] = instant,
            ["timeserieslabels"] = new JArray(label),
        },
        ["id"] = id,
        ["from_name"] = "label",
        ["to_name"] = "ts",
        ["type"] = "timeserieslabels",
        ["origin"] = "manual",
    };

    private static LabelStudioTask Task(int id, params Annotation[] annotations) => new()
    {
        Id = id,
        Data = new JObject { ["csv"] = $"/data/local-files/?d=ds/v1/{id}.csv" },
        Annotations = annotations,
    };

    private static Annotation Annotation(int id, params JObject[] results) => new() { Id = id, Result = new JArray(results) };

    private static string Export(LabelConfigInfo config, params LabelStudioTask[] tasks) =>
        LookoutLabels.Render(LookoutLabels.Merge(tasks.SelectMany(t => RangeExtractor.Extract(t, config)), Anomaly));

    [Fact]
    public void Writes_utc_microsecond_rows_sorted_and_merged()
    {
        var text = Export(
            DateConfig,
            Task(2, Annotation(20, Region("2021-04-05 23:40:00", "2021-04-11 00:50:00"))),
            Task(1, Annotation(10,
                Region("2021-01-10 00:00:00", "2021-01-10 01:00:00", id: "a"),
                Region("2021-01-10 00:30:00", "2021-01-10 02:00:00", id: "b"),  // overlaps a
                Region("2021-01-10 02:00:00", "2021-01-10 03:00:00", id: "c"),  // touches b
                Region("2021-02-01 00:00:00", "2021-02-01 00:10:00", "Normal", "d"))));
        Assert.Equal(
            "2021-01-10T00:00:00.000000,2021-01-10T03:00:00.000000\n" +
            "2021-04-05T23:40:00.000000,2021-04-11T00:50:00.000000\n",
            text);
    }

    [Fact]
    public void Overlapping_annotators_are_merged_and_cancelled_annotations_ignored()
    {
        var cancelled = Annotation(12, Region("2021-03-01 00:00:00", "2021-03-02 00:00:00")) with { WasCancelled = true };
        var text = Export(
            DateConfig,
            Task(1,
                Annotation(10, Region("2021-01-10 00:00:00", "2021-01-10 01:00:00")),
                Annotation(11, Region("2021-01-10 00:20:00", "2021-01-10 00:40:00")),
                cancelled));
        Assert.Equal("2021-01-10T00:00:00.000000,2021-01-10T01:00:00.000000\n", text);
    }

    [Fact]
    public void Numbers_with_a_time_format_are_epoch_milliseconds()
    {
        var text = Export(DateConfig, Task(1, Annotation(10, Region(1609459200000L, 1609459800500.0))));
        Assert.Equal("2021-01-01T00:00:00.000000,2021-01-01T00:10:00.500000\n", text);
    }

    [Fact]
    public void Numeric_axis_keeps_numbers()
    {
        var config = DateConfig with { TimeFormat = null };
        Assert.Equal("150,250\n", Export(config, Task(1, Annotation(10, Region(150, 250)))));
    }

    [Fact]
    public void Instant_regions_are_kept_as_points()
    {
        var ranges = RangeExtractor.Extract(Task(1, Annotation(10, Region("2021-01-01 06:40:00", "2021-01-01 06:40:00", instant: true))), DateConfig).ToArray();
        Assert.True(Assert.Single(ranges).Instant);
    }

    [Fact]
    public void No_annotations_give_an_empty_file() => Assert.Equal(string.Empty, Export(DateConfig, Task(1)));

    [Fact]
    public void Other_controls_are_ignored()
    {
        var choice = new JObject { ["type"] = "choices", ["from_name"] = "verdict", ["value"] = new JObject { ["choices"] = new JArray("OK") } };
        Assert.Equal(string.Empty, Export(DateConfig, Task(1, Annotation(10, choice))));
    }

    [Theory]
    [InlineData("2021/01/01 00:00", "2021-01-01 01:00:00", "does not match the project's timeFormat")]
    [InlineData("2021-01-02 00:00:00", "2021-01-01 00:00:00", "is after value.end")]
    public void Bad_regions_name_task_annotation_and_field(string start, string end, string expected)
    {
        var error = Assert.Throws<ExportException>(() => Export(DateConfig, Task(7, Annotation(70, Region(start, end)))));
        Assert.Contains(expected, error.Message);
        Assert.Contains("task 7", error.Message);
        Assert.Contains("annotation 70", error.Message);
    }

    [Fact]
    public void Missing_value_is_reported()
    {
        var result = Region("2021-01-01 00:00:00", "2021-01-01 00:00:00");
        result.Remove("value");
        var error = Assert.Throws<ExportException>(() => Export(DateConfig, Task(7, Annotation(70, result))));
        Assert.Contains("no 'value'", error.Message);
    }

    [Fact]
    public void Labels_must_be_a_list()
    {
        var result = Region("2021-01-01 00:00:00", "2021-01-01 00:00:00");
        result["value"]!["timeserieslabels"] = "Anomaly";
        var error = Assert.Throws<ExportException>(() => Export(DateConfig, Task(7, Annotation(70, result))));
        Assert.Contains("must be a list", error.Message);
    }

    [Fact]
    public async Task Atomic_write_leaves_no_temp_file()
    {
        var directory = Path.Combine(Path.GetTempPath(), "labelpipeline-tests", Guid.NewGuid().ToString("N"));
        var path = Path.Combine(directory, "labels.csv");
        await AtomicFile.WriteAllTextAsync(path, "a\n", CancellationToken.None);
        await AtomicFile.WriteAllTextAsync(path, "b\n", CancellationToken.None);
        Assert.Equal("b\n", await File.ReadAllTextAsync(path));
        Assert.Equal(["labels.csv"], Directory.GetFiles(directory).Select(Path.GetFileName));
        Directory.Delete(directory, true);
    }
}
