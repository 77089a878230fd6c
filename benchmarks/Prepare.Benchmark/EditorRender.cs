using System.Diagnostics;
using System.Globalization;
using LabelPipeline.Datasets;
using LabelPipeline.LabelConfig;
using LabelPipeline.Prepare;
using Newtonsoft.Json.Linq;

/// <summary>
/// Render time of Prepare's task files in Label Studio's own editor (tests/editor/lsf-check.js, one browser for all
/// cases): either task files of given shapes (channels × rows, one window each), or evenly spaced task files of an
/// existing prepared folder. The config is the pipeline's own, generated from the prepared schema.
/// </summary>
internal static class EditorRender
{
    public static int Run(Options options, string[] args)
    {
        string? Get(string name)
        {
            var i = Array.IndexOf(args, "--" + name);
            return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
        }

        var template = File.ReadAllText(Get("template") ?? "templates/timeseries-labeling.xml");
        var tool = Get("tool") ?? "tests/editor/lsf-check.js";
        var cases = new JArray();
        var sizes = new Dictionary<string, string>();
        if (Get("prepared") is { } preparedDirectory)
        {
            var manifest = PreparedManifest.TryRead(Path.Combine(preparedDirectory, PreparedManifest.FileName)) ?? throw new InvalidOperationException($"no prepare.json in {preparedDirectory}");
            var tasks = manifest.Sources.SelectMany(s => s.Tasks).ToArray();
            var pick = int.Parse(Get("pick") ?? "3", CultureInfo.InvariantCulture);
            var config = Config(template, manifest);
            foreach (var index in Enumerable.Range(0, pick).Select(i => pick == 1 ? 0 : (int)((long)i * (tasks.Length - 1) / (pick - 1))).Distinct())
            {
                var task = tasks[index];
                var name = $"{task.File} ({task.Rows:N0} rows × {Channels(manifest)} channels)";
                cases.Add(Case(name, config, Path.Combine(preparedDirectory, task.File), Channels(manifest)));
            }
        }

        foreach (var shape in (Get("shapes") ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = shape.Split('x');
            var channels = int.Parse(parts[0], CultureInfo.InvariantCulture);
            var rows = int.Parse(parts[1], CultureInfo.InvariantCulture);
            var folder = Path.Combine(options.Data, $"editor-{channels}x{rows}", "v1");
            Sources.Generate(folder, rows, channels);
            var output = Path.Combine(options.Data, $"editor-prepared-{channels}x{rows}");
            var result = DatasetPreparer.Run(Dataset.Open("editor", "v1", folder), new PrepareOptions { MaxPointsPerTask = (long)rows * channels }, output, CancellationToken.None);
            var first = result.Manifest.Sources[0].Tasks[0]; // one window, unless rows exceed PrepareOptions.MaxRowsPerTask
            cases.Add(Case($"{first.Rows:N0} rows × {channels} channels = {first.Rows * channels:N0} values", Config(template, result.Manifest), Path.Combine(output, first.File), channels));
        }

        var manifestPath = Path.Combine(options.Data, "editor-manifest.json");
        File.WriteAllText(manifestPath, new JObject { ["timeoutMs"] = 120_000, ["cases"] = cases }.ToString());
        var timings = cases.ToDictionary(c => c["name"]!.ToString(), _ => new List<double>());
        for (var rep = 0; rep < options.Reps; rep++)
        {
            var resultPath = Path.Combine(options.Data, "editor-result.json");
            var start = new ProcessStartInfo("node") { ArgumentList = { tool, "--batch", manifestPath, "--out", resultPath }, RedirectStandardError = true };
            using var process = Process.Start(start)!;
            process.StandardError.ReadToEnd();
            process.WaitForExit();
            foreach (var result in (JArray)JObject.Parse(File.ReadAllText(resultPath))["cases"]!)
            {
                if (result["ok"]!.Value<bool>() && result["timings"]!["renderMs"]!.Type != JTokenType.Null)
                {
                    timings[result["name"]!.ToString()].Add(result["timings"]!["renderMs"]!.Value<double>());
                }
                else
                {
                    Console.WriteLine($"FAILED {result["name"]}: {result["failures"]}");
                }
            }
        }

        var lines = new List<string> { "| task file | render ms (median) | min | max |", "|---|--:|--:|--:|" };
        foreach (var (name, values) in timings)
        {
            var sorted = values.Order().ToArray();
            lines.Add(sorted.Length == 0 ? $"| {name} | failed | | |" : string.Create(CultureInfo.InvariantCulture, $"| {name} | {sorted[sorted.Length / 2]:0} | {sorted[0]:0} | {sorted[^1]:0} |"));
        }

        File.WriteAllLines(Path.Combine(options.Data, "editor-results.md"), lines);
        Console.WriteLine(string.Join('\n', lines));
        return 0;
    }

    private static int Channels(PreparedManifest manifest) => manifest.Schema.Columns.Count(c => c.Role == "channel");

    private static string Config(string template, PreparedManifest manifest)
    {
        var time = manifest.Schema.Columns.Single(c => c.Role == "time").Prepared!;
        var channels = manifest.Schema.Columns.Where(c => c.Role == "channel").Select(c => c.Prepared!).ToArray();
        var schema = new SeriesSchema(',', [time, .. channels], time, manifest.Schema.TimeFormat is { } f ? TimeFormat.Parse(f) : null, channels);
        return LabelConfigGenerator.Generate(template, schema, ["Anomaly"]);
    }

    private static JObject Case(string name, string config, string csv, int channels) =>
        new() { ["name"] = name, ["config"] = config, ["csv"] = Path.GetFullPath(csv), ["expectChannels"] = channels };
}
