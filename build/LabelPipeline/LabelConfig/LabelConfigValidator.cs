using System.Text.RegularExpressions;
using System.Xml;
using System.Xml.Linq;
using LabelPipeline.Datasets;

namespace LabelPipeline.LabelConfig;

/// <summary>
/// Static checks for the mistakes Label Studio accepts but then shows as a blank page, a spinner or an invisible line
/// (CONTRACT.md §7, EDITOR.md), and the reader that turns a project's config back into <see cref="LabelConfigInfo"/>.
/// </summary>
public static partial class LabelConfigValidator
{
    /// <summary>Checks a config against the dataset's columns; throws <see cref="LabelConfigException"/> listing every problem.</summary>
    public static LabelConfigInfo Validate(string xml, SeriesSchema? schema = null)
    {
        var problems = new List<string>();
        var root = ParseXml(xml);

        var named = root.DescendantsAndSelf().Where(e => e.Attribute("name") is not null).ToArray();
        foreach (var group in named.GroupBy(e => e.Attribute("name")!.Value, StringComparer.Ordinal).Where(g => g.Count() > 1))
        {
            problems.Add($"name '{group.Key}' is used by {group.Count()} tags; every name must be unique");
        }

        var names = named.Select(e => e.Attribute("name")!.Value).ToHashSet(StringComparer.Ordinal);
        foreach (var element in root.Descendants().Where(e => e.Attribute("toName") is not null))
        {
            foreach (var target in element.Attribute("toName")!.Value.Split(','))
            {
                if (!names.Contains(target.Trim()))
                {
                    problems.Add($"<{element.Name.LocalName} name=\"{element.Attribute("name")?.Value}\"> has toName=\"{target}\", but no tag has that name");
                }
            }
        }

        var timeSeriesTags = root.Descendants("TimeSeries").ToArray();
        if (timeSeriesTags.Length != 1)
        {
            problems.Add($"expected exactly one <TimeSeries> tag, found {timeSeriesTags.Length}");
            throw Fail(problems);
        }

        var timeSeries = timeSeriesTags[0];
        var firstValued = named.FirstOrDefault(e => e.Attribute("value") is not null);
        if (firstValued != timeSeries)
        {
            problems.Add(
                $"<{firstValued?.Name.LocalName} name=\"{firstValued?.Attribute("name")?.Value}\"> comes before <TimeSeries> and has a value: " +
                "Label Studio would put the series URL under its variable; keep <TimeSeries> the first named tag with a value");
        }

        var value = timeSeries.Attribute("value")?.Value ?? string.Empty;
        if (!value.StartsWith('$') || value.Length < 2)
        {
            problems.Add($"<TimeSeries value=\"{value}\"> must be a task variable such as $csv");
        }

        TimeFormat? timeFormat = null;
        if (timeSeries.Attribute("timeFormat")?.Value is { Length: > 0 } pattern)
        {
            try
            {
                timeFormat = TimeFormat.Parse(pattern);
            }
            catch (FormatException e)
            {
                problems.Add(e.Message);
            }
        }

        var channels = timeSeries.Elements("Channel").Select(c => c.Attribute("column")?.Value ?? string.Empty).ToArray();
        if (channels.Length == 0)
        {
            problems.Add("<TimeSeries> has no <Channel>: nothing would be drawn");
        }

        foreach (var channel in timeSeries.Elements("Channel"))
        {
            foreach (var colorAttribute in new[] { "strokeColor", "markerColor" })
            {
                if (channel.Attribute(colorAttribute)?.Value is { } color && !IsColor(color))
                {
                    problems.Add($"<Channel column=\"{channel.Attribute("column")?.Value}\"> {colorAttribute}=\"{color}\" is not a colour: the line would be invisible");
                }
            }
        }

        var labelsTag = root.Descendants("TimeSeriesLabels").FirstOrDefault();
        var labels = labelsTag?.Elements("Label").Select(l => l.Attribute("value")?.Value ?? string.Empty).ToArray() ?? [];
        if (labelsTag is null)
        {
            problems.Add("no <TimeSeriesLabels> tag: annotators could not label ranges");
        }
        else if (labels.Length == 0)
        {
            problems.Add("<TimeSeriesLabels> has no <Label>");
        }

        foreach (var duplicate in labels.GroupBy(l => l, StringComparer.Ordinal).Where(g => g.Count() > 1))
        {
            problems.Add($"label '{duplicate.Key}' is defined twice");
        }

        if (labels.Any(l => l.Length == 0))
        {
            problems.Add("a <Label> has an empty value");
        }

        if (schema is not null)
        {
            // The editor lower-cases CSV headers and column references, so compare case-insensitively, as it does.
            var columns = schema.Columns.ToHashSet(StringComparer.OrdinalIgnoreCase);
            var timeColumn = timeSeries.Attribute("timeColumn")?.Value;
            if (timeColumn is not null && !columns.Contains(timeColumn))
            {
                problems.Add($"timeColumn=\"{timeColumn}\" is not a column of the data ({string.Join(", ", schema.Columns)})");
            }

            foreach (var channel in channels.Where(c => !columns.Contains(c)))
            {
                problems.Add($"<Channel column=\"{channel}\"> is not a column of the data ({string.Join(", ", schema.Columns)})");
            }
        }

        if (problems.Count > 0)
        {
            throw Fail(problems);
        }

        return new LabelConfigInfo(
            timeSeries.Attribute("name")!.Value,
            value[1..],
            labelsTag!.Attribute("name")?.Value ?? string.Empty,
            timeFormat,
            labels,
            channels);
    }

    /// <summary>Reads a project's config (possibly edited in Label Studio's UI) for the export.</summary>
    public static LabelConfigInfo Read(string xml) => Validate(xml);

    private static XElement ParseXml(string xml)
    {
        try
        {
            return XDocument.Parse(xml).Root ?? throw new LabelConfigException("The labeling config is empty.");
        }
        catch (XmlException e)
        {
            throw new LabelConfigException($"The labeling config is not valid XML: {e.Message}");
        }
    }

    private static LabelConfigException Fail(List<string> problems) =>
        new("The labeling config would not work in Label Studio:\n  - " + string.Join("\n  - ", problems));

    private static bool IsColor(string color) =>
        HexColor().IsMatch(color) || ColorFunction().IsMatch(color) || CssColorNames.Contains(color);

    /// <summary>CSS named colours; anything else (e.g. "notacolor") leaves the line invisible.</summary>
    private static readonly HashSet<string> CssColorNames = new(StringComparer.OrdinalIgnoreCase)
    {
        "aliceblue", "antiquewhite", "aqua", "aquamarine", "azure", "beige", "bisque", "black", "blanchedalmond",
        "blue", "blueviolet", "brown", "burlywood", "cadetblue", "chartreuse", "chocolate", "coral",
        "cornflowerblue", "cornsilk", "crimson", "cyan", "darkblue", "darkcyan", "darkgoldenrod", "darkgray",
        "darkgreen", "darkgrey", "darkkhaki", "darkmagenta", "darkolivegreen", "darkorange", "darkorchid", "darkred",
        "darksalmon", "darkseagreen", "darkslateblue", "darkslategray", "darkslategrey", "darkturquoise",
        "darkviolet", "deeppink", "deepskyblue", "dimgray", "dimgrey", "dodgerblue", "firebrick", "floralwhite",
        "forestgreen", "fuchsia", "gainsboro", "ghostwhite", "gold", "goldenrod", "gray", "green", "greenyellow",
        "grey", "honeydew", "hotpink", "indianred", "indigo", "ivory", "khaki", "lavender", "lavenderblush",
        "lawngreen", "lemonchiffon", "lightblue", "lightcoral", "lightcyan", "lightgoldenrodyellow", "lightgray",
        "lightgreen", "lightgrey", "lightpink", "lightsalmon", "lightseagreen", "lightskyblue", "lightslategray",
        "lightslategrey", "lightsteelblue", "lightyellow", "lime", "limegreen", "linen", "magenta", "maroon",
        "mediumaquamarine", "mediumblue", "mediumorchid", "mediumpurple", "mediumseagreen", "mediumslateblue",
        "mediumspringgreen", "mediumturquoise", "mediumvioletred", "midnightblue", "mintcream", "mistyrose",
        "moccasin", "navajowhite", "navy", "oldlace", "olive", "olivedrab", "orange", "orangered", "orchid",
        "palegoldenrod", "palegreen", "paleturquoise", "palevioletred", "papayawhip", "peachpuff", "peru", "pink",
        "plum", "powderblue", "purple", "rebeccapurple", "red", "rosybrown", "royalblue", "saddlebrown", "salmon",
        "sandybrown", "seagreen", "seashell", "sienna", "silver", "skyblue", "slateblue", "slategray", "slategrey",
        "snow", "springgreen", "steelblue", "tan", "teal", "thistle", "tomato", "turquoise", "violet", "wheat",
        "white", "whitesmoke", "yellow", "yellowgreen"
    };

    [GeneratedRegex("^#([0-9a-fA-F]{3}|[0-9a-fA-F]{4}|[0-9a-fA-F]{6}|[0-9a-fA-F]{8})$")]
    private static partial Regex HexColor();

    [GeneratedRegex(@"^(rgb|rgba|hsl|hsla)\([0-9.,%\s]+\)$")]
    private static partial Regex ColorFunction();
}
