using System.Globalization;
using LabelPipeline.Datasets;
using LabelPipeline.Prepare;
using LabelPipeline.TimeSeries;

namespace LabelPipeline.Predictions;

/// <summary>One task file showing part of a source series: its first and last time as written in the task file (UTC, or the numeric axis).</summary>
public sealed record TaskWindow(string TaskFile, RangeBound Start, RangeBound End);

/// <summary>A region's piece on one task, in task terms (UTC).</summary>
public readonly record struct TaskRegion(string TaskFile, RangeBound Start, RangeBound End);

/// <summary>
/// A source series predictions are written for: its extent (what input times are checked against) and the task files
/// Prepare made from it. Model output speaks of the source; annotators see windows, so each region is cut to the windows.
/// </summary>
/// <param name="Windows">The window tasks in time order (one, when the series was not split).</param>
/// <param name="Overview">The overview task (--overview), if the source has one: it shows the whole series, so it gets every region whole.</param>
public sealed record PredictionTarget(string SourceFile, SeriesExtent Extent, IReadOnlyList<TaskWindow> Windows, string? Overview = null)
{
    /// <summary>
    /// The task regions a source region becomes: one piece on every window whose time range it overlaps, clipped to that
    /// window (so a region in an overlap is on both windows, and a region across a boundary is two pieces that the
    /// snapshot's window mapping joins again); the whole region on the overview. A region that covers no sample — it lies
    /// between the last time of one window and the first of the next — goes, unclipped, to the window before the gap.
    /// </summary>
    public IReadOnlyList<TaskRegion> Split(RangeBound start, RangeBound end)
    {
        var pieces = new List<TaskRegion>();
        foreach (var window in Windows)
        {
            if (start <= window.End && end >= window.Start)
            {
                pieces.Add(new TaskRegion(window.TaskFile, start >= window.Start ? start : window.Start, end <= window.End ? end : window.End));
            }
        }

        if (pieces.Count == 0 && Windows.Count > 0)
        {
            var before = Windows.LastOrDefault(w => w.End < start) ?? Windows[0];
            pieces.Add(new TaskRegion(before.TaskFile, start, end));
        }

        if (Overview is not null)
        {
            pieces.Add(new TaskRegion(Overview, start, end));
        }

        return pieces;
    }
}

/// <summary>Where predictions go: Prepare's manifest read as targets per source file.</summary>
public static class PredictionTargets
{
    /// <summary>Every source of the manifest with its windows and overview, by source file name.</summary>
    public static IReadOnlyDictionary<string, PredictionTarget> FromManifest(PreparedManifest manifest)
    {
        var format = manifest.Schema.TimeFormat is { } pattern ? TimeFormat.Parse(pattern) : null;
        RangeBound Bound(string text) => format is null
            ? RangeBound.At(double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture))
            : format.TryParse(text, out var time)
                ? RangeBound.At(time)
                : throw new PredictionException($"{PreparedManifest.FileName}: time '{text}' does not match '{format.Pattern}'; run Prepare again.");

        var targets = new Dictionary<string, PredictionTarget>(StringComparer.Ordinal);
        foreach (var source in manifest.Sources.Where(s => s.Tasks.Count > 0))
        {
            var windows = source.Tasks.Select(t => new TaskWindow(t.File, Bound(t.Start), Bound(t.End))).ToList();
            targets[source.File] = new PredictionTarget(source.File, new SeriesExtent(windows[0].Start, windows[^1].End), windows, source.Overview?.File);
        }

        return targets;
    }

    /// <summary>Series that are their own single task (no Prepare, e.g. a file given to the editor as it is).</summary>
    public static IReadOnlyDictionary<string, PredictionTarget> Unsplit(IReadOnlyDictionary<string, SeriesExtent> extents) =>
        extents.ToDictionary(e => e.Key, e => new PredictionTarget(e.Key, e.Value, [new TaskWindow(e.Key, e.Value.First, e.Value.Last)]), StringComparer.Ordinal);

    /// <summary>The zone Prepare read the source's wall-clock times in; null when they were UTC or absolute (epoch, offset).</summary>
    public static TimeZoneInfo? Zone(PreparedManifest manifest) =>
        manifest.Schema.TimeZone == "UTC" ? null : TimeZoneInfo.FindSystemTimeZoneById(manifest.Schema.TimeZone);
}
