using System.Globalization;
using System.Text;

namespace LabelPipeline.Datasets;

/// <summary>
/// A strftime-style time format as Label Studio's TimeSeries tag uses it (d3's utcParse/utcFormat), with the
/// equivalent .NET pattern so the pipeline parses and formats exactly what the editor does. Times are UTC.
/// </summary>
public sealed class TimeFormat
{
    // d3 directives the pipeline understands, mapped to .NET custom format specifiers.
    private static readonly Dictionary<char, string> Directives = new()
    {
        ['Y'] = "yyyy",
        ['y'] = "yy",
        ['m'] = "MM",
        ['d'] = "dd",
        ['e'] = "%d",
        ['H'] = "HH",
        ['I'] = "hh",
        ['p'] = "tt",
        ['M'] = "mm",
        ['S'] = "ss",
        ['L'] = "fff",
        ['f'] = "ffffff",
        ['b'] = "MMM",
        ['B'] = "MMMM",
        ['Z'] = "K",
    };

    private readonly string? _dotNetPattern;

    // Set when the pattern is fixed-width digits and literals only (%Y %m %d %H %M %S %L %f): see TryParseFixedWidth.
    private readonly FixedField[]? _fixedWidth;

    private TimeFormat(string pattern, string? dotNetPattern, EpochUnit epoch)
    {
        Pattern = pattern;
        _dotNetPattern = dotNetPattern;
        Epoch = epoch;
        _fixedWidth = epoch == EpochUnit.None ? FixedWidthFields(pattern) : null;
    }

    /// <summary>The strftime pattern written into the labeling config, e.g. <c>%Y-%m-%d %H:%M:%S</c>.</summary>
    public string Pattern { get; }

    /// <summary>Set for <c>%s</c> (unix seconds) and <c>%Q</c> (unix milliseconds).</summary>
    public EpochUnit Epoch { get; }

    /// <summary>
    /// With <c>%Z</c>: the zone a value without an offset is a wall-clock time of (<c>--time-zone</c>), so every value
    /// reads as its true UTC instant; null reads such values as UTC. See <see cref="InZone"/>.
    /// </summary>
    public TimeZoneInfo? WallClockZone { get; private init; }

    /// <summary>This format, reading values without an offset in <paramref name="zone"/> (only a <c>%Z</c> pattern mixes them).</summary>
    public TimeFormat InZone(TimeZoneInfo? zone) => !HasOffsetDirective || zone is null || zone == TimeZoneInfo.Utc
        ? this
        : new TimeFormat(Pattern, _dotNetPattern, Epoch) { WallClockZone = zone };

    /// <summary>The formats tried, in order, when detecting the time format of a column.</summary>
    public static IReadOnlyList<string> Candidates { get; } =
    [
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%d %H:%M:%S.%L",
        "%Y-%m-%dT%H:%M:%S.%L",
        "%Y-%m-%dT%H:%M:%SZ",
        "%Y-%m-%dT%H:%M:%S.%LZ",
        "%Y-%m-%d %H:%M:%S.%f",
        "%Y-%m-%dT%H:%M:%S.%f",
        "%Y-%m-%dT%H:%M:%S.%fZ",
        "%Y-%m-%dT%H:%M:%S%Z",
        "%Y-%m-%d %H:%M:%S%Z",
        "%Y-%m-%d %H:%M",
        "%Y-%m-%dT%H:%M",
        "%Y/%m/%d %H:%M:%S",
        "%Y/%m/%d %H:%M",
        "%d/%m/%Y %H:%M:%S",
        "%m/%d/%Y %H:%M:%S",
        "%d/%m/%Y %H:%M",
        "%m/%d/%Y %H:%M",
        "%d.%m.%Y %H:%M:%S",
        "%Y-%m-%d",
        "%s",
        "%Q",
    ];

    /// <summary>Parses a strftime pattern; throws <see cref="FormatException"/> naming the unsupported directive.</summary>
    public static TimeFormat Parse(string pattern)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(pattern);
        if (pattern == "%s")
        {
            return new TimeFormat(pattern, null, EpochUnit.Seconds);
        }

        if (pattern == "%Q")
        {
            return new TimeFormat(pattern, null, EpochUnit.Milliseconds);
        }

        var dotNet = new StringBuilder();
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            if (c == '%')
            {
                if (i + 1 >= pattern.Length)
                {
                    throw new FormatException($"Time format '{pattern}' ends with a lone '%'.");
                }

                var directive = pattern[++i];
                if (directive == '%')
                {
                    dotNet.Append("'%'");
                }
                else if (Directives.TryGetValue(directive, out var specifier))
                {
                    dotNet.Append(specifier);
                }
                else
                {
                    throw new FormatException(
                        $"Time format '{pattern}' uses %{directive}, which LabelPipeline does not support. " +
                        $"Supported: {string.Join(' ', Directives.Keys.Select(k => "%" + k))} %s %Q.");
                }
            }
            else if (char.IsLetterOrDigit(c) || c == '\'' || c == '"' || c == '\\')
            {
                // Literal characters must be quoted in a .NET custom pattern.
                dotNet.Append('\'').Append(c == '\'' ? "\\'" : c.ToString()).Append('\'');
            }
            else
            {
                dotNet.Append('\\').Append(c);
            }
        }

        return new TimeFormat(pattern, dotNet.ToString(), EpochUnit.None);
    }

    /// <summary>Parses a value as UTC; a value without an offset is UTC, as Label Studio's editor reads it.</summary>
    public bool TryParse(string text, out DateTimeOffset value) => TryParse(text.AsSpan(), out value);

    /// <inheritdoc cref="TryParse(string, out DateTimeOffset)"/>
    public bool TryParse(ReadOnlySpan<char> text, out DateTimeOffset value)
    {
        text = text.Trim();

        // Everything the fast path does not accept (other patterns, invalid or unusual values) goes to .NET's parser,
        // which stays the reference: the fast path only ever accepts what that parser accepts, with the same result.
        return (_fixedWidth is { } fields && TryParseFixedWidth(fields, text, out value)) || TryParseTrimmed(text, out value);
    }

    /// <summary>The general parser alone, without the fast path (the tests hold the fast path to it).</summary>
    internal bool TryParseGeneral(ReadOnlySpan<char> text, out DateTimeOffset value) => TryParseTrimmed(text.Trim(), out value);

    /// <summary>The fast path alone: false means "not accepted here", not "invalid".</summary>
    internal bool TryParseFast(ReadOnlySpan<char> text, out DateTimeOffset value)
    {
        value = default;
        return _fixedWidth is { } fields && TryParseFixedWidth(fields, text.Trim(), out value);
    }

    private bool TryParseTrimmed(ReadOnlySpan<char> text, out DateTimeOffset value)
    {
        switch (Epoch)
        {
            case EpochUnit.Seconds when double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds)
                                        && Math.Abs(seconds) < 1e11:
                value = DateTimeOffset.UnixEpoch.AddTicks((long)Math.Round(seconds * TimeSpan.TicksPerSecond));
                return true;
            case EpochUnit.Milliseconds when double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var ms)
                                             && Math.Abs(ms) < 1e14:
                value = DateTimeOffset.UnixEpoch.AddTicks((long)Math.Round(ms * TimeSpan.TicksPerMillisecond));
                return true;
            case EpochUnit.None when DateTimeOffset.TryParseExact(
                text,
                _dotNetPattern.AsSpan(),
                CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal,
                out value):
                if (WallClockZone is { } zone && !ValueHasOffset(text))
                {
                    var wall = DateTime.SpecifyKind(value.UtcDateTime, DateTimeKind.Unspecified);
                    if (zone.IsInvalidTime(wall))
                    {
                        return false; // skipped by a daylight-saving change: Prepare names it
                    }

                    value = new DateTimeOffset(TimeZoneInfo.ConvertTimeToUtc(wall, zone));
                }

                return true;
            default:
                value = default;
                return false;
        }
    }

    private enum FieldKind : byte
    {
        Literal,
        Year,
        Month,
        Day,
        Hour,
        Minute,
        Second,
        Milliseconds,
        Microseconds,
    }

    /// <summary>One position-fixed piece of a fixed-width pattern: a literal character or a run of digits.</summary>
    private readonly record struct FixedField(FieldKind Kind, int Offset, int Width, char Literal);

    /// <summary>The pieces of a pattern made only of fixed-width numeric directives and literals, else null.</summary>
    private static FixedField[]? FixedWidthFields(string pattern)
    {
        var fields = new List<FixedField>();
        var offset = 0;
        for (var i = 0; i < pattern.Length; i++)
        {
            if (pattern[i] != '%')
            {
                fields.Add(new FixedField(FieldKind.Literal, offset++, 1, pattern[i]));
                continue;
            }

            (FieldKind Kind, int Width)? directive = pattern[++i] switch
            {
                'Y' => (FieldKind.Year, 4),
                'm' => (FieldKind.Month, 2),
                'd' => (FieldKind.Day, 2),
                'H' => (FieldKind.Hour, 2),
                'M' => (FieldKind.Minute, 2),
                'S' => (FieldKind.Second, 2),
                'L' => (FieldKind.Milliseconds, 3),
                'f' => (FieldKind.Microseconds, 6),
                '%' => (FieldKind.Literal, 1),
                _ => null, // %y %e %I %p %b %B %Z: variable width, names or offsets — the general parser's job
            };
            if (directive is not { } d)
            {
                return null;
            }

            fields.Add(new FixedField(d.Kind, offset, d.Width, '%'));
            offset += d.Width;
        }

        // Without a year and a month and a day .NET fills in defaults (the current date); leave those to it.
        return fields.Any(f => f.Kind == FieldKind.Year) && fields.Any(f => f.Kind == FieldKind.Month) && fields.Any(f => f.Kind == FieldKind.Day)
               && fields.Count(f => f.Kind != FieldKind.Literal) == fields.Select(f => f.Kind).Where(k => k != FieldKind.Literal).Distinct().Count()
            ? [.. fields]
            : null;
    }

    /// <summary>
    /// Reads a value of a fixed-width pattern straight from its characters: ASCII digits at the directives' positions,
    /// the literals in between, nothing else. Returns false for anything else (the general parser then decides).
    /// </summary>
    private static bool TryParseFixedWidth(FixedField[] fields, ReadOnlySpan<char> text, out DateTimeOffset value)
    {
        value = default;
        var last = fields[^1];
        if (text.Length != last.Offset + last.Width)
        {
            return false;
        }

        int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
        long fractionTicks = 0;
        foreach (var field in fields)
        {
            if (field.Kind == FieldKind.Literal)
            {
                if (text[field.Offset] != field.Literal)
                {
                    return false;
                }

                continue;
            }

            var number = 0;
            foreach (var c in text.Slice(field.Offset, field.Width))
            {
                var digit = (uint)(c - '0');
                if (digit > 9)
                {
                    return false;
                }

                number = (number * 10) + (int)digit;
            }

            switch (field.Kind)
            {
                case FieldKind.Year: year = number; break;
                case FieldKind.Month: month = number; break;
                case FieldKind.Day: day = number; break;
                case FieldKind.Hour: hour = number; break;
                case FieldKind.Minute: minute = number; break;
                case FieldKind.Second: second = number; break;
                case FieldKind.Milliseconds: fractionTicks = number * TimeSpan.TicksPerMillisecond; break;
                case FieldKind.Microseconds: fractionTicks = number * TimeSpan.TicksPerMicrosecond; break;
            }
        }

        if (year is < 1 or > 9999 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month)
            || hour > 23 || minute > 59 || second > 59)
        {
            return false;
        }

        value = new DateTimeOffset(new DateTime(year, month, day, hour, minute, second, DateTimeKind.Unspecified).Ticks + fractionTicks, TimeSpan.Zero);
        return true;
    }

    /// <summary>Whether the pattern reads an offset (<c>%Z</c>): its values may carry one (<c>+02:00</c>, <c>Z</c>) or not.</summary>
    public bool HasOffsetDirective => Pattern.Contains("%Z", StringComparison.Ordinal);

    /// <summary>For a pattern with <c>%Z</c>: whether this value (which parses) carries an offset; a wall-clock time does not.</summary>
    public bool ValueHasOffset(ReadOnlySpan<char> text) =>
        HasOffsetDirective
        && DateTime.TryParseExact(text.Trim(), _dotNetPattern.AsSpan(), CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed)
        && parsed.Kind != DateTimeKind.Unspecified;

    /// <summary>
    /// Why a value that does not parse may still be what the user meant, for the error message: a leap second
    /// (<c>23:59:60</c>), or epoch numbers of the other unit. Empty when there is nothing more to say.
    /// </summary>
    public static string Hint(string text)
    {
        var leap = System.Text.RegularExpressions.Regex.Match(text, @"(\d{1,2}):(\d{2}):60(?!\d)");
        if (leap.Success)
        {
            return $" '{leap.Value}' is a leap second, which Label Studio's editor and .NET cannot represent: " +
                   $"write it as {leap.Groups[1].Value}:{leap.Groups[2].Value}:59 (or :59.999), or drop the row.";
        }

        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && Math.Abs(number) >= 1e11 && Math.Abs(number) < 1e14
            ? " It looks like unix milliseconds: pass --time-format=%Q."
            : string.Empty;
    }

    /// <summary>Formats a UTC instant the way the editor serializes region bounds.</summary>
    public string Format(DateTimeOffset value) => Epoch switch
    {
        EpochUnit.Seconds => value.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture),
        EpochUnit.Milliseconds => value.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture),
        _ => value.UtcDateTime.ToString(_dotNetPattern!.Replace("K", "'Z'", StringComparison.Ordinal), CultureInfo.InvariantCulture),
    };

    /// <summary>A display format for the editor's hover tracker, so it never shows raw epoch milliseconds.</summary>
    public string DisplayPattern => Pattern.Contains("%L", StringComparison.Ordinal) || Pattern.Contains("%f", StringComparison.Ordinal)
        ? "%Y-%m-%d %H:%M:%S.%L"
        : Pattern.Contains("%H", StringComparison.Ordinal) || Epoch != EpochUnit.None ? "%Y-%m-%d %H:%M:%S" : "%Y-%m-%d";

    public override string ToString() => Pattern;
}

public enum EpochUnit
{
    None,
    Seconds,
    Milliseconds,
}
