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
    public TrackInterval(int track, RangeBound start, RangeBound end)
        : this(track, Key(start), Key(end))
    {
    }

    /// <summary>
    /// Orders like <see cref="RangeBound.CompareTo"/> within one series (all times, or all numbers): UTC ticks, or the
    /// double's bits with negative numbers flipped so they order as signed integers.
    /// </summary>
    public static long Key(RangeBound bound)
    {
        if (bound.Time is { } time)
        {
            return time.UtcTicks;
        }

        var value = bound.Number ?? double.NaN;
        var bits = BitConverter.DoubleToInt64Bits(value == 0 ? 0.0 : value); // -0 and +0 are one value
        return bits < 0 ? bits ^ long.MaxValue : bits;
    }
}

/// <summary>
/// Turns time intervals into row runs while a series' rows stream past (fed row by row from the dense labels' pass, so
/// the source is read once): a row at time t is in a track when some interval of the track has start ≤ t ≤ end, exactly
/// as the dense files count it. Memory is the intervals and the runs, never the rows. A time that steps back (a source
/// Prepare sorted) restarts the sweep, as the dense labels do. Also remembers the time of the rows at and next to every
/// run boundary, so runs derived from these (differences, unions) can be drawn on the time axis.
/// </summary>
public sealed class RowSweep
{
    private readonly TrackInterval[] _byStart;
    private readonly int[] _count;
    private readonly long[] _openedAt;
    private readonly List<RowRun>[] _runs;
    private readonly List<int> _active = [];
    private readonly List<int> _changed = [];
    private readonly Dictionary<long, RangeBound> _times = [];
    private int _next;
    private long _row = -1;
    private RangeBound? _previous;
    private long _previousKey;

    public RowSweep(IEnumerable<TrackInterval> intervals, int tracks)
    {
        _byStart = intervals.OrderBy(i => i.Start).ToArray();
        _count = new int[tracks];
        _openedAt = Enumerable.Repeat(-1L, tracks).ToArray();
        _runs = Enumerable.Range(0, tracks).Select(_ => new List<RowRun>()).ToArray();
    }

    /// <summary>Rows seen so far.</summary>
    public long Rows => _row + 1;

    /// <summary>The next row's time.</summary>
    public void Observe(RangeBound time)
    {
        var key = TrackInterval.Key(time);
        _row++;
        _changed.Clear();
        if (_previous is not null && key < _previousKey)
        {
            foreach (var i in _active)
            {
                _count[_byStart[i].Track]--;
                _changed.Add(_byStart[i].Track);
            }

            _active.Clear();
            _next = 0;
        }

        while (_next < _byStart.Length && _byStart[_next].Start <= key)
        {
            _active.Add(_next);
            _count[_byStart[_next].Track]++;
            _changed.Add(_byStart[_next++].Track);
        }

        for (var i = _active.Count - 1; i >= 0; i--)
        {
            if (_byStart[_active[i]].End < key)
            {
                var track = _byStart[_active[i]].Track;
                _count[track]--;
                _changed.Add(track);
                _active[i] = _active[^1];
                _active.RemoveAt(_active.Count - 1);
            }
        }

        foreach (var track in _changed)
        {
            var inside = _count[track] > 0;
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

        return _runs.Select(r => RowRuns.Normalize(r)).ToArray();
    }

    /// <summary>The time of a row at or next to a run boundary (the first and last row of every run, and their neighbours).</summary>
    public RangeBound? TimeOf(long row) => _times.TryGetValue(row, out var time) ? time : null;

    private void Remember(RangeBound time)
    {
        _times[_row] = time;
        if (_previous is { } p)
        {
            _times.TryAdd(_row - 1, p);
        }
    }
}
