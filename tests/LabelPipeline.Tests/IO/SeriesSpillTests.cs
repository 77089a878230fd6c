using CsCheck;
using LabelPipeline.IO;

namespace LabelPipeline.Tests.IO;

/// <summary>
/// The quality intervals and the score samples are sorted per series on disk (a task with 780,000 regions, a score file
/// of millions of rows). A series read back must be exactly a stable sort by key of what was added for it, however
/// small the buffer (a run every few items), read as often as a sweep restarts, and with items still added between
/// reads, as the snapshot adds a series' expert intervals just before reading it.
/// </summary>
public sealed class SeriesSpillTests
{
    private const string Seed = "0000000000019";

    /// <summary>Series, key; the item is the add's index and a value, so a wrong order or a mangled item shows.</summary>
    private static readonly Gen<(int Series, long Key, (int Index, double Value) Item)[]> Adds =
        Gen.Select(Gen.Int[0, 3], Gen.Long[-5, 30], Gen.Double).Array[0, 80]
            .Select(items => items.Select((a, i) => (a.Item1, a.Item2, (i, a.Item3))).ToArray());

    private static (long Key, (int Index, double Value) Item)[] StableSort(IEnumerable<(int Series, long Key, (int, double) Item)> adds, int series) =>
        adds.Where(a => a.Series == series).OrderBy(a => a.Key).Select(a => (a.Key, a.Item)).ToArray();

    [Fact]
    public void A_series_reads_back_as_a_stable_sort_by_key_of_what_was_added_whatever_the_buffer()
    {
        Gen.Select(Adds, Gen.Int[1, 9]).Sample((adds, capacity) =>
        {
            using var spill = new SeriesSpill<(int, double)>("test", capacity);
            foreach (var (series, key, item) in adds)
            {
                spill.Add(series, key, item);
            }

            for (var series = 0; series <= 4; series++)
            {
                var expected = StableSort(adds, series);
                Assert.Equal(expected, spill.Of(series).ToArray());
                Assert.Equal(expected, spill.Of(series).ToArray()); // again, as a restarted sweep reads it
            }

            Assert.Equal(adds.Length > capacity, spill.RunsWritten > 0);
        }, seed: Seed, iter: 1_000, threads: 1);
    }

    [Fact]
    public void Items_added_between_reads_are_in_the_next_read()
    {
        Gen.Select(Adds, Gen.Int[1, 9]).Sample((adds, capacity) =>
        {
            // As the snapshot does it: the even series first; each odd series' items just before it is read, then the next.
            using var spill = new SeriesSpill<(int, double)>("test", capacity);
            foreach (var (series, key, item) in adds.Where(a => a.Series % 2 == 0))
            {
                spill.Add(series, key, item);
            }

            for (var series = 0; series <= 3; series++)
            {
                foreach (var (_, key, item) in adds.Where(a => a.Series == series && series % 2 == 1))
                {
                    spill.Add(series, key, item);
                }

                Assert.Equal(StableSort(adds, series), spill.Of(series));
            }
        }, seed: Seed, iter: 1_000, threads: 1);
    }

    [Fact]
    public void Runs_go_to_a_temporary_folder_of_their_own_which_dispose_removes()
    {
        var name = $"spill-test-{Guid.NewGuid():N}";
        string[] Folders() => Directory.GetDirectories(Path.GetTempPath(), $"labelpipeline-{name}-*");
        var spill = new SeriesSpill<long>(name, capacity: 10);
        for (var i = 0; i < 95; i++)
        {
            spill.Add(i % 3, 100 - i, i);
        }

        Assert.Equal(9, spill.RunsWritten);
        Assert.Single(Folders());
        Assert.Equal(Enumerable.Range(0, 95).Where(i => i % 3 == 1).Reverse().Select(i => (100L - i, (long)i)), spill.Of(1));
        Assert.Empty(spill.Of(7));
        spill.Dispose();
        Assert.Empty(Folders());
    }
}
