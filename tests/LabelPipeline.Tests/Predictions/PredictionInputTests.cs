using LabelPipeline.Datasets;
using LabelPipeline.Export;
using LabelPipeline.LabelConfig;
using LabelPipeline.Predictions;
using LabelPipeline.Tests.Support;
using LabelPipeline.TimeSeries;
using Newtonsoft.Json.Linq;

namespace LabelPipeline.Tests.Predictions;

/// <summary>Model output in: reading both file shapes, scores to intervals, values written as the config expects, and every error.</summary>
public sealed class PredictionInputTests : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2021, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private static RangeBound At(int minutes) => RangeBound.At(T0.AddMinutes(minutes));

    private static LabelConfigInfo Config(string? timeFormat = "%Y-%m-%d %H:%M:%S") => new(
        "ts", "csv", "label", timeFormat is null ? null : TimeFormat.Parse(timeFormat), ["Anomaly", "Normal"], ["v"]);

    private static PredictionPlanOptions Options(LabelConfigInfo? config = null, ScoreIntervalOptions? scores = null) => new()
    {
        Config = config ?? Config(),
        Series = PredictionTargets.Unsplit(new Dictionary<string, SeriesExtent>
        {
            ["a.csv"] = new(At(0), At(100)),
            ["b.csv"] = new(At(1440), At(1500)),
        }),
        SeriesTimeFormat = TimeFormat.Parse("%Y-%m-%d %H:%M:%S"),
        ModelVersion = "detector-v1",
        DefaultLabel = "Anomaly",
        Scores = scores ?? ScoreIntervalOptions.Default,
    };

    private PredictionFile Read(string name, string content) => PredictionFileReader.Read(_temp.Write(name, content));

    [Fact]
    public void Reads_intervals_from_csv_with_optional_label_and_score()
    {
        var file = Read("model.csv", "Series,Start,End,Label,Score\na.csv,2021-01-01 00:10:00,2021-01-01 00:20:00,Normal,0.75\r\nb.csv,2021-01-02 00:00:00,2021-01-02 00:10:00,,\n\n");
        Assert.Equal(PredictionFileKind.Intervals, file.Kind);
        Assert.Equal(2, file.Intervals.Count);
        Assert.Equal(("a.csv", "2021-01-01 00:10:00", "2021-01-01 00:20:00", "Normal", (double?)0.75), (file.Intervals[0].Series, file.Intervals[0].Start, file.Intervals[0].End, file.Intervals[0].Label, file.Intervals[0].Score));
        Assert.Null(file.Intervals[1].Label);
        Assert.Null(file.Intervals[1].Score);
        Assert.Equal(3, file.Intervals[1].Source.Line);
    }

    [Fact]
    public void Reads_scores_from_jsonl_with_numbers_and_strings()
    {
        var file = Read("scores.jsonl", "{\"series\":\"a.csv\",\"timestamp\":\"2021-01-01 00:00:00\",\"score\":0.1}\n\n{\"series\":\"a\",\"timestamp\":\"2021-01-01 00:10:00\",\"score\":\"0.9\"}\n");
        Assert.Equal(PredictionFileKind.Scores, file.Kind);
        Assert.Equal([0.1, 0.9], file.Scores.Select(s => s.Score));
        Assert.Equal([1L, 3L], file.Scores.Select(s => s.Source.Line));
    }

    [Fact]
    public void Reads_iso_times_as_written_from_json_lines_and_json_arrays()
    {
        var lines = Read("model.jsonl", "{\"series\":\"a.csv\",\"start\":\"2021-01-01T00:10:00Z\",\"end\":\"2021-01-01T00:20:00.500+00:00\",\"labels\":[\"Normal\"]}\n");
        Assert.Equal(("2021-01-01T00:10:00Z", "2021-01-01T00:20:00.500+00:00", "Normal"), (lines.Intervals[0].Start, lines.Intervals[0].End, lines.Intervals[0].Label));

        var array = Read("model.json", "[\n  {\"series\": \"a.csv\", \"start\": \"2021-01-01T00:10:00Z\", \"end\": \"2021-01-01T00:20:00Z\"},\n  {\"series\": \"b.csv\", \"start\": 5, \"end\": 6.5, \"score\": 1}\n]\n");
        Assert.Equal(["2021-01-01T00:10:00Z", "5"], array.Intervals.Select(i => i.Start));
        Assert.Equal([2L, 3L], array.Intervals.Select(i => i.Source.Line));
        Assert.Equal("6.5", array.Intervals[1].End);
    }

    [Theory]
    [InlineData("model.json", "{\"series\":\"a.csv\"}", "a .json predictions file is an array of objects")]
    [InlineData("model.json", "[\n{\"series\":\"a.csv\",\"start\":1,\"end\":2},\n3\n]", "model.json line 3: expected a JSON object per array item")]
    [InlineData("model.json", "[\n{\"series\":\"a.csv\",\n", "model.json line 3: not valid JSON")]
    [InlineData("model.csv", "series,begin_at,score\na.csv,x,1\n", "cannot tell what this file holds")]
    [InlineData("model.csv", "start,end\n1,2\n", "no series column")]
    [InlineData("model.csv", "", "the file is empty")]
    [InlineData("model.csv", "series,timestamp,score\na.csv,2021-01-01 00:00:00,0.5\na.csv,2021-01-01 00:10:00,high\n", "model.csv line 3: score 'high' is not a finite number")]
    [InlineData("model.csv", "series,timestamp,score\na.csv,2021-01-01 00:00:00,0,5\n", "model.csv line 2: 4 fields where the header has 3")]
    [InlineData("model.csv", "series,start,end\n,2021-01-01 00:00:00,2021-01-01 00:10:00\n", "model.csv line 2: 'series' is empty")]
    [InlineData("model.jsonl", "{\"series\":\"a.csv\",\"start\":1,\"end\":2}\n{\"series\":\"a.csv\",\"start\":1,\n", "model.jsonl line 2: not valid JSON")]
    [InlineData("model.jsonl", "[1,2]\n", "model.jsonl line 1: expected a JSON object")]
    [InlineData("model.jsonl", "{\"series\":\"a.csv\",\"start\":{\"t\":1},\"end\":2}\n", "model.jsonl line 1: 'start' must be a string or a number")]
    [InlineData("model.txt", "series,start,end\n", "unknown predictions format '.txt'")]
    public void Malformed_files_fail_with_the_file_and_line(string name, string content, string expected)
    {
        var error = Assert.Throws<PredictionException>(() => Read(name, content));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_file_is_named()
    {
        var error = Assert.Throws<PredictionException>(() => PredictionFileReader.Read(Path.Combine(_temp.Path, "nope.csv")));
        Assert.Contains("nope.csv' does not exist", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Scores_at_or_above_the_threshold_become_runs_with_their_highest_score()
    {
        var samples = new[] { 0.1, 0.9, 0.95, 0.2, 0.5, 0.1, 0.7 }.Select((s, i) => (At(i * 10), s));
        var found = ScoreIntervals.Find(samples.Reverse(), ScoreIntervalOptions.Default); // order of the input does not matter
        Assert.Equal([(At(10), At(20), 0.95), (At(40), At(40), 0.5), (At(60), At(60), 0.7)], found.Select(f => (f.Start, f.End, f.Score)));
    }

    [Fact]
    public void Runs_close_together_merge_and_short_ones_are_dropped_after_merging()
    {
        var samples = new[] { 0.9, 0.9, 0.1, 0.1, 0.9, 0.1, 0.1, 0.1, 0.1, 0.8 }.Select((s, i) => (At(i * 10), s)).ToArray();
        var merged = ScoreIntervals.Find(samples, new ScoreIntervalOptions(0.5, TimeSpan.Zero, TimeSpan.FromMinutes(30)));
        Assert.Equal([(At(0), At(40)), (At(90), At(90))], merged.Select(f => (f.Start, f.End)));

        var gapTooSmall = ScoreIntervals.Find(samples, new ScoreIntervalOptions(0.5, TimeSpan.Zero, TimeSpan.FromMinutes(29)));
        Assert.Equal(3, gapTooSmall.Count);

        var longOnly = ScoreIntervals.Find(samples, new ScoreIntervalOptions(0.5, TimeSpan.FromMinutes(40), TimeSpan.FromMinutes(30)));
        Assert.Equal([(At(0), At(40))], longOnly.Select(f => (f.Start, f.End)));
        Assert.Empty(ScoreIntervals.Find(samples, new ScoreIntervalOptions(0.5, TimeSpan.FromMinutes(41), TimeSpan.FromMinutes(30))));
        Assert.Empty(ScoreIntervals.Find(samples, new ScoreIntervalOptions(0.95, TimeSpan.Zero, TimeSpan.Zero)));
    }

    [Fact]
    public void Intervals_are_written_as_the_labeling_config_expects()
    {
        var file = Read("model.csv", "series,start,end,label,score\n" +
                                     "a.csv,2021-01-01 00:50:00,2021-01-01 01:00:00,,0.5\n" +
                                     "a.csv,2021-01-01T00:10:00Z,2021-01-01T00:10:00Z,Normal,\n" + // ISO 8601 in, the config's format out
                                     "a,2021-01-01 00:50:00,2021-01-01 01:00:00,,0.5\n"); // the same interval twice still gets two ids
        var planned = Assert.Single(PredictionPlanner.Plan(file, Options()));
        Assert.Equal("a.csv", planned.Series);
        Assert.Equal(0.5, planned.Score);
        var results = planned.Result.Cast<JObject>().ToArray();
        Assert.Equal(3, results.Length);
        Assert.Equal(3, results.Select(r => (string)r["id"]!).Distinct().Count());
        Assert.All(results, r =>
        {
            Assert.Equal(("label", "ts", "timeserieslabels", "prediction"), ((string)r["from_name"]!, (string)r["to_name"]!, (string)r["type"]!, (string)r["origin"]!));
            Assert.Equal(10, ((string)r["id"]!).Length);
            Assert.Equal(JTokenType.Boolean, r["value"]!["instant"]!.Type);
        });
        Assert.True(JToken.DeepEquals(
            JObject.Parse("""{"start":"2021-01-01 00:10:00","end":"2021-01-01 00:10:00","instant":true,"timeserieslabels":["Normal"]}"""),
            results[0]["value"]));
        Assert.Null(results[0]["score"]);
        Assert.True(JToken.DeepEquals(
            JObject.Parse("""{"start":"2021-01-01 00:50:00","end":"2021-01-01 01:00:00","instant":false,"timeserieslabels":["Anomaly"]}"""),
            results[1]["value"]));
        Assert.Equal(0.5, (double)results[1]["score"]!);

        // Stable: the same output gives the same ids, so a re-import is recognised as unchanged.
        Assert.True(JToken.DeepEquals(planned.Result, PredictionPlanner.Plan(file, Options())[0].Result));
        Assert.False(JToken.DeepEquals(planned.Result, PredictionPlanner.Plan(file, Options() with { ModelVersion = "other" })[0].Result));
    }

    [Fact]
    public void A_numeric_axis_gets_numbers()
    {
        var file = Read("model.csv", "series,start,end\na.csv,10,20.5\n");
        var options = Options(Config(timeFormat: null)) with
        {
            SeriesTimeFormat = null,
            Series = PredictionTargets.Unsplit(new Dictionary<string, SeriesExtent> { ["a.csv"] = new(RangeBound.At(0), RangeBound.At(100)) }),
        };
        var value = PredictionPlanner.Plan(file, options)[0].Result[0]["value"]!;
        Assert.Equal(JTokenType.Integer, value["start"]!.Type);
        Assert.Equal(10L, (long)value["start"]!);
        Assert.Equal(20.5, (double)value["end"]!);
    }

    [Fact]
    public void Scores_become_regions_of_the_prediction_label()
    {
        var file = Read("scores.csv", "series,timestamp,score\n" + string.Concat(new[] { 0.1, 0.8, 0.9, 0.1 }.Select((s, i) => $"a.csv,2021-01-01 00:{i}0:00,{s}\n")));
        var planned = PredictionPlanner.Plan(file, Options() with { DefaultLabel = "Normal" }).Single();
        var value = planned.Result.Single()["value"]!;
        Assert.Equal(("2021-01-01 00:10:00", "2021-01-01 00:20:00", "Normal"), ((string)value["start"]!, (string)value["end"]!, (string)value["timeserieslabels"]![0]!));
        Assert.Equal(0.9, planned.Score);
    }

    [Fact]
    public void Every_problem_is_reported_with_its_line_and_nothing_is_planned()
    {
        var file = Read("model.csv", "series,start,end,label\n" +
                                     "a.csv,2021-01-01 00:10:00,2021-01-01 00:20:00,Anomaly\n" +
                                     "c.csv,2021-01-01 00:10:00,2021-01-01 00:20:00,Anomaly\n" +
                                     "a.csv,2021-01-01 00:10:00,2021-01-01 00:20:00,Spike\n" +
                                     "a.csv,2021-01-01 00:10:00,2021-01-01 05:00:00,\n" +
                                     "a.csv,2021-01-01 00:30:00,2021-01-01 00:20:00,\n" +
                                     "a.csv,01/01/2021,2021-01-01 00:20:00,\n");
        var error = Assert.Throws<PredictionException>(() => PredictionPlanner.Plan(file, Options()));
        Assert.Contains("5 problem(s); nothing was imported", error.Message, StringComparison.Ordinal);
        Assert.Contains("model.csv line 3: series 'c.csv' is not a file of the dataset (known: a.csv, b.csv)", error.Message, StringComparison.Ordinal);
        Assert.Contains("model.csv line 4: label 'Spike' is not in the project's labeling config (Anomaly, Normal)", error.Message, StringComparison.Ordinal);
        Assert.Contains("model.csv line 5: 2021-01-01T00:10:00.000000 .. 2021-01-01T05:00:00.000000 lies outside series 'a.csv', which runs from 2021-01-01T00:00:00.000000 to 2021-01-01T01:40:00.000000", error.Message, StringComparison.Ordinal);
        Assert.Contains("model.csv line 6: start 2021-01-01 00:30:00 is after end 2021-01-01 00:20:00", error.Message, StringComparison.Ordinal);
        Assert.Contains("model.csv line 7: start '01/01/2021' is neither in the series' time format '%Y-%m-%d %H:%M:%S' nor ISO 8601", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("line 2", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_score_outside_its_series_and_an_unknown_default_label_fail()
    {
        var file = Read("scores.csv", "series,timestamp,score\nb.csv,2021-01-01 00:00:00,0.9\n");
        var error = Assert.Throws<PredictionException>(() => PredictionPlanner.Plan(file, Options() with { DefaultLabel = "Spike" }));
        Assert.Contains("--prediction-label 'Spike' is not a label", error.Message, StringComparison.Ordinal);
        Assert.Contains("scores.csv line 2: 2021-01-01T00:00:00.000000 .. 2021-01-01T00:00:00.000000 lies outside series 'b.csv'", error.Message, StringComparison.Ordinal);
    }
}
