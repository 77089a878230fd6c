using Newtonsoft.Json.Linq;

namespace LabelPipeline.Quality;

/// <summary>The manifest's <c>agreement</c> block as the gates and the log read it.</summary>
public sealed record AgreementFigures(int Tasks, int Pairs, int PairsWithPositiveRows, double? MeanPointF1, IReadOnlyList<KeyValuePair<string, double?>> AlphaPerLabel);

/// <summary>One model version × anomaly label of the manifest's <c>detector</c> block.</summary>
public sealed record DetectorFigures(string ModelVersion, string Label, double? PointF1, double? RangeF1, double? EventRecall, int ExpertRanges, int PredictedRanges);

/// <summary>
/// The quality figures the gates judge and the log shows, exactly as the manifest keeps them (6 decimals). A built
/// snapshot takes them from its manifest blocks, an unchanged one reads them back from its manifest: both are judged
/// on the same numbers, so reusing a snapshot never changes a gate's verdict.
/// </summary>
public sealed record QualityFigures(AgreementFigures? Agreement, IReadOnlyList<DetectorFigures> Detector)
{
    public static QualityFigures Of(QualityReport report) =>
        Read(report.AgreementJson(), report.DetectorJson()) ?? throw new InvalidOperationException("The quality blocks miss a figure.");

    /// <summary>From the manifest's blocks (either may be absent); null when a block lacks a figure (a manifest written before they were kept).</summary>
    public static QualityFigures? Read(JToken? agreement, JToken? detector)
    {
        try
        {
            return new QualityFigures(
                agreement is null ? null : new AgreementFigures(
                    Int(agreement, "tasks"),
                    Int(agreement, "pairs"),
                    Int(agreement, "pairs") - Int(agreement, "pairs_without_positive_rows"),
                    Number(agreement, "mean_point_f1"),
                    Required<JObject>(agreement, "labels").Properties().Select(p => KeyValuePair.Create(p.Name, Number(p.Value, "krippendorff_alpha"))).ToList()),
                detector is null ? [] : Required<JArray>(detector, "model_versions").Select(d => new DetectorFigures(
                    Required<JValue>(d, "model_version").ToString(),
                    Required<JValue>(d, "label").ToString(),
                    Number(d, "point_f1"),
                    Number(d, "range_f1"),
                    Number(d, "event_recall"),
                    Int(d, "expert_ranges"),
                    Int(d, "predicted_ranges"))).ToList());
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private static T Required<T>(JToken block, string name)
        where T : JToken => block[name] as T ?? throw new FormatException($"no {name}");

    private static int Int(JToken block, string name) => Required<JValue>(block, name) is { Type: JTokenType.Integer } value ? (int)value : throw new FormatException($"no {name}");

    private static double? Number(JToken block, string name) => Required<JValue>(block, name) switch
    {
        { Type: JTokenType.Null } => null,
        { Type: JTokenType.Float or JTokenType.Integer } value => (double)value,
        _ => throw new FormatException($"no {name}"),
    };
}
