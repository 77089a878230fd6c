using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using LabelStudio.Emulator;
using LabelStudio.Emulator.Contract;
using RealServer.Tests.Support;
using Xunit.Abstractions;

namespace RealServer.Tests;

/// <summary>
/// The emulator held to the real server: the same scenario (the pipeline's whole graph in local-files and S3 mode, with
/// predictions, an annotation, the snapshot and the direct export, and the error answers it handles) runs through a
/// recording proxy against both; for every endpoint used, the statuses and the response shapes (each JSON path and the
/// kind of value there, compared as sets) must agree, or the difference must be listed in the emulator's
/// <see cref="RealServerErrata"/> with the versions on each side.
/// </summary>
[Collection(RealServerCollection.Name)]
[Trait("Category", "RealServer")]
public sealed partial class EmulatorDifferentialTests(RealLabelStudio server, S3Server s3, ITestOutputHelper output) : IClassFixture<S3Server>
{
    [SkippableFact]
    public async Task The_emulator_answers_the_pipelines_scenario_as_the_real_server_does()
    {
        server.Require();
        Skip.If(s3.SkipReason is not null && !RealLabelStudio.Required, s3.SkipReason);
        Assert.True(s3.SkipReason is null, s3.SkipReason);

        var real = await RecordAsync(server.BaseUrl, server.Token, "diff-real");
        await using var emulator = await EmulatorServer.StartAsync(
            new EmulatorOptions { OpenApiSpecPath = Repository.OpenApiSpec, LocalFilesDocumentRoot = server.DocumentRoot }, CancellationToken.None);
        var emulated = await RecordAsync(emulator.BaseUrl, emulator.LegacyToken, "diff-emulated");

        // The one request that breaks the contract on purpose (a wrongly typed export option): checked, then forgotten.
        Assert.All(emulator.ContractViolations, v => Assert.True(v.Direction == ContractDirection.Request && v.Message.Contains("only_id", StringComparison.Ordinal), v.ToString()));
        emulator.ClearContractViolations();

        var realShapes = Shapes(real);
        var emulatedShapes = Shapes(emulated);
        var differences = new List<string>();
        foreach (var endpoint in realShapes.Keys.Union(emulatedShapes.Keys).Order(StringComparer.Ordinal))
        {
            var r = realShapes.GetValueOrDefault(endpoint);
            var e = emulatedShapes.GetValueOrDefault(endpoint);
            if (r is null || e is null)
            {
                differences.Add($"{endpoint}: answered only by the {(r is null ? "emulator" : "real server")}");
                continue;
            }

            differences.AddRange(r.Except(e).Select(p => $"{endpoint}: {p} only on the real server"));
            differences.AddRange(e.Except(r).Select(p => $"{endpoint}: {p} only on the emulator"));
        }

        var unexplained = differences.Where(d => !RealServerErrata.All.Any(x => Explains(x, d))).ToList();
        output.WriteLine($"real {server.Release} vs emulator {emulator.Options.Version}: {realShapes.Count} endpoint/status pairs, {differences.Count} differences, {unexplained.Count} unexplained");
        output.WriteLine(string.Join("\n", differences));
        Assert.True(unexplained.Count == 0, $"{unexplained.Count} differences between the emulator and the real server ({RealServerErrata.RealVersion}) are neither fixed nor in RealServerErrata:\n" + string.Join("\n", unexplained));
        Assert.True(realShapes.Count >= 20, "the scenario exercised too few endpoints: " + string.Join(", ", realShapes.Keys));
    }

    /// <summary>"GET /api/x 200: $.a.b: string only on ..." → endpoint "GET /api/x 200", path "$.a.b"; "... answered only by ..." → path "".</summary>
    private static bool Explains(RealServerDifference erratum, string difference)
    {
        var colon = difference.IndexOf(": ", StringComparison.Ordinal);
        var rest = difference[(colon + 2)..];
        var end = rest.IndexOf(": ", StringComparison.Ordinal);
        return erratum.Explains(difference[..colon], end < 0 ? string.Empty : rest[..end]);
    }

    /// <summary>The scenario, through a recording proxy in front of <paramref name="url"/>; returns what the server answered.</summary>
    private async Task<List<RecordedExchange>> RecordAsync(Uri url, string token, string dataset)
    {
        var refuseSnapshots = false;
        await using var proxy = await ForwardingProxy.StartAsync(url, r =>
            refuseSnapshots && r.Method == "POST" && ExportsPath().IsMatch(r.Path.Value ?? string.Empty) ? 404 : null);
        var environment = new Dictionary<string, string> { ["LABELPIPELINE_LABEL_STUDIO_TOKEN"] = token };
        using var scenario = new PipelineScenario(server, dataset).WithSyntheticFiles();
        var predictions = Path.Combine(scenario.WorkDirectory, "detector.csv");
        await File.WriteAllTextAsync(predictions, "series,start,end,label,score\n2021-02.csv,2021-02-03 00:00:00,2021-02-03 12:00:00,Anomaly,0.9\n");

        async Task Run(PipelineScenario s, params string[] arguments)
        {
            var run = await s.RunAsync(arguments, proxy.BaseUrl, environment);
            Assert.True(run.ExitCode == 0, $"{url}: {run}");
        }

        await Run(scenario, "--target=Export", $"--predictions={predictions}");

        // An annotator labels, as the web app does; then the export takes a snapshot (and reuses it when unchanged).
        using var http = new HttpClient { BaseAddress = proxy.BaseUrl };
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Token", token);
        var api = new LabelStudioHttp(http);
        var projectId = (await api.ProjectAsync(scenario.Title))["id"]!.GetValue<int>();
        var task = PipelineScenario.TaskFor(await api.TasksAsync(projectId), "2021-01.csv");
        var config = PipelineScenario.Config(await api.JsonAsync(HttpMethod.Get, $"/api/projects/{projectId}") as JsonObject ?? throw new InvalidOperationException());
        await api.JsonAsync(HttpMethod.Post, $"/api/tasks/{task["id"]}/annotations/", new JsonObject
        {
            ["result"] = new JsonArray(WholeGraphSuite.Region(config, "diff000001", "2021-01-05 00:00:00", "2021-01-05 06:00:00", "Anomaly")),
        });
        await Run(scenario, "--target=Export", $"--predictions={predictions}");
        await Run(scenario, "--target=Export");
        refuseSnapshots = true;
        await Run(scenario, "--target=Export"); // the direct export
        refuseSnapshots = false;

        // Errors the pipeline handles: a missing object, a wrongly typed option, no credentials.
        await api.SendAsync(HttpMethod.Get, "/api/projects/999999/");
        await api.SendAsync(HttpMethod.Post, $"/api/projects/{projectId}/exports/", new JsonObject { ["serialization_options"] = new JsonObject { ["predictions"] = new JsonObject { ["only_id"] = "maybe" } } });
        await api.SendAsync(HttpMethod.Get, $"/api/projects/{projectId}/export/formats");
        using (var anonymous = new HttpClient { BaseAddress = proxy.BaseUrl })
        {
            await anonymous.GetAsync("api/projects/");
        }

        // S3 mode: the server reads s3rver itself.
        using var s3Scenario = new PipelineScenario(server, dataset + "-s3").WithSyntheticFiles();
        using var aws = new FakeAws();
        await s3.AddKeyAsync("ASIADIFF", "diff-secret");
        var bucket = await s3.CreateBucketAsync();
        var s3Environment = new Dictionary<string, string>(environment)
        {
            ["AWS_ACCESS_KEY_ID"] = "ASIADIFF",
            ["AWS_SECRET_ACCESS_KEY"] = "diff-secret",
            ["AWS_SESSION_TOKEN"] = "diff-session",
            ["AWS_CREDENTIAL_EXPIRATION"] = DateTimeOffset.UtcNow.AddHours(1).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
            ["AWS_REGION"] = "us-east-1",
        };
        var s3Run = await s3Scenario.RunAsync(
            ["--target=Export", "--storage=s3", $"--bucket={bucket}", "--prefix=diff", $"--s3-endpoint={s3.Endpoint}", $"--sts-endpoint={aws.Endpoint}"],
            proxy.BaseUrl,
            s3Environment);
        Assert.True(s3Run.ExitCode == 0, $"{url}: {s3Run}");
        return proxy.Exchanges;
    }

    /// <summary>Per "METHOD /api/template status": the set of "json.path: kind" entries of every answer (media type for non-JSON).</summary>
    private static Dictionary<string, HashSet<string>> Shapes(IEnumerable<RecordedExchange> exchanges)
    {
        var shapes = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var exchange in exchanges)
        {
            var key = $"{exchange.Method} {Template(exchange.Path)} {exchange.Status}";
            var set = shapes.TryGetValue(key, out var existing) ? existing : shapes[key] = new HashSet<string>(StringComparer.Ordinal);
            set.Add($"media: {exchange.MediaType ?? "none"}");
            if (exchange.MediaType?.Contains("json", StringComparison.Ordinal) == true && exchange.Body.Length > 0)
            {
                Flatten(JsonNode.Parse(exchange.Body), "$", set);
            }
        }

        return shapes;
    }

    private static void Flatten(JsonNode? node, string path, HashSet<string> into)
    {
        switch (node)
        {
            case JsonObject o:
                into.Add($"{path}: object");
                foreach (var (name, value) in o)
                {
                    // Keys that are data, not schema (task data columns, label counts, ...) are one "*" key.
                    Flatten(value, path + "." + (DataKeyed(path) ? "*" : name), into);
                }

                break;
            case JsonArray a:
                into.Add($"{path}: array");
                foreach (var item in a)
                {
                    Flatten(item, path + "[]", into);
                }

                break;
            case JsonValue v:
                into.Add($"{path}: {v.GetValueKind() switch { JsonValueKind.String => "string", JsonValueKind.Number => "number", JsonValueKind.True or JsonValueKind.False => "boolean", _ => "?" }}");
                break;
            default:
                into.Add($"{path}: null");
                break;
        }
    }

    private static bool DataKeyed(string path) => path.EndsWith(".data", StringComparison.Ordinal) || path.EndsWith(".meta", StringComparison.Ordinal)
        || path.EndsWith(".counters", StringComparison.Ordinal) || path.EndsWith(".parsed_label_config", StringComparison.Ordinal)
        || path.EndsWith(".validation_errors", StringComparison.Ordinal) || path.EndsWith(".value", StringComparison.Ordinal);

    /// <summary>/api/projects/12/exports/3/ → /api/projects/{id}/exports/{id}.</summary>
    private static string Template(string path) => NumericSegment().Replace(path.TrimEnd('/'), "/{id}");

    [GeneratedRegex(@"/\d+(?=/|$)")]
    private static partial Regex NumericSegment();

    [GeneratedRegex(@"^/api/projects/\d+/exports/?$")]
    private static partial Regex ExportsPath();
}
