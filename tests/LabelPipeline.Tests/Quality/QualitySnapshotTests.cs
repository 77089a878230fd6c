using System.Globalization;
using LabelPipeline.Datasets;
using LabelPipeline.Export;
using LabelPipeline.LabelConfig;
using LabelPipeline.Tests.Support;
using Newtonsoft.Json.Linq;

namespace LabelPipeline.Tests.Quality;

/// <summary>
/// The quality files of a whole snapshot: an export with three annotators (one cancelled), two anomaly labels and
/// predictions of two model versions, every number of agreement.csv and detector.csv recomputed by brute force from the
/// snapshot's dense rows and the export's regions (row by row, start ≤ t ≤ end), independently of the production code.
/// </summary>
public sealed class QualitySnapshotTests : IDisposable
{
    private const string TimeFormat = "yyyy-MM-dd HH:mm:ss";
    private static readonly string[] AnomalyLabels = ["Anomaly", "Spike"];
    private readonly TempDirectory _temp = new();
    private readonly Dataset _dataset;
    private readonly SeriesSchema _schema;
    private readonly string _config;

    public QualitySnapshotTests()
    {
        foreach (var name in new[] { "a", "b", "c", "d" })
        {
            _temp.Write($"ds/v1/{name}.csv", "timestamp,v\n" + string.Concat(Enumerable.Range(0, 30).Select(i => $"{T(i)},{i % 7}\n")));
        }

        _dataset = Dataset.Open("ds", "v1", Path.Combine(_temp.Path, "ds", "v1"));
        _schema = DatasetInspector.Inspect(_dataset).Schema;
        _config = LabelConfigGenerator.Generate(File.ReadAllText(Repository.Template), _schema, ["Anomaly", "Spike", "Normal"]);
    }

    public void Dispose() => _temp.Dispose();

    /// <summary>Row i's time: every 10 minutes from midnight.</summary>
    private static string T(int i) => new DateTime(2021, 1, 1).AddMinutes(10 * i).ToString(TimeFormat, CultureInfo.InvariantCulture);

    private sealed record Region(double Start, double End, string Label)
    {
        // Half-row bounds fall between samples, so a region covers rows ceil(start)..floor(end).
        public string StartText => new DateTime(2021, 1, 1).AddMinutes(10 * Start).ToString(TimeFormat, CultureInfo.InvariantCulture);

        public string EndText => new DateTime(2021, 1, 1).AddMinutes(10 * End).ToString(TimeFormat, CultureInfo.InvariantCulture);
    }

    private sealed record Labeling(int Id, string Annotator, bool Cancelled, Region[] Regions, string Updated = "2021-02-01T00:00:00Z");

    private sealed record Predicted(int Id, string Version, Region[] Regions);

    private sealed record TaskSpec(int Id, string Series, Labeling[] Annotations, Predicted[] Predictions);

    private static readonly TaskSpec[] Tasks =
    [
        new(1, "a.csv",
        [
            new(11, "alice@example.com", false, [new(2, 8, "Anomaly"), new(12, 12, "Spike"), new(20, 24.5, "Normal")]),
            new(12, "bob@example.com", false, [new(3, 9.5, "Anomaly"), new(11, 13, "Spike"), new(26, 27, "Anomaly")], "2021-02-02T00:00:00Z"),
            new(13, "carol@example.com", false, [new(2, 6, "Anomaly")]),
            new(14, "dave@example.com", true, [new(0, 29, "Anomaly")]), // cancelled: never counts
        ],
        [
            new(101, "det-v1", [new(1, 5, "Anomaly"), new(12, 12.5, "Spike"), new(18, 19, "Anomaly")]),
            new(102, "det-v2", [new(7, 10, "Anomaly"), new(25, 29, "Anomaly"), new(11, 11, "Spike")]),
        ]),
        new(2, "b.csv",
        [
            new(21, "alice@example.com", false, [new(4, 6, "Spike")]),
            new(22, "bob@example.com", false, []), // marked nothing: the Anomaly pair has no positive row
        ],
        [new(103, "det-v1", [new(4.5, 7, "Spike"), new(15, 16, "Anomaly")])]),
        new(3, "c.csv", [], [new(104, "det-v2", [new(0, 29, "Anomaly")])]), // not annotated: not judged
        new(4, "d.csv", [new(41, "alice@example.com", false, [new(9, 14, "Anomaly")])], []), // annotated, nothing predicted: a missed event
    ];

    private static JObject Result(Region r, int n) => new()
    {
        ["value"] = new JObject { ["start"] = r.StartText, ["end"] = r.EndText, ["instant"] = r.Start == r.End, ["timeserieslabels"] = new JArray(r.Label) },
        ["id"] = $"r{n}", ["from_name"] = "label", ["to_name"] = "ts", ["type"] = "timeserieslabels", ["origin"] = "manual",
    };

    private string WriteExport() => _temp.Write("export.json", new JArray(Tasks.Select(t => new JObject
    {
        ["id"] = t.Id,
        ["data"] = new JObject { ["csv"] = $"/data/local-files/?d=ds/v1/{t.Series}" },
        ["annotations"] = new JArray(t.Annotations.Select(a => new JObject
        {
            ["id"] = a.Id, ["completed_by"] = new JObject { ["id"] = a.Id, ["email"] = a.Annotator },
            ["result"] = new JArray(a.Regions.Select((r, i) => Result(r, (a.Id * 100) + i))),
            ["was_cancelled"] = a.Cancelled, ["ground_truth"] = false, ["created_at"] = "2021-02-01T00:00:00Z", ["updated_at"] = a.Updated,
        })),
        ["predictions"] = new JArray(t.Predictions.Select(p => new JObject
        {
            ["id"] = p.Id, ["model_version"] = p.Version, ["score"] = 0.5, ["task"] = t.Id,
            ["result"] = new JArray(p.Regions.Select((r, i) => Result(r, (p.Id * 100) + i))),
        })),
    })).ToString());

    private SnapshotOptions Options(AnnotationSelection selection) => new()
    {
        Dataset = _dataset,
        Schema = _schema,
        LabelConfig = _config,
        AnomalyLabels = AnomalyLabels.ToHashSet(),
        Annotations = selection,
        Source = new SnapshotSource("export-file", null, null, null, null),
    };

    private static List<string[]> Csv(string path) =>
        File.ReadAllLines(path).Skip(1).Select(l => l.Split(',')).ToList();

    /// <summary>The dense file's rows: time and the labels of the row.</summary>
    private static List<(DateTime Time, string[] Labels)> Dense(string snapshot, string series) =>
        File.ReadAllLines(Path.Combine(snapshot, "dense", series)).Skip(1).Select(l => l.Split(','))
            .Select(f => (DateTime.ParseExact(f[0], TimeFormat, CultureInfo.InvariantCulture), f[3].Split('|', StringSplitOptions.RemoveEmptyEntries))).ToList();

    private static bool[] Marks(List<(DateTime Time, string[] Labels)> rows, IEnumerable<Region> regions, string label) =>
        rows.Select(row => regions.Any(r => r.Label == label
            && DateTime.ParseExact(r.StartText, TimeFormat, CultureInfo.InvariantCulture) <= row.Time
            && row.Time <= DateTime.ParseExact(r.EndText, TimeFormat, CultureInfo.InvariantCulture))).ToArray();

    private static string N(double? value) => value is { } v ? Math.Round(v, 6).ToString("0.######", CultureInfo.InvariantCulture) : string.Empty;

    [Theory]
    [InlineData(AnnotationSelection.All)]
    [InlineData(AnnotationSelection.Latest)]
    public void Every_number_equals_a_brute_force_recount_from_the_dense_rows(AnnotationSelection selection)
    {
        var snapshot = Path.Combine(_temp.Path, "out");
        var summary = SnapshotBuilder.Build(WriteExport(), Options(selection), snapshot, CancellationToken.None);

        // Agreement: every live annotation (not the policy), every pair of annotators, every anomaly label.
        var expectedAgreement = new List<string>();
        foreach (var task in Tasks)
        {
            var live = task.Annotations.Where(a => !a.Cancelled).OrderBy(a => a.Annotator, StringComparer.Ordinal).ToArray();
            var rows = Dense(snapshot, task.Series);
            foreach (var label in AnomalyLabels)
            {
                for (var i = 0; i < live.Length; i++)
                {
                    for (var j = i + 1; j < live.Length; j++)
                    {
                        var (a, b) = (Marks(rows, live[i].Regions, label), Marks(rows, live[j].Regions, label));
                        expectedAgreement.Add(string.Join(',', task.Id, task.Series, label, live[i].Annotator, live[j].Annotator, rows.Count,
                            N(BruteForce.F1(a, b)), N(BruteForce.Kappa(a, b)), N(BruteForce.Iou(a, b))));
                    }
                }
            }
        }

        Assert.Equal(expectedAgreement, Csv(Path.Combine(snapshot, "quality", "agreement.csv")).Select(f => string.Join(',', f)));
        Assert.Equal(3 + 3 + 1 + 1, expectedAgreement.Count); // 3 pairs × 2 labels on task 1, 1 pair × 2 on task 2
        Assert.Contains("2,b.csv,Anomaly,alice@example.com,bob@example.com,30,,,", expectedAgreement); // neither marked a row: empty cells

        // Krippendorff's alpha per label over all rows of the multiply-labeled tasks.
        var manifest = JObject.Parse(File.ReadAllText(Path.Combine(snapshot, "manifest.json")));
        foreach (var label in AnomalyLabels)
        {
            var units = Tasks.Where(t => t.Annotations.Count(a => !a.Cancelled) >= 2).SelectMany(t =>
            {
                var rows = Dense(snapshot, t.Series);
                var coders = t.Annotations.Where(a => !a.Cancelled).Select(a => Marks(rows, a.Regions, label)).ToArray();
                return Enumerable.Range(0, rows.Count).Select(r => coders.Select(c => c[r] ? 1 : 0).ToArray());
            });
            Assert.Equal(N(BruteForce.Alpha(units)), N((double?)manifest["agreement"]!["labels"]![label]!["krippendorff_alpha"]));
        }

        Assert.Equal(8, (int)manifest["agreement"]!["pairs"]!);

        // Detector: ground truth is the dense label column (the policy's labels) on the rows of annotated tasks.
        var expectedDetector = new List<string>();
        foreach (var version in new[] { "det-v1", "det-v2" })
        {
            foreach (var label in AnomalyLabels)
            {
                var real = new List<bool>();
                var predicted = new List<bool>();
                var rowCount = 0;
                foreach (var task in Tasks.Where(t => t.Annotations.Any(a => !a.Cancelled)))
                {
                    // Series one after the other, a blank row between them so no range runs from one into the next
                    // (precision, recall and ranges never count negative rows).
                    var rows = Dense(snapshot, task.Series);
                    rowCount += rows.Count;
                    real.AddRange(rows.Select(r => r.Labels.Contains(label)).Append(false));
                    predicted.AddRange(Marks(rows, task.Predictions.Where(p => p.Version == version).SelectMany(p => p.Regions), label).Append(false));
                }

                var (e, p) = (real.ToArray(), predicted.ToArray());
                var (pp, pr) = (BruteForce.PointPrecision(e, p), BruteForce.PointRecall(e, p));
                var (rp, rr) = (BruteForce.TatbulPrecision(e, p), BruteForce.TatbulRecall(e, p));
                expectedDetector.Add(string.Join(',', version, label, rowCount, N(pp), N(pr), N(BruteForce.F1(pp, pr)), N(rp), N(rr), N(BruteForce.F1(rp, rr)),
                    N(BruteForce.EventRecall(e, p)), BruteForce.Ranges(e).Count, BruteForce.Ranges(p).Count));
            }
        }

        Assert.Equal(expectedDetector, Csv(Path.Combine(snapshot, "quality", "detector.csv")).Select(f => string.Join(',', f)));
        Assert.DoesNotContain("NaN", File.ReadAllText(Path.Combine(snapshot, "quality", "detector.csv")) + File.ReadAllText(Path.Combine(snapshot, "quality", "agreement.csv")));
        Assert.NotNull(summary.Quality);

        // The picture carries both tables and the strips.
        var html = File.ReadAllText(Path.Combine(snapshot, "report.html"));
        Assert.Contains("Annotator agreement", html);
        Assert.Contains("annotators disagree", html);
        Assert.Contains("predicted by det-v2", html);
    }

    [Fact]
    public void Rebuilding_gives_byte_identical_quality_files_and_manifest()
    {
        var export = WriteExport();
        var first = Path.Combine(_temp.Path, "one");
        var second = Path.Combine(_temp.Path, "two");
        SnapshotBuilder.Build(export, Options(AnnotationSelection.All), first, CancellationToken.None);
        SnapshotBuilder.Build(export, Options(AnnotationSelection.All), second, CancellationToken.None);
        var files = Directory.GetFiles(first, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(first, f)).Order().ToArray();
        Assert.Contains(Path.Combine("quality", "detector.csv"), files);
        Assert.All(files, f => Assert.True(File.ReadAllBytes(Path.Combine(first, f)).SequenceEqual(File.ReadAllBytes(Path.Combine(second, f))), f));
    }

    [Fact]
    public void A_snapshot_without_multiple_annotators_or_predictions_has_no_quality_files()
    {
        var export = _temp.Write("single.json", new JArray(new JObject
        {
            ["id"] = 1, ["data"] = new JObject { ["csv"] = "/data/local-files/?d=ds/v1/a.csv" }, ["predictions"] = new JArray(),
            ["annotations"] = new JArray(new JObject { ["id"] = 1, ["completed_by"] = 1, ["result"] = new JArray(Result(new Region(1, 2, "Anomaly"), 1)), ["was_cancelled"] = false }),
        }).ToString());
        var snapshot = Path.Combine(_temp.Path, "single");
        SnapshotBuilder.Build(export, Options(AnnotationSelection.All), snapshot, CancellationToken.None);
        Assert.False(Directory.Exists(Path.Combine(snapshot, "quality")));
        var manifest = JObject.Parse(File.ReadAllText(Path.Combine(snapshot, "manifest.json")));
        Assert.Null(manifest["agreement"]);
        Assert.Null(manifest["detector"]);
    }
}
