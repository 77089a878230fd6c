using System.Globalization;
using System.Text;
using LabelPipeline.Datasets;
using LabelPipeline.TimeSeries;
using LabelPipeline.LabelConfig;
using LabelPipeline.Predictions;
using LabelPipeline.Tests.Support;

namespace LabelPipeline.Tests.Predictions;

/// <summary>
/// Score files are sorted per series on disk (ScoreSpill) instead of in memory: the planned regions must be exactly the
/// ones the in-memory planning gave (every sample of a series held, sorted stably by time, then thresholded and merged).
/// </summary>
public sealed class ScoreSpillTests : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2021, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    /// <summary>Interleaved series (some named without .csv), times out of order, repeated times with other scores.</summary>
    private static List<(string Series, double Time, double Score)> Samples(int seed, bool numeric)
    {
        var random = new Random(seed);
        var samples = new List<(string, double, double)>();
        var series = random.Next(1, 6);
        for (var i = random.Next(1, 3000); i > 0; i--)
        {
            var s = random.Next(series);
            var time = numeric ? random.Next(-400, 400) / 4.0 : random.Next(0, 2000) * 30;
            var score = random.Next(3) == 0 ? 0.5 + (random.NextDouble() / 2) : random.NextDouble() / 2;
            samples.Add((random.Next(2) == 0 ? $"s{s}.csv" : $"s{s}", time, score));
        }

        return samples;
    }

    private string Write(IEnumerable<(string Series, double Time, double Score)> samples, bool numeric)
    {
        var text = new StringBuilder("series,timestamp,score\n");
        foreach (var (series, time, score) in samples)
        {
            var written = numeric ? time.ToString("R", CultureInfo.InvariantCulture) : T0.AddSeconds(time).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
            text.Append(CultureInfo.InvariantCulture, $"{series},{written},{score:R}\n");
        }

        return _temp.Write($"scores-{Guid.NewGuid():N}.csv", text.ToString());
    }

    private static PredictionPlanOptions Options(bool numeric, ScoreIntervalOptions scores, int inMemory)
    {
        var format = numeric ? null : TimeFormat.Parse("%Y-%m-%d %H:%M:%S");
        var extent = numeric ? new SeriesExtent(RangeBound.At(-100.0), RangeBound.At(100.0)) : new SeriesExtent(RangeBound.At(T0), RangeBound.At(T0.AddDays(1)));
        return new PredictionPlanOptions
        {
            Config = new LabelConfigInfo("ts", "csv", "label", format, ["Anomaly"], ["v"]),
            Series = PredictionTargets.Unsplit(Enumerable.Range(0, 5).ToDictionary(s => $"s{s}.csv", _ => extent)),
            SeriesTimeFormat = format,
            ModelVersion = "m",
            DefaultLabel = "Anomaly",
            Scores = scores,
            ScoreSamplesInMemory = inMemory,
        };
    }

    /// <summary>The planning before the spill: each series' samples in a list, sorted in memory (ScoreIntervals.Find).</summary>
    private static List<(string Series, string Start, string End, double Score)> InMemory(
        List<(string Series, double Time, double Score)> samples, bool numeric, ScoreIntervalOptions options)
    {
        var config = Options(numeric, options, 1).Config;
        string Text(RangeBound b) => PredictionPlanner.FormatBound(b, config).ToString();
        return samples
            .GroupBy(s => s.Series.EndsWith(".csv", StringComparison.Ordinal) ? s.Series : s.Series + ".csv")
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .SelectMany(g => ScoreIntervals.Find(g.Select(s => (numeric ? RangeBound.At(s.Time) : RangeBound.At(T0.AddSeconds(s.Time)), s.Score)).ToList(), options)
                .Select(i => (g.Key, Text(i.Start), Text(i.End), i.Score)))
            .ToList();
    }

    private static List<(string Series, string Start, string End, double Score)> Regions(IReadOnlyList<SeriesPrediction> planned) =>
        planned.SelectMany(p => p.Result.Select(r => (p.Series, r["value"]!["start"]!.ToString(), r["value"]!["end"]!.ToString(), (double)r["score"]!))).ToList();

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Spilled_planning_gives_the_in_memory_plannings_regions(bool numeric)
    {
        for (var seed = 1; seed <= 25; seed++)
        {
            var samples = Samples(seed, numeric);
            var file = PredictionFileReader.Read(Write(samples, numeric));
            var random = new Random(seed);
            var options = new ScoreIntervalOptions(0.5, TimeSpan.FromSeconds(random.Next(3) * 30), TimeSpan.FromSeconds(random.Next(3) * 60));
            var expected = InMemory(samples, numeric, options);
            foreach (var inMemory in new[] { 1 << 19, 97 })
            {
                var planned = PredictionPlanner.Plan(file, Options(numeric, options, inMemory));
                Assert.Equal(expected, Regions(planned));
            }
        }
    }

    [Fact]
    public void Equal_times_keep_their_file_order_across_runs()
    {
        // 60 s twice, first below then above the threshold. In file order the run at 0 closes at the first 60 and a new
        // one opens at the second: two regions. The other order would make one region 0..60.
        var file = PredictionFileReader.Read(Write([("s0.csv", 60, 0.1), ("s0.csv", 0, 0.9), ("s0.csv", 60, 0.9), ("s0.csv", 120, 0.1)], numeric: false));
        var options = ScoreIntervalOptions.Default;
        var inMemory = Regions(PredictionPlanner.Plan(file, Options(false, options, 1 << 19)));
        Assert.Equal(2, inMemory.Count);
        Assert.Equal(inMemory, Regions(PredictionPlanner.Plan(file, Options(false, options, 1))));
    }

    [Fact]
    public void The_spill_folder_is_removed_and_runs_are_written_when_the_buffer_fills()
    {
        using var spill = new ScoreSpill(times: false, capacity: 10);
        for (var i = 0; i < 95; i++)
        {
            spill.Add(i % 3, RangeBound.At(100 - i), i);
        }

        Assert.Equal(9, spill.RunsWritten);
        var series1 = spill.Series(1).ToList();
        Assert.Equal(Enumerable.Range(0, 95).Where(i => i % 3 == 1).Reverse().Select(i => (RangeBound.At(100 - i), (double)i)), series1);
        Assert.Empty(spill.Series(7));
    }
}
