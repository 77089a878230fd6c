using Reliability.Tests.Support;
using Xunit.Abstractions;

namespace Reliability.Tests.Corpus;

/// <summary>
/// Every dataset of the corpus through the real executable (--target=Export against the emulator): a rejected one
/// fails with its message (file and line), a non-zero exit, no project and no output; an accepted one labels end to
/// end, one task per file.
/// </summary>
public sealed class DatasetCorpusTests(DatasetCorpusTests.Fixture fixture, ITestOutputHelper output) : IClassFixture<DatasetCorpusTests.Fixture>
{
    private static string CommittedDatasets => Path.Combine(Repository.Corpus, "datasets");

    public static TheoryData<string> Names => [.. DatasetCorpus.Cases.Select(c => c.Name)];

    [Fact]
    public void The_corpus_has_at_least_20_datasets_and_every_committed_one_is_listed()
    {
        Assert.True(DatasetCorpus.Cases.Count >= 20, $"{DatasetCorpus.Cases.Count} cases");
        // '.prepared' holds Prepare's task files (git-ignored), not a case.
        var committed = Directory.GetDirectories(CommittedDatasets).Select(Path.GetFileName).Where(n => !n!.StartsWith('.')).Order(StringComparer.Ordinal);
        Assert.Equal(DatasetCorpus.Cases.Where(c => !c.Generated).Select(c => c.Name).Order(StringComparer.Ordinal), committed);
    }

    [Theory]
    [MemberData(nameof(Names))]
    public async Task Dataset_is_rejected_clearly_or_accepted(string name)
    {
        var corpusCase = DatasetCorpus.Get(name);
        var datasets = corpusCase.Generated ? fixture.Generated.Path : CommittedDatasets;
        using var scratch = new TempDirectory();
        var server = fixture.LabelStudio.Server;
        var (arguments, environment) = LabelStudioFixture.Pipeline(server, datasets, scratch.Path, "--target=Export", $"--dataset={name}", "--dataset-version=v1");
        var run = await PipelineRunner.RunAsync(arguments, environment);
        output.WriteLine(run.ToString());
        var title = $"{name} v1";
        foreach (var expected in corpusCase.Expect)
        {
            Assert.Contains(expected, run.Output);
        }

        if (corpusCase.Accepted)
        {
            Assert.True(run.ExitCode == 0, run.ToString());
            var project = Assert.Single(server.Inspect.ProjectIdsTitled(title));
            var files = Directory.GetFiles(Path.Combine(datasets, name, "v1"), "*.csv").Length;
            Assert.Equal(files, server.Inspect.TaskCount(project));
            Assert.True(File.Exists(Path.Combine(scratch.Path, "output", name, "v1", "lookout", "labels.csv")), run.ToString());
            Assert.True(File.Exists(Path.Combine(scratch.Path, "output", name, "v1", "manifest.json")), run.ToString());
        }
        else
        {
            Assert.NotEqual(0, run.ExitCode);
            var error = ErrorLine(run.Output);
            Assert.Contains(corpusCase.Expect[0], error);
            Assert.Empty(server.Inspect.ProjectIdsTitled(title));
            Assert.Empty(scratch.FilesUnder("output"));
            Assert.DoesNotContain(server.LegacyToken, run.Output);
        }

        Assert.Empty(server.ContractViolations);
    }

    /// <summary>The line Cake reports the failure with ("Error: ..."); the message must stand on its own there.</summary>
    internal static string ErrorLine(string output) =>
        output.Split('\n').LastOrDefault(l => l.StartsWith("Error:", StringComparison.Ordinal)) ?? throw new Xunit.Sdk.XunitException("No 'Error:' line in:\n" + output);

    public sealed class Fixture : IAsyncLifetime
    {
        public LabelStudioFixture LabelStudio { get; } = new();

        public TempDirectory Generated { get; } = new();

        public async Task InitializeAsync()
        {
            DatasetCorpus.Generate(Generated.Path);
            await LabelStudio.InitializeAsync();
        }

        public async Task DisposeAsync()
        {
            await LabelStudio.DisposeAsync();
            Generated.Dispose();
        }
    }
}
