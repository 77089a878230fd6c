using System.Text;
using LabelPipeline.Datasets;
using LabelPipeline.Export;
using LabelPipeline.LabelConfig;
using LabelPipeline.Predictions;
using LabelPipeline.Prepare;
using LabelPipeline.Tests.Support;
using LabelPipeline.TimeSeries;
using Newtonsoft.Json.Linq;

namespace LabelPipeline.Tests.Predictions;

/// <summary>
/// Model output in source terms on Prepare's windows: regions cut to every window they overlap, whole on the overview,
/// times read as the source's (zone included) and written as the task files', and the snapshot joining the pieces again.
/// </summary>
public sealed class PredictionWindowTests : IDisposable
{
    private static readonly DateTime T0 = new(2024, 5, 1, 0, 0, 0, DateTimeKind.Utc);
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private string Prepared => Path.Combine(_temp.Path, "prepared", "ds", "v1");

    /// <summary>100 rows a minute apart, one channel, prepared into windows of 40 rows with <paramref name="overlap"/> rows repeated.</summary>
    private PreparedDataset Prepare(int overlap, bool overview = false, TimeZoneInfo? zone = null)
    {
        var path = Path.Combine(_temp.Path, "ds", "v1", "s.csv");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, "time,v\n" + string.Concat(Enumerable.Range(0, 100).Select(i => $"{T0.AddMinutes(i):yyyy-MM-dd HH:mm:ss},{i}\n")), new UTF8Encoding(false));
        return DatasetPreparer.Run(
            Dataset.Open("ds", "v1", Path.GetDirectoryName(path)!),
            new PrepareOptions { MaxPointsPerTask = 40, WindowOverlap = overlap, Overview = overview, TimeZone = zone },
            Prepared,
            CancellationToken.None);
    }

    private static LabelConfigInfo Config => new("ts", "csv", "label", TimeFormat.Parse("%Y-%m-%d %H:%M:%S"), ["Anomaly"], ["v"]);

    private static PredictionPlanOptions Options(PreparedDataset prepared) => new()
    {
        Config = Config,
        Series = PredictionTargets.FromManifest(prepared.Manifest),
        SeriesTimeFormat = prepared.SourceSchema.TimeFormat,
        TimeZone = PredictionTargets.Zone(prepared.Manifest),
        ModelVersion = "m1",
        DefaultLabel = "Anomaly",
    };

    private PredictionFile Intervals(params string[] rows) =>
        PredictionFileReader.Read(_temp.Write("model.csv", "series,start,end\n" + string.Concat(rows.Select(r => r + "\n"))));

    private static (string Start, string End)[] Values(SeriesPrediction prediction) =>
        prediction.Result.Select(r => ((string)r["value"]!["start"]!, (string)r["value"]!["end"]!)).ToArray();

    private static RangeBound At(int minutes) => RangeBound.At(new DateTimeOffset(T0.AddMinutes(minutes)));

    [Fact]
    public void A_region_across_a_boundary_is_clipped_to_each_window_and_one_in_the_overlap_is_on_both()
    {
        var target = PredictionTargets.FromManifest(Prepare(overlap: 0).Manifest)["s.csv"];
        Assert.Equal(["s.w0001.csv", "s.w0002.csv", "s.w0003.csv"], target.Windows.Select(w => w.TaskFile));
        Assert.Equal((At(0), At(99)), (target.Extent.First, target.Extent.Last));

        // Rows 0..39 | 40..79 | 80..99: a region from minute 30 to 50 is 30..39 on the first window and 40..50 on the second.
        Assert.Equal([new TaskRegion("s.w0001.csv", At(30), At(39)), new TaskRegion("s.w0002.csv", At(40), At(50))], target.Split(At(30), At(50)));
        Assert.Equal([new TaskRegion("s.w0001.csv", At(10), At(20))], target.Split(At(10), At(20)));
        Assert.Equal(3, target.Split(At(0), At(99)).Count);

        // Between two samples of different windows (39:30): no sample, kept whole on the window before the gap.
        Assert.Equal([new TaskRegion("s.w0001.csv", At(39).Add(TimeSpan.FromSeconds(20)), At(39).Add(TimeSpan.FromSeconds(40)))],
            target.Split(At(39).Add(TimeSpan.FromSeconds(20)), At(39).Add(TimeSpan.FromSeconds(40))));

        // Overlap of 10 rows: windows 0..39, 30..69, 60..99; 32..35 lies in the first overlap and is on both windows, unclipped.
        var overlapping = PredictionTargets.FromManifest(Prepare(overlap: 10).Manifest)["s.csv"];
        Assert.Equal(At(30), overlapping.Windows[1].Start);
        Assert.Equal([new TaskRegion("s.w0001.csv", At(32), At(35)), new TaskRegion("s.w0002.csv", At(32), At(35))], overlapping.Split(At(32), At(35)));
        Assert.Equal([new TaskRegion("s.w0001.csv", At(35), At(39)), new TaskRegion("s.w0002.csv", At(35), At(45))], overlapping.Split(At(35), At(45)));
    }

    [Fact]
    public void The_overview_gets_every_region_whole()
    {
        var prepared = Prepare(overlap: 0, overview: true);
        var target = PredictionTargets.FromManifest(prepared.Manifest)["s.csv"];
        Assert.Equal("s.overview.csv", target.Overview);
        Assert.Equal(new TaskRegion("s.overview.csv", At(30), At(50)), target.Split(At(30), At(50))[^1]);

        var planned = PredictionPlanner.Plan(Intervals("s.csv,2024-05-01 00:30:00,2024-05-01 00:50:00"), Options(prepared));
        Assert.Equal(["s.overview.csv", "s.w0001.csv", "s.w0002.csv"], planned.Select(p => p.Series));
        Assert.Equal([("2024-05-01 00:30:00", "2024-05-01 00:50:00")], Values(planned[0]));
    }

    [Fact]
    public void Planned_pieces_are_in_the_task_format_with_ids_unique_per_task_and_stable()
    {
        var prepared = Prepare(overlap: 10);
        var file = Intervals("s,2024-05-01 00:20:00,2024-05-01 00:45:00", "s.csv,2024-05-01T00:32:00Z,2024-05-01T00:35:00Z", "s.csv,2024-05-01 01:30:00,2024-05-01 01:39:00");
        var planned = PredictionPlanner.Plan(file, Options(prepared));

        Assert.Equal(["s.w0001.csv", "s.w0002.csv", "s.w0003.csv"], planned.Select(p => p.Series));
        Assert.Equal([("2024-05-01 00:20:00", "2024-05-01 00:39:00"), ("2024-05-01 00:32:00", "2024-05-01 00:35:00")], Values(planned[0]));
        Assert.Equal([("2024-05-01 00:30:00", "2024-05-01 00:45:00"), ("2024-05-01 00:32:00", "2024-05-01 00:35:00")], Values(planned[1]));
        Assert.Equal([("2024-05-01 01:30:00", "2024-05-01 01:39:00")], Values(planned[2]));
        Assert.All(planned, p => Assert.Equal(p.Result.Count, p.Result.Select(r => (string)r["id"]!).Distinct().Count()));

        // The same region in the overlap is one region per task, with a different id on each.
        Assert.NotEqual((string)planned[0].Result[1]["id"]!, (string)planned[1].Result[1]["id"]!);
        var again = PredictionPlanner.Plan(file, Options(prepared));
        Assert.All(planned.Zip(again), pair => Assert.True(JToken.DeepEquals(pair.First.Result, pair.Second.Result)));
    }

    [Fact]
    public void Times_without_an_offset_are_the_sources_wall_clock_and_the_extent_is_checked_in_it()
    {
        // The source's 00:00..01:39 are Berlin summer time (UTC+2): the task files hold 22:00..23:39 of the day before.
        var prepared = Prepare(overlap: 0, zone: TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin"));
        var planned = PredictionPlanner.Plan(
            Intervals("s.csv,2024-05-01 00:30:00,2024-05-01 00:50:00", "s.csv,2024-05-01T00:10:00,2024-04-30T22:20:00Z"),
            Options(prepared));
        Assert.Equal([("2024-04-30 22:10:00", "2024-04-30 22:20:00"), ("2024-04-30 22:30:00", "2024-04-30 22:39:00")], Values(planned[0]));
        Assert.Equal([("2024-04-30 22:40:00", "2024-04-30 22:50:00")], Values(planned[1]));

        // 01:45 Berlin is after the source's last row (01:39 Berlin), even though 01:45 UTC would not be.
        var error = Assert.Throws<PredictionException>(() => PredictionPlanner.Plan(Intervals("s.csv,2024-05-01 01:30:00,2024-05-01 01:45:00"), Options(prepared)));
        Assert.Contains("model.csv line 2: 2024-04-30T23:30:00.000000 .. 2024-04-30T23:45:00.000000 lies outside series 's.csv', which runs from 2024-04-30T22:00:00.000000 to 2024-04-30T23:39:00.000000 (UTC)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_task_file_name_or_a_time_outside_the_source_fails_with_file_and_line()
    {
        var prepared = Prepare(overlap: 0);
        var error = Assert.Throws<PredictionException>(() => PredictionPlanner.Plan(
            Intervals("s.w0002.csv,2024-05-01 00:45:00,2024-05-01 00:50:00", "s.csv,2024-04-30 23:59:00,2024-05-01 00:10:00"), Options(prepared)));
        Assert.Contains("model.csv line 2: series 's.w0002.csv' is not a file of the dataset (known: s.csv)", error.Message, StringComparison.Ordinal);
        Assert.Contains("model.csv line 3: 2024-04-30T23:59:00.000000 .. 2024-05-01T00:10:00.000000 lies outside series 's.csv'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Window_mapping_joins_confirmed_pieces_into_one_confirmed_range_and_twin_instants_into_one()
    {
        var manifest = Prepare(overlap: 10).Manifest;
        LabeledRange Range(string task, int start, int end, string id, string? review, string? predictionId) => new()
        {
            TaskId = task == "s.w0001.csv" ? 1 : 2, SeriesFile = task, RegionId = id, Start = At(start), End = At(end),
            StartRaw = string.Empty, EndRaw = string.Empty, Instant = start == end, Labels = ["Anomaly"], AnnotationId = 7,
            Annotator = "a@x", Origin = "prediction", Review = review, PredictionRegionId = predictionId,
        };

        var confirmed = WindowMapping.Apply(
            [Range("s.w0001.csv", 20, 39, "p1", ReviewOutcome.Confirmed, "p1"), Range("s.w0002.csv", 30, 45, "p2", ReviewOutcome.Confirmed, "p2")], manifest);
        var joined = Assert.Single(confirmed);
        Assert.Equal(("s.csv", At(20), At(45), ReviewOutcome.Confirmed, "p1+p2"), (joined.SeriesFile, joined.Start, joined.End, joined.Review, joined.PredictionRegionId));

        var mixed = Assert.Single(WindowMapping.Apply(
            [Range("s.w0001.csv", 20, 39, "p1", ReviewOutcome.Confirmed, "p1"), Range("s.w0002.csv", 30, 50, "p2", ReviewOutcome.Adjusted, "p2")], manifest));
        Assert.Equal(ReviewOutcome.Adjusted, mixed.Review);

        var instant = Assert.Single(WindowMapping.Apply(
            [Range("s.w0001.csv", 33, 33, "i1", ReviewOutcome.Confirmed, "i1"), Range("s.w0002.csv", 33, 33, "i2", ReviewOutcome.Confirmed, "i2")], manifest));
        Assert.True(instant.Instant);
        Assert.Equal(At(33), instant.Start);

        // Different instants, or one outside the overlap, stay apart.
        Assert.Equal(2, WindowMapping.Apply([Range("s.w0001.csv", 33, 33, "i1", null, null), Range("s.w0002.csv", 34, 34, "i2", null, null)], manifest).Count);
    }
}
