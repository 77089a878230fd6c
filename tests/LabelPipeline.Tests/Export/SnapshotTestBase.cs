using LabelPipeline.Datasets;
using LabelPipeline.Export;
using LabelPipeline.LabelConfig;
using Newtonsoft.Json.Linq;

namespace LabelPipeline.Tests.Export;

/// <summary>
/// What the snapshot tests share: a scratch dataset <c>ds/v1</c> of the given series, its schema and generated config
/// (labels Anomaly and Normal), the snapshot options for it, and the export JSON of an annotation.
/// </summary>
public abstract class SnapshotTestBase : IDisposable
{
    protected SnapshotTestBase(params (string File, string Content)[] series)
    {
        foreach (var (file, content) in series)
        {
            Temp.Write($"ds/v1/{file}", content);
        }

        Dataset = Dataset.Open("ds", "v1", Path.Combine(Temp.Path, "ds", "v1"));
        Schema = DatasetInspector.Inspect(Dataset).Schema;
        Config = LabelConfigGenerator.Generate(File.ReadAllText(Repository.Template), Schema, ["Anomaly", "Normal"]);
    }

    protected TempDirectory Temp { get; } = new();

    protected Dataset Dataset { get; }

    protected SeriesSchema Schema { get; }

    protected string Config { get; }

    public void Dispose()
    {
        Temp.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>Snapshot options for the dataset, as ConvertExport builds them: anomaly label Anomaly, every annotation.</summary>
    protected SnapshotOptions Options(string? config = null, string? modelVersion = null) => new()
    {
        Dataset = Dataset,
        Schema = Schema,
        LabelConfig = config ?? Config,
        AnomalyLabels = new HashSet<string> { "Anomaly" },
        PredictionModelVersion = modelVersion,
        Source = new SnapshotSource("export-file", null, null, null, null),
    };

    /// <summary>An annotation as Label Studio exports it, by user 1, not cancelled, not ground truth.</summary>
    protected static JObject Annotation(int id, string updated, params JObject[] results) => new()
    {
        ["id"] = id, ["completed_by"] = 1, ["result"] = new JArray(results), ["was_cancelled"] = false, ["ground_truth"] = false,
        ["created_at"] = updated, ["updated_at"] = updated,
    };
}
