using System.Xml.Linq;
using LabelPipeline.Datasets;
using LabelPipeline.LabelConfig;
using LabelPipeline.Prepare;

namespace Editor.Tests.Support;

/// <summary>A labeling config made by the pipeline's own generator for some CSV files, with the schema it was made from.</summary>
public sealed record GeneratedConfig(SeriesSchema Schema, string Xml, IReadOnlyList<string> Labels)
{
    public TimeFormat? TimeFormat => Schema.TimeFormat;
}

/// <summary>Makes configs exactly as CreateProject does: DatasetInspector, then LabelConfigGenerator on templates/.</summary>
public static class Configs
{
    /// <summary>The pipeline's default <c>--labels</c>.</summary>
    public static readonly IReadOnlyList<string> DefaultLabels = ["Anomaly"];

    private static readonly Lazy<string> Template = new(() => File.ReadAllText(Repository.Template));

    /// <summary>Inspects the files as one dataset (they must share a header) and generates its config.</summary>
    public static GeneratedConfig Generate(IReadOnlyList<string> files, IReadOnlyList<string>? labels = null, string? timeColumn = null, string? timeFormat = null)
    {
        var dataset = new Dataset("editor-check", "v1", Path.GetDirectoryName(files[0])!, files);
        var inspection = DatasetInspector.Inspect(dataset, timeColumn, timeFormat);
        labels ??= DefaultLabels;
        return new GeneratedConfig(inspection.Schema, LabelConfigGenerator.Generate(Template.Value, inspection.Schema, labels), labels);
    }

    public static GeneratedConfig Generate(string file, IReadOnlyList<string>? labels = null, string? timeColumn = null, string? timeFormat = null) =>
        Generate([file], labels, timeColumn, timeFormat);

    /// <summary>
    /// Runs the files through Prepare as the pipeline does (into <paramref name="preparedDirectory"/>) and generates the
    /// config from the prepared schema, as CreateProject does: the editor then sees the task files Label Studio imports.
    /// </summary>
    public static (GeneratedConfig Config, PreparedDataset Prepared) Prepare(
        IReadOnlyList<string> files, string preparedDirectory, PrepareOptions? options = null, IReadOnlyList<string>? labels = null)
    {
        var dataset = new Dataset("editor-check", "v1", Path.GetDirectoryName(files[0])!, files);
        var prepared = DatasetPreparer.Run(dataset, options ?? new PrepareOptions(), preparedDirectory, CancellationToken.None);
        labels ??= DefaultLabels;
        return (new GeneratedConfig(prepared.TaskSchema, LabelConfigGenerator.Generate(Template.Value, prepared.TaskSchema, labels), labels), prepared);
    }

    /// <summary>A copy of a config with one change made to its XML (for the broken-config cases; no validation).</summary>
    public static string Mutate(string xml, Action<XElement> change)
    {
        var root = XElement.Parse(xml);
        change(root);
        return root.ToString(SaveOptions.None);
    }
}
