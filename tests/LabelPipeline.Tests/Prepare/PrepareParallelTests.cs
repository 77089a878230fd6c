using System.Globalization;
using System.Text;
using LabelPipeline.Datasets;
using LabelPipeline.Prepare;

namespace LabelPipeline.Tests.Prepare;

/// <summary>Prepare on several cores gives the sequential run's bytes; unchanged sources are recognised by their file stamps.</summary>
public sealed class PrepareParallelTests : IDisposable
{
    private static readonly DateTime T0 = new(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc);
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private string Folder => Path.Combine(_temp.Path, "ds", "v1");

    /// <summary>Sources of different lengths and faults (gaps, repeated times, a text column), deterministic.</summary>
    private void WriteSources(int count)
    {
        Directory.CreateDirectory(Folder);
        var random = new Random(17);
        for (var s = 0; s < count; s++)
        {
            var text = new StringBuilder("time,a,b,note\n");
            var rows = random.Next(1, 400);
            for (var i = 0; i < rows; i++)
            {
                var time = T0.AddSeconds(i - (random.Next(30) == 0 ? 1 : 0)); // now and then a repeated time
                var a = random.Next(20) == 0 ? string.Empty : (random.NextDouble() * 100).ToString("0.##", CultureInfo.InvariantCulture);
                text.Append(CultureInfo.InvariantCulture, $"{time:yyyy-MM-dd HH:mm:ss},{a},{random.Next(5)},n{i % 3}\n");
            }

            File.WriteAllText(Path.Combine(Folder, $"s{s:D3}.csv"), text.ToString());
        }
    }

    private PreparedDataset Run(string output, int workers, PrepareOptions? options = null) =>
        DatasetPreparer.Run(Dataset.Open("ds", "v1", Folder), (options ?? new PrepareOptions { MaxPointsPerTask = 300 }) with { Workers = workers }, output, CancellationToken.None);

    /// <summary>Every file of a prepared folder but the stamp cache (it records inodes, which differ between folders).</summary>
    private static SortedDictionary<string, string> Contents(string folder) => new(
        Directory.GetFiles(folder).Where(f => Path.GetFileName(f) != FileStampCache.FileName)
            .ToDictionary(f => Path.GetFileName(f), f => Convert.ToHexString(File.ReadAllBytes(f))),
        StringComparer.Ordinal);

    [Fact]
    public void Four_workers_write_the_same_files_and_manifest_as_one()
    {
        WriteSources(60);
        var one = Run(Path.Combine(_temp.Path, "one"), 1);
        var four = Run(Path.Combine(_temp.Path, "four"), 4);

        Assert.True(one.TaskFiles.Files.Count > 60, "some sources are split into windows");
        Assert.Equal(Contents(Path.Combine(_temp.Path, "one")), Contents(Path.Combine(_temp.Path, "four")));
        Assert.Equal(one.Manifest.ToJson(), four.Manifest.ToJson());
        Assert.Equal(one.TaskFiles.Files.Select(Path.GetFileName), four.TaskFiles.Files.Select(Path.GetFileName));

        // Again, with one source changed: only it is prepared again, in either mode.
        File.AppendAllText(Path.Combine(Folder, "s007.csv"), "2024-01-02 00:00:00,1,1,x\n");
        var oneAgain = Run(Path.Combine(_temp.Path, "one"), 1);
        var fourAgain = Run(Path.Combine(_temp.Path, "four"), 4);
        Assert.Equal(59, fourAgain.Unchanged.Count);
        Assert.DoesNotContain("s007.csv", fourAgain.Unchanged);
        Assert.Equal(oneAgain.Unchanged, fourAgain.Unchanged);
        Assert.Equal(Contents(Path.Combine(_temp.Path, "one")), Contents(Path.Combine(_temp.Path, "four")));
    }

    [Fact]
    public void The_first_broken_source_in_order_is_reported_and_nothing_is_moved_in_place()
    {
        WriteSources(40);
        var output = Path.Combine(_temp.Path, "prepared");
        Run(output, 4);
        var before = Contents(output);

        File.AppendAllText(Path.Combine(Folder, "s031.csv"), "2024-01-02 00:00:00,1\n");
        File.AppendAllText(Path.Combine(Folder, "s012.csv"), "2024-01-02 00:00:00,1,1,y,extra\n");
        File.AppendAllText(Path.Combine(Folder, "s020.csv"), "2024-01-02 00:00:01,2,2,z\n"); // a good change, not kept either
        var four = Assert.ThrowsAny<Exception>(() => Run(output, 4));
        var one = Assert.ThrowsAny<Exception>(() => Run(output, 1));

        Assert.Contains("s012.csv", four.Message, StringComparison.Ordinal);
        Assert.Equal(one.Message, four.Message);
        Assert.Equal(before, Contents(output));
        Assert.Empty(Directory.GetDirectories(output)); // no staging folder left
    }

    [Fact]
    public void An_unchanged_source_is_not_hashed_again_but_a_rewrite_with_the_same_size_and_time_is()
    {
        WriteSources(1);
        var source = Path.Combine(Folder, "s000.csv");
        var cache = new FileStampCache();
        var sha = cache.SourceSha256(source);
        Assert.Equal(1, cache.Hashed);
        var folder = Path.Combine(_temp.Path, "cache");
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, FileStampCache.FileName), cache.Render());

        var next = FileStampCache.Read(folder);
        Assert.Equal(sha, next.SourceSha256(source));
        Assert.Equal(0, next.Hashed);

        // Same length, last-write time put back: the status-change time (and here the inode) still tell.
        var bytes = File.ReadAllBytes(source);
        var written = File.GetLastWriteTimeUtc(source);
        bytes[^2] = bytes[^2] == (byte)'0' ? (byte)'1' : (byte)'0';
        File.Delete(source);
        File.WriteAllBytes(source, bytes);
        File.SetLastWriteTimeUtc(source, written);
        var changed = FileStampCache.Read(folder);
        Assert.NotEqual(sha, changed.SourceSha256(source));
        Assert.Equal(1, changed.Hashed);
    }

    [Fact]
    public void A_rerun_of_many_unchanged_sources_hashes_nothing()
    {
        WriteSources(50);
        var output = Path.Combine(_temp.Path, "prepared");
        Run(output, 2);
        var stamps = File.ReadAllText(Path.Combine(output, FileStampCache.FileName));
        Assert.Equal(50 + Directory.GetFiles(output, "*.csv").Length, stamps.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length - 1);

        var again = Run(output, 2);
        Assert.Equal(50, again.Unchanged.Count);
        Assert.Equal(0, again.FilesHashed);
        Assert.Equal(stamps, File.ReadAllText(Path.Combine(output, FileStampCache.FileName)));

        // A task file edited behind Prepare's back (same length) is noticed and written again.
        var task = Directory.GetFiles(output, "s004*.csv").First();
        var original = File.ReadAllBytes(task);
        var edited = (byte[])original.Clone();
        edited[^2] = edited[^2] == (byte)'0' ? (byte)'1' : (byte)'0';
        File.WriteAllBytes(task, edited);
        var repaired = Run(output, 2);
        Assert.DoesNotContain("s004.csv", repaired.Unchanged);
        Assert.Equal(original, File.ReadAllBytes(task));
    }
}
