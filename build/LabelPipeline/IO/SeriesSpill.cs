using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace LabelPipeline.IO;

/// <summary>
/// Items of many series, each series read back in the order of a 64-bit key (equal keys in the order they were added,
/// as a stable sort gives), without holding them: items collect in a fixed buffer; a full buffer is sorted and written
/// to a run file in a temporary folder; a series is read back as a merge of its part of every run and of the buffer,
/// anew on each enumeration, so items can still be added between two reads. Held at once: the buffer (each item with
/// 28 bytes beside it, padding aside; allocated once), and while a series is read its places in the buffer and one 64 KB
/// read buffer per run.
/// The quality intervals (by start) and the score samples (by time) are sorted this way.
/// </summary>
/// <typeparam name="T">The item: a plain struct, written to disk as its bytes (the files live as long as the spill).</typeparam>
internal sealed class SeriesSpill<T>(string name, int capacity) : IDisposable
    where T : unmanaged
{
    private static readonly int RecordBytes = (2 * sizeof(long)) + Unsafe.SizeOf<T>(); // key, sequence, item

    private readonly Entry[] _buffer = new Entry[Math.Max(1, capacity)];
    private readonly List<Run> _runs = [];

    /// <summary>
    /// Each series' items in the (unsorted) buffer as a chain: its first and last place and count, and for every place the
    /// next place of the same series (a series is read without sorting the rest, and nothing grows as items are added).
    /// </summary>
    private readonly Dictionary<int, (int First, int Last, int Count)> _chains = [];
    private readonly int[] _next = new int[Math.Max(1, capacity)];
    private int _count;
    private long _sequence;
    private string? _directory;

    /// <summary>Runs written to disk so far (0: everything fitted in memory).</summary>
    public int RunsWritten => _runs.Count;

    /// <param name="series">Any number naming the series (e.g. 0, 1, 2, ... in the order they first appear).</param>
    public void Add(int series, long key, T item)
    {
        if (_count == _buffer.Length)
        {
            WriteRun();
        }

        ref var chain = ref CollectionsMarshal.GetValueRefOrAddDefault(_chains, series, out var exists);
        if (exists)
        {
            _next[chain.Last] = _count;
            chain = (chain.First, _count, chain.Count + 1);
        }
        else
        {
            chain = (_count, _count, 1);
        }

        _buffer[_count++] = new Entry(series, key, _sequence++, item);
    }

    /// <summary>One series' items by key (equal keys as added); each enumeration reads them again.</summary>
    public IEnumerable<(long Key, T Item)> Of(int series)
    {
        // The series' part of the buffer, sorted alone (a series can be read while others are still being added).
        var held = Held(series);
        var readers = new List<FileStream>();
        try
        {
            // Source -1 is the buffer (Remaining counts down its sorted positions); the others are the runs' readers.
            var queue = new PriorityQueue<(int Source, long Remaining, T Item), (long Key, long Sequence)>();
            EnqueueHeld(queue, held, held.Length);
            foreach (var run in _runs)
            {
                if (run.Segments.TryGetValue(series, out var segment))
                {
                    readers.Add(new FileStream(run.Path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16) { Position = segment.Start * RecordBytes });
                    EnqueueRead(queue, readers.Count - 1, readers[^1], segment.Count);
                }
            }

            while (queue.TryDequeue(out var head, out var order))
            {
                yield return (order.Key, head.Item);
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

    /// <summary>The series' places in the buffer, in key order.</summary>
    private int[] Held(int series)
    {
        if (!_chains.TryGetValue(series, out var chain))
        {
            return [];
        }

        var held = new int[chain.Count];
        for (int i = 0, at = chain.First; i < held.Length; i++, at = _next[at])
        {
            held[i] = at;
        }

        held.AsSpan().Sort(new PlaceOrder(_buffer));
        return held;
    }

    private static int Compare(in Entry a, in Entry b) =>
        a.Series != b.Series ? a.Series.CompareTo(b.Series) : a.Key != b.Key ? a.Key.CompareTo(b.Key) : a.Sequence.CompareTo(b.Sequence);

    private void EnqueueHeld(PriorityQueue<(int, long, T), (long, long)> queue, int[] held, long remaining)
    {
        if (remaining > 0)
        {
            ref readonly var entry = ref _buffer[held[held.Length - remaining]];
            queue.Enqueue((-1, remaining, entry.Item), (entry.Key, entry.Sequence));
        }
    }

    private static void EnqueueRead(PriorityQueue<(int, long, T), (long, long)> queue, int source, FileStream reader, long remaining)
    {
        if (remaining > 0)
        {
            Span<byte> record = stackalloc byte[RecordBytes];
            reader.ReadExactly(record);
            var key = MemoryMarshal.Read<long>(record);
            var sequence = MemoryMarshal.Read<long>(record[sizeof(long)..]);
            queue.Enqueue((source, remaining, MemoryMarshal.Read<T>(record[(2 * sizeof(long))..])), (key, sequence));
        }
    }

    private void WriteRun()
    {
        _buffer.AsSpan(0, _count).Sort(static (a, b) => Compare(a, b));
        _directory ??= Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), $"labelpipeline-{name}-{Guid.NewGuid():N}")).FullName;
        var path = Path.Combine(_directory, $"run{_runs.Count}.bin");
        var segments = new Dictionary<int, (long Start, long Count)>();
        using (var writer = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
        {
            Span<byte> record = stackalloc byte[RecordBytes];
            for (var i = 0; i < _count; i++)
            {
                ref readonly var entry = ref _buffer[i];
                segments[entry.Series] = segments.TryGetValue(entry.Series, out var s) ? (s.Start, s.Count + 1) : (i, 1);
                MemoryMarshal.Write(record, entry.Key);
                MemoryMarshal.Write(record[sizeof(long)..], entry.Sequence);
                MemoryMarshal.Write(record[(2 * sizeof(long))..], entry.Item);
                writer.Write(record);
            }
        }

        _runs.Add(new Run(path, segments));
        _chains.Clear();
        _count = 0;
    }

    private readonly record struct Entry(int Series, long Key, long Sequence, T Item);

    /// <summary>Orders places in the buffer as their entries (a struct, so the sort calls it directly).</summary>
    private readonly struct PlaceOrder(Entry[] buffer) : IComparer<int>
    {
        public int Compare(int a, int b) => SeriesSpill<T>.Compare(buffer[a], buffer[b]);
    }

    private sealed record Run(string Path, Dictionary<int, (long Start, long Count)> Segments);
}
