using System.Text;
using LabelPipeline.Datasets;
using LabelPipeline.Prepare;

namespace LabelPipeline.Tests.Prepare;

/// <summary>A long Prepare says how far it is; a short one stays quiet.</summary>
public sealed class PrepareProgressTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private Dataset WriteSeries(int rows)
    {
        var folder = Path.Combine(_temp.Path, "ds", "v1");
        Directory.CreateDirectory(folder);
        var text = new StringBuilder("time,a,b\n");
        var t0 = new DateTime(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        for (var i = 0; i < rows; i++)
        {
            text.Append(t0.AddSeconds(i).ToString("yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture)).Append(",1.5,").Append(i % 7).Append('\n');
        }

        File.WriteAllText(Path.Combine(folder, "long.csv"), text.ToString());
        return Dataset.Open("ds", "v1", folder);
    }

    [Fact]
    public void Reading_a_long_source_reports_how_far_it_is()
    {
        var logger = new ListLogger();
        DatasetPreparer.Run(WriteSeries(100_000), new PrepareOptions(), Path.Combine(_temp.Path, "prepared"), CancellationToken.None,
            progress: new PrepareProgress(logger, TimeSpan.Zero));

        // Once per row with a zero interval, the reader a buffer ahead: from a few percent up to 100 %, never down.
        Assert.True(logger.Texts.Count > 1000, $"{logger.Texts.Count} progress lines");
        Assert.All(logger.Texts, l => Assert.Matches(@"^Prepare: long\.csv \d+% read \(\d+\.\d of 2\.5 MB\)$", l));
        var percents = logger.Texts.Select(l => int.Parse(l.Split(' ')[2].TrimEnd('%'), System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(percents.Order(), percents);
        Assert.Equal(100, percents[^1]);
    }

    [Fact]
    public void A_quick_source_prints_no_progress()
    {
        var logger = new ListLogger();
        DatasetPreparer.Run(WriteSeries(1_000), new PrepareOptions(), Path.Combine(_temp.Path, "prepared"), CancellationToken.None,
            progress: new PrepareProgress(logger, TimeSpan.FromMinutes(10)));
        Assert.Empty(logger.Texts);
    }
}
