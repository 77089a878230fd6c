using System.Globalization;
using LabelPipeline.Datasets;
using LabelPipeline.Export;
using LabelPipeline.LabelConfig;
using LabelPipeline.Tests.Support;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace LabelPipeline.Tests.Export;

/// <summary>
/// <see cref="ExportRanges"/> (the streaming fast path) must give exactly what the reference path gives —
/// <see cref="ExportFileReader.ReadTasks"/> + <see cref="RangeExtractor.Extract"/> — ranges, counts and errors, over the
/// corpus and over generated exports full of the shapes Label Studio (and broken files) produce.
/// </summary>
public sealed class ExportRangesTests
{
    private static readonly LabelConfigInfo DateConfig = new("ts", "csv", "label", TimeFormat.Parse("%Y-%m-%d %H:%M:%S"), ["Anomaly", "Normal"], ["v"]);
    private static readonly LabelConfigInfo NumberConfig = new("ts", "csv", "label", null, ["Anomaly", "Normal"], ["v"]);
    private static readonly LabelConfigInfo AnyControlConfig = new("ts", "csv", string.Empty, TimeFormat.Parse("%Y-%m-%d %H:%M:%S"), ["Anomaly", "Normal"], ["v"]);
    private static readonly LabelConfigInfo CorpusConfig = new("ts", "csv", "label", TimeFormat.Parse("%Y-%m-%d %H:%M:%S"), ["Anomaly"], ["v"]);

    public static TheoryData<string> CorpusExports() =>
        [.. Directory.GetFiles(Path.Combine(RepositoryPaths.Root, "tests", "corpus", "exports"), "*.json").Select(f => Path.GetFileName(f)).Order(StringComparer.Ordinal)];

    [Theory]
    [MemberData(nameof(CorpusExports))]
    public void Corpus_exports_give_the_reference_result(string file)
    {
        var path = Path.Combine(RepositoryPaths.Root, "tests", "corpus", "exports", file);
        foreach (var selection in Enum.GetValues<AnnotationSelection>())
        {
            Assert.Equal(Reference(path, CorpusConfig, selection), Fast(path, CorpusConfig, selection, out _));
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Label_studio_shaped_exports_take_the_fast_path_and_match(int seed)
    {
        using var scratch = new TempDirectory();
        foreach (var (config, numeric) in new[] { (DateConfig, false), (NumberConfig, true), (AnyControlConfig, false) })
        {
            var path = scratch.Write($"clean-{numeric}-{config.LabelsControlName.Length}.json", Generate(seed, numeric, broken: false, tasks: 60));
            foreach (var selection in Enum.GetValues<AnnotationSelection>())
            {
                var expected = Reference(path, config, selection);
                Assert.True(expected.StartsWith("tasks 60,", StringComparison.Ordinal), expected[..Math.Min(400, expected.Length)]);
                Assert.Equal(expected, Fast(path, config, selection, out var fallback));
                Assert.True(fallback is null, $"the reference path took over: {fallback}"); // the fast path handled every task
            }
        }
    }

    [Theory]
    [InlineData(11)]
    [InlineData(12)]
    [InlineData(13)]
    [InlineData(14)]
    [InlineData(15)]
    [InlineData(16)]
    [InlineData(17)]
    [InlineData(18)]
    public void Unusual_and_broken_exports_match_the_reference_results_and_errors(int seed)
    {
        using var scratch = new TempDirectory();
        var fallbacks = 0;
        for (var variant = 0; variant < 12; variant++)
        {
            var numeric = variant % 3 == 1;
            var config = numeric ? NumberConfig : variant % 3 == 2 ? AnyControlConfig : DateConfig;
            var path = scratch.Write($"broken-{variant}.json", Generate((seed * 100) + variant, numeric, broken: true, tasks: 8));
            foreach (var selection in Enum.GetValues<AnnotationSelection>())
            {
                Assert.Equal(Reference(path, config, selection), Fast(path, config, selection, out var fallback));
                fallbacks += fallback is null ? 0 : 1;
            }
        }

        Assert.True(fallbacks > 0, "no generated export needed the reference path: the broken cases do not reach it");
    }

    [Fact]
    public void A_task_larger_than_the_read_buffer_is_read_whole()
    {
        using var scratch = new TempDirectory();
        var path = scratch.Write("large.json", Generate(7, numeric: false, broken: false, tasks: 2, maxResults: 5000));
        Assert.True(new FileInfo(path).Length > 1 << 20, $"{new FileInfo(path).Length} bytes");
        var expected = Reference(path, DateConfig, AnnotationSelection.All);
        Assert.Equal(expected, Fast(path, DateConfig, AnnotationSelection.All, out var fallback));
        Assert.Null(fallback);
    }

    [Fact]
    public void A_truncated_export_fails_with_the_reference_message_after_the_tasks_before_it()
    {
        using var scratch = new TempDirectory();
        var text = Generate(5, numeric: false, broken: false, tasks: 5);
        var path = scratch.Write("truncated.json", text[..(text.Length * 3 / 4)]);
        var fast = Fast(path, DateConfig, AnnotationSelection.All, out var fallback);
        Assert.Equal(Reference(path, DateConfig, AnnotationSelection.All), fast);
        Assert.Contains("the export is not valid JSON", fast);
        Assert.StartsWith("task 3:", fallback); // the tasks before the cut went through the fast path
    }

    private static string Reference(string path, LabelConfigInfo config, AnnotationSelection selection)
    {
        int tasks = 0, annotations = 0;
        var lines = new List<string>();
        try
        {
            foreach (var task in ExportFileReader.ReadTasks(path))
            {
                var ranges = RangeExtractor.Extract(task, config, selection).Select(r => JsonConvert.SerializeObject(r)).ToList();
                tasks++;
                annotations += selection.Select(task.Annotations).Count();
                lines.AddRange(ranges);
            }
        }
        catch (Exception e)
        {
            return $"tasks {tasks}, error {e.GetType().Name}: {e.Message}";
        }

        return $"tasks {tasks}, annotations {annotations}\n{string.Join('\n', lines)}";
    }

    private static string Fast(string path, LabelConfigInfo config, AnnotationSelection selection, out string? fallback)
    {
        int tasks = 0, annotations = 0;
        string? at = null;
        var lines = new List<string>();
        try
        {
            foreach (var task in ExportRanges.Read(path, config, selection, (i, e) => at = $"task {i}: {e}"))
            {
                tasks++;
                annotations += task.Annotations;
                lines.AddRange(task.Ranges.Select(r => JsonConvert.SerializeObject(r)));
            }
        }
        catch (Exception e)
        {
            fallback = at;
            return $"tasks {tasks}, error {e.GetType().Name}: {e.Message}";
        }

        fallback = at;
        return $"tasks {tasks}, annotations {annotations}\n{string.Join('\n', lines)}";
    }

    /// <summary>
    /// A Label Studio-shaped export: several annotators, cancelled and ground-truth annotations, per-region choices and
    /// text, other result types, duplicate region ids, numeric and string bounds. <paramref name="broken"/> adds what the
    /// fast path leaves to the reference: errors, wrong types, escapes, odd values.
    /// </summary>
    private static string Generate(int seed, bool numeric, bool broken, int tasks, int maxResults = 8)
    {
        var random = new Random(seed);
        bool Chance(double p) => random.NextDouble() < p;
        T Pick<T>(params T[] items) => items[random.Next(items.Length)];
        var origin = new DateTime(2021, 1, 1, 0, 0, 0, DateTimeKind.Utc);

        var representation = 0; // chosen per region, so an instant's two bounds are written alike
        JToken Bound(long seconds)
        {
            var time = origin.AddSeconds(seconds);
            if (numeric)
            {
                return (representation % 3) switch
                {
                    0 => seconds,
                    1 => seconds + 0.25,
                    _ => seconds.ToString(CultureInfo.InvariantCulture),
                };
            }

            return (representation % 6) switch
            {
                0 => (long)(time - DateTime.UnixEpoch).TotalMilliseconds,
                1 => (time - DateTime.UnixEpoch).TotalMilliseconds + 0.5,
                _ => time.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
            };
        }

        JToken Broken(JToken value) => !broken || !Chance(0.04) ? value : random.Next(8) switch
        {
            0 => JValue.CreateNull(),
            1 => true,
            2 => "yesterday",
            3 => new JArray(1),
            4 => "2021-01-01\t00:00:00",
            5 => 1e300,
            6 => "12\"",
            _ => new JObject(),
        };

        var export = new JArray();
        for (var t = 1; t <= tasks; t++)
        {
            var task = new JObject { ["id"] = broken && Chance(0.03) ? Pick<JToken>("one", "1", 1.5, JValue.CreateNull()) : t };
            var annotations = new JArray();
            var annotationCount = random.Next(0, 4);
            for (var a = 0; a < annotationCount; a++)
            {
                var results = new JArray();
                var ids = new List<string>();
                var count = random.Next(maxResults / 2, maxResults);
                for (var r = 0; r < count; r++)
                {
                    var id = ids.Count > 0 && Chance(0.1) ? Pick(ids.ToArray()) : $"r{random.Next(1000)}{(broken && Chance(0.05) ? "\u2028\"é" : string.Empty)}";
                    ids.Add(id);
                    representation = random.Next(6);
                    var start = random.Next(0, 7 * 86400);
                    var end = start + (Chance(0.1) ? 0 : random.Next(1, 86400)) * (broken && Chance(0.05) ? -1 : 1);
                    var value = new JObject { ["start"] = Broken(Bound(start)), ["end"] = Broken(Bound(end)) };
                    if (!Chance(0.2))
                    {
                        value["instant"] = Broken(Chance(0.5));
                    }

                    value["timeserieslabels"] = Broken(new JArray(Pick(new[] { "Anomaly" }, ["Normal"], ["Anomaly", "Normal"], broken ? ["Spike"] : ["Anomaly"])));
                    var result = new JObject
                    {
                        ["value"] = value,
                        ["id"] = Broken(id),
                        ["from_name"] = Chance(0.9) ? "label" : "other_labels",
                        ["to_name"] = "ts",
                        ["type"] = Pick("timeserieslabels", "timeserieslabels", "timeserieslabels", "TimeSeriesLabels"),
                    };
                    if (!Chance(0.3))
                    {
                        result["origin"] = Broken(Pick("manual", "prediction", "prediction-changed"));
                    }

                    if (Chance(0.1))
                    {
                        result.Remove("value");
                        result["value"] = new JObject { ["start"] = Bound(start) }; // a region without labels: an error
                        if (!broken)
                        {
                            result["type"] = "number";
                        }
                    }

                    results.Add(result);
                    if (Chance(0.3))
                    {
                        results.Add(new JObject
                        {
                            ["value"] = new JObject { ["choices"] = Chance(0.9) ? new JArray(Pick("Spike", "Drift")) : "Spike" },
                            ["id"] = id, ["from_name"] = "anomaly_type", ["to_name"] = "ts", ["type"] = "choices",
                        });
                    }

                    if (Chance(0.2))
                    {
                        results.Add(new JObject
                        {
                            ["value"] = new JObject { ["text"] = new JArray($"note {r}", "second") },
                            ["id"] = id, ["from_name"] = "note", ["to_name"] = "ts", ["type"] = "textarea",
                        });
                    }

                    if (broken && Chance(0.05))
                    {
                        results.Add(new JObject { ["value"] = Pick<JToken>(JValue.CreateNull(), "x"), ["id"] = id, ["type"] = "choices" });
                    }
                }

                if (Chance(0.1))
                {
                    results.Add(new JObject { ["value"] = new JObject { ["rating"] = 3 }, ["id"] = "rating", ["type"] = "rating", ["from_name"] = "r" });
                }

                var annotation = new JObject
                {
                    ["id"] = (t * 10) + a,
                    ["completed_by"] = random.Next(6) switch
                    {
                        0 => new JObject { ["id"] = 3, ["email"] = "ann@example.com" },
                        1 => new JObject { ["id"] = 4 },
                        2 => "bob",
                        3 => JValue.CreateNull(),
                        _ => random.Next(1, 5),
                    },
                    ["result"] = results,
                    ["was_cancelled"] = Chance(0.1),
                    ["ground_truth"] = Chance(0.2),
                    ["created_at"] = origin.AddDays(365 + random.Next(100)).ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture),
                    ["lead_time"] = 12.5,
                    ["task"] = t,
                };
                if (Chance(0.7))
                {
                    annotation["updated_at"] = broken && Chance(0.05) ? "not a date" : origin.AddDays(500 + random.Next(100)).ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);
                }

                if (broken && Chance(0.05))
                {
                    annotation["was_cancelled"] = "no";
                }

                annotations.Add(annotation);
            }

            task["annotations"] = broken && Chance(0.02) ? new JObject() : annotations;
            if (Chance(0.9))
            {
                task["data"] = new JObject { ["csv"] = $"/data/local-files/?d=ds/v1/series%20{t}.csv", ["other"] = new JArray(1, 2) };
            }
            else
            {
                task["storage_filename"] = $"s3://bucket/ds/v1/{t}.csv";
            }

            task["predictions"] = new JArray();
            task["meta"] = new JObject { ["note"] = "x" };
            task["project"] = 1;
            export.Add(task);
        }

        var text = export.ToString(Chance(0.5) ? Formatting.Indented : Formatting.None);
        return broken && Chance(0.1) ? text.Insert(1, "/* a comment */") : text;
    }
}
