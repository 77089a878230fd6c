namespace LabelPipeline.Export;

/// <summary>
/// One series with more regions than memory should hold, prepared the way <see cref="SortedRangeStore"/> prepares any
/// series but on disk: the regions that can be mapped alone are sorted in runs and spilled; the rest (the few that may
/// merge with a neighbour, e.g. across a window boundary) go through the series' preparation in memory; then all of
/// them are merged in order.
/// </summary>
internal sealed class LargeSeries(string folder, Func<LabeledRange, LabeledRange?> alone, Comparison<LabeledRange> compare, StringTable strings) : IDisposable
{
    private const int RunSize = 16_384;
    private const int BufferSize = 1 << 16;

    private readonly List<LabeledRange> _together = [];
    private readonly List<LabeledRange> _run = new(RunSize);
    private readonly List<string> _runFiles = [];

    public void Add(LabeledRange range)
    {
        if (alone(range) is not { } mapped)
        {
            _together.Add(range);
            return;
        }

        _run.Add(mapped);
        if (_run.Count == RunSize)
        {
            Spill();
        }
    }

    /// <summary>Every region of the series, prepared and in order.</summary>
    public IEnumerable<LabeledRange> Prepared(Func<List<LabeledRange>, List<LabeledRange>> prepare)
    {
        Spill();
        var together = prepare(_together);
        together.Sort(compare);
        var readers = _runFiles.Select(f => new BinaryReader(new FileStream(f, FileMode.Open, FileAccess.Read, FileShare.Read, BufferSize))).ToArray();
        try
        {
            // Source -1 is the in-memory list; ties go to the lower source, as a stable merge would.
            var next = new PriorityQueue<int, (LabeledRange Range, int Source)>(Comparer<(LabeledRange Range, int Source)>.Create(
                (a, b) => compare(a.Range, b.Range) is var c and not 0 ? c : a.Source.CompareTo(b.Source)));
            var heads = new LabeledRange?[readers.Length];
            var position = 0;
            if (together.Count > 0)
            {
                next.Enqueue(-1, (together[0], -1));
            }

            for (var i = 0; i < readers.Length; i++)
            {
                Advance(i);
            }

            while (next.TryDequeue(out var source, out var head))
            {
                yield return head.Range;
                if (source < 0)
                {
                    if (++position < together.Count)
                    {
                        next.Enqueue(-1, (together[position], -1));
                    }
                }
                else
                {
                    Advance(source);
                }
            }

            void Advance(int run)
            {
                if (readers[run].BaseStream.Position < readers[run].BaseStream.Length)
                {
                    var range = SortedRangeStore.Read(readers[run], strings);
                    next.Enqueue(run, (range, run));
                }
            }
        }
        finally
        {
            foreach (var reader in readers)
            {
                reader.Dispose();
            }
        }
    }

    public void Dispose()
    {
        foreach (var file in _runFiles)
        {
            File.Delete(file);
        }
    }

    private void Spill()
    {
        if (_run.Count == 0)
        {
            return;
        }

        _run.Sort(compare);
        Directory.CreateDirectory(folder);
        var file = Path.Combine(folder, $"run{_runFiles.Count:D5}.bin");
        using (var writer = new BinaryWriter(new FileStream(file, FileMode.CreateNew, FileAccess.Write, FileShare.None, BufferSize)))
        {
            foreach (var range in _run)
            {
                SortedRangeStore.Write(writer, range, strings);
            }
        }

        _runFiles.Add(file);
        _run.Clear();
    }
}
