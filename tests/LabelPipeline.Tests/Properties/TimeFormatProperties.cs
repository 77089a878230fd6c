using System.Globalization;
using CsCheck;
using LabelPipeline.Datasets;
using Xunit.Abstractions;

namespace LabelPipeline.Tests.Properties;

/// <summary>Time formats: what Format writes, TryParse reads back; the fast path agrees with .NET's parser on any text.</summary>
public sealed class TimeFormatProperties(ITestOutputHelper output)
{
    private static readonly string[] DatePatterns = [.. TimeFormat.Candidates.Where(p => p is not "%s" and not "%Q"), "%Y%m%d%H%M%S", "%d.%m.%Y %H:%M:%S.%f", "%Y-%m-%d %H:%M:%S.%LZ"];

    /// <summary>Any instant from year 1 to 9999, in ticks.</summary>
    private static readonly Gen<DateTime> Instant = Gen.Long[DateTime.MinValue.Ticks, DateTime.MaxValue.Ticks].Select(t => new DateTime(t, DateTimeKind.Utc));

    private static readonly Gen<string> Pattern = Gen.Int[0, DatePatterns.Length - 1].Select(i => DatePatterns[i]);

    /// <summary>The instant at the pattern's precision (what a round trip can keep).</summary>
    private static DateTime Truncate(DateTime t, string pattern)
    {
        var unit = pattern.Contains("%f", StringComparison.Ordinal) ? TimeSpan.TicksPerMicrosecond
            : pattern.Contains("%L", StringComparison.Ordinal) ? TimeSpan.TicksPerMillisecond
            : pattern.Contains("%S", StringComparison.Ordinal) ? TimeSpan.TicksPerSecond
            : pattern.Contains("%M", StringComparison.Ordinal) ? TimeSpan.TicksPerMinute
            : TimeSpan.TicksPerDay;
        return new DateTime(t.Ticks - (t.Ticks % unit), DateTimeKind.Utc);
    }

    [Fact]
    public void Format_then_parse_gives_the_instant_back_at_the_patterns_precision() =>
        PropertyCheck.ForAll(Gen.Select(Pattern, Instant), c =>
        {
            var (pattern, instant) = c;
            var format = TimeFormat.Parse(pattern);
            var expected = Truncate(instant, pattern);
            var text = format.Format(new DateTimeOffset(expected));
            Assert.True(format.TryParse(text, out var parsed), $"'{text}' ({pattern}) does not parse");
            Assert.Equal(expected, parsed.UtcDateTime);
        }, output, cases: 2_000);

    [Fact]
    public void Epoch_formats_round_trip() =>
        PropertyCheck.ForAll(Gen.Select(Gen.Bool, Gen.Long[-2_000_000_000L, 9_999_999_999L]), c =>
        {
            var (milliseconds, n) = c;
            var format = TimeFormat.Parse(milliseconds ? "%Q" : "%s");
            var instant = milliseconds ? DateTimeOffset.FromUnixTimeMilliseconds(n * 7) : DateTimeOffset.FromUnixTimeSeconds(n);
            Assert.True(format.TryParse(format.Format(instant), out var parsed));
            Assert.Equal(instant, parsed);
        }, output, cases: 1_000);

    /// <summary>A formatted time with a few characters replaced, inserted or removed: near misses the fast path must judge like .NET.</summary>
    private static readonly Gen<(string Pattern, string Text)> NearMiss =
        Gen.Select(Pattern, Instant, Gen.Int[0, 3], Gen.Int[0, 1000], Gen.Char["0123456789-:T. Z+/abc\u0660"]).Select(c =>
        {
            var (pattern, instant, edits, where, ch) = c;
            var text = TimeFormat.Parse(pattern).Format(new DateTimeOffset(Truncate(instant, pattern)));
            for (var e = 0; e < edits && text.Length > 0; e++)
            {
                var i = (where + (e * 7)) % text.Length;
                text = ((where + e) % 3) switch
                {
                    0 => text[..i] + ch + text[(i + 1)..],
                    1 => text[..i] + ch + text[i..],
                    _ => text[..i] + text[(i + 1)..],
                };
            }

            return (pattern, text);
        });

    [Fact]
    public void The_fast_path_accepts_only_what_the_general_parser_accepts_with_the_same_instant() =>
        PropertyCheck.ForAll(NearMiss, c =>
        {
            var format = TimeFormat.Parse(c.Pattern);
            var general = format.TryParseGeneral(c.Text, out var expected);
            if (format.TryParseFast(c.Text, out var fast))
            {
                Assert.True(general, $"fast path accepted '{c.Text}' ({c.Pattern}), .NET does not");
                Assert.Equal(expected, fast);
            }

            Assert.Equal(general, format.TryParse(c.Text, out _));
        }, output, cases: 5_000);

    /// <summary>Found a defect: '12/09/2819 22:28' written as %m/%d/%Y was detected as %d/%m/%Y, i.e. 12 September, silently.</summary>
    [Fact]
    public void Detection_finds_a_format_that_reads_every_value_as_written() =>
        PropertyCheck.ForAll(Gen.Select(Gen.Int[0, DatePatterns.Length - 4], Instant.Array[1, 5]), c =>
        {
            var (index, instants) = c;
            var pattern = DatePatterns[index]; // the detectable candidates only
            var format = TimeFormat.Parse(pattern);
            var times = instants.Order().Select(t => Truncate(t, pattern)).Select(t => format.Format(new DateTimeOffset(t))).ToArray();
            using var temp = new TempDirectory();
            temp.Write("ds/v1/s.csv", "time,v\n" + string.Concat(times.Select((t, i) => $"{t},{i}\n")));
            SeriesSchema schema;
            try
            {
                schema = DatasetInspector.DetectSchema(Dataset.Open("ds", "v1", Path.Combine(temp.Path, "ds", "v1")), null, null).Schema;
            }
            catch (DatasetException e) when (e.Message.Contains("--time-format=\"" + pattern + "\"", StringComparison.Ordinal))
            {
                return; // day/month ambiguity: refused, naming the pattern the file was written with
            }

            var detected = schema.TimeFormat!;
            foreach (var (text, instant) in times.Zip(instants.Order().Select(t => Truncate(t, pattern))))
            {
                Assert.True(detected.TryParse(text, out var parsed), $"'{text}' written as {pattern}, detected {detected.Pattern}");
                Assert.Equal(instant, parsed.UtcDateTime);
            }
        }, output, cases: 300);
}
