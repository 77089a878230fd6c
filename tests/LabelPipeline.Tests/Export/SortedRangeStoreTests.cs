using System.Collections;
using LabelPipeline.Export;
using LabelPipeline.Tests.Support;
using LabelPipeline.TimeSeries;

namespace LabelPipeline.Tests.Export;

/// <summary>The snapshot's on-disk region store: every property survives the compact form, and runs merge in order.</summary>
public sealed class SortedRangeStoreTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private static LabeledRange Range(string series, int start, int id) => new()
    {
        TaskId = id,
        SeriesFile = series,
        RegionId = $"r{id}",
        Start = RangeBound.At(start),
        End = RangeBound.At(start + (id % 3)),
        StartRaw = start.ToString(System.Globalization.CultureInfo.InvariantCulture),
        EndRaw = "x",
        Instant = false,
        Labels = ["Anomaly"],
        AnnotationId = id % 2,
    };

    [Fact]
    public void Every_property_survives_the_round_trip()
    {
        var full = new LabeledRange
        {
            TaskId = 7,
            SeriesFile = "a.csv",
            RegionId = "r1",
            Start = RangeBound.At(new DateTimeOffset(2021, 1, 1, 0, 0, 0, 123, TimeSpan.Zero).AddTicks(4567)),
            End = RangeBound.At(2.5),
            StartRaw = "2021-01-01 00:00:00.1234567",
            EndRaw = "2.5",
            Instant = true,
            Labels = ["Anomaly", "Normal"],
            Choices = ["High"],
            Text = "a, \"quoted\"\nnote ✓",
            AnnotationId = 3,
            Annotator = "ann@example.com",
            CreatedAt = "2021-01-02T00:00:00Z",
            UpdatedAt = "2021-01-03T00:00:00Z",
            Origin = "prediction-changed",
            GroundTruth = true,
            Review = ReviewOutcome.Adjusted,
            PredictionRegionId = "p1",
            ModelVersion = "m2",
            Score = 0.25,
        };

        // A property nobody set here could be missing from the compact form unnoticed: every one must be set.
        var properties = typeof(LabeledRange).GetProperties().Where(p => p.Name != "EqualityContract").ToArray();
        foreach (var property in properties)
        {
            var value = property.GetValue(full);
            Assert.False(value is null or false or 0 or ICollection { Count: 0 } || value is RangeBound b && b == default,
                $"set {property.Name} in this test so the round trip covers it");
        }

        using var store = new SortedRangeStore(Path.Combine(_temp.Path, "store"));
        store.Add("a.csv", full);
        store.Sort(s => s, (_, _) => 0);
        var back = Assert.Single(store.All());
        foreach (var property in properties)
        {
            var (expected, actual) = (property.GetValue(full), property.GetValue(back));
            if (expected is IEnumerable<string> list)
            {
                Assert.Equal(list, (IEnumerable<string>)actual!);
            }
            else
            {
                Assert.Equal(expected, actual);
            }
        }

        Assert.Equal(full.Start.Time!.Value.Ticks, back.Start.Time!.Value.Ticks);
    }

    [Fact]
    public void Runs_merge_into_series_order_and_each_series_keeps_the_order_it_was_added_in()
    {
        // More than one run (16,384 regions), series interleaved, so the merge and its tie-breaking are exercised.
        var added = Enumerable.Range(0, 40_000).Select(i => Range($"s{i % 7}.csv", (i * 7919) % 1000, i)).ToArray();
        var folder = Path.Combine(_temp.Path, "store");
        using (var store = new SortedRangeStore(folder))
        {
            foreach (var range in added)
            {
                store.Add(range.SeriesFile, range);
            }

            var seen = new Dictionary<string, int[]>();
            store.Sort(series => { seen[series[0].SeriesFile] = series.Select(r => r.TaskId).ToArray(); return series; }, Compare);

            foreach (var group in added.GroupBy(r => r.SeriesFile))
            {
                Assert.Equal(group.Select(r => r.TaskId), seen[group.Key]);
                Assert.Equal(group.Order(Comparer<LabeledRange>.Create(Compare)).Select(r => r.TaskId), store.OfSeries(group.Key).Select(r => r.TaskId));
            }

            var expected = added.ToList();
            expected.Sort(Compare);
            Assert.Equal(added.Length, store.Count);
            Assert.Equal(expected.Select(r => r.TaskId), store.All().Select(r => r.TaskId));
            Assert.Empty(store.OfSeries("none.csv"));
        }

        Assert.False(Directory.Exists(folder));
    }

    [Fact]
    public void Repeated_strings_go_through_the_table_and_past_its_capacity_are_written_inline()
    {
        // 70,000 distinct annotators (past the table's 65,536) and times repeated by every region: all read back as added.
        var added = Enumerable.Range(0, 70_000).Select(i => Range($"s{i % 3}.csv", i, i) with
        {
            Annotator = $"annotator {i}", CreatedAt = i % 2 == 0 ? "2021-01-01T00:00:00Z" : null, Review = i % 5 == 0 ? null : "added", Labels = i % 2 == 0 ? [] : ["Anomaly", $"L{i % 4}"],
        }).ToArray();
        using var store = new SortedRangeStore(Path.Combine(_temp.Path, "table"));
        foreach (var range in added)
        {
            store.Add(range.SeriesFile, range);
        }

        store.Sort(series => series, Compare);
        var back = store.All().ToDictionary(r => r.TaskId);
        Assert.All(added, range =>
        {
            var read = back[range.TaskId];
            Assert.Equal((range.SeriesFile, range.Annotator, range.CreatedAt, range.Review, range.Origin), (read.SeriesFile, read.Annotator, read.CreatedAt, read.Review, read.Origin));
            Assert.Equal(range.Labels, read.Labels);
        });
    }

    private static int Compare(LabeledRange a, LabeledRange b)
    {
        var c = string.CompareOrdinal(a.SeriesFile, b.SeriesFile);
        c = c != 0 ? c : a.Start.CompareTo(b.Start);
        c = c != 0 ? c : a.End.CompareTo(b.End);
        return c != 0 ? c : a.TaskId.CompareTo(b.TaskId);
    }
}
