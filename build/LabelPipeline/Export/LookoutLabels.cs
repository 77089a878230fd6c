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
        // Ranges of two instants (the usual case) are kept as UTC ticks: sorting and merging plain numbers costs a
        // fraction of comparing RangeBound pairs through a delegate, and orders them the same way (instants compare by
        // their UTC time). Any other range goes to the general list; when both have some, they are merged together.
        private readonly List<(long Start, long End)> _instants = [];
        private readonly List<(RangeBound Start, RangeBound End)> _others = [];
        private int _mergedInstants, _mergedOthers; // each list's head up to here is already sorted and merged

        public void Add(LabeledRange range)
        {
            if (!IsAnomaly(range.Labels, anomalyLabels))
            {
                return;
            }

            if (range.Start.Time is { } start && range.End.Time is { } end)
            {
                _instants.Add((start.UtcTicks, end.UtcTicks));
                if (_instants.Count - _mergedInstants >= Batch)
                {
                    _mergedInstants = SortAndMerge(_instants);
                }
            }
            else
            {
                _others.Add((range.Start, range.End));
                if (_others.Count - _mergedOthers >= Batch)
                {
                    _mergedOthers = SortAndMerge(_others);
                }
            }
        }

        public IReadOnlyList<(RangeBound Start, RangeBound End)> Result()
        {
            if (_others.Count == 0)
            {
                SortAndMerge(_instants);
                return _instants.ConvertAll(r => (Instant(r.Start), Instant(r.End)));
            }

            _others.AddRange(_instants.Select(r => (Instant(r.Start), Instant(r.End))));
            _instants.Clear();
            _mergedOthers = SortAndMerge(_others);
            return _others;
        }

        private static RangeBound Instant(long utcTicks) => RangeBound.At(new DateTimeOffset(utcTicks, TimeSpan.Zero));
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
    private static int SortAndMerge<T>(List<(T Start, T End)> ranges)
        where T : IComparable<T>
    {
        // ValueTuple's comparer: by start, then by end.
        System.Runtime.InteropServices.CollectionsMarshal.AsSpan(ranges).Sort();
        var count = 0;
        for (var i = 0; i < ranges.Count; i++)
        {
            var range = ranges[i];
            if (count > 0 && range.Start.CompareTo(ranges[count - 1].End) <= 0)
            {
                if (range.End.CompareTo(ranges[count - 1].End) > 0)
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
