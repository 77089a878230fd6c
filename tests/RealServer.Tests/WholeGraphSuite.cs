using System.Globalization;
using System.Text.Json.Nodes;
using Amazon.S3.Model;
using RealServer.Tests.Support;
using Xunit.Abstractions;

namespace RealServer.Tests;

/// <summary>
/// The whole graph against the real Label Studio, through the real pipeline executable: local files and S3 (s3rver,
/// the server reading the bucket itself), re-runs that create nothing, predictions visible on the tasks and never
/// imported twice, Export through the snapshot API and the direct-export fallback, Verify. Run on SQLite and on
/// PostgreSQL (the derived classes below); everything is compared as sets (PostgreSQL orders keys and tasks its own way).
/// </summary>
public abstract class WholeGraphSuite(RealLabelStudio server, S3Server s3, ITestOutputHelper output)
{
    private const string ModelVersion = "detector-v1";

    private LabelStudioHttp Api => server.Api;

    [SkippableFact]
    public async Task Local_files_whole_graph_creates_everything_once_and_exports_the_annotated_rows()
    {
        server.Require();
        output.WriteLine($"Label Studio {server.Release} on {server.Database} {server.PostgresVersion}: installed and started in {server.StartupTime.TotalSeconds:0} s ({server.InstallTimings})");
        using var scenario = new PipelineScenario(server, "wg-local").WithSyntheticFiles();
        var files = Repository.SyntheticFiles.Select(Path.GetFileName).ToArray();

        // 1. First run: project, local-files storage, one task per file, an empty snapshot (nobody labeled yet).
        var first = await scenario.RunOkAsync("--target=Export");
        output.WriteLine(first.ToString());
        var project = await Api.ProjectAsync(scenario.Title);
        var projectId = project["id"]!.GetValue<int>();
        var tasks = await Api.TasksAsync(projectId);
        Assert.Equal(files.Order(StringComparer.Ordinal), tasks.Select(t => Path.GetFileName(DataUrl(t).Split("?d=")[1])).Order(StringComparer.Ordinal));
        Assert.All(tasks, t => Assert.StartsWith("/data/local-files/?d=", DataUrl(t), StringComparison.Ordinal));
        var storage = Assert.Single(await Api.StoragesAsync("localfiles", projectId))!;

        // The server serves each task file (to a logged-in browser session; the API token is refused there by design).
        var served = await ServedBySessionAsync(DataUrl(tasks[0]));
        Assert.StartsWith("time", served, StringComparison.OrdinalIgnoreCase);

        // 2. An annotator labels a range on 2021-01 (as the editor stores it: strings in the config's timeFormat).
        var config = PipelineScenario.Config(project);
        var format = config.TimeFormat!;
        var start = new DateTimeOffset(2021, 1, 5, 0, 0, 0, TimeSpan.Zero);
        var end = start.AddHours(6);
        var january = PipelineScenario.TaskFor(tasks, "2021-01.csv");
        await Api.JsonAsync(HttpMethod.Post, $"/api/tasks/{january["id"]}/annotations/", new JsonObject
        {
            ["result"] = new JsonArray(Region(config, "ann0000001", format.Format(start), format.Format(end), "Anomaly")),
            ["lead_time"] = 12.5,
        });

        // 3. Predictions: imported once, visible on the tasks.
        var predictions = Path.Combine(scenario.WorkDirectory, $"{ModelVersion}.csv");
        await File.WriteAllTextAsync(predictions, "series,start,end,label,score\n2021-02.csv,2021-02-03 00:00:00,2021-02-03 12:00:00,Anomaly,0.9\n2021-03.csv,2021-03-10 06:00:00,2021-03-10 08:00:00,,0.7\n");
        var withPredictions = await scenario.RunOkAsync("--target=Export", $"--predictions={predictions}");
        output.WriteLine(withPredictions.ToString());
        tasks = await Api.TasksAsync(projectId);
        var predicted = tasks.Where(t => ((JsonArray)t["predictions"]!).Count > 0).ToArray();
        Assert.Equal(["2021-02.csv", "2021-03.csv"], predicted.Select(t => Path.GetFileName(DataUrl(t))).Order(StringComparer.Ordinal));
        var february = (JsonObject)PipelineScenario.TaskFor(tasks, "2021-02.csv")["predictions"]![0]!;
        Assert.Equal(ModelVersion, february["model_version"]!.GetValue<string>());
        var predictedRegion = february["result"]![0]!["value"]!.AsObject();
        Assert.Equal(("2021-02-03 00:00:00", "2021-02-03 12:00:00"), (predictedRegion["start"]!.ToString(), predictedRegion["end"]!.ToString()));
        Assert.Equal(ModelVersion, (await Api.JsonAsync(HttpMethod.Get, $"/api/projects/{projectId}"))["model_version"]!.GetValue<string>());
        var state = await StateAsync(projectId);

        // 4. Re-runs (with and without the predictions) create nothing: same project, storage, tasks, predictions, snapshots.
        var again = await scenario.RunOkAsync("--target=Export", $"--predictions={predictions}");
        output.WriteLine(again.ToString());
        Assert.Equal(state, await StateAsync(projectId));
        Assert.Equal(storage["id"]!.GetValue<int>(), Assert.Single(await Api.StoragesAsync("localfiles", projectId))!["id"]!.GetValue<int>());
        Assert.Single(await Api.ProjectsAsync(scenario.Title));

        // 5. Export through the snapshot API: exactly the annotated range, on the right source rows.
        var manifest = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(scenario.Snapshot, "manifest.json")))!;
        Assert.Equal("snapshot", manifest["source"]!["export_method"]!.GetValue<string>());
        Assert.Equal(server.Release, manifest["source"]!["label_studio_version"]!.GetValue<string>());
        var labels = await File.ReadAllTextAsync(Path.Combine(scenario.Snapshot, "lookout", "labels.csv"));
        Assert.Equal("2021-01-05T00:00:00.000000,2021-01-05T06:00:00.000000\n", labels);
        AssertDenseRows(scenario, "2021-01.csv", start, end, expectedRows: 37); // 00:00 to 06:00 every 10 min, both ends inclusive

        // 6. Verify rebuilds the snapshot from its recorded inputs.
        var verify = await scenario.RunOkAsync("--target=Verify");
        Assert.Contains("reproduces exactly", verify.Output, StringComparison.Ordinal);

        // 7. The direct-export fallback (a server without snapshot exports): the same labels, method "direct".
        await using var proxy = await ForwardingProxy.StartAsync(server.BaseUrl, r =>
            r.Method == "POST" && System.Text.RegularExpressions.Regex.IsMatch(r.Path.Value ?? string.Empty, @"^/api/projects/\d+/exports/?$") ? 404 : null);
        var direct = await scenario.RunAsync(["--target=Export"], proxy.BaseUrl);
        Assert.True(direct.ExitCode == 0, direct.ToString());
        Assert.NotEmpty(proxy.Refused);
        Assert.Contains("using the direct export", direct.Output, StringComparison.Ordinal);
        manifest = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(scenario.Snapshot, "manifest.json")))!;
        Assert.Equal("direct", manifest["source"]!["export_method"]!.GetValue<string>());
        Assert.Equal(labels, await File.ReadAllTextAsync(Path.Combine(scenario.Snapshot, "lookout", "labels.csv")));
        AssertDenseRows(scenario, "2021-01.csv", start, end, expectedRows: 37);
        Assert.Equal(state, await StateAsync(projectId));
    }

    [SkippableFact]
    public async Task S3_whole_graph_the_server_reads_the_bucket_and_presigned_urls_serve_the_series()
    {
        server.Require();
        Skip.If(s3.SkipReason is not null && !RealLabelStudio.Required, s3.SkipReason);
        Assert.True(s3.SkipReason is null, s3.SkipReason);
        using var scenario = new PipelineScenario(server, "wg-s3").WithSyntheticFiles();
        using var aws = new FakeAws();
        const string Prefix = "team/series";
        const string Secret = "real-ls-secret";
        await s3.AddKeyAsync("ASIAREALLS", Secret);
        var bucket = await s3.CreateBucketAsync();
        var environment = new Dictionary<string, string>
        {
            ["AWS_ACCESS_KEY_ID"] = "ASIAREALLS",
            ["AWS_SECRET_ACCESS_KEY"] = Secret,
            ["AWS_SESSION_TOKEN"] = "real-ls-session",
            ["AWS_CREDENTIAL_EXPIRATION"] = DateTimeOffset.UtcNow.AddHours(1).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
            ["AWS_REGION"] = "us-east-1",
        };
        string[] arguments = ["--target=Export", "--storage=s3", $"--bucket={bucket}", $"--prefix={Prefix}", $"--s3-endpoint={s3.Endpoint}", $"--sts-endpoint={aws.Endpoint}"];

        var first = await scenario.RunAsync(arguments, environment: environment);
        output.WriteLine(first.ToString());
        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.DoesNotContain(Secret, first.Output, StringComparison.Ordinal);
        var projectId = (await Api.ProjectAsync(scenario.Title))["id"]!.GetValue<int>();
        var storage = (JsonObject)Assert.Single(await Api.StoragesAsync("s3", projectId))!;
        Assert.Equal((bucket, Prefix + "/wg-s3/v1", s3.Endpoint.ToString().TrimEnd('/')), (storage["bucket"]!.ToString(), storage["prefix"]!.ToString().TrimEnd('/'), storage["s3_endpoint"]!.ToString().TrimEnd('/')));
        Assert.Equal("completed", storage["status"]!.ToString());

        // One task per uploaded object; the server resolves each to a presigned URL that serves the file, byte for byte.
        var tasks = await Api.TasksAsync(projectId);
        Assert.Equal(
            Repository.SyntheticFiles.Select(f => $"s3://{bucket}/{Prefix}/wg-s3/v1/{Path.GetFileName(f)}").Order(StringComparer.Ordinal),
            tasks.Select(DataUrl).Order(StringComparer.Ordinal));
        var task = (JsonObject)await Api.JsonAsync(HttpMethod.Get, $"/api/tasks/{tasks[0]["id"]}?resolve_uri=true");
        var presigned = DataUrl(task);
        output.WriteLine($"resolved: {presigned[..Math.Min(presigned.Length, 160)]}");
        var presignedUrl = presigned.StartsWith("http", StringComparison.Ordinal) ? new Uri(presigned) : new Uri(server.BaseUrl, presigned);
        using (var anonymous = new HttpClient())
        {
            // The server's own proxy (/tasks/{id}/presign) redirects to the presigned URL; follow it as a browser would.
            using var request = new HttpRequestMessage(HttpMethod.Get, presignedUrl);
            if (presignedUrl.Host == server.BaseUrl.Host && presignedUrl.Port == server.BaseUrl.Port)
            {
                request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Token", server.Token);
            }

            using var response = await anonymous.SendAsync(request);
            Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode} from {presignedUrl.GetLeftPart(UriPartial.Path)}");
            var file = Repository.SyntheticFiles.Single(f => tasks[0]["data"]!.AsObject().First().Value!.ToString().EndsWith(Path.GetFileName(f), StringComparison.Ordinal));
            Assert.Equal(await File.ReadAllBytesAsync(file), await response.Content.ReadAsByteArrayAsync());
        }

        // CORS for the browser: the server's origin may GET the series.
        var cors = await s3.CorsRulesAsync(bucket);
        Assert.Contains(cors, r => r.AllowedMethods.Contains("GET") && r.AllowedOrigins.Contains(server.BaseUrl.GetLeftPart(UriPartial.Authority)));

        // A re-run creates nothing and uploads nothing.
        var state = await StateAsync(projectId);
        var objects = await s3.ListAsync(bucket);
        var second = await scenario.RunAsync(arguments, environment: environment);
        output.WriteLine(second.ToString());
        Assert.True(second.ExitCode == 0, second.ToString());
        Assert.Equal(state, await StateAsync(projectId));
        Assert.Equal(objects, await s3.ListAsync(bucket));
        Assert.Single(await Api.StoragesAsync("s3", projectId));
        Assert.True(File.Exists(Path.Combine(scenario.Snapshot, "manifest.json")), second.ToString());
    }

    private static string DataUrl(JsonObject task) => task["data"]!.AsObject().Single().Value!.ToString();

    /// <summary>A time-series region as the editor writes it.</summary>
    internal static JsonObject Region(LabelPipeline.LabelConfig.LabelConfigInfo config, string id, string start, string end, string label) => new()
    {
        ["id"] = id,
        ["from_name"] = config.LabelsControlName,
        ["to_name"] = config.TimeSeriesName,
        ["type"] = "timeserieslabels",
        ["origin"] = "manual",
        ["value"] = new JsonObject { ["start"] = start, ["end"] = end, ["instant"] = false, ["timeserieslabels"] = new JsonArray(label) },
    };

    /// <summary>What a re-run must not change: task ids, annotation ids, prediction ids, export snapshots (as sets).</summary>
    private async Task<string> StateAsync(int projectId)
    {
        var tasks = await Api.TasksAsync(projectId);
        var exports = (JsonArray)await Api.JsonAsync(HttpMethod.Get, $"/api/projects/{projectId}/exports");
        return string.Join(
            "\n",
            tasks.Select(t => $"task {t["id"]}: annotations [{Ids(t["annotations"])}] predictions [{Ids(t["predictions"])}]").Order(StringComparer.Ordinal)
                .Append($"exports [{Ids(exports)}]"));

        static string Ids(JsonNode? list) => string.Join(",", ((JsonArray)list!).Select(n => n!["id"]!.GetValue<int>()).Order());
    }

    /// <summary>The snapshot's dense labels flag exactly the source rows from start to end (inclusive).</summary>
    private static void AssertDenseRows(PipelineScenario scenario, string series, DateTimeOffset start, DateTimeOffset end, int expectedRows)
    {
        var flagged = File.ReadLines(Path.Combine(scenario.Snapshot, "dense", series)).Skip(1)
            .Where(l => l.EndsWith(",1,Anomaly", StringComparison.Ordinal))
            .Select(l => DateTimeOffset.Parse(l.Split(',')[0], CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal))
            .ToArray();
        Assert.Equal(expectedRows, flagged.Length);
        Assert.Equal((start, end), (flagged.Min(), flagged.Max()));
    }

    /// <summary>A file the server serves under /data/local-files/, fetched with a logged-in session as a browser does.</summary>
    private async Task<string> ServedBySessionAsync(string dataUrl)
    {
        using var session = await WebSession.LogInAsync(server);
        return await session.Http.GetStringAsync(dataUrl.TrimStart('/'));
    }
}

[Collection(RealServerCollection.Name)]
[Trait("Category", "RealServer")]
public sealed class WholeGraphTests(RealLabelStudio server, S3Server s3, ITestOutputHelper output)
    : WholeGraphSuite(server, s3, output), IClassFixture<S3Server>;

[Collection(RealServerOnPostgresCollection.Name)]
[Trait("Category", "RealServer")]
public sealed class WholeGraphOnPostgresTests(RealLabelStudioOnPostgres server, S3Server s3, ITestOutputHelper output)
    : WholeGraphSuite(server, s3, output), IClassFixture<S3Server>;
