using System.Text.RegularExpressions;
using LabelPipeline.Datasets;
using LabelPipeline.Export;
using LabelPipeline.LabelConfig;
using LabelPipeline.Tests.Support;
using Newtonsoft.Json.Linq;

namespace LabelPipeline.Tests.Quality;

/// <summary>
/// The README's worked example (*Label quality*) on the sample dataset: the two CSVs it shows are what the snapshot
/// writes for the export described there, so the manual cannot drift from the code.
/// </summary>
public sealed class ReadmeExampleTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private static JObject Region(string start, string end, string id, double? score = null)
    {
        var region = new JObject
        {
            ["value"] = new JObject { ["start"] = start, ["end"] = end, ["instant"] = false, ["timeserieslabels"] = new JArray("Anomaly") },
            ["id"] = id, ["from_name"] = "label", ["to_name"] = "ts", ["type"] = "timeserieslabels",
        };
        if (score is not null)
        {
            region["score"] = score;
        }

        return region;
    }

    private static JObject Annotation(int id, string email, params JObject[] regions) => new()
    {
        ["id"] = id, ["completed_by"] = new JObject { ["id"] = id, ["email"] = email }, ["was_cancelled"] = false, ["ground_truth"] = false,
        ["result"] = new JArray(regions), ["created_at"] = "2021-07-01T00:00:00Z", ["updated_at"] = "2021-07-01T00:00:00Z",
    };

    private static JObject Prediction(int id, string version, params JObject[] regions) => new()
    {
        ["id"] = id, ["model_version"] = version, ["result"] = new JArray(regions),
    };

    private static JObject Task(int id, string file, JObject[] annotations, params JObject[] predictions) => new()
    {
        ["id"] = id, ["data"] = new JObject { ["csv"] = $"/data/local-files/?d=synthetic/v1/{file}" },
        ["annotations"] = new JArray(annotations), ["predictions"] = new JArray(predictions),
    };

    /// <summary>The export the README describes, region by region.</summary>
    public static JArray Export() =>
    [
        Task(1, "2021-01.csv",
            [
                Annotation(11, "alice@example.com", Region("2021-01-18 03:20:00", "2021-01-18 11:50:00", "a1")),
                Annotation(12, "bob@example.com", Region("2021-01-18 03:00:00", "2021-01-18 10:00:00", "b1")),
            ],
            Prediction(101, "detector-v1", Region("2021-01-18 04:00:00", "2021-01-18 06:00:00", "p1", 0.8)),
            Prediction(102, "detector-v2", Region("2021-01-18 03:00:00", "2021-01-18 12:00:00", "q1", 0.9))),
        Task(3, "2021-03.csv", [], Prediction(103, "detector-v1", Region("2021-03-15 10:00:00", "2021-03-15 12:00:00", "p2", 0.6))),
        Task(4, "2021-04.csv",
            [
                Annotation(41, "alice@example.com", Region("2021-04-05 23:40:00", "2021-04-11 00:50:00", "a2")),
                Annotation(42, "bob@example.com", Region("2021-04-06 00:00:00", "2021-04-11 00:50:00", "b2")),
            ],
            Prediction(104, "detector-v1", Region("2021-04-05 23:00:00", "2021-04-08 00:00:00", "p3", 0.95)),
            Prediction(105, "detector-v2", Region("2021-04-05 23:40:00", "2021-04-11 01:00:00", "q2", 0.99))),
        Task(6, "2021-06.csv",
            [Annotation(61, "alice@example.com", Region("2021-06-14 09:30:00", "2021-06-15 17:10:00", "a3"))],
            Prediction(106, "detector-v2", Region("2021-06-14 09:30:00", "2021-06-15 17:10:00", "q3", 0.7))),
    ];

    [Fact]
    public void The_readme_shows_what_the_snapshot_writes()
    {
        var dataset = Dataset.Open("synthetic", "v1", Path.GetDirectoryName(Repository.SyntheticFiles[0])!);
        var schema = DatasetInspector.Inspect(dataset).Schema;
        var export = _temp.Write("export.json", Export().ToString());
        var snapshot = Path.Combine(_temp.Path, "snapshot");
        SnapshotBuilder.Build(export, new SnapshotOptions
        {
            Dataset = dataset,
            Schema = schema,
            LabelConfig = LabelConfigGenerator.Generate(File.ReadAllText(Repository.Template), schema, ["Anomaly"]),
            AnomalyLabels = new HashSet<string> { "Anomaly" },
            Source = new SnapshotSource("export-file", null, null, null, null),
        }, snapshot, CancellationToken.None);

        // The picture: under January's chart, the rows the two disagree on (Bob's first two, Alice's last ten) and each
        // detector's strip; June (one annotator) has no disagreement.
        var html = File.ReadAllText(Path.Combine(snapshot, "report.html"));
        Assert.Contains("<title>annotators disagree: 2021-01-18T03:00:00.000000 – 2021-01-18T03:10:00.000000</title>", html);
        Assert.Contains("<title>annotators disagree: 2021-01-18T10:10:00.000000 – 2021-01-18T11:50:00.000000</title>", html);
        Assert.Contains("<title>predicted by detector-v1: 2021-01-18T04:00:00.000000 – 2021-01-18T06:00:00.000000</title>", html);
        Assert.Contains("<title>predicted by detector-v2: 2021-06-14T09:30:00.000000 – 2021-06-15T17:10:00.000000</title>", html);
        Assert.DoesNotContain("annotators disagree: 2021-06", html);

        var readme = File.ReadAllText(Path.Combine(Repository.Root, "README.md"));
        foreach (var file in new[] { "agreement.csv", "detector.csv" })
        {
            var written = File.ReadAllText(Path.Combine(snapshot, "quality", file));
            var shown = Regex.Match(readme, $"```csv\n# quality/{Regex.Escape(file)}\n(?<body>.*?)```", RegexOptions.Singleline);
            Assert.True(shown.Success, $"README.md has no ```csv block starting '# quality/{file}'; the snapshot wrote:\n{written}");
            Assert.Equal(written, shown.Groups["body"].Value);
        }
    }
}
