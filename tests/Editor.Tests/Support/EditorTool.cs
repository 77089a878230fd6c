using System.ComponentModel;
using System.Globalization;
using Newtonsoft.Json.Linq;

namespace Editor.Tests.Support;

/// <summary>
/// Runs tests/editor/lsf-check.js (Label Studio's editor, LSF 1.4.0, in Debian Chromium through playwright-core) as a
/// child process with a time limit and reads its JSON. When Chromium, node, playwright-core or the LSF bundle is
/// missing, <see cref="RequireAsync"/> skips the test, or fails it under <c>LABELPIPELINE_REQUIRE_BROWSER=1</c> (CI).
/// </summary>
public static class EditorTool
{
    public const string RequireVariable = "LABELPIPELINE_REQUIRE_BROWSER";

    private static readonly Lazy<Task<string?>> Unavailability = new(ProbeAsync);

    public static bool Required => Environment.GetEnvironmentVariable(RequireVariable) == "1";

    /// <summary>Why the browser check cannot run here, or null when it can.</summary>
    public static Task<string?> UnavailableAsync() => Unavailability.Value;

    /// <summary>Skips the calling test when the browser check cannot run, or fails it when the check is required.</summary>
    public static async Task RequireAsync()
    {
        var why = await UnavailableAsync();
        if (why is null)
        {
            return;
        }

        if (Required)
        {
            throw new InvalidOperationException($"{RequireVariable}=1, but the editor check cannot run: {why}");
        }

        Skip.If(true, $"{why} Install with `sudo bash tests/editor/install.sh`. ({RequireVariable}=1 makes this a failure instead of a skip.)");
    }

    private static async Task<string?> ProbeAsync()
    {
        if (!File.Exists(Path.Combine(Repository.EditorTool, "lsf-check.js")))
        {
            return $"{Repository.EditorTool}/lsf-check.js is missing.";
        }

        try
        {
            var probe = await RunNodeAsync(["lsf-check.js", "--probe"], null, TimeSpan.FromSeconds(60));
            if (probe.ExitCode == 0)
            {
                return null;
            }

            try
            {
                var missing = JObject.Parse(probe.StandardOutput)["missing"]?.Values<string>() ?? [];
                return "The editor check lacks " + string.Join("; ", missing) + ".";
            }
            catch (Newtonsoft.Json.JsonException)
            {
                return $"`node lsf-check.js --probe` failed (exit {probe.ExitCode}): {probe.StandardError.Trim()} {probe.StandardOutput.Trim()}";
            }
        }
        catch (Win32Exception e)
        {
            return $"node is not installed ({e.Message}).";
        }
    }

    /// <summary>Checks every case of the manifest in one browser; throws when the tool itself could not run.</summary>
    public static async Task<EditorRun> RunAsync(JObject manifest, string workDirectory, TimeSpan timeout, IReadOnlyDictionary<string, string>? environment = null)
    {
        var manifestPath = Path.Combine(workDirectory, $"manifest-{Guid.NewGuid():N}.json");
        var outputPath = Path.ChangeExtension(manifestPath, ".result.json");
        await File.WriteAllTextAsync(manifestPath, manifest.ToString());
        var run = await RunNodeAsync(["lsf-check.js", "--batch", manifestPath, "--out", outputPath], environment, timeout);
        if (run.ExitCode is not (0 or 1) || !File.Exists(outputPath))
        {
            throw new InvalidOperationException(
                $"lsf-check.js could not run (exit {run.ExitCode}):\n{run.StandardOutput}\n{run.StandardError}");
        }

        var output = JObject.Parse(await File.ReadAllTextAsync(outputPath));
        if (output["setupError"]?.ToString() is { Length: > 0 } setup)
        {
            throw new InvalidOperationException($"lsf-check.js: {setup}\n{run.StandardError}");
        }

        return new EditorRun(output, run.StandardError);
    }

    private static async Task<NodeRun> RunNodeAsync(IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment, TimeSpan timeout)
    {
        var variables = new Dictionary<string, string> { ["TZ"] = "UTC", ["NO_COLOR"] = "1" };
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            variables[name] = value;
        }

        var run = await ChildProcess.RunAsync("node", arguments, variables, timeout, Repository.EditorTool);
        return new NodeRun(run.ExitCode, run.StandardOutput, run.StandardError);
    }

    private sealed record NodeRun(int ExitCode, string StandardOutput, string StandardError);
}

/// <summary>lsf-check.js's JSON for one batch.</summary>
public sealed class EditorRun(JObject output, string log)
{
    public JObject Output { get; } = output;

    /// <summary>The tool's stderr: one PASS/FAIL line per case.</summary>
    public string Log { get; } = log;

    public string Chromium => Output["tool"]?["chromium"]?.ToString() ?? "?";

    public IReadOnlyList<EditorCaseResult> Cases => Output["cases"]!.Select(c => new EditorCaseResult((JObject)c)).ToList();

    public EditorCaseResult this[string name] =>
        Cases.SingleOrDefault(c => c.Name == name) ?? throw new KeyNotFoundException($"lsf-check.js reported no case '{name}'.\n{Log}");
}

/// <summary>One case of lsf-check.js's JSON.</summary>
public sealed class EditorCaseResult(JObject json)
{
    public JObject Json { get; } = json;

    public string Name => Json["name"]!.ToString();

    public bool Ok => Json["ok"]!.Value<bool>();

    public IReadOnlyList<string> Failures => Json["failures"]!.Values<string>().Select(f => f!).ToList();

    public int ExpectedChannels => Json["expectedChannels"]?.Type == JTokenType.Integer ? Json["expectedChannels"]!.Value<int>() : -1;

    public IReadOnlyList<JObject> Charts => Json["charts"]!.OfType<JObject>().ToList();

    /// <summary>From creating the editor to every channel's line drawn: CSV fetch, parse and draw (ms).</summary>
    public double? RenderMs => Number(Json["timings"]?["renderMs"]);

    /// <summary>From navigation to every channel drawn, including loading the 2 MB bundle (ms).</summary>
    public double? PageMs => Number(Json["timings"]?["pageMs"]);

    public JArray Submissions => (JArray)Json["submissions"]!;

    public JArray Actions => (JArray)Json["actions"]!;

    public JArray RoundTrip => (JArray)Json["roundTrip"]!;

    public JToken? Validation => Json["validation"];

    public string Describe() =>
        $"{Name}: {(Ok ? "passed" : "FAILED")}; render {Format(RenderMs)} ms (page {Format(PageMs)} ms); " +
        $"{Charts.Count}/{ExpectedChannels} charts" + (Failures.Count == 0 ? string.Empty : "\n  - " + string.Join("\n  - ", Failures));

    private static double? Number(JToken? token) => token?.Type is JTokenType.Float or JTokenType.Integer ? token.Value<double>() : null;

    private static string Format(double? ms) => ms?.ToString("0", CultureInfo.InvariantCulture) ?? "-";
}
