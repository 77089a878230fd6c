using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using LabelStudio.Emulator;
using LabelStudio.Emulator.Faults;
using S3.Tests.Support;
using Xunit.Abstractions;

namespace S3.Tests;

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class S3SoakCollection
{
    /// <summary>Runs alone: its budget is sized for an otherwise idle 2-core machine.</summary>
    public const string Name = "S3 soak";
}

/// <summary>
/// The whole graph in S3 mode (Upload, ConfigureCors, CreateProject, ConnectStorage, Sync, Export) through the real
/// executable, again and again, while both sides fail 20 % of their requests: the fault proxy in front of s3rver
/// (503 SlowDown, resets before and after the store acted, slow answers) for the pipeline's and Label Studio's S3
/// calls, and the emulator's own fault injection for the Label Studio API. Every run must end completed or with a
/// clear error; afterwards Label Studio holds exactly one project, one S3 storage and one task per CSV, the bucket
/// exactly the dataset, and the snapshot is byte-identical to a fault-free run's.
/// </summary>
[Collection(S3SoakCollection.Name)]
public sealed partial class S3SoakTests(S3Server s3, ITestOutputHelper output) : IClassFixture<S3Server>, IAsyncLifetime
{
    private const double FaultRate = 0.2;
    private const int MaxRuns = 12;
    private const string Prefix = "soak";
    private const string KeyId = "ASIASOAK";
    private const string Secret = "soak-secret-value";
    private const string SessionToken = "soak-session-token";

    // Bounded in count and time: no run starts after this, so the test ends even on a slow machine (CI: about a minute).
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(70);

    private readonly TempDirectory _temp = new();
    private readonly FakeAws _aws = new();
    private RateFaultInjector _labelStudioFaults = null!;
    private EmulatorServer _ls = null!;
    private S3FaultProxy _proxy = null!;
    private LabelStudioApi _api = null!;
    private string _bucket = null!;

    public async Task InitializeAsync()
    {
        if (s3.SkipReason is not null)
        {
            return;
        }

        _labelStudioFaults = new RateFaultInjector(new FaultPlan
        {
            // Creations and the first sync happen in the first run only: their first attempts always fail ambiguously
            // (done or not), so the create-once and sync re-checks are exercised every time. Then 20 % everywhere.
            Rules =
            [
                new FaultRule { Method = "POST", Path = "^/api/projects/?$", Rate = 1, Limit = 1, Kinds = [FaultKind.ResponseLost] },
                new FaultRule { Method = "POST", Path = "^/api/storages/s3/?$", Rate = 1, Limit = 1, Kinds = [FaultKind.ResponseLost] },
                new FaultRule { Method = "POST", Path = "^/api/storages/s3/\\d+/sync$", Rate = 1, Limit = 1, Kinds = [FaultKind.ResponseLost] },
                FaultRule.Everywhere(FaultRate),
            ],
            Seed = 20261124,
            HangFor = TimeSpan.FromSeconds(3), // past --request-timeout=2 below
            SlowBy = TimeSpan.FromMilliseconds(300),
            RetryAfter = TimeSpan.FromSeconds(1),
        });
        _ls = await EmulatorServer.StartAsync(new EmulatorOptions { OpenApiSpecPath = Repository.OpenApiSpec, Faults = _labelStudioFaults }, CancellationToken.None);
        _api = new LabelStudioApi(_ls);
        _proxy = await S3FaultProxy.StartAsync(s3.Endpoint, new S3FaultPlan
        {
            Rate = FaultRate,
            // Uploads and the CORS write happen in the first run only (later runs find them done): fail more of them.
            RateByOperation = new Dictionary<string, double> { ["PutObject"] = 0.5, ["PutBucketCors"] = 0.5 },
            Seed = 1124,
            SlowBy = TimeSpan.FromMilliseconds(300),
        });
        await s3.AddKeyAsync(KeyId, Secret);
        _bucket = await s3.CreateBucketAsync();
    }

    public async Task DisposeAsync()
    {
        _api?.Dispose();
        if (_proxy is not null)
        {
            await _proxy.DisposeAsync();
        }

        if (_ls is not null)
        {
            await _ls.DisposeAsync();
        }

        _aws.Dispose();
        _temp.Dispose();
    }

    private Task<PipelineRun> RunAsync(string outputDirectory) =>
        PipelineRunner.RunAsync(
            [
                "--target=Export",
                "--storage=s3",
                $"--bucket={_bucket}",
                $"--prefix={Prefix}",
                $"--s3-endpoint={_proxy.Endpoint}",
                $"--sts-endpoint={_aws.Endpoint}",
                $"--label-studio-url={_ls.BaseUrl}",
                $"--datasets-dir={Repository.Datasets}",
                $"--output={outputDirectory}",
                $"--state-dir={Path.Combine(_temp.Path, "state")}",
                $"--sagemaker-metadata={Path.Combine(_temp.Path, "no-sagemaker.json")}",
                "--request-timeout=2",
                "--sync-timeout=60",
            ],
            new Dictionary<string, string>
            {
                ["LABELPIPELINE_LABEL_STUDIO_TOKEN"] = _ls.LegacyToken,
                ["AWS_ACCESS_KEY_ID"] = KeyId,
                ["AWS_SECRET_ACCESS_KEY"] = Secret,
                ["AWS_SESSION_TOKEN"] = SessionToken,
                ["AWS_CREDENTIAL_EXPIRATION"] = DateTimeOffset.UtcNow.AddHours(1).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
                ["AWS_REGION"] = "us-east-1",
            },
            TimeSpan.FromMinutes(2));

    [SkippableFact]
    public async Task Twenty_percent_faults_on_S3_and_Label_Studio_leave_one_project_one_storage_no_duplicates_and_the_same_snapshot()
    {
        Skip.If(s3.SkipReason is not null, s3.SkipReason);
        var clock = Stopwatch.StartNew();
        var soakOutput = Path.Combine(_temp.Path, "soak");
        var outcomes = new List<(int Run, bool Completed, TimeSpan Elapsed, int Retries, string? Error)>();
        var annotated = false;
        var completedAfterAnnotating = 0;
        var allOutput = new System.Text.StringBuilder();
        for (var run = 1; run <= MaxRuns && clock.Elapsed < Budget; run++)
        {
            var started = clock.Elapsed;
            _proxy.StartNewRun();
            var result = await RunAsync(soakOutput);
            var retries = RetryLine().Matches(result.Output).Count + RecheckLine().Matches(result.Output).Count;
            allOutput.Append(result.Output);
            foreach (var secret in new[] { Secret, SessionToken, _ls.LegacyToken })
            {
                Assert.DoesNotContain(secret, result.Output, StringComparison.Ordinal);
            }

            if (result.ExitCode == 0)
            {
                outcomes.Add((run, true, clock.Elapsed - started, retries, null));
                completedAfterAnnotating += annotated ? 1 : 0;
            }
            else
            {
                // A failed run says what failed and why in one line a user can act on; never a bare .NET message.
                var error = ErrorLine(result.Output);
                Assert.True(ClearError().IsMatch(error), result.ToString());
                outcomes.Add((run, false, clock.Elapsed - started, retries, error));
            }

            if (!annotated && _ls.Inspect.ProjectCount > 0 && _ls.Inspect.TaskCount(_ls.Inspect.ProjectIdsTitled("synthetic v1")[0]) == Repository.SyntheticFiles.Length)
            {
                await AnnotateAsync(_ls.Inspect.ProjectIdsTitled("synthetic v1")[0]); // so the snapshots have labels to compare
                annotated = true;
            }
        }

        var labelStudioFaults = _labelStudioFaults.Counts;
        var s3Faults = (_proxy.Requests, _proxy.Faults, _proxy.Errors, _proxy.Retries, Kinds: _proxy.FaultsByKind, Operations: _proxy.FaultsByOperation);
        _labelStudioFaults.Paused = true;
        _proxy.Paused = true;
        var referenceOutput = Path.Combine(_temp.Path, "reference");
        var reference = await RunAsync(referenceOutput);
        Assert.True(reference.ExitCode == 0, reference.ToString());

        output.WriteLine($"S3 soak: {outcomes.Count} runs of --target=Export --storage=s3 at {FaultRate:P0} injected faults on S3 and on Label Studio, {clock.Elapsed.TotalSeconds:0} s in all");
        output.WriteLine($"  S3 (fault proxy in front of s3rver, the pipeline's and Label Studio's calls): {s3Faults.Faults} faults in {s3Faults.Requests} requests ({string.Join(", ", s3Faults.Kinds.Select(k => $"{k.Key} ×{k.Value}"))}); {s3Faults.Retries} retries (requests repeating a failed one in the same run, by the pipeline's and Label Studio's SDK clients)");
        output.WriteLine($"  S3 faults by operation: {string.Join(", ", s3Faults.Operations.OrderByDescending(o => o.Value).Select(o => $"{o.Key} ×{o.Value}"))}");
        output.WriteLine($"  Label Studio (emulator): {labelStudioFaults}");
        output.WriteLine($"  Label Studio retries and re-checks logged by the pipeline: {outcomes.Sum(o => o.Retries)}");
        output.WriteLine($"  outcomes: {outcomes.Count(o => o.Completed)} completed, {outcomes.Count(o => !o.Completed)} failed with a clear error");
        foreach (var (run, completed, took, retries, error) in outcomes)
        {
            output.WriteLine($"  run {run,2}: {(completed ? "completed" : "failed   ")} in {took.TotalSeconds,4:0.0} s, {retries} Label Studio retries{(error is null ? string.Empty : ": " + error)}");
        }

        Assert.True(outcomes.Count >= 5, $"only {outcomes.Count} runs in {Budget.TotalSeconds} s");
        Assert.True(s3Faults.Errors >= outcomes.Count, $"S3: {s3Faults.Errors} errors injected"); // faults did happen on S3
        Assert.True(s3Faults.Retries > 0, "no S3 retry was seen");

        // Retries absorb most faults: with the SDK's retries off, 5 of 12 runs failed (measured); with them, none did.
        Assert.True(outcomes.Count(o => o.Completed) * 3 >= outcomes.Count * 2, $"only {outcomes.Count(o => o.Completed)} of {outcomes.Count} runs completed");
        Assert.True(labelStudioFaults.Total >= outcomes.Count, labelStudioFaults.ToString());
        Assert.True(completedAfterAnnotating > 0, "no faulty run completed after the annotations: nothing to compare");

        // The S3 storage's creation and first sync lost their answers: resolved by looking, not by repeating blindly.
        Assert.Contains($"Label Studio did create S3 storage 'synthetic v1 (s3)' on project", allOutput.ToString());
        Assert.Contains("Starting the sync of S3 storage", allOutput.ToString());

        var project = Assert.Single(_ls.Inspect.ProjectIdsTitled("synthetic v1"));
        Assert.Equal(1, _ls.Inspect.ProjectCount);
        Assert.Equal(1, _ls.Inspect.StorageCount("s3"));
        Assert.Equal(0, _ls.Inspect.StorageCount("localfiles"));
        var files = (await _api.TasksAsync(project)).Select(t => t!["data"]!["csv"]!.GetValue<string>()).ToList();
        Assert.Equal(files.Distinct(StringComparer.Ordinal).Count(), files.Count); // no duplicate task
        Assert.Equal(
            Repository.SyntheticFiles.Select(f => $"s3://{_bucket}/{Prefix}/synthetic/v1/{Path.GetFileName(f)}"),
            files.Order(StringComparer.Ordinal));

        // The bucket holds the dataset, byte for byte, and nothing else; our CORS rule is there once.
        var objects = await s3.ListAsync(_bucket);
        Assert.Equal(Repository.SyntheticFiles.Select(f => $"{Prefix}/synthetic/v1/{Path.GetFileName(f)}"), objects.Keys);
        foreach (var file in Repository.SyntheticFiles)
        {
            Assert.Equal(await File.ReadAllBytesAsync(file), await s3.GetBytesAsync(_bucket, $"{Prefix}/synthetic/v1/{Path.GetFileName(file)}"));
        }

        Assert.Single(await s3.CorsRulesAsync(_bucket), r => r.Id == "labelpipeline-label-studio");
        SnapshotAssert.Identical(Path.Combine(referenceOutput, "synthetic", "v1"), Path.Combine(soakOutput, "synthetic", "v1"));
        Assert.True(_ls.ContractViolations.Count == 0, string.Join("\n", _ls.ContractViolations));
    }

    private async Task AnnotateAsync(int project)
    {
        _labelStudioFaults.Paused = true;
        try
        {
            var tasks = await _api.TasksAsync(project);
            int Task(string file) => tasks.Single(t => t!["data"]!["csv"]!.GetValue<string>().EndsWith(file, StringComparison.Ordinal))!["id"]!.GetValue<int>();
            await _api.JsonAsync(HttpMethod.Post, $"/api/tasks/{Task("2021-04.csv")}/annotations/", Annotation("2021-04-05 23:40:00", "2021-04-11 00:50:00", "a1"));
            await _api.JsonAsync(HttpMethod.Post, $"/api/tasks/{Task("2021-04.csv")}/annotations/", Annotation("2021-04-11 00:00:00", "2021-04-12 06:00:00", "b1"));
            await _api.JsonAsync(HttpMethod.Post, $"/api/tasks/{Task("2021-01.csv")}/annotations/", Annotation("2021-01-15 10:00:00", "2021-01-15 10:00:00", "c1"));
        }
        finally
        {
            _labelStudioFaults.Paused = false;
        }
    }

    private static JsonObject Annotation(string start, string end, string id) => new()
    {
        ["result"] = new JsonArray(new JsonObject
        {
            ["value"] = new JsonObject { ["start"] = start, ["end"] = end, ["instant"] = start == end, ["timeserieslabels"] = new JsonArray("Anomaly") },
            ["id"] = id,
            ["from_name"] = "label",
            ["to_name"] = "ts",
            ["type"] = "timeserieslabels",
            ["origin"] = "manual",
        }),
    };

    /// <summary>The line Cake reports the failure with ("Error: ...").</summary>
    private static string ErrorLine(string output) =>
        output.Split('\n').LastOrDefault(l => l.StartsWith("Error:", StringComparison.Ordinal))?.TrimEnd() ?? throw new Xunit.Sdk.XunitException("No 'Error:' line in:\n" + output);

    [GeneratedRegex(@"Label Studio: .* retrying in ")]
    private static partial Regex RetryLine();

    [GeneratedRegex(@"checking whether Label Studio created it anyway|it is not running, so starting it again|but it is (queued|in_progress): waiting")]
    private static partial Regex RecheckLine();

    /// <summary>Names the service (Label Studio, or S3 with the bucket) and says what happened to the request.</summary>
    [GeneratedRegex(@"^Error: .*(Label Studio|Creating |S3|s3://).*(answered \d{3}|did not answer|Cannot reach|failed|cannot read|throttling or failing)")]
    private static partial Regex ClearError();
}
