using System.Text;

namespace LabelPipeline.Export;

/// <summary>
/// The label file Amazon Lookout for Equipment and AWS IoT SiteWise anomaly detection read: two columns
/// <c>start,end</c>, no header, UTC <c>yyyy-MM-ddTHH:mm:ss.ffffff</c>, one row per anomalous range, sorted, with
/// overlapping and touching ranges merged (they read every file under the prefix, so the file stands alone).
/// </summary>
public static class LookoutLabels
{
    public const string FileName = "labels.csv";

    /// <summary>Anomalous ranges (any of <paramref name="anomalyLabels"/>), sorted and merged across all series.</summary>
    public static IReadOnlyList<(RangeBound Start, RangeBound End)> Merge(IEnumerable<LabeledRange> ranges, IReadOnlySet<string> anomalyLabels)
    {
        var merged = new List<(RangeBound Start, RangeBound End)>();
        foreach (var range in ranges.Where(r => r.Labels.Any(anomalyLabels.Contains)).OrderBy(r => r.Start).ThenBy(r => r.End))
        {
            if (merged.Count > 0 && range.Start <= merged[^1].End)
            {
                if (range.End > merged[^1].End)
                {
                    merged[^1] = (merged[^1].Start, range.End);
                }
            }
            else
            {
                merged.Add((range.Start, range.End));
            }
        }

        return merged;
    }

    public static string Render(IReadOnlyList<(RangeBound Start, RangeBound End)> ranges)
    {
        var text = new StringBuilder();
        foreach (var (start, end) in ranges)
        {
            text.Append(start.ToText()).Append(',').Append(end.ToText()).Append('\n');
        }

        return text.ToString();
    }
}
