using System.Text.Json.Nodes;
using System.Xml;
using System.Xml.Linq;

namespace LabelStudio.Emulator.Projects;

/// <summary>A label config that failed validation, with Label Studio's message (core/label_config.py: validate_label_config).</summary>
internal sealed class LabelConfigException(string message) : Exception(message);

/// <summary>
/// What Label Studio derives from a label config: <c>parsed_label_config</c> (controls with their inputs and labels),
/// <c>data_types</c> (the <c>$variables</c> of named tags with a value, in document order, which decides where
/// <c>$undefined$</c> storage data lands) and the default <c>control_weights</c>.
/// </summary>
internal sealed record LabelConfigInfo(
    JsonObject ParsedLabelConfig,
    IReadOnlyList<KeyValuePair<string, string>> DataTypes,
    JsonObject ControlWeights,
    bool SuitableForBulkAnnotation)
{
    public const string DefaultConfig = "<View></View>";

    /// <summary>Control tags Label Studio's config schema knows; each needs <c>name</c> and <c>toName</c>.</summary>
    private static readonly HashSet<string> ControlTags = new(StringComparer.Ordinal)
    {
        "Labels", "TimeSeriesLabels", "Choices", "TextArea", "Rating", "Number", "DateTime", "Taxonomy", "Ranker", "Pairwise",
        "RectangleLabels", "Rectangle", "PolygonLabels", "Polygon", "KeyPointLabels", "KeyPoint", "BrushLabels", "Brush",
        "EllipseLabels", "Ellipse", "HyperTextLabels", "ParagraphLabels", "VideoRectangle", "MagicWand", "BitmaskLabels", "Bitmask",
    };

    /// <summary>Region-producing tags that make a config unsuitable for bulk annotation (ProjectSerializer).</summary>
    private static readonly HashSet<string> BulkDisallowedTags = new(StringComparer.Ordinal)
    {
        "Labels", "Brush", "BrushLabels", "Ellipse", "EllipseLabels", "KeyPoint", "KeyPointLabels", "Polygon", "PolygonLabels",
        "Rectangle", "RectangleLabels", "HyperTextLabels", "ParagraphLabels", "TimeSeriesLabels", "VideoRectangle",
    };

    public bool HasControlTags => ParsedLabelConfig.Count > 0;

    /// <summary>The key <c>$undefined$</c> is renamed to in task serializations, or null when the config has no data variable.</summary>
    public string? FirstDataKey => DataTypes.Count > 0 ? DataTypes[0].Key : null;

    public static LabelConfigInfo Parse(string? labelConfig)
    {
        XDocument document;
        try
        {
            document = XDocument.Parse(string.IsNullOrWhiteSpace(labelConfig) ? string.Empty : labelConfig);
        }
        catch (XmlException e)
        {
            throw new LabelConfigException($"Can't parse label config: {e.Message}");
        }

        var elements = document.Descendants().ToList();
        var names = elements.Select(e => (string?)e.Attribute("name")).OfType<string>().ToList();
        if (names.Count != names.Distinct(StringComparer.Ordinal).Count())
        {
            throw new LabelConfigException("Label config contains non-unique names");
        }

        foreach (var control in elements.Where(e => ControlTags.Contains(e.Name.LocalName)))
        {
            // The jsonschema check of the config runs first upstream; its message names the missing property.
            foreach (var required in new[] { "name", "toName" })
            {
                if (control.Attribute(required) is null)
                {
                    throw new LabelConfigException($"Validation failed on : '{required}' is a required property");
                }
            }
        }

        var byName = elements.Where(e => e.Attribute("name") is not null).ToDictionary(e => (string)e.Attribute("name")!, StringComparer.Ordinal);
        foreach (var element in elements.Where(e => e.Attribute("toName") is not null))
        {
            foreach (var toName in ((string)element.Attribute("toName")!).Split(','))
            {
                if (!byName.ContainsKey(toName))
                {
                    throw new LabelConfigException($"toName=\"{toName}\" not found in names: [{string.Join(", ", names.Select(n => $"'{n}'"))}]");
                }
            }
        }

        return new LabelConfigInfo(ParseControls(elements, byName), ExtractDataTypes(elements), ControlWeightsOf(elements), IsSuitableForBulk(elements));
    }

    /// <summary>core/label_config.py: parse_config — every tag with name and toName, its inputs and its labels.</summary>
    private static JsonObject ParseControls(List<XElement> elements, Dictionary<string, XElement> byName)
    {
        var parsed = new JsonObject();
        foreach (var control in elements.Where(e => e.Attribute("name") is not null && e.Attribute("toName") is not null))
        {
            var toNames = ((string)control.Attribute("toName")!).Split(',');
            var inputs = new JsonArray();
            foreach (var toName in toNames)
            {
                var input = byName[toName];
                if (input.Attribute("value") is { } value)
                {
                    inputs.Add(new JsonObject
                    {
                        ["type"] = input.Name.LocalName,
                        ["valueType"] = (string?)input.Attribute("valueType"),
                        ["value"] = value.Value.TrimStart('$'),
                    });
                }
            }

            var labels = new JsonArray();
            var labelAttributes = new JsonObject();
            foreach (var label in control.Descendants().Where(d => d.Attribute("value") is not null))
            {
                var labelValue = (string)label.Attribute("value")!;
                labels.Add(labelValue);
                labelAttributes[labelValue] = new JsonObject(label.Attributes().Select(a => KeyValuePair.Create(a.Name.LocalName, (JsonNode?)a.Value)));
            }

            parsed[(string)control.Attribute("name")!] = new JsonObject
            {
                ["type"] = control.Name.LocalName,
                ["to_name"] = new JsonArray(toNames.Select(n => (JsonNode?)n).ToArray()),
                ["inputs"] = inputs,
                ["labels"] = labels,
                ["labels_attrs"] = labelAttributes,
            };
        }

        return parsed;
    }

    /// <summary>extract_data_types: <c>.//*[@value]</c> in document order, only tags with a name, <c>$</c> stripped.</summary>
    private static List<KeyValuePair<string, string>> ExtractDataTypes(List<XElement> elements)
    {
        var types = new List<KeyValuePair<string, string>>();
        foreach (var element in elements)
        {
            if (element.Attribute("name") is not null && (string?)element.Attribute("value") is { Length: > 1 } value && value.StartsWith('$'))
            {
                var key = value[1..];
                if (types.All(t => t.Key != key))
                {
                    types.Add(KeyValuePair.Create(key, element.Name.LocalName));
                }
            }
        }

        return types;
    }

    private static JsonObject ControlWeightsOf(List<XElement> elements)
    {
        var weights = new JsonObject();
        foreach (var control in elements.Where(e => e.Attribute("name") is not null && e.Attribute("toName") is not null))
        {
            var labels = new JsonObject();
            foreach (var label in control.Descendants().Where(d => d.Attribute("value") is not null))
            {
                labels[(string)label.Attribute("value")!] = 1.0;
            }

            weights[(string)control.Attribute("name")!] = new JsonObject
            {
                ["overall"] = 1.0,
                ["type"] = control.Name.LocalName,
                ["labels"] = labels,
            };
        }

        return weights;
    }

    private static bool IsSuitableForBulk(List<XElement> elements)
    {
        if (elements.Any(e => BulkDisallowedTags.Contains(e.Name.LocalName)))
        {
            return false;
        }

        foreach (var tag in elements.Where(e => e.Name.LocalName is "Choices" or "Taxonomy" or "DateTime" or "Number" or "Rating" or "TextArea"))
        {
            if (string.Equals((string?)tag.Attribute("perRegion"), "true", StringComparison.OrdinalIgnoreCase)
                || string.Equals((string?)tag.Attribute("perItem"), "true", StringComparison.OrdinalIgnoreCase)
                || (tag.Name.LocalName is "Choices" or "Taxonomy" && tag.Attribute("value") is not null))
            {
                return false;
            }
        }

        return true;
    }
}
