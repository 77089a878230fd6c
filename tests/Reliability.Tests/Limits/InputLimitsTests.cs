using LabelPipeline.Datasets;
using Reliability.Tests.Support;

namespace Reliability.Tests.Limits;

/// <summary>The documented input limits: warnings before Label Studio's editor gets into trouble, errors past what cannot work.</summary>
public sealed class InputLimitsTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private Dataset DatasetOf(string content)
    {
        _temp.Write(Path.Combine("ds", "v1", "a.csv"), content);
        return Dataset.Open("ds", "v1", Path.Combine(_temp.Path, "ds", "v1"));
    }

    private static string Series(int rows, int channels)
    {
        var text = new System.Text.StringBuilder("timestamp");
        for (var c = 0; c < channels; c++)
        {
            text.Append(",c").Append(c);
        }

        text.Append('\n');
        for (var i = 0; i < rows; i++)
        {
            text.Append(new DateTime(2021, 1, 1).AddMinutes(i).ToString("yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture));
            for (var c = 0; c < channels; c++)
            {
                text.Append(",1.5");
            }

            text.Append('\n');
        }

        return text.ToString();
    }

    [Fact]
    public void The_documented_numbers_are_the_defaults()
    {
        var limits = InputLimits.Default;
        Assert.Equal(1_048_576, limits.MaxLineCharacters);
        Assert.Equal(1_000, limits.MaxColumns);
        Assert.Equal(50, limits.WarnChannels);
        Assert.Equal(50_000, limits.WarnRowsPerFile);
        Assert.Equal(500_000, limits.WarnValuesPerFile);
        Assert.Equal(100L * 1024 * 1024, limits.WarnFileBytes);
    }

    [Fact]
    public void A_dataset_within_the_limits_gets_no_size_warning()
    {
        var inspection = DatasetInspector.Inspect(DatasetOf(Series(200, 5)));
        Assert.Empty(inspection.Warnings);
    }

    [Fact]
    public void Rows_past_the_threshold_warn_with_the_count_and_the_advice()
    {
        var inspection = DatasetInspector.Inspect(DatasetOf(Series(120, 1)), limits: InputLimits.Default with { WarnRowsPerFile = 100 });
        var warning = Assert.Single(inspection.Warnings);
        Assert.Contains("a.csv: 120 rows, over 100", warning);
        Assert.Contains("split the series into shorter files", warning);
    }

    [Fact]
    public void Values_past_the_threshold_warn()
    {
        var inspection = DatasetInspector.Inspect(DatasetOf(Series(100, 4)), limits: InputLimits.Default with { WarnValuesPerFile = 300 });
        Assert.Contains(inspection.Warnings, w => w.Contains("400 values (100 rows × 4 channels), over 300", StringComparison.Ordinal));
    }

    [Fact]
    public void Channels_past_the_threshold_warn_once_per_dataset()
    {
        _temp.Write(Path.Combine("ds", "v1", "b.csv"), Series(10, 6));
        var inspection = DatasetInspector.Inspect(DatasetOf(Series(10, 6)), limits: InputLimits.Default with { WarnChannels = 5 });
        Assert.Single(inspection.Warnings, w => w.Contains("6 numeric columns, more than the 5", StringComparison.Ordinal));
    }

    [Fact]
    public void A_large_file_warns_with_its_size()
    {
        var inspection = DatasetInspector.Inspect(DatasetOf(Series(2_000, 10)), limits: InputLimits.Default with { WarnFileBytes = 100 * 1024 });
        Assert.Contains(inspection.Warnings, w => w.Contains("MB, over 0.1 MB", StringComparison.Ordinal) && w.Contains("downloads and parses the whole file", StringComparison.Ordinal));
    }

    [Fact]
    public void Too_many_columns_and_too_long_lines_are_refused()
    {
        var wide = Assert.Throws<DatasetException>(() => DatasetInspector.Inspect(DatasetOf(Series(3, 10)), limits: InputLimits.Default with { MaxColumns = 8 }));
        Assert.Contains("a.csv line 1: 11 columns, more than the 8", wide.Message);

        var longLine = Assert.Throws<DatasetException>(() => DatasetInspector.Inspect(DatasetOf(Series(3, 20)), limits: InputLimits.Default with { MaxLineCharacters = 40 }));
        Assert.Contains("a.csv line 1: the line is longer than 40 characters, the most LabelPipeline accepts", longLine.Message);

        var longRow = Assert.Throws<DatasetException>(
            () => DatasetInspector.Inspect(DatasetOf("t,v\n2021-01-01 00:00:00,1\n2021-01-01 00:10:00," + new string('9', 200) + "\n"), limits: InputLimits.Default with { MaxLineCharacters = 100 }));
        Assert.Contains("a.csv line 3: the line is 220 characters long; at most 100 per line is what LabelPipeline accepts", longRow.Message);
    }

    [Fact]
    public void A_file_without_line_breaks_is_refused_without_reading_it_whole()
    {
        var blob = DatasetOf("timestamp,value," + new string('x', 3 * 1024 * 1024));
        var error = Assert.Throws<DatasetException>(() => DatasetInspector.Inspect(blob));
        Assert.Contains("a.csv line 1: the line is longer than 1,048,576 characters", error.Message);
        Assert.Contains("Is a line break missing", error.Message);
    }
}
