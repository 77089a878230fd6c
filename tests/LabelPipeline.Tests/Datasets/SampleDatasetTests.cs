using LabelPipeline.Datasets;
using LabelPipeline.Tests.Support;
using Generator = LabelPipeline.DatasetGenerator;

namespace LabelPipeline.Tests.Datasets;

/// <summary>The committed sample dataset is exactly what its generator makes, and the pipeline reads it as intended.</summary>
public sealed class SampleDatasetTests
{
    private static readonly string Folder = Path.Combine(Repository.Root, "datasets", "synthetic", "v1");

    [Fact]
    public void Committed_files_are_what_the_generator_makes() =>
        Assert.Equal(Generator.Program.ExitOk, Generator.Program.Main(["--check", "--output", Folder]));

    [Fact]
    public void Check_bites_when_the_files_differ() =>
        Assert.Equal(Generator.Program.ExitDifferences, Generator.Program.Main(["--check", "--output", Folder, "--seed", "7"]));

    [Fact]
    public void Sample_is_twenty_channels_at_ten_minutes_in_six_monthly_files()
    {
        var inspection = DatasetInspector.Inspect(Dataset.Open("synthetic", "v1", Folder));
        Assert.Equal(20, inspection.Schema.Channels.Count);
        Assert.Equal("signal_00", inspection.Schema.Channels[0]);
        Assert.Equal("%Y-%m-%d %H:%M:%S", inspection.Schema.TimeFormat!.Pattern);
        Assert.Equal(6, inspection.Files.Count);
        Assert.Equal("2021-01-01 00:00:00", inspection.Files[0].FirstTime);
        Assert.Empty(inspection.Warnings);
    }
}
