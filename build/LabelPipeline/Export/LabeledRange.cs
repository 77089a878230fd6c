using LabelPipeline.TimeSeries;

namespace LabelPipeline.Export;

/// <summary>
/// One labeled region of one annotation: the snapshot's canonical row, from which every output is written.
/// Bounds are UTC instants when the series has dates, else numbers of the time axis; both ends are inclusive.
/// </summary>
public sealed record LabeledRange
{
    public required int TaskId { get; init; }

    /// <summary>The task's CSV file name (the last segment of its storage URL).</summary>
    public required string SeriesFile { get; init; }

    public required string RegionId { get; init; }
    public required RangeBound Start { get; init; }
    public required RangeBound End { get; init; }

    /// <summary>The bounds exactly as Label Studio stored them.</summary>
    public required string StartRaw { get; init; }

    public required string EndRaw { get; init; }

    /// <summary>A point region (start equals end).</summary>
    public required bool Instant { get; init; }

    public required IReadOnlyList<string> Labels { get; init; }

    /// <summary>Per-region classification (Choices with perRegion), if the config has one.</summary>
    public IReadOnlyList<string> Choices { get; init; } = [];

    /// <summary>Per-region text (TextArea with perRegion), if the config has one.</summary>
    public string? Text { get; init; }

    public required int AnnotationId { get; init; }
    public string? Annotator { get; init; }
    public string? CreatedAt { get; init; }
    public string? UpdatedAt { get; init; }

    /// <summary><c>manual</c>, <c>prediction</c> or <c>prediction-changed</c>, as the editor marks results.</summary>
    public string Origin { get; init; } = "manual";

    public bool GroundTruth { get; init; }

    /// <summary>On a task with predictions: confirmed, adjusted or added (<see cref="ReviewOutcome"/>); null otherwise.</summary>
    public string? Review { get; init; }

    /// <summary>The predicted region this region was matched to (confirmed or adjusted).</summary>
    public string? PredictionRegionId { get; init; }

    /// <summary>The model version the region was compared with.</summary>
    public string? ModelVersion { get; init; }

    /// <summary>A predicted region's score (set on predicted regions only).</summary>
    public double? Score { get; init; }
}
