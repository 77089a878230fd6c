using Reliability.Tests.Support;
using Xunit.Abstractions;

namespace Reliability.Tests.Corpus;

/// <summary>
/// Every export of the corpus through the real executable (--target=ConvertExport, no server): a rejected one fails
/// with its message (file and line, or task, region and field), a non-zero exit and no snapshot; an accepted one
/// writes the snapshot.
/// </summary>
public sealed class ExportCorpusTests(ITestOutputHelper output)
{
    private static string Exports => Path.Combine(Repository.Corpus, "exports");

    public static TheoryData<string> Files => [.. ExportCorpus.Cases.Select(c => c.File)];

    [Fact]
    public void The_corpus_has_at_least_10_broken_exports_and_every_file_is_listed()
    {
        Assert.True(ExportCorpus.Cases.Count(c => !c.Accepted) >= 10);
        var files = Directory.GetFiles(Exports, "*.json").Select(Path.GetFileName).Where(f => f != "valid.json").Order(StringComparer.Ordinal);
        Assert.Equal(ExportCorpus.Cases.Select(c => c.File).Order(StringComparer.Ordinal), files);
    }

    [Theory]
    [MemberData(nameof(Files))]
    public async Task Export_is_rejected_clearly_or_accepted(string file)
    {
        var exportCase = ExportCorpus.Get(file);
        using var scratch = new TempDirectory();

        // An earlier snapshot is in place: a failed conversion must leave it exactly as it was.
        var previous = Path.Combine(scratch.Path, "output", "synthetic", "v1", "previous.txt");
        Directory.CreateDirectory(Path.GetDirectoryName(previous)!);
        await File.WriteAllTextAsync(previous, "the earlier snapshot");

        var run = await PipelineRunner.RunAsync(
            ["--target=ConvertExport", $"--export-file={Path.Combine(Exports, file)}", $"--datasets-dir={Repository.Datasets}", $"--output={Path.Combine(scratch.Path, "output")}"]);
        output.WriteLine(run.ToString());
        foreach (var expected in exportCase.Expect)
        {
            Assert.Contains(expected, run.Output);
        }

        var written = scratch.FilesUnder("output").Select(f => Path.GetRelativePath(Path.Combine(scratch.Path, "output"), f).Replace('\\', '/')).ToArray();
        if (exportCase.Accepted)
        {
            Assert.True(run.ExitCode == 0, run.ToString());
            Assert.Contains("synthetic/v1/lookout/labels.csv", written);
            Assert.Contains("synthetic/v1/manifest.json", written);
            Assert.DoesNotContain("synthetic/v1/previous.txt", written); // replaced whole
            if (!exportCase.Expect.Contains("it labels no row"))
            {
                Assert.DoesNotContain("lies outside the series", run.Output); // the warning bites only where it should
            }
        }
        else
        {
            Assert.NotEqual(0, run.ExitCode);
            Assert.Contains(exportCase.Expect[0], DatasetCorpusTests.ErrorLine(run.Output));
            Assert.Equal(["synthetic/v1/previous.txt"], written); // no partial output, nothing staged left behind
        }
    }
}
