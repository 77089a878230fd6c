using System.Globalization;
using LabelPipeline.Datasets;

namespace LabelPipeline.Tests.Datasets;

/// <summary>
/// The fixed-width fast path of <see cref="TimeFormat.TryParse(string, out DateTimeOffset)"/> must give exactly what
/// .NET's general parser gives: same acceptance, same instant, same offset, over valid, edge and broken values.
/// </summary>
public sealed class TimeFormatFastPathTests
{
    private static readonly string[] Patterns =
    [
        .. TimeFormat.Candidates,
        "%Y%m%d%H%M%S",
        "%Y-%m-%d %H:%M:%S.%LZ",
        "%d-%m-%Y %H.%M.%S",
        "%%%Y-%m-%d",
        "%H:%M:%S",
        "%Y-%m-%d %I:%M %p",
        "%e/%m/%Y",
    ];

    public static TheoryData<string> AllPatterns() => [.. Patterns];

    [Theory]
    [MemberData(nameof(AllPatterns))]
    public void Fast_path_agrees_with_the_general_parser(string pattern)
    {
        var format = TimeFormat.Parse(pattern);
        var compared = 0;
        foreach (var text in Values(format))
        {
            var expectedOk = format.TryParseGeneral(text, out var expected);
            var ok = format.TryParse(text, out var actual);
            Assert.True(expectedOk == ok, $"{pattern} '{text}': general {expectedOk}, with fast path {ok}");
            Assert.True(expected.Ticks == actual.Ticks && expected.Offset == actual.Offset, $"{pattern} '{text}': general {expected:o}, with fast path {actual:o}");
            if (format.TryParseFast(text, out var fast))
            {
                Assert.True(expectedOk, $"{pattern} '{text}': the fast path accepts what the general parser rejects");
                Assert.Equal(expected.Ticks, fast.Ticks);
                Assert.Equal(TimeSpan.Zero, fast.Offset);
            }

            compared++;
        }

        Assert.True(compared > 1000, $"only {compared} values compared");
    }

    [Theory]
    [InlineData("%Y-%m-%d %H:%M:%S", "2021-04-05 23:40:00")]
    [InlineData("%Y-%m-%dT%H:%M:%S.%L", "2024-02-29T06:40:00.125")]
    [InlineData("%Y-%m-%dT%H:%M:%S.%f", "9999-12-31T23:59:59.999999")]
    [InlineData("%d.%m.%Y %H:%M:%S", " 01.01.0001 00:00:00 ")]
    public void Fixed_width_patterns_take_the_fast_path(string pattern, string text) =>
        Assert.True(TimeFormat.Parse(pattern).TryParseFast(text, out _));

    [Theory]
    [InlineData("%Y-%m-%d %H:%M:%S", "2021-02-29 00:00:00")] // not a leap year
    [InlineData("%Y-%m-%d %H:%M:%S", "2021-04-05 24:00:00")]
    [InlineData("%Y-%m-%d %H:%M:%S", "2021-04-05 23:60:00")]
    [InlineData("%Y-%m-%d %H:%M:%S", "2021-04-05 23:40:60")]
    [InlineData("%Y-%m-%d %H:%M:%S", "0000-01-01 00:00:00")]
    [InlineData("%Y-%m-%d %H:%M:%S", "2021-13-05 23:40:00")]
    [InlineData("%Y-%m-%d %H:%M:%S", "2021-04-00 23:40:00")]
    [InlineData("%Y-%m-%d %H:%M:%S", "2021-04-05T23:40:00")]
    [InlineData("%Y-%m-%d %H:%M:%S", "2021-04-05 23:40:0x")]
    [InlineData("%Y-%m-%d %H:%M:%S", "2021-04-05 23:40:00.5")]
    [InlineData("%Y-%m-%d %H:%M:%S", "2021-04-05  23:40:00")]
    [InlineData("%Y-%m-%d %H:%M:%S", "+021-04-05 23:40:00")]
    public void Invalid_values_are_rejected_by_both_paths(string pattern, string text)
    {
        var format = TimeFormat.Parse(pattern);
        Assert.False(format.TryParseFast(text, out _));
        Assert.False(format.TryParse(text, out _));
        Assert.False(format.TryParseGeneral(text, out _));
    }

    [Theory]
    [InlineData("%Y-%m-%d %I:%M %p")]
    [InlineData("%Y-%m-%dT%H:%M:%S%Z")]
    [InlineData("%H:%M:%S")]
    [InlineData("%s")]
    public void Other_patterns_leave_everything_to_the_general_parser(string pattern) =>
        Assert.False(TimeFormat.Parse(pattern).TryParseFast(TimeFormat.Parse(pattern).Format(new DateTimeOffset(2021, 4, 5, 11, 40, 0, TimeSpan.Zero)), out _));

    /// <summary>Formatted instants (edges of months, leap days, random), then each of them broken in many ways.</summary>
    private static IEnumerable<string> Values(TimeFormat format)
    {
        var random = new Random(4);
        var instants = new List<DateTimeOffset>
        {
            new(1, 1, 1, 0, 0, 0, TimeSpan.Zero),
            new(9999, 12, 31, 23, 59, 59, 999, TimeSpan.Zero),
            new(2024, 2, 29, 12, 0, 0, TimeSpan.Zero),
            new(2000, 2, 29, 0, 0, 0, TimeSpan.Zero),
            new(2021, 12, 31, 23, 59, 59, TimeSpan.Zero),
        };
        for (var i = 0; i < 150; i++)
        {
            instants.Add(new DateTimeOffset(1970, 1, 1, 0, 0, 0, TimeSpan.Zero).AddTicks(random.NextInt64(0, 100L * 365 * TimeSpan.TicksPerDay) / 10 * 10));
        }

        string[] replacements = ["0", "9", "a", " ", "-", ":", "T", "\u0663", "+"];
        foreach (var instant in instants)
        {
            var text = format.Format(instant);
            yield return text;
            yield return $" {text}\t";
            yield return text + "0";
            yield return text[..^1];
            yield return "0" + text;
            for (var i = 0; i < text.Length; i += 1 + random.Next(3))
            {
                yield return text[..i] + replacements[random.Next(replacements.Length)] + text[(i + 1)..];
            }
        }

        // Out-of-range fields: every 2-digit run set to 00, 13, 24, 29..32, 59, 60, 99.
        var baseText = format.Format(new DateTimeOffset(2023, 2, 28, 22, 58, 58, TimeSpan.Zero));
        for (var i = 0; i + 2 <= baseText.Length; i++)
        {
            if (char.IsAsciiDigit(baseText[i]) && char.IsAsciiDigit(baseText[i + 1]))
            {
                foreach (var n in new[] { 0, 12, 13, 23, 24, 29, 30, 31, 32, 59, 60, 99 })
                {
                    yield return baseText[..i] + n.ToString("00", CultureInfo.InvariantCulture) + baseText[(i + 2)..];
                }
            }
        }

        yield return string.Empty;
        yield return "   ";
    }
}
