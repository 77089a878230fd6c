namespace LabelPipeline.Quality;

/// <summary>
/// Every series' intervals, sorted per series by start (equal starts in the order added, as a stable sort gives), without
/// holding them: intervals collect in a fixed buffer; a full buffer is sorted and written to a run file in a temporary
/// folder; a series is read back as a merge of its part of every run (and of the buffer), anew on each enumeration.
/// Held at once: the buffer (32 bytes an interval) and one 64 KB read buffer per run while a series is read.
/// </summary>
internal sealed class IntervalSpill(int capacity = IntervalSpill.DefaultCapacity) : IDisposable
{
    public const int DefaultCapacity = 1 << 18;
    private const int RecordBytes = 28; // track, start, end, sequence

    private readonly Entry[] _buffer = new Entry[Math.Max(1, capacity)];
    private readonly List<Run> _runs = [];
    private int _count;
    private bool _sorted;
    private long _sequence;
    private string? _directory;

    /// <summary>Runs written to disk so far (0: everything fitted in memory).</summary>
    public int RunsWritten => _runs.Count;

    public void Add(int series, TrackInterval interval)
    {
        if (_count == _buffer.Length)
        {
            WriteRun();
        }

        _buffer[_count++] = new Entry(series, interval, _sequence++);
        _sorted = false;
    }

    /// <summary>One series' intervals in start order (equal starts as added); each enumeration reads them again.</summary>
    public IEnumerable<TrackInterval> Of(int series)
    {
        SortBuffer();
        var (first, count) = Segment(series);
        var readers = new List<BinaryReader>();
        try
        {
            var queue = new PriorityQueue<(int Source, long Remaining, TrackInterval Interval), (long Start, long Sequence)>();
            if (count > 0)
            {
                Enqueue(queue, -1, null, count, first);
            }

            foreach (var run in _runs)
            {
                if (run.Segments.TryGetValue(series, out var segment))
                {
                    var stream = new FileStream(run.Path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16) { Position = segment.Start * RecordBytes };
                    readers.Add(new BinaryReader(stream));
                    Enqueue(queue, readers.Count - 1, readers[^1], segment.Count, 0);
                }
            }

            while (queue.TryDequeue(out var head, out _))
            {
                yield return head.Interval;
                var source = head.Source;
                Enqueue(queue, source, source < 0 ? null : readers[source], head.Remaining - 1, first + count - (head.Remaining - 1));
            }
        }
        finally
        {
            readers.ForEach(r => r.Dispose());
        }
    }

    public void Dispose()
    {
        if (_directory is not null && Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    /// <summary>The next interval of a source (-1: the buffer, at <paramref name="at"/>; else a run's reader), if it has one left.</summary>
    private void Enqueue(PriorityQueue<(int, long, TrackInterval), (long, long)> queue, int source, BinaryReader? reader, long remaining, long at)
    {
        if (remaining <= 0)
        {
            return;
        }

        if (reader is null)
        {
            var entry = _buffer[at];
            queue.Enqueue((source, remaining, entry.Interval), (entry.Interval.Start, entry.Sequence));
            return;
        }

        var interval = new TrackInterval(reader.ReadInt32(), reader.ReadInt64(), reader.ReadInt64());
        queue.Enqueue((source, remaining, interval), (interval.Start, reader.ReadInt64()));
    }

    private void WriteRun()
    {
        SortBuffer();
        _directory ??= Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), $"labelpipeline-intervals-{Guid.NewGuid():N}")).FullName;
        var path = Path.Combine(_directory, $"run{_runs.Count}.bin");
        var segments = new Dictionary<int, (long Start, long Count)>();
        using (var writer = new BinaryWriter(new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16)))
        {
            for (var i = 0; i < _count; i++)
            {
                var (series, interval, sequence) = _buffer[i];
                segments[series] = segments.TryGetValue(series, out var s) ? (s.Start, s.Count + 1) : (i, 1);
                writer.Write(interval.Track);
                writer.Write(interval.Start);
                writer.Write(interval.End);
                writer.Write(sequence);
            }
        }

        _runs.Add(new Run(path, segments));
        _count = 0;
    }

    private void SortBuffer()
    {
        if (!_sorted)
        {
            _buffer.AsSpan(0, _count).Sort(static (a, b) =>
                a.Series != b.Series ? a.Series.CompareTo(b.Series) : a.Interval.Start != b.Interval.Start ? a.Interval.Start.CompareTo(b.Interval.Start) : a.Sequence.CompareTo(b.Sequence));
            _sorted = true;
        }
    }

    /// <summary>Where a series' intervals are in the sorted buffer (a binary search: the buffer is sorted by series first).</summary>
    private (long First, long Count) Segment(int series)
    {
        var span = _buffer.AsSpan(0, _count);
        int lo = 0, hi = span.Length;
        while (lo < hi)
        {
            var mid = (lo + hi) / 2;
            if (span[mid].Series < series)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        var end = lo;
        while (end < span.Length && span[end].Series == series)
        {
            end++;
        }

        return (lo, end - lo);
    }

    private readonly record struct Entry(int Series, TrackInterval Interval, long Sequence);

    private sealed record Run(string Path, Dictionary<int, (long Start, long Count)> Segments);
}
