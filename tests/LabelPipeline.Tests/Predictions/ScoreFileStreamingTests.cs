using System.Globalization;
using CsCheck;
using LabelPipeline.Predictions;
using LabelPipeline.Tests.Support;

namespace LabelPipeline.Tests.Predictions;

/// <summary>
/// JSON Lines and JSON array score files are read as streams like CSV (a 2,000,000-row file held whole took 3.5 GB):
/// the same rows in any of the three formats must give the same samples, in the same order, none of them held; and a
/// broken file must fail as reading it whole does (a syntax error anywhere before the first object that is no row).
/// </summary>
public sealed class ScoreFileStreamingTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private static readonly Gen<(string Series, string Time, string Score)[]> Rows =
        Gen.Select(Gen.Int[0, 2], Gen.Int[0, 100_000], Gen.Int[0, 1000]).Array[1, 30]
            .Select(rows => rows.Select(r => ($"s{r.Item1}.csv", $"2021-01-01T00:00:00Z+{r.Item2}", (r.Item3 / 1000.0).ToString("R", CultureInfo.InvariantCulture))).ToArray());

    [Fact]
    public void The_same_rows_as_csv_json_lines_or_a_json_array_give_the_same_samples_none_held()
    {
        var round = 0;
        Rows.Sample(rows =>
        {
            round++;
            var csv = _temp.Write($"{round}.csv", "series,timestamp,score\n" + string.Concat(rows.Select(r => $"{r.Series},{r.Time},{r.Score}\n")));
            var lines = _temp.Write($"{round}.jsonl", string.Concat(rows.Select(r => $"{{\"series\": \"{r.Series}\", \"timestamp\": \"{r.Time}\", \"score\": {r.Score}}}\n\n")));
            var array = _temp.Write($"{round}.json", "[\n" + string.Join(",\n", rows.Select(r => $"  {{\"series\": \"{r.Series}\", \"timestamp\": \"{r.Time}\", \"score\": \"{r.Score}\"}}")) + "\n]\n");
            var expected = rows.Select(r => (r.Series, r.Time, double.Parse(r.Score, CultureInfo.InvariantCulture))).ToArray();
            foreach (var (path, firstLine, step) in new[] { (csv, 2L, 1L), (lines, 1L, 2L), (array, 2L, 1L) })
            {
                var file = PredictionFileReader.Read(path);
                Assert.Equal(PredictionFileKind.Scores, file.Kind);
                Assert.IsNotAssignableFrom<System.Collections.ICollection>(file.Scores); // streamed from the file, not a list
                Assert.Equal(expected, file.Scores.Select(s => (s.Series, s.Time, s.Score)));
                Assert.Equal(rows.Select((_, i) => firstLine + (i * step)), file.Scores.Select(s => s.Source.Line)); // read again: same rows
            }
        }, seed: "0000000000017", iter: 100, threads: 1);
    }

    [Theory]
    [InlineData("model.json", "[\n3,\n{\"series\": 1,\n", "model.json line 4: not valid JSON (Unexpected end")] // the syntax error, not the 3 before it
    [InlineData("model.json", "[\n{\"series\":\"a.csv\",\"timestamp\":\"1\",\"score\":1},\n{\"series\":\"a.csv\",\"timestamp\":[1,2],\"score\":1}\n]", "model.json line 3: 'timestamp' must be a string or a number, not Array")]
    [InlineData("model.json", "", "model.json line 0: not valid JSON")]
    [InlineData("model.json", "[]", "the file holds no rows")]
    [InlineData("model.jsonl", "[1,2]\n{\"series\":\n", "model.jsonl line 2: not valid JSON")]
    [InlineData("model.jsonl", "\n\n", "the file holds no rows")]
    public void A_broken_json_file_fails_as_reading_it_whole_does(string name, string content, string expected)
    {
        var error = Assert.Throws<PredictionException>(() => PredictionFileReader.Read(_temp.Write(name, content)));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }
}
