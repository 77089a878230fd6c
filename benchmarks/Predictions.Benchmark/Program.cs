using System.Diagnostics;
using System.Globalization;
using System.Text;
using LabelPipeline.Datasets;
using LabelPipeline.Export;
using LabelPipeline.LabelConfig;
using LabelPipeline.Predictions;
using LabelPipeline.TimeSeries;

// usage: Predictions.Benchmark <score rows> <series>   (10-second samples; about 1 % of the scores above 0.8, in bursts)
var rows = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 1_000_000;
var seriesCount = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 10;
var directory = Path.Combine(Path.GetTempPath(), $"labelpipeline-predictions-bench-{Environment.ProcessId}");
Directory.CreateDirectory(directory);
try
{
    var t0 = new DateTimeOffset(2021, 1, 1, 0, 0, 0, TimeSpan.Zero);
    var perSeries = rows / seriesCount;
    var scores = Path.Combine(directory, "scores.csv");
    var random = new Random(7);
    using (var writer = new StreamWriter(scores, false, new UTF8Encoding(false)))
    {
        writer.Write("series,timestamp,score\n");
        for (var s = 0; s < seriesCount; s++)
        {
            var burst = 0;
            for (var i = 0; i < perSeries; i++)
            {
                burst = burst > 0 ? burst - 1 : random.Next(2000) == 0 ? random.Next(5, 40) : 0;
                var score = burst > 0 ? 0.8 + (random.NextDouble() * 0.2) : random.NextDouble() * 0.6;
                writer.Write($"s{s:D3}.csv,{t0.AddSeconds(10 * i):yyyy-MM-dd HH:mm:ss},{score.ToString("0.###", CultureInfo.InvariantCulture)}\n");
            }
        }
    }

    var format = TimeFormat.Parse("%Y-%m-%d %H:%M:%S");
    var options = new PredictionPlanOptions
    {
        Config = new LabelConfigInfo("ts", "csv", "label", format, ["Anomaly"], ["v"]),
        Series = PredictionTargets.Unsplit(Enumerable.Range(0, seriesCount).ToDictionary(
            s => $"s{s:D3}.csv",
            _ => new SeriesExtent(RangeBound.At(t0), RangeBound.At(t0.AddSeconds(10.0 * perSeries))))),
        SeriesTimeFormat = format,
        ModelVersion = "bench",
        DefaultLabel = "Anomaly",
        Scores = new ScoreIntervalOptions(0.8, TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(60)),
    };

    var clock = Stopwatch.StartNew();
    var file = PredictionFileReader.Read(scores);
    var read = clock.Elapsed;
    var planned = PredictionPlanner.Plan(file, options);
    var total = clock.Elapsed;
    var regions = planned.Sum(p => p.Result.Count);
    using var process = Process.GetCurrentProcess();
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"scores: {rows:N0} rows, {seriesCount} series, {new FileInfo(scores).Length / 1e6:0.0} MB -> {regions:N0} regions; read {read.TotalSeconds:0.00} s, " +
        $"read+plan {total.TotalSeconds:0.00} s ({rows / total.TotalSeconds:N0} rows/s); peak working set {process.PeakWorkingSet64 / 1e6:0} MB"));
}
finally
{
    Directory.Delete(directory, recursive: true);
}
