using LabelPipeline.Datasets;

namespace LabelPipeline.LabelConfig;

/// <summary>What the export needs to read annotations back: read from the project's config, not assumed.</summary>
/// <param name="TimeSeriesName">The TimeSeries tag's name (annotations' <c>to_name</c>).</param>
/// <param name="DataKey">The task data key holding the CSV URL (the TimeSeries <c>value</c> without <c>$</c>).</param>
/// <param name="LabelsControlName">The TimeSeriesLabels tag's name (annotations' <c>from_name</c>).</param>
/// <param name="TimeFormat">The TimeSeries <c>timeFormat</c>; null when region bounds are plain numbers.</param>
/// <param name="Labels">The label values the annotators can choose.</param>
/// <param name="Channels">The Channel columns.</param>
public sealed record LabelConfigInfo(
    string TimeSeriesName,
    string DataKey,
    string LabelsControlName,
    TimeFormat? TimeFormat,
    IReadOnlyList<string> Labels,
    IReadOnlyList<string> Channels);
