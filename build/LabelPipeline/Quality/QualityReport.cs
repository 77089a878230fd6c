using System.Globalization;
using System.Text;
using LabelPipeline.Export;
using LabelPipeline.TimeSeries;
using Newtonsoft.Json.Linq;

namespace LabelPipeline.Quality;

/// <summary>One row of quality/agreement.csv: two annotators of one task on one anomaly label.</summary>
public sealed record AgreementRow(int TaskId, string Series, string Label, string AnnotatorA, string AnnotatorB, PairScores Scores);

/// <summary>One row of quality/detector.csv: one model version against the expert labels, for one anomaly label.</summary>
public sealed record DetectorRow(string ModelVersion, string Label, DetectorTally Scores);

/// <summary>A time range drawn over a series in the report: a model version's predicted rows, or rows annotators disagree on.</summary>
public sealed record OverlayRange(string Name, RangeBound Start, RangeBound End);

public sealed record SeriesOverlay(IReadOnlyList<OverlayRange> Predicted, IReadOnlyList<OverlayRange> Disagreement);

/// <summary>The quality of a snapshot's labels: annotator agreement and the detectors judged against the labels.</summary>
public sealed record QualityReport(
    int MultiplyLabeledTasks,
    IReadOnlyList<AgreementRow> Agreement,
    IReadOnlyDictionary<string, double?> AlphaPerLabel,
    IReadOnlyList<DetectorRow> Detector,
    IReadOnlyDictionary<string, SeriesOverlay> Overlays)
{
    public const string AgreementFile = "quality/agreement.csv";
    public const string DetectorFile = "quality/detector.csv";

    /// <summary>The mean point F1 over all pairs where it is defined (pairs where neither marked a row are left out); null without any.</summary>
    public double? MeanPointF1 => Mean(Agreement.Select(r => r.Scores.PointF1));

    public static string RenderAgreementCsv(IEnumerable<AgreementRow> rows)
    {
        var text = new StringBuilder("task,series,label,annotator_a,annotator_b,rows,point_f1,cohen_kappa,overlap_iou\n");
        foreach (var r in rows)
        {
            Line(text, Invariant(r.TaskId), r.Series, r.Label, r.AnnotatorA, r.AnnotatorB, Invariant(r.Scores.Rows),
                Number(r.Scores.PointF1), Number(r.Scores.CohenKappa), Number(r.Scores.OverlapIou));
        }

        return text.ToString();
    }

    public static string RenderDetectorCsv(IEnumerable<DetectorRow> rows)
    {
        var text = new StringBuilder(
            "model_version,label,rows,point_precision,point_recall,point_f1,range_precision,range_recall,range_f1,event_recall,expert_ranges,predicted_ranges\n");
        foreach (var r in rows)
        {
            var s = r.Scores;
            Line(text, r.ModelVersion, r.Label, Invariant(s.Rows), Number(s.PointPrecision), Number(s.PointRecall), Number(s.PointF1),
                Number(s.RangePrecision), Number(s.RangeRecall), Number(s.RangeF1), Number(s.EventRecall), Invariant(s.ExpertRanges), Invariant(s.PredictedRanges));
        }

        return text.ToString();
    }

    /// <summary>The manifest's <c>agreement</c> block (null without a task two annotators labeled).</summary>
    public JObject? AgreementJson() => MultiplyLabeledTasks == 0 ? null : new JObject
    {
        ["tasks"] = MultiplyLabeledTasks,
        ["pairs"] = Agreement.Count,
        ["pairs_without_positive_rows"] = Agreement.Count(r => r.Scores.PointF1 is null),
        ["mean_point_f1"] = Json(MeanPointF1),
        ["rule"] = "every non-cancelled annotation (before --annotations); rows of the task's source span, a row positive when a region covers it (ends inclusive); "
            + "mean point F1 over pairs where either annotator marked a row; Krippendorff's alpha (nominal) over all rows of all multiply-labeled tasks",
        ["labels"] = new JObject(AlphaPerLabel.Select(a => new JProperty(a.Key, new JObject
        {
            ["pairs"] = Agreement.Count(r => r.Label == a.Key),
            ["mean_point_f1"] = Json(Mean(Agreement.Where(r => r.Label == a.Key).Select(r => r.Scores.PointF1))),
            ["krippendorff_alpha"] = Json(a.Value),
        }))),
    };

    /// <summary>The manifest's <c>detector</c> block (null without predictions).</summary>
    public JObject? DetectorJson() => Detector.Count == 0 ? null : new JObject
    {
        ["rule"] = "ground truth: the snapshot's labels (after --annotations) on the rows of tasks with an annotation; "
            + "ranges: maximal runs of positive rows; range scores after Tatbul et al. 2018 (alpha 0, flat bias, cardinality 1)",
        ["model_versions"] = new JArray(Detector.Select(d => new JObject
        {
            ["model_version"] = d.ModelVersion,
            ["label"] = d.Label,
            ["point_f1"] = Json(d.Scores.PointF1),
            ["range_f1"] = Json(d.Scores.RangeF1),
            ["event_recall"] = Json(d.Scores.EventRecall),
            ["expert_ranges"] = d.Scores.ExpertRanges,
            ["predicted_ranges"] = d.Scores.PredictedRanges,
        })),
    };

    /// <summary>Numbers in the files: at most 6 decimals, invariant, never NaN or −0; undefined is an empty cell.</summary>
    public static string Number(double? value)
    {
        if (value is not { } v)
        {
            return string.Empty;
        }

        var rounded = Math.Round(v, 6, MidpointRounding.AwayFromZero);
        return (rounded == 0 ? 0 : rounded).ToString("0.######", CultureInfo.InvariantCulture);
    }

    private static JToken Json(double? value) => value is null ? JValue.CreateNull() : new JValue(double.Parse(Number(value), CultureInfo.InvariantCulture));

    private static double? Mean(IEnumerable<double?> values)
    {
        var defined = values.OfType<double>().ToList();
        return defined.Count == 0 ? null : defined.Average();
    }

    private static string Invariant(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static void Line(StringBuilder text, params string[] fields) =>
        text.Append(string.Join(',', fields.Select(f => f.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? "\"" + f.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : f))).Append('\n');
}

/// <summary>Writes the quality files of a snapshot.</summary>
public static class QualityFiles
{
    public static void Write(string directory, QualityReport? report)
    {
        if (report is null)
        {
            return;
        }

        if (report.MultiplyLabeledTasks > 0)
        {
            WriteText(Path.Combine(directory, QualityReport.AgreementFile), QualityReport.RenderAgreementCsv(report.Agreement));
        }

        if (report.Detector.Count > 0)
        {
            WriteText(Path.Combine(directory, QualityReport.DetectorFile), QualityReport.RenderDetectorCsv(report.Detector));
        }
    }

    private static void WriteText(string path, string text)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text, new UTF8Encoding(false));
    }
}
