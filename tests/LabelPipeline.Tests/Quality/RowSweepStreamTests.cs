using CsCheck;
using LabelPipeline.IO;
using LabelPipeline.Quality;
using LabelPipeline.TimeSeries;

namespace LabelPipeline.Tests.Quality;

/// <summary>
/// The quality sweep reads a series' intervals as a stream from the spill (sorted on disk by start, SeriesSpillTests),
/// restarting it when the rows step back: it must give the rows it gives from a list, and fail on a stream out of order.
/// </summary>
public sealed class RowSweepStreamTests
{
    private const string Seed = "0000000000017";

    private static readonly Gen<(int Series, TrackInterval Interval)[]> Adds =
        Gen.Select(Gen.Int[0, 3], Gen.Int[0, 3], Gen.Int[-5, 30], Gen.Int[0, 8]).Array[0, 80]
            .Select(items => items.Select(i => (i.Item1, new TrackInterval(i.Item2, RangeBound.At(i.Item3), RangeBound.At(i.Item3 + i.Item4)))).ToArray());

    [Fact]
    public void The_sweep_fed_from_the_spill_gives_the_rows_it_gives_from_a_list()
    {
        var times = Gen.Int[-6, 40].Array[1, 40]; // steps back too: the sweep restarts, reading the series again
        Gen.Select(Adds, Gen.Int[1, 9], times).Sample((adds, capacity, rows) =>
        {
            using var spill = new SeriesSpill<TrackInterval>("test", capacity);
            foreach (var (_, interval) in adds)
            {
                spill.Add(0, interval.Start, interval);
            }

            var held = new RowSweep(adds.Select(a => a.Interval).ToList(), 4);
            var streamed = new RowSweep(spill.Of(0).Select(i => i.Item), 4);
            foreach (var t in rows)
            {
                held.Observe(RangeBound.At(t));
                streamed.Observe(RangeBound.At(t));
            }

            Assert.Equal(held.Finish(), streamed.Finish());
            Assert.All(Enumerable.Range(0, rows.Length), row => Assert.Equal(held.TimeOf(row), streamed.TimeOf(row)));
        }, seed: Seed, iter: 1_000, threads: 1);
    }

    [Fact]
    public void A_stream_out_of_start_order_fails_instead_of_counting_rows_wrong()
    {
        IEnumerable<TrackInterval> Unsorted()
        {
            yield return new TrackInterval(0, RangeBound.At(10), RangeBound.At(12));
            yield return new TrackInterval(1, RangeBound.At(3), RangeBound.At(4));
        }

        var failure = Assert.Throws<InvalidOperationException>(() => new RowSweep(Unsorted(), 2).Observe(RangeBound.At(11.0)));
        Assert.Contains("out of start order", failure.Message, StringComparison.Ordinal);
    }
}
