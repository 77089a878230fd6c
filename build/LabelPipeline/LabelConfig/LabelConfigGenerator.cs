using System.Xml;
using System.Xml.Linq;
using LabelPipeline.Datasets;

namespace LabelPipeline.LabelConfig;

/// <summary>
/// Builds the Label Studio labeling config for a dataset from the XML template in <c>templates/</c>: one
/// <c>&lt;Channel&gt;</c> per numeric column, one <c>&lt;Label&gt;</c> per label. Names are set as XML attribute values,
/// so they are always escaped, and the result is checked before it is sent.
/// </summary>
public static class LabelConfigGenerator
{
    /// <summary>matplotlib's default cycle, as the walkthrough colours its channels (index mod 10).</summary>
    public static IReadOnlyList<string> ChannelPalette { get; } =
        ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"];

    /// <summary>Label colours: red first, because the first label is usually the anomaly.</summary>
    public static IReadOnlyList<string> LabelPalette { get; } =
        ["#e53935", "#43a047", "#fb8c00", "#8e24aa", "#1e88e5", "#6d4c41", "#00897b", "#fdd835"];

    public static string Generate(string templateXml, SeriesSchema schema, IReadOnlyList<string> labels)
    {
        if (labels.Count == 0)
        {
            throw new LabelConfigException("No labels given: pass --labels=Anomaly[,Other...].");
        }

        XDocument document;
        try
        {
            document = XDocument.Parse(templateXml);
        }
        catch (XmlException e)
        {
            throw new LabelConfigException($"The labeling-config template is not valid XML: {e.Message}");
        }

        var view = document.Root!;
        var timeSeries = Single(view, "TimeSeries");
        var channelPrototype = Single(timeSeries, "Channel");
        var labelsTag = Single(view, "TimeSeriesLabels");
        var labelPrototype = Single(labelsTag, "Label");

        var values = new Dictionary<string, string?>
        {
            ["separator"] = schema.Separator == '\t' ? "tab" : schema.Separator.ToString(),
            ["timeColumn"] = schema.TimeColumn,
            ["timeFormat"] = schema.TimeFormat?.Pattern,
            ["timeDisplayFormat"] = schema.TimeFormat?.DisplayPattern,
            ["overviewChannels"] = string.Join(',', schema.Channels),
        };
        Fill(timeSeries, values);

        for (var i = 0; i < schema.Channels.Count; i++)
        {
            var channel = new XElement(channelPrototype);
            Fill(channel, new Dictionary<string, string?>
            {
                ["column"] = schema.Channels[i],
                ["color"] = ChannelPalette[i % ChannelPalette.Count],
            });
            channelPrototype.AddBeforeSelf(channel);
        }

        channelPrototype.Remove();

        for (var i = 0; i < labels.Count; i++)
        {
            var label = new XElement(labelPrototype);
            Fill(label, new Dictionary<string, string?>
            {
                ["label"] = labels[i],
                ["color"] = LabelPalette[i % LabelPalette.Count],
            });
            labelPrototype.AddBeforeSelf(label);
        }

        labelPrototype.Remove();

        var xml = view.ToString(SaveOptions.None);
        LabelConfigValidator.Validate(xml, schema);
        return xml;
    }

    private static XElement Single(XElement parent, string name)
    {
        var found = parent.Descendants(name).ToArray();
        return found.Length == 1
            ? found[0]
            : throw new LabelConfigException($"The labeling-config template must contain exactly one <{name}> (found {found.Length}).");
    }

    /// <summary>Replaces attributes whose whole value is <c>{key}</c>; a null value removes the attribute.</summary>
    private static void Fill(XElement element, IReadOnlyDictionary<string, string?> values)
    {
        foreach (var attribute in element.Attributes().ToArray())
        {
            var text = attribute.Value;
            if (text.Length > 2 && text[0] == '{' && text[^1] == '}' && values.TryGetValue(text[1..^1], out var value))
            {
                if (value is null)
                {
                    attribute.Remove();
                }
                else
                {
                    attribute.Value = value;
                }
            }
        }
    }
}
