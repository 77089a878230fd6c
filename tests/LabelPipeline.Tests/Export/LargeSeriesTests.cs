using System.Globalization;
using CsCheck;
using LabelPipeline.Export;
using LabelPipeline.Prepare;
using LabelPipeline.TimeSeries;
using LabelPipeline.Tests.Support;

namespace LabelPipeline.Tests.Export;

/// <summary>
/// A series with more regions than memory should hold goes the on-disk way: regions that cannot merge are mapped one by
/// one and sorted in runs, the rest through WindowMapping. The result must be what the in-memory way gives.
/// </summary>
public sealed class LargeSeriesTests : IDisposable
{
    private const string Seed = "0000000000002";
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private static readonly DateTime Origin = new(2021, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    private static string T(int minute) => Origin.AddMinutes(minute).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);

    // One source in three windows of 100 minutes (rows every minute), 10 rows of overlap, and a one-window source.
    private static readonly PreparedManifest Manifest = new()
    {
        Fingerprint = "f",
        Schema = new PreparedSchema(",", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M:%S", "UTC", []),
        Settings = new PreparedSettings(1000, 100, 10, "fail", "keep-first"),
        Sources =
        [
            new PreparedSource("s.csv", "x", 1, [
                new PreparedTask("s.w0001.csv", "x", 1, 1, 100, 2, 101, T(0), T(99), 0, T(98)),
                new PreparedTask("s.w0002.csv", "x", 1, 2, 100, 92, 191, T(90), T(189), 10, T(188)),
                new PreparedTask("s.w0003.csv", "x", 1, 3, 100, 182, 281, T(180), T(279), 10, T(278)),
            ], new PrepareFixes()),
            new PreparedSource("one.csv", "x", 1, [new PreparedTask("one.csv", "x", 1, 1, 100, 2, 101, T(0), T(99), 0)], new PrepareFixes()),
        ],
    };

    private static readonly string[] Tasks = ["s.w0001.csv", "s.w0002.csv", "s.w0003.csv", "one.csv"];

    private static int Compare(LabeledRange a, LabeledRange b)
    {
        var c = string.CompareOrdinal(a.SeriesFile, b.SeriesFile);
        c = c != 0 ? c : a.Start.CompareTo(b.Start);
        c = c != 0 ? c : a.End.CompareTo(b.End);
        c = c != 0 ? c : a.AnnotationId.CompareTo(b.AnnotationId);
        return c != 0 ? c : string.CompareOrdinal(a.RegionId, b.RegionId);
    }

    private static readonly Gen<LabeledRange> RegionGen =
        Gen.Select(Gen.Int[0, 3], Gen.Int[-5, 105], Gen.Int[0, 30], Gen.Int[0, 2], Gen.Bool, Gen.Int[0, 1_000_000])
            .Select((task, offset, length, annotator, instant, id) =>
            {
                var window = task < 3 ? task : 0;
                var start = Origin.AddMinutes((window * 90) + offset);
                var end = instant ? start : start.AddMinutes(length);
                return new LabeledRange
                {
                    TaskId = task + 1, SeriesFile = Tasks[task], RegionId = $"r{id}", AnnotationId = id % 7,
                    Start = RangeBound.At(new DateTimeOffset(start)), End = RangeBound.At(new DateTimeOffset(end)),
                    StartRaw = start.ToString("O"), EndRaw = end.ToString("O"), Instant = instant,
                    Labels = ["Anomaly"], Annotator = $"a{annotator}",
                };
            });

    [Fact]
    public void Mapping_the_regions_that_can_be_mapped_alone_gives_what_the_whole_mapping_gives()
    {
        RegionGen.List[0, 60].Sample(regions =>
        {
            var whole = WindowMapping.Apply(regions, Manifest);
            whole.Sort(Compare);
            var together = regions.Where(r => WindowMapping.Alone(r, Manifest) is null).ToList();
            var split = WindowMapping.Apply(together, Manifest).Concat(regions.Select(r => WindowMapping.Alone(r, Manifest)).OfType<LabeledRange>()).ToList();
            split.Sort(Compare);
            Assert.Equal(whole.Select(Key), split.Select(Key));
        }, seed: Seed, iter: 500, threads: 1);
    }

    [Fact]
    public void A_series_larger_than_memory_should_hold_comes_out_as_the_in_memory_way_gives_it()
    {
        var random = new Random(17);
        var regions = Enumerable.Range(0, SortedRangeStore.LargeSeries + 5_000).Select(i =>
        {
            var task = random.Next(3);
            var start = Origin.AddMinutes((task * 90) + random.Next(0, 100)).AddSeconds(random.Next(60));
            return new LabeledRange
            {
                TaskId = task, SeriesFile = Tasks[task], RegionId = $"r{i}", AnnotationId = i % 5,
                Start = RangeBound.At(new DateTimeOffset(start)), End = RangeBound.At(new DateTimeOffset(start.AddMinutes(random.Next(0, 15)))),
                StartRaw = "s", EndRaw = "e", Instant = false, Labels = ["Anomaly"], Annotator = $"a{i % 2}",
            };
        }).ToList();

        List<LabeledRange> Stored(Func<LabeledRange, LabeledRange?>? alone)
        {
            using var store = new SortedRangeStore(Path.Combine(_temp.Path, Guid.NewGuid().ToString("N")));
            regions.ForEach(r => store.Add("s.csv", r));
            store.Sort(series => WindowMapping.Apply(series, Manifest), Compare, alone);
            Assert.Equal(store.Count, store.CountOf("s.csv"));
            return store.OfSeries("s.csv").ToList();
        }

        var inMemory = Stored(null).Select(Key).ToList();
        var onDisk = Stored(r => WindowMapping.Alone(r, Manifest)).Select(Key).ToList();
        Assert.True(inMemory.Count < regions.Count); // the windows' regions did merge
        Assert.Equal(inMemory, onDisk);
    }

    private static string Key(LabeledRange r) =>
        string.Join(" ", r.SeriesFile, r.RegionId, r.Start.ToText(), r.End.ToText(), r.StartRaw, r.EndRaw, r.Instant, string.Join("|", r.Labels), r.Annotator, r.AnnotationId, r.TaskId);

    [Fact]
    public void Report_coordinates_are_written_as_the_general_formatter_writes_them()
    {
        var random = new Random(3);
        var values = Enumerable.Range(-20_000, 40_001).Select(i => Math.Round(i / 10.0, 1))
            .Concat(Enumerable.Range(0, 20_000).Select(_ => Math.Round((random.NextDouble() - 0.3) * 3000, 1)))
            .Concat([0.0, -0.0, 1e12, -1e12, 0.05, -0.05, 123.45, double.MaxValue, 1e-9]);
        foreach (var value in values)
        {
            Assert.Equal(value.ToString("0.#", CultureInfo.InvariantCulture), HtmlReport.F(value));
        }
    }
}
