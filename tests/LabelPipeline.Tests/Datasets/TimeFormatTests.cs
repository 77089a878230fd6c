using LabelPipeline.Datasets;

namespace LabelPipeline.Tests.Datasets;

public sealed class TimeFormatTests
{
    [Theory]
    [InlineData("%Y-%m-%d %H:%M:%S", "2021-04-05 23:40:00", "2021-04-05T23:40:00.0000000+00:00")]
    [InlineData("%Y-%m-%dT%H:%M:%S.%L", "2024-01-01T06:40:00.125", "2024-01-01T06:40:00.1250000+00:00")]
    [InlineData("%Y-%m-%dT%H:%M:%S%Z", "2024-01-01T06:40:00+02:00", "2024-01-01T04:40:00.0000000+00:00")]
    [InlineData("%d/%m/%Y %H:%M", "31/12/2020 23:59", "2020-12-31T23:59:00.0000000+00:00")]
    [InlineData("%s", "1609459200", "2021-01-01T00:00:00.0000000+00:00")]
    [InlineData("%Q", "1609459200500", "2021-01-01T00:00:00.5000000+00:00")]
    public void Parses_as_utc(string pattern, string text, string expected)
    {
        Assert.True(TimeFormat.Parse(pattern).TryParse(text, out var value));
        Assert.Equal(expected, value.ToString("o"));
    }

    [Theory]
    [InlineData("%Y-%m-%d %H:%M:%S", "2021-04-05 23:40")]
    [InlineData("%Y-%m-%d %H:%M:%S", "2021/04/05 23:40:00")]
    [InlineData("%d/%m/%Y %H:%M", "12/31/2020 23:59")]
    [InlineData("%s", "not-a-number")]
    public void Rejects_values_in_another_format(string pattern, string text) =>
        Assert.False(TimeFormat.Parse(pattern).TryParse(text, out _));

    [Theory]
    [InlineData("%Y-%m-%d %H:%M:%S", "2021-04-05 23:40:00")]
    [InlineData("%Y-%m-%dT%H:%M:%S.%LZ", "2021-04-05T23:40:00.250Z")]
    [InlineData("%s", "1617666000")]
    public void Formats_what_it_parses(string pattern, string text)
    {
        var format = TimeFormat.Parse(pattern);
        Assert.True(format.TryParse(text, out var value));
        Assert.Equal(text, format.Format(value));
    }

    [Fact]
    public void Unsupported_directive_is_named()
    {
        var error = Assert.Throws<FormatException>(() => TimeFormat.Parse("%Y-%j"));
        Assert.Contains("%j", error.Message);
    }
}
