using System.Globalization;
using System.Text;
using CsCheck;
using LabelPipeline.Datasets;
using LabelPipeline.Export;
using LabelPipeline.LabelConfig;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;
using Xunit.Abstractions;

namespace LabelPipeline.Tests.Export;

/// <summary>
/// Property: a generated export with any region shapes (string and epoch bounds, instants, several labels, per-region
/// choices and text, other controls and result types, cancelled annotations, members in any order, escaped text, any
/// layout) gives the same ranges from <see cref="ExportReader"/> as a slow reference reader written here on its own
/// (a whole JSON tree, a plain walk). Fixed seed, printed; CsCheck shrinks a failure to a small export.
/// </summary>
public sealed class ExportReaderPropertyTests(ITestOutputHelper output)
{
    private const string Seed = "0000000000001"; // CsCheck seeds are PCG states; this one is fixed so CI runs the same exports
    private static readonly LabelConfigInfo Config = new("ts", "csv", "label", TimeFormat.Parse("%Y-%m-%d %H:%M:%S"), ["Anomaly", "Normal", "Wert \"x\""], ["v"]);
    private static readonly DateTime Origin = new(2021, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    private sealed record ResultSpec(int Kind, string Id, int StartMinute, int Length, bool NumericBounds, bool? Instant, string[] Labels, string[] Choices, bool Escape, int Order);

    private sealed record AnnotationSpec(int Id, bool Cancelled, string? Email, ResultSpec[] Results, int Order);

    private sealed record TaskSpec(int Id, string Series, AnnotationSpec[] Annotations, int Order);

    private static readonly Gen<string[]> LabelsGen = Gen.OneOf("Anomaly", "Normal", "Wert \"x\"").Array[1, 3];

    private static readonly Gen<ResultSpec> ResultGen =
        Gen.Select(Gen.Int[0, 5], Gen.OneOf("r1", "r2", "r3", "a\u00e9", "q\"t", "t\\n"), Gen.Int[0, 600], Gen.Int[0, 120], Gen.Bool)
            .SelectMany(head => Gen.Select(Gen.OneOf<bool?>(null, true, false), LabelsGen, Gen.OneOf("ok", "bad", "Ärger").Array[0, 2], Gen.Bool, Gen.Int[0, 5])
                .Select(tail => new ResultSpec(head.Item1, head.Item2, head.Item3, head.Item4, head.Item5, tail.Item1, tail.Item2, tail.Item3, tail.Item4, tail.Item5)));

    private static readonly Gen<AnnotationSpec> AnnotationGen =
        Gen.Select(Gen.Int[1, 40], Gen.Bool, Gen.OneOf<string?>(null, "a@example.com", "b@example.com"), ResultGen.Array[0, 6], Gen.Int[0, 6])
            .Select((id, cancelled, email, results, order) => new AnnotationSpec(id, cancelled, email, results, order));

    private static readonly Gen<TaskSpec[]> ExportGen =
        Gen.Select(Gen.Int[1, 5], Gen.OneOf("a.csv", "b c.csv", "d%20e.csv"), AnnotationGen.Array[0, 3], Gen.Int[0, 4])
            .Select((id, series, annotations, order) => new TaskSpec(id, series, annotations, order)).Array[0, 4];

    [Fact]
    public void The_reader_gives_the_same_ranges_as_a_slow_reference_reader()
    {
        output.WriteLine($"CsCheck seed {Seed} (set another with the seed argument of Sample to explore)");
        ExportGen.Select(Gen.Bool).Sample((tasks, indented) =>
        {
            var json = Render(tasks, indented);
            using var temp = new TempDirectory();
            var file = temp.Write("export.json", json);
            var expected = Reference(JArray.Parse(json));
            var actual = new ExportReader(Config).ReadTasks(file).SelectMany(t => t.Ranges()).Select(Row).ToList();
            Assert.Equal(expected, actual);
        }, seed: Seed, iter: 300, threads: 1, print: t => Render(t.Item1, true));
    }

    // ---------------------------------------------------------------- the export, written by hand (member order varies)

    private static string Render(TaskSpec[] tasks, bool indented)
    {
        // Task ids repeat across tasks: make each unique (a repeated task is a separate property).
        var array = new JArray(tasks.Select((t, i) => Ordered(t.Order, new JProperty("id", i + 1),
            new JProperty("data", new JObject { ["csv"] = $"/data/local-files/?d=ds/v1/{t.Series}" }),
            new JProperty("annotations", new JArray(t.Annotations.Select((a, j) => Ordered(a.Order,
                new JProperty("id", (i + 1) * 100 + j),
                new JProperty("completed_by", a.Email is null ? new JValue(7) : new JObject { ["id"] = 7, ["email"] = a.Email! }),
                new JProperty("result", new JArray(a.Results.Select(Result))),
                new JProperty("was_cancelled", a.Cancelled),
                new JProperty("ground_truth", false),
                new JProperty("created_at", "2021-02-01T00:00:00Z"),
                new JProperty("updated_at", "2021-02-02T00:00:00.123456Z"))))),
            new JProperty("predictions", new JArray()),
            new JProperty("meta", new JObject { ["nested"] = new JArray(new JObject { ["x"] = new JArray(1, 2.5, JValue.CreateNull(), "s") }) }))));
        var text = array.ToString(indented ? Formatting.Indented : Formatting.None);
        return text;
    }

    private static JObject Result(ResultSpec r)
    {
        var start = Origin.AddMinutes(r.StartMinute);
        var end = start.AddMinutes(r.Length);
        JToken Bound(DateTime t) => r.NumericBounds ? new JValue((long)(t - DateTime.UnixEpoch).TotalMilliseconds) : new JValue(t.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture));
        var value = new JObject { ["start"] = Bound(start), ["end"] = Bound(end) };
        if (r.Instant is { } instant)
        {
            value["instant"] = instant;
        }

        var (type, from) = r.Kind switch
        {
            0 or 1 or 2 => ("timeserieslabels", "label"),
            3 => ("choices", "anomaly_type"),
            4 => ("textarea", "note"),
            _ => ("timeserieslabels", "other_labels"),
        };
        if (type == "timeserieslabels")
        {
            value["timeserieslabels"] = new JArray(r.Labels);
        }
        else if (type == "choices")
        {
            value = new JObject { ["choices"] = new JArray(r.Choices) };
        }
        else
        {
            value = new JObject { ["text"] = new JArray(r.Choices.Select(c => c + " note")) };
        }

        return Ordered(r.Order, new JProperty("value", value), new JProperty("id", r.Id), new JProperty("from_name", from),
            new JProperty("to_name", "ts"), new JProperty("type", r.Escape ? "TimeSeriesLabels" : type), new JProperty("origin", "manual"));
    }

    private static JObject Ordered(int rotation, params JProperty[] properties)
    {
        var rotated = properties.Skip(rotation % properties.Length).Concat(properties.Take(rotation % properties.Length));
        return new JObject(rotated);
    }

    // ---------------------------------------------------------------- the reference reader

    private static List<string> Reference(JArray export)
    {
        var rows = new List<string>();
        foreach (var task in export.Cast<JObject>())
        {
            var url = (string)task["data"]!["csv"]!;
            var series = Uri.UnescapeDataString(url[(url.IndexOf("?d=", StringComparison.Ordinal) + 3)..]).Split('/').Last();
            foreach (var annotation in ((JArray)task["annotations"]!).Cast<JObject>().Where(a => !(bool)a["was_cancelled"]!))
            {
                var results = ((JArray)annotation["result"]!).Cast<JObject>().ToList();
                var by = annotation["completed_by"] is JObject user ? (string?)user["email"] : $"user {annotation["completed_by"]}";
                for (var i = 0; i < results.Count; i++)
                {
                    var result = results[i];
                    if (!string.Equals((string?)result["type"], "timeserieslabels", StringComparison.OrdinalIgnoreCase) || (string?)result["from_name"] != "label")
                    {
                        continue;
                    }

                    var value = (JObject)result["value"]!;
                    var start = Time(value["start"]!);
                    var end = Time(value["end"]!);
                    var id = (string)result["id"]!;
                    var others = results.Where((r, j) => j != i && (string?)r["id"] == id).ToList();
                    var choices = others.SelectMany(r => r["value"]?["choices"] as JArray ?? []).Select(c => (string)c!);
                    var text = others.SelectMany(r => r["value"]?["text"] as JArray ?? []).Select(c => (string)c!).FirstOrDefault();
                    var instant = value["instant"] is JValue { Type: JTokenType.Boolean } flag ? (bool)flag : start == end;
                    rows.Add(string.Join(" | ", (int)task["id"]!, series, (int)annotation["id"]!, id, start.ToString("O"), end.ToString("O"), instant,
                        string.Join(",", value["timeserieslabels"]!.Select(l => (string)l!)), string.Join(",", choices), text, by, "manual"));
                }
            }
        }

        return rows;
    }

    private static DateTime Time(JToken bound) => bound.Type == JTokenType.String
        ? DateTime.ParseExact((string)bound!, "yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal)
        : DateTime.UnixEpoch.AddMilliseconds((long)bound);

    private static string Row(LabeledRange r) => string.Join(" | ", r.TaskId, r.SeriesFile, r.AnnotationId, r.RegionId, r.Start.Time!.Value.UtcDateTime.ToString("O"),
        r.End.Time!.Value.UtcDateTime.ToString("O"), r.Instant, string.Join(",", r.Labels), string.Join(",", r.Choices), r.Text, r.Annotator, r.Origin);
}
