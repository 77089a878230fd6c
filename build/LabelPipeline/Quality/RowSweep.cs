using LabelPipeline.Export;
using LabelPipeline.TimeSeries;

namespace LabelPipeline.Quality;

/// <summary>
/// A time interval (both ends inclusive) belonging to one track: an annotator's regions, a model version's, a task's
/// extent. Bounds are held as order-preserving 64-bit keys (<see cref="Key"/>): a snapshot holds every multiply-labeled
/// and predicted interval of the export until its series is written, and a key is a fifth of a <see cref="RangeBound"/>.
/// </summary>
public readonly record struct TrackInterval(int Track, long Start, long End)
{
    /// <summary>An interval with its bounds as <see cref="RangeBound.SortKey"/>s (they order as the bounds do).</summary>
    public TrackInterval(int track, RangeBound start, RangeBound end)
        : this(track, start.SortKey(), end.SortKey())
    {
    }
}

/// <summary>
/// Turns time intervals into row runs while a series' rows stream past (fed row by row from the dense labels' pass, so
/// the source is read once): a row at time t is in a track when some interval of the track has start ≤ t ≤ end, exactly
/// as the dense files count it. Per track it keeps only the furthest end of the intervals started so far (the track
/// holds t exactly when that end is ≥ t), so a row costs the tracks that change or are open, not the intervals open at
/// once. Intervals streamed (not a collection; e.g. from <see cref="IO.SeriesSpill{T}"/>) must come in start order and are
/// read as the rows reach them; a collection is sorted here. Memory is the tracks and the runs, never the rows or the
/// intervals. A time that steps back (a source Prepare sorted) restarts the sweep from the first interval, as the dense
/// labels do. Also remembers the time of the rows at and next to every run boundary, so runs derived from these
/// (differences, unions) can be drawn on the time axis.
/// </summary>
public sealed class RowSweep : IDisposable
{
    private readonly IEnumerable<TrackInterval> _source;
    private readonly long[] _reach;
    private readonly bool[] _started;
    private readonly long[] _openedAt;
    private readonly long[] _seenAt;
    private readonly List<RowRun>[] _runs;
    private readonly List<int> _candidates = [];
    private readonly List<int> _open = [];
    private readonly Dictionary<long, RangeBound> _times = [];
    private IEnumerator<TrackInterval>? _intervals;
    private TrackInterval? _next;
    private long _row = -1;
    private RangeBound? _previous;
    private long _previousKey;

    public RowSweep(IEnumerable<TrackInterval> intervals, int tracks)
    {
        _source = intervals is IReadOnlyCollection<TrackInterval> held ? held.OrderBy(i => i.Start).ToArray() : intervals;
        _reach = new long[tracks];
        _started = new bool[tracks];
        _openedAt = Enumerable.Repeat(-1L, tracks).ToArray();
        _seenAt = Enumerable.Repeat(-1L, tracks).ToArray();
        _runs = Enumerable.Range(0, tracks).Select(_ => new List<RowRun>()).ToArray();
        Restart();
    }

    /// <summary>Rows seen so far.</summary>
    public long Rows => _row + 1;

    /// <summary>The next row's time.</summary>
    public void Observe(RangeBound time)
    {
        var key = time.SortKey();
        _row++;
        _candidates.Clear();
        if (_previous is not null && key < _previousKey)
        {
            Restart();
        }

        // The open tracks may close; a track an interval starts in may open.
        foreach (var track in _open)
        {
            Candidate(track);
        }

        while (_next is { } interval && interval.Start <= key)
        {
            if (!_started[interval.Track] || interval.End > _reach[interval.Track])
            {
                _reach[interval.Track] = interval.End;
                _started[interval.Track] = true;
            }

            Candidate(interval.Track);
            Advance();
        }

        _open.Clear();
        foreach (var track in _candidates)
        {
            var inside = _started[track] && _reach[track] >= key;
            if (inside)
            {
                _open.Add(track);
            }

            if (inside && _openedAt[track] < 0)
            {
                _openedAt[track] = _row;
                Remember(time);
            }
            else if (!inside && _openedAt[track] >= 0)
            {
                _runs[track].Add(new RowRun(_openedAt[track], _row - 1));
                _openedAt[track] = -1;
                Remember(time);
            }
        }

        _previous = time;
        _previousKey = key;
    }

    /// <summary>Each track's rows, normalized; call once, after the last row.</summary>
    public IReadOnlyList<RowRun>[] Finish()
    {
        for (var track = 0; track < _runs.Length; track++)
        {
            if (_openedAt[track] >= 0)
            {
                _runs[track].Add(new RowRun(_openedAt[track], _row));
                _openedAt[track] = -1;
            }
        }

        if (_previous is { } last)
        {
            _times[_row] = last;
        }

        Dispose();
        return _runs.Select(r => RowRuns.Normalize(r)).ToArray();
    }

    /// <summary>The time of a row at or next to a run boundary (the first and last row of every run, and their neighbours).</summary>
    public RangeBound? TimeOf(long row) => _times.TryGetValue(row, out var time) ? time : null;

    public void Dispose()
    {
        _intervals?.Dispose();
        _intervals = null;
        _next = null;
    }

    private void Candidate(int track)
    {
        if (_seenAt[track] != _row)
        {
            _seenAt[track] = _row;
            _candidates.Add(track);
        }
    }

    /// <summary>From the first interval again, every track's reach forgotten (the open tracks stay candidates for this row, to close).</summary>
    private void Restart()
    {
        _intervals?.Dispose();
        _intervals = _source.GetEnumerator();
        _next = null;
        Advance();
        Array.Clear(_started);
    }

    private void Advance()
    {
        var previous = _next;
        _next = _intervals!.MoveNext() ? _intervals.Current : null;
        if (previous is { } p && _next is { } n && n.Start < p.Start)
        {
            throw new InvalidOperationException($"Intervals stream out of start order (track {n.Track} starts at {n.Start}, before {p.Start}): a stream must be sorted by start.");
        }
    }

    private void Remember(RangeBound time)
    {
        _times[_row] = time;
        if (_previous is { } p)
        {
            _times.TryAdd(_row - 1, p);
        }
    }
}
