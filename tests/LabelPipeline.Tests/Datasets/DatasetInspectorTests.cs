using LabelPipeline.Datasets;
using LabelPipeline.Tests.Support;

namespace LabelPipeline.Tests.Datasets;

public sealed class DatasetInspectorTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private Dataset DatasetOf(params (string Name, string Content)[] files)
    {
        foreach (var (name, content) in files)
        {
            _temp.Write(Path.Combine("ds", "v1", name), content);
        }

        return Dataset.Open("ds", "v1", Path.Combine(_temp.Path, "ds", "v1"));
    }

    [Fact]
    public void Detects_time_column_format_and_channels()
    {
        var dataset = DatasetOf(("a.csv", "timestamp,signal_00,signal_01\n2021-01-01 00:00:00,1.5,2\n2021-01-01 00:10:00,1.6,2.1\n"));
        var inspection = DatasetInspector.Inspect(dataset);
        Assert.Equal(',', inspection.Schema.Separator);
        Assert.Equal("timestamp", inspection.Schema.TimeColumn);
        Assert.Equal("%Y-%m-%d %H:%M:%S", inspection.Schema.TimeFormat!.Pattern);
        Assert.Equal(["signal_00", "signal_01"], inspection.Schema.Channels);
        Assert.Equal(2, inspection.Files.Single().Rows);
    }

    [Fact]
    public void Reads_skab_semicolons_crlf_and_a_name_with_a_space()
    {
        var folder = Path.Combine(Repository.SharedDatasets, "SKAB", "valve1");
        var inspection = DatasetInspector.Inspect(Dataset.Open("SKAB", "valve1", folder));
        Assert.Equal(';', inspection.Schema.Separator);
        Assert.Equal("datetime", inspection.Schema.TimeColumn);
        Assert.Equal("%Y-%m-%d %H:%M:%S", inspection.Schema.TimeFormat!.Pattern);
        Assert.Contains("Volume Flow RateRMS", inspection.Schema.Channels);
        Assert.Equal(10, inspection.Schema.Channels.Count);
        Assert.Equal([1147L, 1145L], inspection.Files.Select(f => f.Rows));
    }

    [Fact]
    public void Nab_machine_temperature_fails_where_time_steps_backwards()
    {
        var folder = Path.Combine(_temp.Path, "nab", "v1");
        Directory.CreateDirectory(folder);
        File.Copy(Path.Combine(Repository.SharedDatasets, "NAB", "realKnownCause", "machine_temperature_system_failure.csv"), Path.Combine(folder, "m.csv"));
        var error = Assert.Throws<DatasetException>(() => DatasetInspector.Inspect(Dataset.Open("nab", "v1", folder)));
        Assert.Contains("m.csv line 10151", error.Message);
        Assert.Contains("goes backwards", error.Message);
        Assert.Contains("2014-01-07 02:00:00", error.Message);
    }

    [Fact]
    public void Nab_ec2_duplicates_are_accepted_with_a_warning()
    {
        var folder = Path.Combine(_temp.Path, "ec2", "v1");
        Directory.CreateDirectory(folder);
        File.Copy(Path.Combine(Repository.SharedDatasets, "NAB", "realKnownCause", "ec2_request_latency_system_failure.csv"), Path.Combine(folder, "e.csv"));
        var inspection = DatasetInspector.Inspect(Dataset.Open("ec2", "v1", folder));
        Assert.Equal(4032, inspection.Files.Single().Rows);
        Assert.Contains(inspection.Warnings, w => w.Contains("11 rows repeat the previous timestamp", StringComparison.Ordinal));
    }

    [Fact]
    public void Unparsable_time_column_says_how_to_fix()
    {
        var dataset = DatasetOf(("a.csv", "when,v\nyesterday,1\ntoday,2\n"));
        var error = Assert.Throws<DatasetException>(() => DatasetInspector.Inspect(dataset));
        Assert.Contains("a.csv line 2", error.Message);
        Assert.Contains("--time-format", error.Message);
    }

    [Fact]
    public void Given_time_format_that_does_not_match_is_reported_with_the_value()
    {
        var dataset = DatasetOf(("a.csv", "t,v\n2021-01-01 00:00:00,1\n"));
        var error = Assert.Throws<DatasetException>(() => DatasetInspector.Inspect(dataset, timeFormat: "%d/%m/%Y %H:%M"));
        Assert.Contains("'2021-01-01 00:00:00'", error.Message);
    }

    [Fact]
    public void Time_column_can_be_chosen()
    {
        var dataset = DatasetOf(("a.csv", "v,time\n1,2021-01-01 00:00:00\n2,2021-01-01 00:10:00\n"));
        var inspection = DatasetInspector.Inspect(dataset, timeColumn: "time");
        Assert.Equal("time", inspection.Schema.TimeColumn);
        Assert.Equal(["v"], inspection.Schema.Channels);
    }

    [Fact]
    public void Numeric_epoch_seconds_become_dates()
    {
        var dataset = DatasetOf(("a.csv", "t,v\n1609459200,1\n1609459800,2\n"));
        Assert.Equal("%s", DatasetInspector.Inspect(dataset).Schema.TimeFormat!.Pattern);
    }

    [Fact]
    public void Small_numeric_axis_has_no_time_format()
    {
        var dataset = DatasetOf(("a.csv", "tick,v\n0,1\n1,2\n"));
        Assert.Null(DatasetInspector.Inspect(dataset).Schema.TimeFormat);
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("timestamp\n2021-01-01 00:00:00\n", "single column")]
    [InlineData("1,2\n3,4\n", "numbers, not column names")]
    [InlineData("t,v\n", "no data rows")]
    [InlineData("t,v,v\n2021-01-01 00:00:00,1,2\n", "more than once")]
    [InlineData("t,name\n2021-01-01 00:00:00,abc\n", "no numeric column")]
    [InlineData("t,v\n2021-01-01 00:00:00,1\n2021-01-01 00:10:00,2,3\n", "line 3: 3 fields")]
    public void Broken_files_are_rejected_with_a_reason(string content, string expected)
    {
        var dataset = DatasetOf(("a.csv", content));
        var error = Assert.Throws<DatasetException>(() => DatasetInspector.Inspect(dataset));
        Assert.Contains(expected, error.Message);
        Assert.Contains("a.csv", error.Message);
    }

    [Fact]
    public void Files_with_different_columns_are_rejected()
    {
        var dataset = DatasetOf(
            ("a.csv", "t,v\n2021-01-01 00:00:00,1\n"),
            ("b.csv", "t,w\n2021-01-01 00:00:00,1\n"));
        var error = Assert.Throws<DatasetException>(() => DatasetInspector.Inspect(dataset));
        Assert.Contains("b.csv line 1", error.Message);
    }

    [Fact]
    public void Missing_dataset_folder_lists_what_exists()
    {
        _temp.Write(Path.Combine("ds", "v1", "a.csv"), "t,v\n");
        var error = Assert.Throws<DatasetException>(() => Dataset.Open("ds", "v2", Path.Combine(_temp.Path, "ds", "v2")));
        Assert.Contains("does not exist", error.Message);
        Assert.Contains("v1", error.Message);
    }

    [Fact]
    public void Folder_without_csv_files_is_rejected()
    {
        _temp.Write(Path.Combine("ds", "v1", "readme.txt"), "x");
        var error = Assert.Throws<DatasetException>(() => Dataset.Open("ds", "v1", Path.Combine(_temp.Path, "ds", "v1")));
        Assert.Contains("no .csv files", error.Message);
    }
}
