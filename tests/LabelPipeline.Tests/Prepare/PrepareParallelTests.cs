using System.Globalization;
using System.Text;
using LabelPipeline.Datasets;
using LabelPipeline.Prepare;

namespace LabelPipeline.Tests.Prepare;

/// <summary>
/// Prepare on several cores gives the sequential run's bytes; unchanged sources are recognised by their file stamps, and
/// every change to a source or an output is noticed (the result is always a fresh run's).
/// </summary>
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

    [Theory]
    [InlineData(2)] // the default on this 2-core machine (one worker per core)
    [InlineData(4)]
    public void Several_workers_write_the_same_files_and_manifest_as_one(int workers)
    {
        WriteSources(60);
        var one = Run(Path.Combine(_temp.Path, "one"), 1);
        var several = Run(Path.Combine(_temp.Path, "several"), workers);

        Assert.True(one.TaskFiles.Files.Count > 60, "some sources are split into windows");
        Assert.Equal(Contents(Path.Combine(_temp.Path, "one")), Contents(Path.Combine(_temp.Path, "several")));
        Assert.Equal(one.Manifest.ToJson(), several.Manifest.ToJson());
        Assert.Equal(one.TaskFiles.Files.Select(Path.GetFileName), several.TaskFiles.Files.Select(Path.GetFileName));

        // Again, with one source changed: only it is prepared again, in either mode.
        File.AppendAllText(Path.Combine(Folder, "s007.csv"), "2024-01-02 00:00:00,1,1,x\n");
        var oneAgain = Run(Path.Combine(_temp.Path, "one"), 1);
        var severalAgain = Run(Path.Combine(_temp.Path, "several"), workers);
        Assert.Equal(59, severalAgain.Unchanged.Count);
        Assert.DoesNotContain("s007.csv", severalAgain.Unchanged);
        Assert.Equal(oneAgain.Unchanged, severalAgain.Unchanged);
        Assert.Equal(Contents(Path.Combine(_temp.Path, "one")), Contents(Path.Combine(_temp.Path, "several")));
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
        var lines = stamps.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(50, lines.Count(l => l.StartsWith("s\t", StringComparison.Ordinal)));
        Assert.Equal(Directory.GetFiles(output, "*.csv").Length, lines.Count(l => l.StartsWith("t\t", StringComparison.Ordinal)));

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

    /// <summary>Every file of a prepared folder with its stamp (size, mtime, ctime, inode): any write moves the ctime.</summary>
    private static SortedDictionary<string, FileStamp?> Stamps(string folder) => new(
        Directory.GetFiles(folder).ToDictionary(f => Path.GetFileName(f), FileStamp.Of), StringComparer.Ordinal);

    /// <summary>What a run from scratch makes of the sources as they are now (the cache must never make a difference).</summary>
    private SortedDictionary<string, string> Fresh()
    {
        var folder = Path.Combine(_temp.Path, "fresh-" + Guid.NewGuid().ToString("N"));
        Run(folder, 2);
        return Contents(folder);
    }

    [Fact]
    public void An_unchanged_rerun_reads_no_source_and_writes_nothing()
    {
        WriteSources(30); // each with a text column: a warning per file, kept in the detection cache
        var output = Path.Combine(_temp.Path, "prepared");
        var first = Run(output, 2);
        Assert.Equal(30, first.SchemasDetected);
        Assert.Contains(first.Warnings, w => w.Contains("s017.csv: column 'note' is not numeric", StringComparison.Ordinal));
        var before = Stamps(output);

        var again = Run(output, 2);
        Assert.Equal(30, again.Unchanged.Count);
        Assert.Equal(0, again.FilesHashed);
        Assert.Equal(0, again.SchemasDetected);
        Assert.Equal(first.Warnings, again.Warnings);
        Assert.Equal(first.Manifest.ToJson(), again.Manifest.ToJson());
        Assert.Equal(first.SourceSchema.Columns, again.SourceSchema.Columns);
        Assert.Equal(first.SourceSchema.Channels, again.SourceSchema.Channels);
        Assert.Equal(first.SourceSchema.TimeFormat!.Pattern, again.SourceSchema.TimeFormat!.Pattern);
        Assert.Equal(before, Stamps(output)); // not one file written, prepare.json, the report and the stamps included
        Assert.Equal(Fresh(), Contents(output));
    }

    [Fact]
    public void Every_change_to_the_sources_is_noticed_and_gives_a_fresh_runs_bytes()
    {
        WriteSources(12);
        var output = Path.Combine(_temp.Path, "prepared");
        Run(output, 2);
        string Source(int i) => Path.Combine(Folder, $"s{i:D3}.csv");

        // Touched (a new last-write time, the same bytes): hashed and read again, found unchanged.
        File.SetLastWriteTimeUtc(Source(3), DateTime.UtcNow.AddMinutes(1));
        var touched = Run(output, 2);
        Assert.Contains("s003.csv", touched.Unchanged);
        Assert.Equal(1, touched.FilesHashed);
        Assert.Equal(1, touched.SchemasDetected);

        // Edited in place, same size, last-write time put back: the status-change time tells.
        var written = File.GetLastWriteTimeUtc(Source(5));
        var bytes = File.ReadAllBytes(Source(5));
        bytes[^5] = bytes[^5] == (byte)'0' ? (byte)'1' : (byte)'0'; // column b of the last row ("…,3,n2\n")
        File.WriteAllBytes(Source(5), bytes);
        File.SetLastWriteTimeUtc(Source(5), written);
        var changed = Run(output, 2);
        Assert.DoesNotContain("s005.csv", changed.Unchanged);
        Assert.Equal(Fresh(), Contents(output));

        // The first value of its text column, and so its warning, changed: the report says so.
        File.WriteAllText(Source(7), File.ReadAllText(Source(7)).Replace(",n0\n", ",zz\n", StringComparison.Ordinal));
        var warned = Run(output, 2);
        Assert.Contains(warned.Warnings, w => w.Contains("s007.csv: column 'note' is not numeric, so it gets no chart (first value 'zz')", StringComparison.Ordinal));
        Assert.Contains("first value 'zz'", File.ReadAllText(Path.Combine(output, DatasetPreparer.ReportFileName)), StringComparison.Ordinal);
        Assert.Equal(Fresh(), Contents(output));

        // A header that no longer matches the others' is refused, stamps or not; nothing is changed.
        var good = File.ReadAllText(Source(9));
        var kept = Contents(output);
        File.WriteAllText(Source(9), "time,a,b,nota\n" + good[(good.IndexOf('\n') + 1)..]);
        var refused = Assert.Throws<DatasetException>(() => Run(output, 2));
        Assert.Contains("s009.csv line 1: the header differs", refused.Message, StringComparison.Ordinal);
        Assert.Equal(kept, Contents(output));
        File.WriteAllText(Source(9), good);

        // Removed: its task files, its manifest entry and its stamp go. Added: prepared.
        File.Delete(Source(2));
        File.Copy(Source(4), Path.Combine(Folder, "s100.csv"));
        var moved = Run(output, 2);
        Assert.NotEmpty(moved.Removed);
        Assert.All(moved.Removed, r => Assert.StartsWith("s002.", r, StringComparison.Ordinal));
        Assert.DoesNotContain(moved.Manifest.Sources, s => s.File == "s002.csv");
        Assert.Contains(moved.Manifest.Sources, s => s.File == "s100.csv");
        Assert.DoesNotContain("s100.csv", moved.Unchanged);
        Assert.DoesNotContain("\ts002.csv\t", File.ReadAllText(Path.Combine(output, FileStampCache.FileName)), StringComparison.Ordinal);
        Assert.Equal(Fresh(), Contents(output));

        var settled = Run(output, 2);
        Assert.Equal(12, settled.Unchanged.Count);
        Assert.Equal(0, settled.FilesHashed + settled.SchemasDetected);
    }

    [Fact]
    public void Outputs_edited_or_deleted_behind_Prepares_back_are_written_again()
    {
        WriteSources(5);
        var output = Path.Combine(_temp.Path, "prepared");
        Run(output, 2);
        var good = Contents(output);
        var manifest = Path.Combine(output, PreparedManifest.FileName);
        var report = Path.Combine(output, DatasetPreparer.ReportFileName);

        File.WriteAllText(manifest, File.ReadAllText(manifest).Replace("\n", "\r\n", StringComparison.Ordinal)); // still the same manifest to a JSON reader
        File.Delete(report);
        Run(output, 2);
        Assert.Equal(good, Contents(output));

        File.AppendAllText(report, " ");
        File.WriteAllText(Path.Combine(output, FileStampCache.FileName), "# labelpipeline-prepare-stamps/2\tkind\ngarbage\n");
        var again = Run(output, 2);
        Assert.Equal(good, Contents(output));
        Assert.Equal(5, again.Unchanged.Count); // hashed again (the stamps were gone), found the same
        Assert.Equal(5 + Directory.GetFiles(output, "*.csv").Length, again.FilesHashed);
    }

    [Fact]
    public void Options_that_change_the_schema_detection_are_not_answered_from_the_cache()
    {
        WriteSources(4);
        var output = Path.Combine(_temp.Path, "prepared");
        Run(output, 2);

        var wrongFormat = Assert.Throws<DatasetException>(() => Run(output, 2, new PrepareOptions { MaxPointsPerTask = 300, TimeFormat = "%d/%m/%Y %H:%M:%S" }));
        Assert.Contains("does not match the time format '%d/%m/%Y %H:%M:%S'", wrongFormat.Message, StringComparison.Ordinal);
        var noColumn = Assert.Throws<DatasetException>(() => Run(output, 2, new PrepareOptions { MaxPointsPerTask = 300, TimeColumn = "when" }));
        Assert.Contains("--time-column 'when' is not a column", noColumn.Message, StringComparison.Ordinal);
        var fewerColumns = Assert.Throws<DatasetException>(
            () => DatasetPreparer.Run(Dataset.Open("ds", "v1", Folder), new PrepareOptions { MaxPointsPerTask = 300, Workers = 2 }, output, CancellationToken.None, InputLimits.Default with { MaxColumns = 3 }));
        Assert.Contains("4 columns, more than the 3", fewerColumns.Message, StringComparison.Ordinal);

        var again = Run(output, 2);
        Assert.Equal(4, again.Unchanged.Count);
        Assert.Equal(0, again.SchemasDetected);
    }
}
