namespace LabelPipeline.Quality;

/// <summary>
/// Every series' intervals, sorted per series by start (equal starts in the order added, as a stable sort gives), without
/// holding them: intervals collect in a fixed buffer; a full buffer is sorted and written to a run file in a temporary
/// folder; a series is read back as a merge of its part of every run (and of the buffer), anew on each enumeration.
/// Held at once: the buffer (32 bytes an interval, 4 more for its place in its series' list) and one 64 KB read buffer per
/// run while a series is read.
/// </summary>
internal sealed class IntervalSpill(int capacity = IntervalSpill.DefaultCapacity) : IDisposable
{
    public const int DefaultCapacity = 1 << 18;
    private const int RecordBytes = 28; // track, start, end, sequence

    private readonly Entry[] _buffer = new Entry[Math.Max(1, capacity)];
    private readonly List<Run> _runs = [];

    /// <summary>Where each series' intervals are in the (unsorted) buffer: a series is read without sorting the rest.</summary>
    private readonly Dictionary<int, List<int>> _positions = [];
    private int _count;
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

        if (!_positions.TryGetValue(series, out var positions))
        {
            _positions[series] = positions = [];
        }

        positions.Add(_count);
        _buffer[_count++] = new Entry(series, interval, _sequence++);
    }

    /// <summary>One series' intervals in start order (equal starts as added); each enumeration reads them again.</summary>
    public IEnumerable<TrackInterval> Of(int series)
    {
        // The series' part of the buffer, sorted alone (series are read one after another as intervals are still added).
        var held = _positions.TryGetValue(series, out var positions) ? positions.ToArray() : [];
        Array.Sort(held, (a, b) => _buffer[a].Interval.Start != _buffer[b].Interval.Start
            ? _buffer[a].Interval.Start.CompareTo(_buffer[b].Interval.Start)
            : _buffer[a].Sequence.CompareTo(_buffer[b].Sequence));
        var readers = new List<BinaryReader>();
        try
        {
            // Source -1 is the buffer (Remaining counts down its sorted positions); the others are runs' readers.
            var queue = new PriorityQueue<(int Source, long Remaining, TrackInterval Interval), (long Start, long Sequence)>();
            EnqueueHeld(queue, held, held.Length);
            foreach (var run in _runs)
            {
                if (run.Segments.TryGetValue(series, out var segment))
                {
                    var stream = new FileStream(run.Path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16) { Position = segment.Start * RecordBytes };
                    readers.Add(new BinaryReader(stream));
                    EnqueueRead(queue, readers.Count - 1, readers[^1], segment.Count);
                }
            }

            while (queue.TryDequeue(out var head, out _))
            {
                yield return head.Interval;
                if (head.Source < 0)
                {
                    EnqueueHeld(queue, held, head.Remaining - 1);
                }
                else
                {
                    EnqueueRead(queue, head.Source, readers[head.Source], head.Remaining - 1);
                }
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

    private void EnqueueHeld(PriorityQueue<(int, long, TrackInterval), (long, long)> queue, int[] held, long remaining)
    {
        if (remaining > 0)
        {
            var entry = _buffer[held[held.Length - remaining]];
            queue.Enqueue((-1, remaining, entry.Interval), (entry.Interval.Start, entry.Sequence));
        }
    }

    private static void EnqueueRead(PriorityQueue<(int, long, TrackInterval), (long, long)> queue, int source, BinaryReader reader, long remaining)
    {
        if (remaining > 0)
        {
            var interval = new TrackInterval(reader.ReadInt32(), reader.ReadInt64(), reader.ReadInt64());
            queue.Enqueue((source, remaining, interval), (interval.Start, reader.ReadInt64()));
        }
    }

    private void WriteRun()
    {
        _buffer.AsSpan(0, _count).Sort(static (a, b) =>
            a.Series != b.Series ? a.Series.CompareTo(b.Series) : a.Interval.Start != b.Interval.Start ? a.Interval.Start.CompareTo(b.Interval.Start) : a.Sequence.CompareTo(b.Sequence));
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
        _positions.Clear();
        _count = 0;
    }

    private readonly record struct Entry(int Series, TrackInterval Interval, long Sequence);

    private sealed record Run(string Path, Dictionary<int, (long Start, long Count)> Segments);
}
