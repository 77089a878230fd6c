using System.Diagnostics.CodeAnalysis;
using LabelPipeline.Datasets;

namespace LabelPipeline.Export;

/// <summary>
/// What the run decides about a snapshot before any export is read: the dataset and its schema, Prepare's manifest and
/// the rules (anomaly labels, annotation selection, instant width, the prediction version). Export, ConvertExport and
/// Verify add the export's own inputs (<see cref="SnapshotOptions"/>) when they have them.
/// </summary>
public record SnapshotRules
{
    public required Dataset Dataset { get; init; }
    public required SeriesSchema Schema { get; init; }
    public required IReadOnlySet<string> AnomalyLabels { get; init; }
    public AnnotationSelection Annotations { get; init; } = AnnotationSelection.All;

    /// <summary>Instant regions in the Lookout file: widened to this span around the point; null drops them.</summary>
    public TimeSpan? InstantWidth { get; init; } = TimeSpan.Zero;

    /// <summary>The prediction model version annotations are compared with; null: each task's newest prediction's version.</summary>
    public string? PredictionModelVersion { get; init; }

    /// <summary>Prepare's manifest when the tasks are prepared files: regions are mapped back to the source series (<see cref="WindowMapping"/>).</summary>
    public Prepare.PreparedManifest? Prepared { get; init; }
}

/// <summary>Everything a snapshot is built from besides the export file: the rules, and the labeling config and provenance of that export.</summary>
public sealed record SnapshotOptions : SnapshotRules
{
    public SnapshotOptions()
    {
    }

    [SetsRequiredMembers]
    public SnapshotOptions(SnapshotRules rules, string labelConfig, SnapshotSource source)
        : base(rules)
    {
        LabelConfig = labelConfig;
        Source = source;
    }

    public required string LabelConfig { get; init; }

    /// <summary>Write quality/agreement.csv and quality/detector.csv when there is something to score (off only to measure their cost).</summary>
    public bool Quality { get; init; } = true;

    /// <summary>Where the annotations came from, recorded in the manifest (not part of the reproducible content).</summary>
    public required SnapshotSource Source { get; init; }

    /// <summary>Told what the build is doing (reading the export, writing which file), often: progress for the log (<see cref="SnapshotProgress"/>).</summary>
    public Action<string>? Progress { get; init; }
}

/// <summary>The provenance of an export.</summary>
/// <param name="Kind"><c>label-studio</c> for a live server, <c>export-file</c> for an offline conversion.</param>
public sealed record SnapshotSource(string Kind, string? LabelStudioVersion, int? ProjectId, int? ExportId, string? ExportMethod);
