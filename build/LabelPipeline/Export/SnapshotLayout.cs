namespace LabelPipeline.Export;

/// <summary>The files of a snapshot, relative to <c>&lt;output&gt;/&lt;dataset&gt;/&lt;version&gt;/</c>.</summary>
public static class SnapshotLayout
{
    public const string LookoutLabels = "lookout/labels.csv";
    public const string IntervalsCsv = "intervals.csv";
    public const string IntervalsJsonl = "intervals.jsonl";
    public const string DenseFolder = "dense";
    public const string Manifest = "manifest.json";

    /// <summary>Each predicted region and what the annotators made of it (only when tasks had predictions).</summary>
    public const string PredictionReview = "predictions/review.csv";

    /// <summary>The Label Studio export the snapshot was built from, kept so it can be rebuilt without a server.</summary>
    public const string Export = "source/export.json";

    /// <summary>The labeling config the annotations were made with.</summary>
    public const string LabelConfig = "source/label-config.xml";
}
