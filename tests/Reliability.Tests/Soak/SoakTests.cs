using System.Diagnostics;
using System.Text.RegularExpressions;
using LabelPipeline.LabelStudio;
using LabelStudio.Emulator;
using LabelStudio.Emulator.Faults;
using Newtonsoft.Json.Linq;
using Reliability.Tests.Corpus;
using Reliability.Tests.Support;
using Xunit.Abstractions;

namespace Reliability.Tests.Soak;

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SoakCollection
{
    /// <summary>Runs alone: its timeouts and run count are sized for an otherwise idle 2-core machine.</summary>
    public const string Name = "Soak";
}

/// <summary>
/// The whole graph, run again and again through the real executable while the emulator fails 20 % of all requests
/// with every kind of fault. Every run must end completed or with a clear error; afterwards Label Studio must hold
/// exactly one project, one storage and one task per CSV, and the snapshot must be byte-identical to a fault-free
/// run's on the same server.
/// </summary>
[Collection(SoakCollection.Name)]
public sealed partial class SoakTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const double FaultRate = 0.2;
    private const int MaxRuns = 20;

    // Bounded in count and in time: no new run starts after this, so the test ends even on a slow machine.
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(90);

    private readonly TempDirectory _temp = new();
    private readonly HttpClient _http = new();
    private RateFaultInjector _faults = null!;
    private EmulatorServer _server = null!;

    private static string SyntheticFolder => Path.Combine(Repository.Datasets, "synthetic", "v1");

    public async Task InitializeAsync()
    {
        _faults = new RateFaultInjector(new FaultPlan
        {
            // Creations happen once, in the first run: at 20 % they would often go unharmed, so their first attempts
            // always fail, ambiguously (processed or not). Then, and everywhere else, 20 % of requests fail.
            Rules =
            [
                new FaultRule { Method = "POST", Path = "^/api/projects/?$", Rate = 1, Limit = 2, Kinds = [FaultKind.ResponseLost, FaultKind.InternalServerError, FaultKind.Timeout] },
                new FaultRule { Method = "POST", Path = "^/api/storages/localfiles/?$", Rate = 1, Limit = 2, Kinds = [FaultKind.ResponseLost, FaultKind.BadGateway, FaultKind.DropConnection] },
                new FaultRule { Method = "POST", Path = "^/api/storages/localfiles/\\d+/sync$", Rate = 1, Limit = 1, Kinds = [FaultKind.ResponseLost] },
                FaultRule.Everywhere(FaultRate),
            ],
            Seed = 20260601,
            // Past the pipeline's --request-timeout=2 below, so a hang is a timeout to the client, not a late answer.
            HangFor = TimeSpan.FromSeconds(3),
            SlowBy = TimeSpan.FromMilliseconds(300),
            RetryAfter = TimeSpan.FromSeconds(1),
        });
        _server = await EmulatorServer.StartAsync(
            new EmulatorOptions { LocalFilesDocumentRoot = Repository.Datasets, OpenApiSpecPath = Repository.OpenApiSpec, Faults = _faults },
            CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _server.DisposeAsync();
        _temp.Dispose();
    }

    private Task<PipelineRun> RunAsync(string outputDirectory)
    {
        var (arguments, environment) = LabelStudioFixture.Pipeline(
            _server, Repository.Datasets, _temp.Path, "--target=Export", "--request-timeout=2", "--sync-timeout=60", $"--output={outputDirectory}");
        return PipelineRunner.RunAsync(arguments, environment, TimeSpan.FromMinutes(2));
    }

    [Fact]
    public async Task Twenty_percent_faults_on_every_endpoint_leave_one_project_one_storage_no_duplicates_and_the_same_snapshot()
    {
        var clock = Stopwatch.StartNew();
        var soakOutput = Path.Combine(_temp.Path, "soak");
        var outcomes = new List<(int Run, bool Completed, TimeSpan Elapsed, int Retries, string? Error)>();
        var annotated = false;
        var completedAfterAnnotating = 0;
        for (var run = 1; run <= MaxRuns && clock.Elapsed < Budget; run++)
        {
            var result = await RunAsync(soakOutput);
            var retries = RetryLine().Matches(result.Output).Count + RecheckLine().Matches(result.Output).Count;
            if (result.ExitCode == 0)
            {
                outcomes.Add((run, true, result.Elapsed, retries, null));
                completedAfterAnnotating += annotated ? 1 : 0;
            }
            else
            {
                // A failed run must say what failed, where, in one line a user can act on; never a bare .NET message.
                var error = DatasetCorpusTests.ErrorLine(result.Output);
                Assert.Matches(ClearError(), error);
                Assert.DoesNotContain(_server.LegacyToken, result.Output);
                outcomes.Add((run, false, result.Elapsed, retries, error));
            }

            if (!annotated && _server.Inspect.ProjectCount > 0 && _server.Inspect.TaskCount(_server.Inspect.ProjectIdsTitled("synthetic v1")[0]) > 0)
            {
                await AnnotateAsync(); // so the later snapshots have labels to be compared
                annotated = true;
            }
        }

        var faults = _faults.Counts;
        _faults.Paused = true;
        var referenceOutput = Path.Combine(_temp.Path, "reference");
        var reference = await RunAsync(referenceOutput);
        Assert.True(reference.ExitCode == 0, reference.ToString());

        Report(outcomes, faults, clock.Elapsed);
        Assert.True(outcomes.Count >= 8, $"only {outcomes.Count} runs in {Budget.TotalSeconds} s");
        Assert.True(faults.Total >= outcomes.Count, faults.ToString()); // faults did happen: about 2-3 per run
        Assert.True(completedAfterAnnotating > 0, "no faulty run completed after the annotations: nothing to compare");

        var project = Assert.Single(_server.Inspect.ProjectIdsTitled("synthetic v1"));
        Assert.Equal(1, _server.Inspect.ProjectCount);
        Assert.Equal(1, _server.Inspect.StorageCount("localfiles"));
        var files = await TaskFilesAsync(project);
        Assert.Equal(files.Distinct(StringComparer.Ordinal).Count(), files.Count); // no duplicate task
        Assert.Equal(Directory.GetFiles(SyntheticFolder, "*.csv").Select(Path.GetFileName).Order(StringComparer.Ordinal), files.Order(StringComparer.Ordinal));

        AssertSameSnapshot(Path.Combine(referenceOutput, "synthetic", "v1"), Path.Combine(soakOutput, "synthetic", "v1"));
        Assert.Empty(_server.ContractViolations);
    }

    private void Report(List<(int Run, bool Completed, TimeSpan Elapsed, int Retries, string? Error)> outcomes, FaultCounts faults, TimeSpan elapsed)
    {
        output.WriteLine($"Soak: {outcomes.Count} runs of --target=Export at {FaultRate:P0} injected faults on every endpoint, {elapsed.TotalSeconds:0} s in all");
        output.WriteLine($"  faults: {faults}");
        output.WriteLine($"  faults by endpoint: {string.Join(", ", faults.ByEndpoint.OrderByDescending(e => e.Value).Select(e => $"{e.Key} ×{e.Value}"))}");
        output.WriteLine($"  retries: {outcomes.Sum(o => o.Retries)} (client retries of repeatable requests, plus creations and syncs re-checked before trying again)");
        output.WriteLine($"  outcomes: {outcomes.Count(o => o.Completed)} completed, {outcomes.Count(o => !o.Completed)} failed with a clear error");
        foreach (var (run, completed, took, retries, error) in outcomes)
        {
            output.WriteLine($"  run {run,2}: {(completed ? "completed" : "failed   ")} in {took.TotalSeconds,4:0.0} s, {retries} retries{(error is null ? string.Empty : ": " + error)}");
        }
    }

    private async Task AnnotateAsync()
    {
        _faults.Paused = true;
        try
        {
            var client = new LabelStudioClient(_http, _server.BaseUrl, _server.LegacyToken, new LabelStudioResilience(LabelStudioRetryOptions.None));
            var project = _server.Inspect.ProjectIdsTitled("synthetic v1")[0];
            var tasks = new List<LabelStudioTask>();
            await foreach (var task in client.ListTasksAsync(project, withAnnotations: false, CancellationToken.None))
            {
                tasks.Add(task);
            }

            int Task(string file) => tasks.Single(t => t.Data["csv"]!.ToString().EndsWith(file, StringComparison.Ordinal)).Id;
            await client.CreateAnnotationAsync(Task("2021-04.csv"), new AnnotationRequest { Result = [Region("2021-04-05 23:40:00", "2021-04-11 00:50:00", "a1")] }, CancellationToken.None);
            await client.CreateAnnotationAsync(Task("2021-04.csv"), new AnnotationRequest { Result = [Region("2021-04-11 00:00:00", "2021-04-12 06:00:00", "b1")] }, CancellationToken.None);
            await client.CreateAnnotationAsync(Task("2021-01.csv"), new AnnotationRequest { Result = [Region("2021-01-15 10:00:00", "2021-01-15 10:00:00", "c1")] }, CancellationToken.None);
        }
        finally
        {
            _faults.Paused = false;
        }
    }

    private async Task<List<string>> TaskFilesAsync(int project)
    {
        var client = new LabelStudioClient(_http, _server.BaseUrl, _server.LegacyToken, new LabelStudioResilience(LabelStudioRetryOptions.None));
        var files = new List<string>();
        await foreach (var task in client.ListTasksAsync(project, withAnnotations: false, CancellationToken.None))
        {
            files.Add(Path.GetFileName(Uri.UnescapeDataString(task.Data["csv"]!.ToString())));
        }

        return files;
    }

    private static JObject Region(string start, string end, string id) => new()
    {
        ["value"] = new JObject { ["start"] = start, ["end"] = end, ["instant"] = start == end, ["timeserieslabels"] = new JArray("Anomaly") },
        ["id"] = id,
        ["from_name"] = "label",
        ["to_name"] = "ts",
        ["type"] = "timeserieslabels",
        ["origin"] = "manual",
    };

    /// <summary>Every file byte for byte, the manifest too except its source block (which export, and its id).</summary>
    private static void AssertSameSnapshot(string expected, string actual)
    {
        string[] Files(string d) => Directory.GetFiles(d, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(d, f)).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(Files(expected), Files(actual));
        Assert.NotEqual(string.Empty, File.ReadAllText(Path.Combine(expected, "lookout", "labels.csv")));
        foreach (var file in Files(expected).Where(f => f != "manifest.json"))
        {
            Assert.True(File.ReadAllBytes(Path.Combine(expected, file)).SequenceEqual(File.ReadAllBytes(Path.Combine(actual, file))), $"{file} differs");
        }

        var a = JObject.Parse(File.ReadAllText(Path.Combine(expected, "manifest.json")));
        var b = JObject.Parse(File.ReadAllText(Path.Combine(actual, "manifest.json")));
        a.Remove("source");
        b.Remove("source");
        Assert.True(JToken.DeepEquals(a, b), $"{a}\n---\n{b}");
    }

    [GeneratedRegex(@"Label Studio: .* retrying in ")]
    private static partial Regex RetryLine();

    [GeneratedRegex(@"checking whether Label Studio created it anyway|it is not running, so starting it again|but it is (queued|in_progress): waiting")]
    private static partial Regex RecheckLine();

    /// <summary>Names Label Studio or what was being created, and says what happened to the request.</summary>
    [GeneratedRegex(@"^Error: .*(Label Studio|Creating ).*(answered \d{3}|did not answer|Cannot reach|failed)")]
    private static partial Regex ClearError();
}
