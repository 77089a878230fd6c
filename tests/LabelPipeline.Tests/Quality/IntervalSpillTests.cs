using CsCheck;
using LabelPipeline.Quality;
using LabelPipeline.TimeSeries;

namespace LabelPipeline.Tests.Quality;

/// <summary>
/// The quality intervals are sorted on disk per series (a task with 780,000 regions held them all). A series read back
/// must be exactly a stable sort of what was added for it, however small the buffer (runs every few intervals), read
/// as often as the sweep restarts; and the sweep fed from the spill must give the rows it gives from a list.
/// </summary>
public sealed class IntervalSpillTests
{
    private const string Seed = "0000000000017";

    private static readonly Gen<(int Series, TrackInterval Interval)[]> Adds =
        Gen.Select(Gen.Int[0, 3], Gen.Int[0, 3], Gen.Int[-5, 30], Gen.Int[0, 8]).Array[0, 80]
            .Select(items => items.Select(i => (i.Item1, new TrackInterval(i.Item2, RangeBound.At(i.Item3), RangeBound.At(i.Item3 + i.Item4)))).ToArray());

    [Fact]
    public void A_series_reads_back_as_a_stable_sort_by_start_of_what_was_added_whatever_the_buffer()
    {
        Gen.Select(Adds, Gen.Int[1, 9]).Sample((adds, capacity) =>
        {
            using var spill = new IntervalSpill(capacity);
            foreach (var (series, interval) in adds)
            {
                spill.Add(series, interval);
            }

            for (var series = 0; series <= 4; series++)
            {
                var expected = adds.Where(a => a.Series == series).Select(a => a.Interval).OrderBy(i => i.Start).ToArray();
                Assert.Equal(expected, spill.Of(series).ToArray());
                Assert.Equal(expected, spill.Of(series).ToArray()); // again, as a restarted sweep reads it
            }

            Assert.Equal(adds.Length > capacity, spill.RunsWritten > 0);

            // As the snapshot does it: a series' last intervals (the expert's) added just before it is read, then the next.
            using var interleaved = new IntervalSpill(capacity);
            foreach (var (series, interval) in adds.Where(a => a.Series % 2 == 0))
            {
                interleaved.Add(series, interval);
            }

            for (var series = 0; series <= 3; series++)
            {
                foreach (var (_, interval) in adds.Where(a => a.Series == series && series % 2 == 1))
                {
                    interleaved.Add(series, interval);
                }

                Assert.Equal(adds.Where(a => a.Series == series).Select(a => a.Interval).OrderBy(i => i.Start), interleaved.Of(series));
            }
        }, seed: Seed, iter: 1_000, threads: 1);
    }

    [Fact]
    public void The_sweep_fed_from_the_spill_gives_the_rows_it_gives_from_a_list()
    {
        var times = Gen.Int[-6, 40].Array[1, 40]; // steps back too: the sweep restarts, reading the series again
        Gen.Select(Adds, Gen.Int[1, 9], times).Sample((adds, capacity, rows) =>
        {
            using var spill = new IntervalSpill(capacity);
            foreach (var (_, interval) in adds)
            {
                spill.Add(0, interval);
            }

            var held = new RowSweep(adds.Select(a => a.Interval).ToList(), 4);
            var streamed = new RowSweep(spill.Of(0), 4);
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
