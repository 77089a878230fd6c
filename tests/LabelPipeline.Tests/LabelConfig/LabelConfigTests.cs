using System.Xml.Linq;
using LabelPipeline.Datasets;
using LabelPipeline.LabelConfig;
using LabelPipeline.Tests.Support;

namespace LabelPipeline.Tests.LabelConfig;

public sealed class LabelConfigTests
{
    private static readonly string Template = File.ReadAllText(Repository.Template);

    private static SeriesSchema Schema(params string[] channels) =>
        new(',', ["timestamp", .. channels], "timestamp", TimeFormat.Parse("%Y-%m-%d %H:%M:%S"), channels);

    [Fact]
    public void Generates_one_channel_per_column_and_one_label_per_label()
    {
        var xml = LabelConfigGenerator.Generate(Template, Schema("signal_00", "signal_01", "signal_02"), ["Anomaly", "Normal"]);
        var view = XElement.Parse(xml);
        var timeSeries = view.Element("TimeSeries")!;
        Assert.Equal("timestamp", timeSeries.Attribute("timeColumn")!.Value);
        Assert.Equal("%Y-%m-%d %H:%M:%S", timeSeries.Attribute("timeFormat")!.Value);
        Assert.Equal("%Y-%m-%d %H:%M:%S", timeSeries.Attribute("timeDisplayFormat")!.Value);
        Assert.Equal(",", timeSeries.Attribute("sep")!.Value);
        Assert.Equal(["signal_00", "signal_01", "signal_02"], timeSeries.Elements("Channel").Select(c => c.Attribute("column")!.Value));
        Assert.Equal(["#1f77b4", "#ff7f0e", "#2ca02c"], timeSeries.Elements("Channel").Select(c => c.Attribute("strokeColor")!.Value));
        Assert.Equal(["Anomaly", "Normal"], view.Descendants("Label").Select(l => l.Attribute("value")!.Value));
        Assert.DoesNotContain("{", xml);

        var info = LabelConfigValidator.Read(xml);
        Assert.Equal("csv", info.DataKey);
        Assert.Equal("label", info.LabelsControlName);
        Assert.Equal("ts", info.TimeSeriesName);
    }

    [Fact]
    public void Palette_cycles_every_ten_channels_like_the_walkthrough()
    {
        var channels = Enumerable.Range(0, 20).Select(i => $"signal_{i:00}").ToArray();
        var xml = LabelConfigGenerator.Generate(Template, Schema(channels), ["Anomaly"]);
        var colors = XElement.Parse(xml).Descendants("Channel").Select(c => c.Attribute("strokeColor")!.Value).ToArray();
        Assert.Equal("#7f7f7f", colors[17]);
        Assert.Equal("#bcbd22", colors[18]);
        Assert.Equal("#17becf", colors[19]);
    }

    [Fact]
    public void Names_with_markup_characters_are_escaped()
    {
        var xml = LabelConfigGenerator.Generate(Template, Schema("a<b", "c&d", "e\"f"), ["Anomaly & <Fault>"]);
        Assert.Contains("column=\"a&lt;b\"", xml);
        Assert.Contains("column=\"c&amp;d\"", xml);
        Assert.Contains("column=\"e&quot;f\"", xml);
        Assert.Equal(["a<b", "c&d", "e\"f"], XElement.Parse(xml).Descendants("Channel").Select(c => c.Attribute("column")!.Value));
        Assert.Equal("Anomaly & <Fault>", XElement.Parse(xml).Descendants("Label").Single().Attribute("value")!.Value);
    }

    [Fact]
    public void Numeric_axis_has_no_time_format()
    {
        var schema = new SeriesSchema(';', ["tick", "v"], "tick", null, ["v"]);
        var timeSeries = XElement.Parse(LabelConfigGenerator.Generate(Template, schema, ["Anomaly"])).Element("TimeSeries")!;
        Assert.Null(timeSeries.Attribute("timeFormat"));
        Assert.Null(timeSeries.Attribute("timeDisplayFormat"));
        Assert.Equal(";", timeSeries.Attribute("sep")!.Value);
    }

    [Theory]
    [InlineData("<Channel column=\"signal_99\"", "not a column of the data")]
    [InlineData("strokeColor=\"notacolor\"", "is not a colour")]
    [InlineData("toName=\"tsx\"", "no tag has that name")]
    [InlineData("<TimeSeriesLabels name=\"ts\"", "used by 2 tags")]
    [InlineData("timeFormat=\"%Y-%j\"", "%j")]
    [InlineData("<Label value=\"Anomaly\" background=\"#e53935\" /><Label value=\"Anomaly\"", "defined twice")]
    [InlineData("</TimeSeries>", "not valid XML")]
    public void Broken_configs_are_rejected(string mutation, string expected)
    {
        var good = LabelConfigGenerator.Generate(Template, Schema("signal_00"), ["Anomaly"]);
        var bad = Mutate(good, mutation);
        Assert.NotEqual(good, bad);
        var error = Assert.Throws<LabelConfigException>(() => LabelConfigValidator.Validate(bad, Schema("signal_00")));
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void A_named_valued_tag_before_the_time_series_is_rejected()
    {
        var good = LabelConfigGenerator.Generate(Template, Schema("signal_00"), ["Anomaly"]);
        var bad = good.Replace("<View>", "<View><Text name=\"info\" value=\"$meta\" />", StringComparison.Ordinal);
        var error = Assert.Throws<LabelConfigException>(() => LabelConfigValidator.Validate(bad));
        Assert.Contains("first named tag with a value", error.Message);
    }

    [Fact]
    public void No_labels_is_an_error()
    {
        var error = Assert.Throws<LabelConfigException>(() => LabelConfigGenerator.Generate(Template, Schema("v"), []));
        Assert.Contains("--labels", error.Message);
    }

    private static string Mutate(string xml, string mutation) => mutation switch
    {
        "<Channel column=\"signal_99\"" => xml.Replace("<Channel column=\"signal_00\"", mutation, StringComparison.Ordinal),
        "strokeColor=\"notacolor\"" => xml.Replace("strokeColor=\"#1f77b4\"", mutation, StringComparison.Ordinal),
        "toName=\"tsx\"" => xml.Replace("toName=\"ts\"", mutation, StringComparison.Ordinal),
        "<TimeSeriesLabels name=\"ts\"" => xml.Replace("<TimeSeriesLabels name=\"label\"", mutation, StringComparison.Ordinal),
        "timeFormat=\"%Y-%j\"" => xml.Replace("timeFormat=\"%Y-%m-%d %H:%M:%S\"", mutation, StringComparison.Ordinal),
        "</TimeSeries>" => xml.Replace("</TimeSeries>", string.Empty, StringComparison.Ordinal),
        _ => xml.Replace("<Label value=\"Anomaly\"", mutation, StringComparison.Ordinal),
    };
}
