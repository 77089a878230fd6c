using System.Text;
using LabelPipeline.TimeSeries;

namespace LabelPipeline.Export;

/// <summary>
/// The label file Amazon Lookout for Equipment and AWS IoT SiteWise anomaly detection read: two columns
/// <c>start,end</c>, no header, UTC <c>yyyy-MM-ddTHH:mm:ss.ffffff</c>, one row per anomalous range, sorted, with
/// overlapping and touching ranges merged (they read every file under the prefix, so the file stands alone).
/// </summary>
public static class LookoutLabels
{
    public const string FileName = "labels.csv";

    // Ranges held before they are folded into the merged list: bounds memory however many regions the export has.
    private const int Batch = 1 << 16;

    /// <summary>
    /// Anomalous ranges (any of <paramref name="anomalyLabels"/>), sorted and merged across all series. Streams: only the
    /// merged ranges and one batch of new ones are held (merging is a union of intervals, so batches fold into it).
    /// </summary>
    public static IReadOnlyList<(RangeBound Start, RangeBound End)> Merge(IEnumerable<LabeledRange> ranges, IReadOnlySet<string> anomalyLabels)
    {
        var merger = new Merger(anomalyLabels);
        foreach (var range in ranges)
        {
            merger.Add(range);
        }

        return merger.Result();
    }

    /// <summary><see cref="Merge"/> one range at a time, for a pass that also writes other files.</summary>
    public sealed class Merger(IReadOnlySet<string> anomalyLabels)
    {
        private readonly List<(RangeBound Start, RangeBound End)> _pending = [];
        private int _mergedCount; // _pending[.._mergedCount] is already sorted and merged

        public void Add(LabeledRange range)
        {
            if (!IsAnomaly(range.Labels, anomalyLabels))
            {
                return;
            }

            _pending.Add((range.Start, range.End));
            if (_pending.Count - _mergedCount >= Batch)
            {
                _mergedCount = SortAndMerge(_pending);
            }
        }

        public IReadOnlyList<(RangeBound Start, RangeBound End)> Result()
        {
            _mergedCount = SortAndMerge(_pending);
            return _pending;
        }
    }

    private static bool IsAnomaly(IReadOnlyList<string> labels, IReadOnlySet<string> anomalyLabels)
    {
        foreach (var label in labels)
        {
            if (anomalyLabels.Contains(label))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Sorts by start then end and merges overlapping and touching ranges, in place; returns the count left.</summary>
    private static int SortAndMerge(List<(RangeBound Start, RangeBound End)> ranges)
    {
        ranges.Sort(static (a, b) => a.Start.CompareTo(b.Start) is var c and not 0 ? c : a.End.CompareTo(b.End));
        var count = 0;
        for (var i = 0; i < ranges.Count; i++)
        {
            var range = ranges[i];
            if (count > 0 && range.Start <= ranges[count - 1].End)
            {
                if (range.End > ranges[count - 1].End)
                {
                    ranges[count - 1] = (ranges[count - 1].Start, range.End);
                }
            }
            else
            {
                ranges[count++] = range;
            }
        }

        ranges.RemoveRange(count, ranges.Count - count);
        return count;
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
