using LabelPipeline.Datasets;
using LabelPipeline.Prepare;
using LabelPipeline.TimeSeries;

namespace LabelPipeline.Export;

/// <summary>
/// Maps regions drawn on Prepare's task files back to their source series (the prepare manifest says which source and
/// window each task file is), into the source's time base (UTC, or the wall clock of <c>--time-zone</c>), and merges a
/// region that continues across a window boundary into one: when it labels the last sample of its window and its
/// continuation labels the first sample of the next, or when the two meet in the windows' overlap. Only regions of the
/// same annotator, labels and origin are merged; instants only with the same instant in the overlap of the window before. "The last sample" is the last one a drag can reach:
/// LSF 1.4.0 turns a drag onto a task's very last point into a NaN end, so the second-to-last counts (and with
/// overlap, that point is in the next window anyway). Applied to the ranges before any output is
/// written, so the interval table, Lookout file and dense labels all see the source series.
/// </summary>
public static class WindowMapping
{
    public static List<LabeledRange> Apply(IReadOnlyList<LabeledRange> ranges, PreparedManifest manifest)
    {
        var format = manifest.Schema.TimeFormat is { } pattern ? TimeFormat.Parse(pattern) : null;
        // A source with offsets (%Z) has UTC instants as its time base (its wall-clock values were read in the zone).
        var zone = manifest.Schema.TimeZone == "UTC" || manifest.Schema.SourceTimeFormat?.Contains("%Z", StringComparison.Ordinal) == true
            ? null
            : TimeZoneInfo.FindSystemTimeZoneById(manifest.Schema.TimeZone);
        var mapped = new List<(LabeledRange Range, PreparedSource Source, int Window)>();
        var passThrough = new List<LabeledRange>();
        foreach (var range in ranges)
        {
            if (manifest.FindTask(range.SeriesFile) is not { } found)
            {
                passThrough.Add(range); // not a prepared file: the snapshot's series check names it
                continue;
            }

            mapped.Add((range with { SeriesFile = found.Source.File, Start = ToSource(range.Start, zone), End = ToSource(range.End, zone) }, found.Source, found.Index));
        }

        var result = new List<LabeledRange>(passThrough);
        foreach (var group in mapped.GroupBy(m => (m.Source.File, m.Range.Annotator, Labels: string.Join('\u001f', m.Range.Labels.Order(StringComparer.Ordinal)), m.Range.Origin)))
        {
            var source = group.First().Source;
            var open = new List<(LabeledRange Range, int Window)>();
            foreach (var (range, _, window) in group.OrderBy(m => m.Window).ThenBy(m => m.Range.Start).ThenBy(m => m.Range.End))
            {
                var merged = false;
                if (window > 0 && range.Instant)
                {
                    // The same instant on both sides of an overlap (a prediction in the overlap is on both windows) is one.
                    var twin = open.FindIndex(o => o.Window == window - 1 && o.Range.Instant && o.Range.Start == range.Start);
                    if (twin >= 0)
                    {
                        open[twin] = (Merge(open[twin].Range, range), window);
                        merged = true;
                    }
                }
                else if (window > 0)
                {
                    var lastOfPrevious = Bound(source.Tasks[window - 1].End, format, zone);
                    var reachOfPrevious = Bound(source.Tasks[window - 1].EndReachable ?? source.Tasks[window - 1].End, format, zone);
                    var firstOfThis = Bound(source.Tasks[window].Start, format, zone);
                    for (var i = 0; i < open.Count; i++)
                    {
                        var (before, beforeWindow) = open[i];
                        if (beforeWindow != window - 1 || before.Instant)
                        {
                            continue;
                        }

                        var acrossGap = before.End >= reachOfPrevious && range.Start <= firstOfThis;
                        var inOverlap = before.End >= range.Start && before.End >= firstOfThis && range.Start <= lastOfPrevious;
                        if (acrossGap || inOverlap)
                        {
                            open[i] = (Merge(before, range), window);
                            merged = true;
                            break;
                        }
                    }
                }

                if (!merged)
                {
                    open.Add((range, window));
                }
            }

            result.AddRange(open.Select(o => o.Range));
        }

        return result;
    }

    private static LabeledRange Merge(LabeledRange a, LabeledRange b) => a with
    {
        Start = a.Start <= b.Start ? a.Start : b.Start,
        End = a.End >= b.End ? a.End : b.End,
        StartRaw = a.Start <= b.Start ? a.StartRaw : b.StartRaw,
        EndRaw = a.End >= b.End ? a.EndRaw : b.EndRaw,
        RegionId = a.RegionId + "+" + b.RegionId,
        Instant = a.Instant && b.Instant && a.Start == b.Start,
        // A predicted region cut at a window boundary is reviewed piece by piece; the joined region is confirmed only
        // when every piece was, adjusted when any piece was changed (or some piece was drawn by hand).
        Review = a.Review == b.Review ? a.Review : a.Review is null ? b.Review : b.Review is null ? a.Review : ReviewOutcome.Adjusted,
        PredictionRegionId = a.PredictionRegionId is null || b.PredictionRegionId is null || a.PredictionRegionId == b.PredictionRegionId
            ? a.PredictionRegionId ?? b.PredictionRegionId
            : a.PredictionRegionId + "+" + b.PredictionRegionId,
        Choices = a.Choices.Concat(b.Choices).Distinct(StringComparer.Ordinal).ToArray(),
        Text = a.Text ?? b.Text,
    };

    internal static RangeBound Bound(string text, TimeFormat? format, TimeZoneInfo? zone)
    {
        if (format is null)
        {
            return RangeBound.At(double.Parse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture));
        }

        return format.TryParse(text, out var time)
            ? ToSource(RangeBound.At(time), zone)
            : throw new ExportException($"{PreparedManifest.FileName}: time '{text}' does not match '{format.Pattern}'; prepare the dataset again.");
    }

    /// <summary>A UTC instant as the source wrote it: the wall clock of the source's zone (read as UTC, like every source time).</summary>
    internal static RangeBound ToSource(RangeBound bound, TimeZoneInfo? zone) => zone is null || bound.Time is not { } t
        ? bound
        : RangeBound.At(new DateTimeOffset(DateTime.SpecifyKind(TimeZoneInfo.ConvertTimeFromUtc(t.UtcDateTime, zone), DateTimeKind.Utc)));
}
