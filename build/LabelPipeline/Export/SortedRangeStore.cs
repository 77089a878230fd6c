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

    /// <summary>Regions of one series held at once before the series goes the on-disk way (<see cref="Sort"/>'s alone).</summary>
    internal const int LargeSeries = 4 * RunSize;
    private const int BufferSize = 1 << 16;

    private readonly string _folder;
    private readonly List<(string Series, LabeledRange Range)> _run = new(RunSize);
    private readonly List<string> _runFiles = [];
    private readonly Dictionary<string, (long Offset, int Count)> _seriesIndex = new(StringComparer.Ordinal);
    private readonly StringTable _strings = new();
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
    /// <param name="alone">
    /// For a series too large to hold (more than <see cref="LargeSeries"/> regions): a region <paramref name="prepareSeries"/>
    /// would only map, never merge with another, mapped here on its own (null when it must go with its series). Those
    /// are sorted on disk in runs and merged with the prepared rest, so one series' size does not set the memory either.
    /// </param>
    public void Sort(Func<List<LabeledRange>, List<LabeledRange>> prepareSeries, Comparison<LabeledRange> compare, Func<LabeledRange, LabeledRange?>? alone = null)
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
            LargeSeries? large = null;
            string? current = null;
            while (next.TryDequeue(out var run, out var key))
            {
                if (current is not null && !string.Equals(key.Series, current, StringComparison.Ordinal))
                {
                    WriteSeries(output, current, series, prepareSeries, compare);
                }

                current = key.Series;
                if (large is not null)
                {
                    large.Add(heads[run]!);
                }
                else
                {
                    series.Add(heads[run]!);
                    if (series.Count > LargeSeries && alone is not null)
                    {
                        large = new LargeSeries(Path.Combine(_folder, "large"), alone, compare, _strings);
                        series.ForEach(large.Add);
                        series.Clear();
                    }
                }

                Advance(run);
            }

            if (current is not null)
            {
                WriteSeries(output, current, series, prepareSeries, compare);
            }

            void WriteSeries(BinaryWriter output, string name, List<LabeledRange> ranges, Func<List<LabeledRange>, List<LabeledRange>> prepare, Comparison<LabeledRange> order)
            {
                if (large is null)
                {
                    this.WriteSeries(output, name, ranges, prepare, order);
                    return;
                }

                output.Flush();
                var offset = output.BaseStream.Position;
                var count = 0;
                foreach (var range in large.Prepared(prepare))
                {
                    Write(output, range, _strings);
                    count++;
                }

                _seriesIndex.Add(name, (offset, count));
                Count += count;
                large.Dispose();
                large = null;
            }

            void Advance(int run)
            {
                if (readers[run].BaseStream.Position < readers[run].BaseStream.Length)
                {
                    var key = readers[run].ReadString();
                    heads[run] = Read(readers[run], _strings);
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
            yield return Read(reader, _strings);
        }
    }

    /// <summary>How many regions a series has.</summary>
    public int CountOf(string series) => _seriesIndex.TryGetValue(series, out var at) ? at.Count : 0;

    /// <summary>One series' regions, sorted, read from disk on each enumeration (one enumeration at a time).</summary>
    public IEnumerable<LabeledRange> OfSeries(string series)
    {
        if (!_seriesIndex.TryGetValue(series, out var at))
        {
            yield break;
        }

        // Called per series, thousands of times: one reader for all, with a small buffer, as a series' regions are few.
        var reader = _seriesReader ??= new BinaryReader(new FileStream(SortedFile, FileMode.Open, FileAccess.Read, FileShare.Read, 4096));
        reader.BaseStream.Position = at.Offset;
        for (var i = 0; i < at.Count; i++)
        {
            yield return Read(reader, _strings);
        }
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
                Write(writer, range, _strings);
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
            Write(output, range, _strings);
        }

        Count += prepared.Count;
        ranges.Clear();
    }

    // The compact form: every property of LabeledRange, in declaration order (SortedRangeStoreTests checks the round
    // trip); the strings that repeat from region to region go through the store's table, the rest are written inline.
    internal static void Write(BinaryWriter w, LabeledRange r, StringTable strings)
    {
        w.Write(r.TaskId);
        strings.Write(w, r.SeriesFile);
        w.Write(r.RegionId);
        WriteBound(w, r.Start);
        WriteBound(w, r.End);
        w.Write(r.StartRaw);
        w.Write(r.EndRaw);
        w.Write(r.Instant);
        WriteList(w, r.Labels, strings);
        WriteList(w, r.Choices, strings);
        WriteOptional(w, r.Text);
        w.Write(r.AnnotationId);
        strings.Write(w, r.Annotator);
        strings.Write(w, r.CreatedAt);
        strings.Write(w, r.UpdatedAt);
        strings.Write(w, r.Origin);
        w.Write(r.GroundTruth);
        strings.Write(w, r.Review);
        WriteOptional(w, r.PredictionRegionId);
        strings.Write(w, r.ModelVersion);
        w.Write(r.Score.HasValue);
        if (r.Score is { } score)
        {
            w.Write(score);
        }
    }

    internal static LabeledRange Read(BinaryReader r, StringTable strings) => new()
    {
        TaskId = r.ReadInt32(),
        SeriesFile = strings.Read(r)!,
        RegionId = r.ReadString(),
        Start = ReadBound(r),
        End = ReadBound(r),
        StartRaw = r.ReadString(),
        EndRaw = r.ReadString(),
        Instant = r.ReadBoolean(),
        Labels = ReadList(r, strings),
        Choices = ReadList(r, strings),
        Text = ReadOptional(r),
        AnnotationId = r.ReadInt32(),
        Annotator = strings.Read(r),
        CreatedAt = strings.Read(r),
        UpdatedAt = strings.Read(r),
        Origin = strings.Read(r)!,
        GroundTruth = r.ReadBoolean(),
        Review = strings.Read(r),
        PredictionRegionId = ReadOptional(r),
        ModelVersion = strings.Read(r),
        Score = r.ReadBoolean() ? r.ReadDouble() : null,
    };

    internal static void WriteBound(BinaryWriter w, RangeBound bound)
    {
        w.Write(bound.Time.HasValue);
        w.Write(bound.Time?.Ticks ?? 0);
        w.Write((short)(bound.Time?.Offset.TotalMinutes ?? 0));
        w.Write(bound.Number.HasValue);
        w.Write(bound.Number ?? 0);
    }

    internal static RangeBound ReadBound(BinaryReader r)
    {
        var hasTime = r.ReadBoolean();
        var ticks = r.ReadInt64();
        var offset = TimeSpan.FromMinutes(r.ReadInt16());
        var hasNumber = r.ReadBoolean();
        var number = r.ReadDouble();
        return new RangeBound(hasTime ? new DateTimeOffset(ticks, offset) : null, hasNumber ? number : null);
    }

    private static void WriteList(BinaryWriter w, IReadOnlyList<string> items, StringTable strings)
    {
        w.Write7BitEncodedInt(items.Count);
        foreach (var item in items)
        {
            strings.Write(w, item);
        }
    }

    private static string[] ReadList(BinaryReader r, StringTable strings)
    {
        var count = r.Read7BitEncodedInt();
        if (count == 0)
        {
            return [];
        }

        var items = new string[count];
        for (var i = 0; i < items.Length; i++)
        {
            items[i] = strings.Read(r)!;
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

/// <summary>
/// The strings that repeat from region to region (series, labels, annotators, an annotation's times, origin, review,
/// model version), each kept once in memory and written as its number: the spilled regions are smaller on disk and
/// read back without a new string each. Bounded: past <see cref="Capacity"/> distinct strings, new ones are written inline.
/// </summary>
internal sealed class StringTable
{
    private const int Capacity = 1 << 16;
    private const int Null = 0, Inline = 1, First = 2;
    private readonly Dictionary<string, int> _numbers = new(StringComparer.Ordinal);
    private readonly List<string> _strings = [];

    public void Write(BinaryWriter w, string? value)
    {
        if (value is null)
        {
            w.Write7BitEncodedInt(Null);
        }
        else if (_numbers.TryGetValue(value, out var number) || (_strings.Count < Capacity && Add(value, out number)))
        {
            w.Write7BitEncodedInt(First + number);
        }
        else
        {
            w.Write7BitEncodedInt(Inline);
            w.Write(value);
        }
    }

    public string? Read(BinaryReader r) => r.Read7BitEncodedInt() switch
    {
        Null => null,
        Inline => r.ReadString(),
        var code => _strings[code - First],
    };

    private bool Add(string value, out int number)
    {
        number = _strings.Count;
        _numbers.Add(value, number);
        _strings.Add(value);
        return true;
    }
}
