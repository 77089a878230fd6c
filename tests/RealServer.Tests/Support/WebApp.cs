using System.Text.Json.Nodes;

namespace RealServer.Tests.Support;

/// <summary>
/// An annotator in the real server's web app: tests/real-server/ls-app.js (Debian Chromium through playwright-core from
/// tests/editor/node_modules) logs in, opens a task in the data manager and performs the actions in order. Its answer
/// holds the pixel measurements of every channel ("check") and the annotation requests Submit sent.
/// </summary>
public static class WebApp
{
    private static string Tool => Path.Combine(Repository.Root, "tests", "real-server", "ls-app.js");

    /// <summary>Why the browser cannot run here, or null.</summary>
    public static string? Unavailable()
    {
        if (!File.Exists("/usr/bin/chromium") && Environment.GetEnvironmentVariable("CHROMIUM") is null)
        {
            return "Chromium is missing (sudo bash tests/editor/install.sh).";
        }

        return Directory.Exists(Path.Combine(Repository.Root, "tests", "editor", "node_modules", "playwright-core"))
            ? null
            : "playwright-core is missing (bash tests/editor/install.sh).";
    }

    /// <summary>Skips the test when the browser cannot run, or fails it when the real-server suite is required.</summary>
    public static void Require()
    {
        if (Unavailable() is { } why)
        {
            if (RealLabelStudio.Required)
            {
                throw new InvalidOperationException($"{RealLabelStudio.RequireVariable}=1, but the web app cannot be driven: {why}");
            }

            Skip.If(true, why);
        }
    }

    public static async Task<WebAppSession> RunAsync(RealLabelStudio server, int project, int task, JsonArray actions, string workDirectory)
    {
        var shots = Path.Combine(workDirectory, $"shots-t{task}");
        Directory.CreateDirectory(shots);
        var manifest = new JsonObject
        {
            ["url"] = server.BaseUrl.ToString(),
            ["username"] = RealLabelStudio.Username,
            ["project"] = project,
            ["task"] = task,
            ["screenshots"] = shots,
            ["timeoutMs"] = 180_000,
            ["actions"] = actions,
        };
        var manifestPath = Path.Combine(workDirectory, $"web-t{task}-{Guid.NewGuid():N}.json");
        var outputPath = Path.ChangeExtension(manifestPath, ".out.json");
        await File.WriteAllTextAsync(manifestPath, manifest.ToJsonString());
        var run = await ChildProcess.RunAsync(
            "node", [Tool, manifestPath, outputPath], new Dictionary<string, string> { ["LS_PASSWORD"] = server.Password, ["TZ"] = "UTC" }, TimeSpan.FromMinutes(6));
        if (!File.Exists(outputPath))
        {
            throw new InvalidOperationException($"ls-app.js wrote no answer (exit {run.ExitCode}):\n{server.Redact(run.Output)}");
        }

        var answer = (JsonObject)JsonNode.Parse(await File.ReadAllTextAsync(outputPath))!;
        return new WebAppSession(answer, server.Redact(run.Output), shots);
    }

    public static JsonObject Act(string what, params (string Name, JsonNode? Value)[] arguments)
    {
        var action = new JsonObject { ["do"] = what };
        foreach (var (name, value) in arguments)
        {
            action[name] = value;
        }

        return action;
    }
}

/// <summary>ls-app.js's answer for one session.</summary>
public sealed class WebAppSession(JsonObject answer, string log, string screenshots)
{
    public JsonObject Answer { get; } = answer;

    public bool Ok => Answer["ok"]!.GetValue<bool>();

    /// <summary>Each "check": per channel, stroke-coloured pixels inside and outside its plot.</summary>
    public IReadOnlyList<ChannelPixels[]> Checks => ((JsonArray)Answer["checks"]!)
        .Select(c => ((JsonArray)c!).Select(ch => new ChannelPixels(
            ch!["index"]!.GetValue<int>(), ch["paths"]!.GetValue<int>(), ch["inside"]!.GetValue<int>(), ch["outside"]!.GetValue<int>(),
            ch["strokes"]!.AsArray().FirstOrDefault()?.ToString() ?? "none")).ToArray())
        .ToList();

    public JsonArray Submissions => (JsonArray)Answer["submissions"]!;

    public double OpenToChartSeconds => Answer["openToChartMs"]?.GetValue<double>() / 1000 ?? double.NaN;

    public string Describe() =>
        $"ok={Ok} open→chart {OpenToChartSeconds:0.0} s; error: {Answer["error"]}\nchecks: {string.Join(" | ", Checks.Select(c => string.Join(", ", c.Select(x => x.ToString()))))}\n" +
        $"console errors: {Answer["consoleErrors"]?.ToJsonString()}\nfailed requests: {Answer["failedRequests"]?.ToJsonString()}\nscreenshots: {screenshots}\nlog:\n{log}";
}

/// <summary>One channel's line as drawn: stroke-coloured pixels inside and outside its plot.</summary>
public sealed record ChannelPixels(int Channel, int Paths, int Inside, int Outside, string Stroke)
{
    /// <summary>Drawn, and entirely inside its plot (the same bar for every channel).</summary>
    public bool DrawnInsideItsPlot => Paths > 0 && Inside >= 50 && Outside == 0; // 50: a drawn line (a near-flat one blends into few full pixels)

    public override string ToString() => $"#{Channel} {Stroke}: {Inside} in, {Outside} out";
}
