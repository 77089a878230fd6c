using LabelPipeline.IO;
using LabelPipeline.TimeSeries;

namespace LabelPipeline.Predictions;

/// <summary>
/// Per-timestamp scores of every series, sorted per series by time (equal times in the order they were added) on disk
/// (<see cref="SeriesSpill{T}"/>), so a score file of millions of rows is never held: a sample is held as 32 bytes in
/// the buffer (4 more for its place in its series), written as 24.
/// </summary>
internal sealed class ScoreSpill : IDisposable
{
    private readonly bool _times;
    private readonly SeriesSpill<double> _spill;

    /// <param name="times">The series have a time axis (bounds are times), else a numeric one.</param>
    /// <param name="capacity">Samples held before a run is written to disk.</param>
    public ScoreSpill(bool times, int capacity)
    {
        _times = times;
        _spill = new SeriesSpill<double>("scores", capacity);
    }

    /// <summary>Runs written to disk so far (0: everything fitted in memory).</summary>
    public int RunsWritten => _spill.RunsWritten;

    /// <param name="series">The series' number, 0, 1, 2, ... in the order they first appear.</param>
    public void Add(int series, RangeBound time, double score) => _spill.Add(series, time.SortKey(), score);

    /// <summary>One series' samples in time order (a stable order: equal times as added).</summary>
    public IEnumerable<(RangeBound Time, double Score)> Series(int series) => _spill.Of(series).Select(s => (RangeBound.FromSortKey(s.Key, _times), s.Item));

    public void Dispose() => _spill.Dispose();
}
