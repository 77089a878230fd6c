using LabelPipeline.TimeSeries;

namespace LabelPipeline.Predictions;

/// <summary>
/// Per-timestamp scores of every series, sorted per series by time (equal times in the order they were added) without
/// holding them: samples collect in a fixed buffer; a full buffer is sorted and written to a run file in a temporary
/// folder; each series is then read back as a merge of its part of every run. Held at once: the buffer (32 bytes a
/// sample; 24 on disk) and one 64 KB read buffer per run.
/// </summary>
internal sealed class ScoreSpill : IDisposable
{
    private const int RecordBytes = 24; // key, score, sequence
    private readonly bool _times;
    private readonly Sample[] _buffer;
    private readonly List<Run> _runs = [];
    private int _count;
    private long _sequence;
    private string? _directory;
    private Dictionary<int, (long Start, long Count)>? _inMemory;

    /// <param name="times">The series have a time axis (bounds are times), else a numeric one.</param>
    /// <param name="capacity">Samples held before a run is written to disk.</param>
    public ScoreSpill(bool times, int capacity)
    {
        _times = times;
        _buffer = new Sample[Math.Max(1, capacity)];
    }

    /// <summary>Runs written to disk so far (0: everything fitted in memory).</summary>
    public int RunsWritten => _runs.Count;

    /// <param name="series">The series' number, 0, 1, 2, ... in the order they first appear.</param>
    public void Add(int series, RangeBound time, double score)
    {
        if (_count == _buffer.Length)
        {
            WriteRun();
        }

        _buffer[_count++] = new Sample(series, Key(time), score, _sequence++);
    }

    /// <summary>One series' samples in time order (a stable order: equal times as added).</summary>
    public IEnumerable<(RangeBound Time, double Score)> Series(int series)
    {
        if (_runs.Count == 0)
        {
            if (_inMemory is null)
            {
                SortBuffer();
                _inMemory = Segments();
            }

            var (start, count) = _inMemory.GetValueOrDefault(series);
            for (var i = start; i < start + count; i++)
            {
                yield return (Bound(_buffer[i].Key), _buffer[i].Score);
            }

            yield break;
        }

        if (_count > 0)
        {
            WriteRun();
        }

        var readers = new List<BinaryReader>();
        try
        {
            var queue = new PriorityQueue<(int Reader, long Remaining, double Score), (long Key, long Sequence)>();
            foreach (var run in _runs)
            {
                if (run.Segments.TryGetValue(series, out var segment))
                {
                    var stream = new FileStream(run.Path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
                    stream.Position = segment.Start * RecordBytes;
                    var reader = new BinaryReader(stream);
                    readers.Add(reader);
                    Next(queue, readers.Count - 1, reader, segment.Count);
                }
            }

            while (queue.TryDequeue(out var head, out var order))
            {
                yield return (Bound(order.Key), head.Score);
                Next(queue, head.Reader, readers[head.Reader], head.Remaining - 1);
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

    private static void Next(PriorityQueue<(int, long, double), (long, long)> queue, int index, BinaryReader reader, long remaining)
    {
        if (remaining > 0)
        {
            var key = reader.ReadInt64();
            var score = reader.ReadDouble();
            var sequence = reader.ReadInt64();
            queue.Enqueue((index, remaining, score), (key, sequence));
        }
    }

    private void WriteRun()
    {
        SortBuffer();
        _directory ??= Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), $"labelpipeline-scores-{Guid.NewGuid():N}")).FullName;
        var path = Path.Combine(_directory, $"run{_runs.Count}.bin");
        var segments = Segments();
        using (var writer = new BinaryWriter(new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16)))
        {
            for (var i = 0; i < _count; i++)
            {
                ref var sample = ref _buffer[i];
                writer.Write(sample.Key);
                writer.Write(sample.Score);
                writer.Write(sample.Sequence);
            }
        }

        _runs.Add(new Run(path, segments));
        _count = 0;
    }

    private void SortBuffer() => _buffer.AsSpan(0, _count).Sort(static (a, b) =>
        a.Series != b.Series ? a.Series.CompareTo(b.Series) : a.Key != b.Key ? a.Key.CompareTo(b.Key) : a.Sequence.CompareTo(b.Sequence));

    /// <summary>Where each series' samples are in the sorted buffer.</summary>
    private Dictionary<int, (long Start, long Count)> Segments()
    {
        var segments = new Dictionary<int, (long Start, long Count)>();
        for (var i = 0; i < _count; i++)
        {
            var series = _buffer[i].Series;
            segments[series] = segments.TryGetValue(series, out var s) ? (s.Start, s.Count + 1) : (i, 1);
        }

        return segments;
    }

    /// <summary>A bound as a long that sorts as the bound does: UTC ticks, or a double's bits made to sort as numbers.</summary>
    private long Key(RangeBound bound)
    {
        if (_times)
        {
            return bound.Time!.Value.UtcTicks;
        }

        var bits = BitConverter.DoubleToInt64Bits(bound.Number!.Value + 0.0); // -0 as 0: they compare equal
        return bits >= 0 ? bits : bits ^ long.MaxValue;
    }

    private RangeBound Bound(long key) => _times
        ? RangeBound.At(new DateTimeOffset(key, TimeSpan.Zero))
        : RangeBound.At(BitConverter.Int64BitsToDouble(key >= 0 ? key : key ^ long.MaxValue));

    private readonly record struct Sample(int Series, long Key, double Score, long Sequence);

    private sealed record Run(string Path, Dictionary<int, (long Start, long Count)> Segments);
}
