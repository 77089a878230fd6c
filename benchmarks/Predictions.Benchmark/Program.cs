using System.Diagnostics;
using System.Globalization;
using System.Text;
using LabelPipeline.Datasets;
using LabelPipeline.Export;
using LabelPipeline.LabelConfig;
using LabelPipeline.Predictions;
using LabelPipeline.TimeSeries;

// usage: Predictions.Benchmark <score rows> <series> [csv|jsonl|json]        generate, then read + plan, in this process
//        Predictions.Benchmark generate <score rows> <series> <file>         only write the score file (format from the extension)
//        Predictions.Benchmark plan <score rows> <series> <file>             only read + plan it: run under /usr/bin/time for the
//                                                                            whole process's CPU and peak (VmHWM), without the generator
// 10-second samples; about 1 % of the scores above 0.8, in bursts.
var t0 = new DateTimeOffset(2021, 1, 1, 0, 0, 0, TimeSpan.Zero);
var mode = args.Length > 0 && !char.IsDigit(args[0][0]) ? args[0] : "both";
var rest = mode == "both" ? args : args[1..];
var rows = rest.Length > 0 ? int.Parse(rest[0], CultureInfo.InvariantCulture) : 1_000_000;
var seriesCount = rest.Length > 1 ? int.Parse(rest[1], CultureInfo.InvariantCulture) : 10;
var perSeries = rows / seriesCount;
switch (mode)
{
    case "generate":
        Generate(rest[2]);
        return 0;
    case "plan":
        Plan(rest[2]);
        return 0;
}

var directory = Path.Combine(Path.GetTempPath(), $"labelpipeline-predictions-bench-{Environment.ProcessId}");
Directory.CreateDirectory(directory);
try
{
    var scores = Path.Combine(directory, "scores." + (rest.Length > 2 ? rest[2] : "csv"));
    Generate(scores);
    Plan(scores);
}
finally
{
    Directory.Delete(directory, recursive: true);
}

return 0;

void Generate(string scores)
{
    var format = Path.GetExtension(scores).TrimStart('.');
    var random = new Random(7);
    using var writer = new StreamWriter(scores, false, new UTF8Encoding(false));
    writer.Write(format switch { "csv" => "series,timestamp,score\n", "json" => "[\n", _ => string.Empty });
    for (var s = 0; s < seriesCount; s++)
    {
        var burst = 0;
        for (var i = 0; i < perSeries; i++)
        {
            burst = burst > 0 ? burst - 1 : random.Next(2000) == 0 ? random.Next(5, 40) : 0;
            var score = (burst > 0 ? 0.8 + (random.NextDouble() * 0.2) : random.NextDouble() * 0.6).ToString("0.###", CultureInfo.InvariantCulture);
            var (name, time) = ($"s{s:D3}.csv", t0.AddSeconds(10 * i).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture));
            var last = s == seriesCount - 1 && i == perSeries - 1;
            writer.Write(format switch
            {
                "csv" => $"{name},{time},{score}\n",
                "json" => $"{{\"series\": \"{name}\", \"timestamp\": \"{time}\", \"score\": {score}}}{(last ? "\n]\n" : ",\n")}",
                _ => $"{{\"series\": \"{name}\", \"timestamp\": \"{time}\", \"score\": {score}}}\n",
            });
        }
    }
}

void Plan(string scores)
{
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
        $"scores ({Path.GetExtension(scores)}): {rows:N0} rows, {seriesCount} series, {new FileInfo(scores).Length / 1e6:0.0} MB -> {regions:N0} regions; read {read.TotalSeconds:0.00} s, " +
        $"read+plan {total.TotalSeconds:0.00} s ({rows / total.TotalSeconds:N0} rows/s); peak working set {process.PeakWorkingSet64 / 1e6:0} MB"));
}
