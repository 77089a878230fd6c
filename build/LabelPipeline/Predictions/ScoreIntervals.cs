using LabelPipeline.TimeSeries;

namespace LabelPipeline.Predictions;

/// <summary>How per-timestamp scores become intervals.</summary>
/// <param name="Threshold">A sample is flagged when its score is at least this.</param>
/// <param name="MinDuration">Intervals shorter than this (end − start) are dropped, after merging; zero keeps single samples as instants.</param>
/// <param name="MergeGap">Flagged runs whose gap (next start − previous end) is at most this are merged into one.</param>
public sealed record ScoreIntervalOptions(double Threshold, TimeSpan MinDuration, TimeSpan MergeGap)
{
    public static ScoreIntervalOptions Default { get; } = new(0.5, TimeSpan.Zero, TimeSpan.Zero);
}

/// <summary>A flagged interval of one series, with the highest score inside it.</summary>
public readonly record struct ScoredInterval(RangeBound Start, RangeBound End, double Score);

/// <summary>Threshold, merge, minimum duration: the usual way to turn an anomaly score into labeled ranges.</summary>
public static class ScoreIntervals
{
    /// <param name="samples">One series' samples; sorted by time here (stable, so equal times keep file order).</param>
    public static IReadOnlyList<ScoredInterval> Find(IEnumerable<(RangeBound Time, double Score)> samples, ScoreIntervalOptions options) =>
        FindInOrder(samples.OrderBy(s => s.Time), options);

    /// <param name="sorted">One series' samples in time order (equal times in file order), streamed: only the runs are held.</param>
    public static IReadOnlyList<ScoredInterval> FindInOrder(IEnumerable<(RangeBound Time, double Score)> sorted, ScoreIntervalOptions options)
    {
        var runs = new List<ScoredInterval>();
        ScoredInterval? open = null;
        foreach (var (time, score) in sorted)
        {
            if (score >= options.Threshold)
            {
                open = open is { } run ? new ScoredInterval(run.Start, time, Math.Max(run.Score, score)) : new ScoredInterval(time, time, score);
                continue;
            }

            if (open is { } closed)
            {
                runs.Add(closed);
                open = null;
            }
        }

        if (open is { } last)
        {
            runs.Add(last);
        }

        var merged = new List<ScoredInterval>();
        foreach (var run in runs)
        {
            if (merged.Count > 0 && run.Start <= merged[^1].End.Add(options.MergeGap))
            {
                var previous = merged[^1];
                merged[^1] = new ScoredInterval(previous.Start, run.End > previous.End ? run.End : previous.End, Math.Max(previous.Score, run.Score));
            }
            else
            {
                merged.Add(run);
            }
        }

        return merged.Where(r => r.Start.Add(options.MinDuration) <= r.End).ToList();
    }
}
