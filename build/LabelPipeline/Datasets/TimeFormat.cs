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

    private TimeFormat(string pattern, string? dotNetPattern, EpochUnit epoch)
    {
        Pattern = pattern;
        _dotNetPattern = dotNetPattern;
        Epoch = epoch;
    }

    /// <summary>The strftime pattern written into the labeling config, e.g. <c>%Y-%m-%d %H:%M:%S</c>.</summary>
    public string Pattern { get; }

    /// <summary>Set for <c>%s</c> (unix seconds) and <c>%Q</c> (unix milliseconds).</summary>
    public EpochUnit Epoch { get; }

    /// <summary>The formats tried, in order, when detecting the time format of a column.</summary>
    public static IReadOnlyList<string> Candidates { get; } =
    [
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%d %H:%M:%S.%L",
        "%Y-%m-%dT%H:%M:%S.%L",
        "%Y-%m-%dT%H:%M:%SZ",
        "%Y-%m-%dT%H:%M:%S.%LZ",
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
    public bool TryParse(string text, out DateTimeOffset value)
    {
        text = text.Trim();
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
                _dotNetPattern!,
                CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal,
                out value):
                return true;
            default:
                value = default;
                return false;
        }
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
