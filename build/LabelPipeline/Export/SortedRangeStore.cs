using LabelPipeline.TimeSeries;

namespace LabelPipeline.Export;

/// <summary>
/// The snapshot's regions on disk, so memory does not grow with their number: <see cref="Add"/> spills sorted runs
/// (a compact binary form) to a folder, <see cref="Sort"/> merges the runs series by series into one sorted file, and
/// the outputs read it back as often as they need, whole (<see cref="All"/>) or one series at a time
/// (<see cref="OfSeries"/>). Only one run, or one series' regions, is held at a time.
/// </summary>
internal sealed class SortedRangeStore : IDisposable
{
    private const int RunSize = 16_384;
    private const int BufferSize = 1 << 16;

    private readonly string _folder;
    private readonly List<(string Series, LabeledRange Range)> _run = new(RunSize);
    private readonly List<string> _runFiles = [];
    private readonly Dictionary<string, (long Offset, int Count)> _seriesIndex = new(StringComparer.Ordinal);
    private BinaryReader? _seriesReader;
    private string SortedFile => Path.Combine(_folder, "sorted.bin");

    public SortedRangeStore(string folder)
    {
        _folder = folder;
        Directory.CreateDirectory(folder);
    }

    /// <summary>How many regions <see cref="Sort"/> wrote.</summary>
    public int Count { get; private set; }

    /// <summary>Adds a region under the series it will be written for (its source series, for a Prepare task file).</summary>
    public void Add(string series, LabeledRange range)
    {
        _run.Add((series, range));
        if (_run.Count == RunSize)
        {
            SpillRun();
        }
    }

    /// <summary>
    /// Merges the runs: each series' regions, in the order they were added, go through <paramref name="prepareSeries"/>
    /// (e.g. <see cref="WindowMapping.Apply"/>), are sorted by <paramref name="compare"/> and written; series follow in
    /// ordinal order, so the file is in <paramref name="compare"/>'s order when it orders by series first.
    /// </summary>
    public void Sort(Func<List<LabeledRange>, List<LabeledRange>> prepareSeries, Comparison<LabeledRange> compare)
    {
        SpillRun();
        var readers = _runFiles.Select(f => new BinaryReader(new FileStream(f, FileMode.Open, FileAccess.Read, FileShare.Read, BufferSize))).ToArray();
        try
        {
            // Ties (the same series) go to the earlier run, so each series keeps the order its regions were added in.
            var next = new PriorityQueue<int, (string Series, int Run)>(Comparer<(string Series, int Run)>.Create(
                static (a, b) => string.CompareOrdinal(a.Series, b.Series) is var c and not 0 ? c : a.Run.CompareTo(b.Run)));
            var heads = new LabeledRange?[readers.Length];
            for (var i = 0; i < readers.Length; i++)
            {
                Advance(i);
            }

            using var output = new BinaryWriter(new FileStream(SortedFile, FileMode.CreateNew, FileAccess.Write, FileShare.None, BufferSize));
            var series = new List<LabeledRange>();
            string? current = null;
            while (next.TryDequeue(out var run, out var key))
            {
                if (current is not null && !string.Equals(key.Series, current, StringComparison.Ordinal))
                {
                    WriteSeries(output, current, series, prepareSeries, compare);
                }

                current = key.Series;
                series.Add(heads[run]!);
                Advance(run);
            }

            if (current is not null)
            {
                WriteSeries(output, current, series, prepareSeries, compare);
            }

            void Advance(int run)
            {
                if (readers[run].BaseStream.Position < readers[run].BaseStream.Length)
                {
                    var key = readers[run].ReadString();
                    heads[run] = Read(readers[run]);
                    next.Enqueue(run, (key, run));
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

        foreach (var file in _runFiles)
        {
            File.Delete(file);
        }
    }

    /// <summary>Every region, in sorted order (read from disk each time).</summary>
    public IEnumerable<LabeledRange> All()
    {
        using var reader = new BinaryReader(new FileStream(SortedFile, FileMode.Open, FileAccess.Read, FileShare.Read, BufferSize));
        for (var i = 0; i < Count; i++)
        {
            yield return Read(reader);
        }
    }

    /// <summary>One series' regions, sorted.</summary>
    public IReadOnlyList<LabeledRange> OfSeries(string series)
    {
        if (!_seriesIndex.TryGetValue(series, out var at))
        {
            return [];
        }

        // Called per series, thousands of times: one reader for all, with a small buffer, as a series' regions are few.
        var reader = _seriesReader ??= new BinaryReader(new FileStream(SortedFile, FileMode.Open, FileAccess.Read, FileShare.Read, 4096));
        reader.BaseStream.Position = at.Offset;
        var ranges = new LabeledRange[at.Count];
        for (var i = 0; i < ranges.Length; i++)
        {
            ranges[i] = Read(reader);
        }

        return ranges;
    }

    public void Dispose()
    {
        _seriesReader?.Dispose();
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    private void SpillRun()
    {
        if (_run.Count == 0)
        {
            return;
        }

        // OrderBy is stable (List.Sort is not): each series keeps the order its regions were added in.
        var ordered = _run.OrderBy(e => e.Series, StringComparer.Ordinal);
        var file = Path.Combine(_folder, $"run{_runFiles.Count:D5}.bin");
        using (var writer = new BinaryWriter(new FileStream(file, FileMode.CreateNew, FileAccess.Write, FileShare.None, BufferSize)))
        {
            foreach (var (series, range) in ordered)
            {
                writer.Write(series);
                Write(writer, range);
            }
        }

        _runFiles.Add(file);
        _run.Clear();
    }

    private void WriteSeries(
        BinaryWriter output, string series, List<LabeledRange> ranges, Func<List<LabeledRange>, List<LabeledRange>> prepareSeries, Comparison<LabeledRange> compare)
    {
        var prepared = prepareSeries(ranges);
        prepared.Sort(compare);
        output.Flush();
        _seriesIndex.Add(series, (output.BaseStream.Position, prepared.Count));
        foreach (var range in prepared)
        {
            Write(output, range);
        }

        Count += prepared.Count;
        ranges.Clear();
    }

    // The compact form: every property of LabeledRange, in declaration order (SortedRangeStoreTests checks the round trip).
    private static void Write(BinaryWriter w, LabeledRange r)
    {
        w.Write(r.TaskId);
        w.Write(r.SeriesFile);
        w.Write(r.RegionId);
        WriteBound(w, r.Start);
        WriteBound(w, r.End);
        w.Write(r.StartRaw);
        w.Write(r.EndRaw);
        w.Write(r.Instant);
        WriteList(w, r.Labels);
        WriteList(w, r.Choices);
        WriteOptional(w, r.Text);
        w.Write(r.AnnotationId);
        WriteOptional(w, r.Annotator);
        WriteOptional(w, r.CreatedAt);
        WriteOptional(w, r.UpdatedAt);
        w.Write(r.Origin);
        w.Write(r.GroundTruth);
        WriteOptional(w, r.Review);
        WriteOptional(w, r.PredictionRegionId);
        WriteOptional(w, r.ModelVersion);
        w.Write(r.Score.HasValue);
        if (r.Score is { } score)
        {
            w.Write(score);
        }
    }

    private static LabeledRange Read(BinaryReader r) => new()
    {
        TaskId = r.ReadInt32(),
        SeriesFile = r.ReadString(),
        RegionId = r.ReadString(),
        Start = ReadBound(r),
        End = ReadBound(r),
        StartRaw = r.ReadString(),
        EndRaw = r.ReadString(),
        Instant = r.ReadBoolean(),
        Labels = ReadList(r),
        Choices = ReadList(r),
        Text = ReadOptional(r),
        AnnotationId = r.ReadInt32(),
        Annotator = ReadOptional(r),
        CreatedAt = ReadOptional(r),
        UpdatedAt = ReadOptional(r),
        Origin = r.ReadString(),
        GroundTruth = r.ReadBoolean(),
        Review = ReadOptional(r),
        PredictionRegionId = ReadOptional(r),
        ModelVersion = ReadOptional(r),
        Score = r.ReadBoolean() ? r.ReadDouble() : null,
    };

    private static void WriteBound(BinaryWriter w, RangeBound bound)
    {
        w.Write(bound.Time.HasValue);
        w.Write(bound.Time?.Ticks ?? 0);
        w.Write((short)(bound.Time?.Offset.TotalMinutes ?? 0));
        w.Write(bound.Number.HasValue);
        w.Write(bound.Number ?? 0);
    }

    private static RangeBound ReadBound(BinaryReader r)
    {
        var hasTime = r.ReadBoolean();
        var ticks = r.ReadInt64();
        var offset = TimeSpan.FromMinutes(r.ReadInt16());
        var hasNumber = r.ReadBoolean();
        var number = r.ReadDouble();
        return new RangeBound(hasTime ? new DateTimeOffset(ticks, offset) : null, hasNumber ? number : null);
    }

    private static void WriteList(BinaryWriter w, IReadOnlyList<string> items)
    {
        w.Write(items.Count);
        foreach (var item in items)
        {
            w.Write(item);
        }
    }

    private static string[] ReadList(BinaryReader r)
    {
        var items = new string[r.ReadInt32()];
        for (var i = 0; i < items.Length; i++)
        {
            items[i] = r.ReadString();
        }

        return items;
    }

    private static void WriteOptional(BinaryWriter w, string? value)
    {
        w.Write(value is not null);
        if (value is not null)
        {
            w.Write(value);
        }
    }

    private static string? ReadOptional(BinaryReader r) => r.ReadBoolean() ? r.ReadString() : null;
}
