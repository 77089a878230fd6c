using LabelPipeline.Datasets;
using LabelPipeline.LabelConfig;
using Newtonsoft.Json.Linq;

namespace Editor.Tests.Support;

/// <summary>
/// Builds <c>timeserieslabels</c> results in C# the way Label Studio stores them (EDITOR.md, CONTRACT.md §6.3), from the
/// config itself: names from its tags, bounds formatted with its <c>timeFormat</c> (strings), or plain numbers when it
/// has none. Every item has an <c>id</c> and an <c>origin</c> (<c>manual</c> for annotations, <c>prediction</c> for
/// predictions: the editor rewrites any other origin of a prediction), so the editor has nothing to add.
/// </summary>
public sealed class ResultFixtures
{
    private readonly LabelConfigInfo _config;
    private readonly string _origin;
    private readonly string _idPrefix;
    private readonly JArray _result = [];

    private ResultFixtures(string configXml, string origin, string idPrefix)
    {
        _config = LabelConfigValidator.Read(configXml);
        _origin = origin;
        _idPrefix = idPrefix;
    }

    public static ResultFixtures Annotation(string configXml, string idPrefix = "lp") => new(configXml, "manual", idPrefix);

    public static ResultFixtures Prediction(string configXml, string idPrefix = "lp") => new(configXml, "prediction", idPrefix);

    public TimeFormat Format => _config.TimeFormat ?? throw new InvalidOperationException("The config has no timeFormat: give numbers.");

    public ResultFixtures Range(DateTimeOffset start, DateTimeOffset end, string label) =>
        Add(Format.Format(start), Format.Format(end), start == end, label);

    public ResultFixtures Instant(DateTimeOffset at, string label) => Range(at, at, label);

    /// <summary>A region on a numeric time axis (no <c>timeFormat</c>): the time column's own values.</summary>
    public ResultFixtures Range(double start, double end, string label) =>
        _config.TimeFormat is null
            ? Add(JValueOf(start), JValueOf(end), start.Equals(end), label)
            : throw new InvalidOperationException("The config has a timeFormat: give times.");

    /// <summary>A region whose bounds are given as raw JSON (for negative cases, e.g. another time format).</summary>
    public ResultFixtures Raw(JToken start, JToken end, bool instant, string label) => Add(start, end, instant, label);

    public JArray Build() => (JArray)_result.DeepClone();

    private ResultFixtures Add(JToken start, JToken end, bool instant, string label)
    {
        _result.Add(new JObject
        {
            ["value"] = new JObject
            {
                ["start"] = start,
                ["end"] = end,
                ["instant"] = instant,
                ["timeserieslabels"] = new JArray(label),
            },
            ["id"] = $"{_idPrefix}{_result.Count + 1:D3}",
            ["from_name"] = _config.LabelsControlName,
            ["to_name"] = _config.TimeSeriesName,
            ["type"] = "timeserieslabels",
            ["origin"] = _origin,
        });
        return this;
    }

    private static JValue JValueOf(double value) =>
        value == Math.Floor(value) && Math.Abs(value) < 9e15 ? new JValue((long)value) : new JValue(value);
}
