using CsCheck;
using LabelPipeline.Export;
using LabelPipeline.TimeSeries;

namespace LabelPipeline.Tests.Export;

/// <summary>
/// The dense labels' sweep keeps one furthest end per label instead of every open region. Whatever the regions and the
/// rows, the labels of a row must be those of the regions with start ≤ t ≤ end (the definition the dense files state),
/// whether the regions come as a collection in any order or as a stream in start order, which is read as the rows pass.
/// </summary>
public sealed class LabelSweepTests
{
    private const string Seed = "0000000000017";
    private static readonly string[] Names = ["Anomaly", "Normal", "Maybe"];

    private static LabeledRange Region(int index, double start, double end, string[] labels) => new()
    {
        TaskId = 1, SeriesFile = "s.csv", RegionId = $"r{index}", AnnotationId = 1, Start = RangeBound.At(start), End = RangeBound.At(end),
        StartRaw = start.ToString("R"), EndRaw = end.ToString("R"), Instant = start == end, Labels = labels,
    };

    private static readonly Gen<LabeledRange[]> Regions =
        Gen.Select(Gen.Int[0, 60], Gen.Int[0, 25], Gen.Int[1, 7]).Array[0, 40]
            .Select(items => items.Select((r, i) => Region(i, r.Item1, r.Item1 + r.Item2, Names.Where((_, k) => (r.Item3 & (1 << k)) != 0).ToArray())).ToArray());

    // Rows at increasing times with a step back now and then (a source Prepare sorted restarts the sweep).
    private static readonly Gen<double[]> Rows = Gen.Select(Gen.Int[0, 3], Gen.Int[0, 9]).Array[1, 50]
        .Select(steps =>
        {
            var time = -2.0;
            return steps.Select(s => time = s.Item2 == 0 ? time - (3 * s.Item1) : time + s.Item1).ToArray();
        });

    private static string Expected(IEnumerable<LabeledRange> regions, double t) =>
        string.Join('|', regions.Where(r => r.Start.Number <= t && t <= r.End.Number).SelectMany(r => r.Labels).Distinct().Order(StringComparer.Ordinal));

    [Fact]
    public void A_rows_labels_are_those_of_the_regions_covering_it_whether_held_or_streamed()
    {
        Gen.Select(Regions, Rows).Sample((regions, rows) =>
        {
            var sorted = regions.OrderBy(r => r.Start).ToArray();
            using var held = new LabelSweep(regions); // any order: sorted by the sweep
            using var streamed = new LabelSweep(Stream(sorted));
            string? previous = null;
            foreach (var t in rows)
            {
                var expected = Expected(regions, t);
                var changedHeld = held.MoveTo(RangeBound.At(t));
                var changedStreamed = streamed.MoveTo(RangeBound.At(t));
                Assert.Equal(expected, string.Join('|', held.Labels));
                Assert.Equal(expected, string.Join('|', streamed.Labels));
                if (previous is not null && previous != expected)
                {
                    Assert.True(changedHeld && changedStreamed, $"at {t} the labels changed from '{previous}' to '{expected}' without saying so");
                }

                previous = expected;
            }
        }, seed: Seed, iter: 2_000, threads: 1);
    }

    [Fact]
    public void A_stream_is_read_as_the_rows_reach_it_not_held()
    {
        var regions = Enumerable.Range(0, 10_000).Select(i => Region(i, i, i + 50, ["Anomaly"])).ToArray();
        var read = 0;
        IEnumerable<LabeledRange> Counted()
        {
            foreach (var region in regions)
            {
                read++;
                yield return region;
            }
        }

        using var sweep = new LabelSweep(Counted());
        for (var t = 0; t < 10_000; t += 100)
        {
            sweep.MoveTo(RangeBound.At(t));
            Assert.InRange(read, t + 1, t + 2); // the regions started by t, and one looked ahead
        }
    }

    [Fact]
    public void A_stream_out_of_start_order_fails_instead_of_labeling_rows_wrong()
    {
        var regions = new[] { Region(0, 5, 9, ["Anomaly"]), Region(1, 2, 3, ["Normal"]) };
        var failure = Assert.Throws<InvalidOperationException>(() =>
        {
            using var sweep = new LabelSweep(Stream(regions));
            sweep.MoveTo(RangeBound.At(6));
        });
        Assert.Contains("'r1' starts before 'r0'", failure.Message, StringComparison.Ordinal);

        // The same regions held in a collection are sorted first, and label their rows.
        using var held = new LabelSweep(regions);
        held.MoveTo(RangeBound.At(2));
        Assert.Equal(["Normal"], held.Labels);
    }

    private static IEnumerable<LabeledRange> Stream(IEnumerable<LabeledRange> regions)
    {
        foreach (var region in regions)
        {
            yield return region;
        }
    }
}
