using System.Diagnostics;
using System.Net;
using LabelPipeline.LabelStudio;
using LabelStudio.Emulator;
using LabelStudio.Emulator.Faults;
using Reliability.Tests.Support;

namespace Reliability.Tests.Resilience;

/// <summary>
/// The Label Studio client under injected faults: what it retries (reads, updates, safe POSTs), what it never repeats
/// blindly (creations, storage syncs), how the provisioner resolves an ambiguous creation by looking, and the bounds
/// on count, time and cancellation.
/// </summary>
public sealed class ClientResilienceTests : IAsyncLifetime
{
    // Short delays so the tests are quick; the production defaults are in LabelStudioRetryOptions. The attempt timeout
    // leaves room for the emulator's first schema-checked request of a kind, which compiles the contract's schemas.
    private static readonly LabelStudioRetryOptions Fast = new()
    {
        FirstDelay = TimeSpan.FromMilliseconds(20),
        MaxDelay = TimeSpan.FromMilliseconds(200),
        RequestTimeout = TimeSpan.FromSeconds(5),
        LongRequestTimeout = TimeSpan.FromSeconds(10),
        RetryBudget = TimeSpan.FromSeconds(20),
    };

    /// <summary>For the tests that wait out a hanging request: GET /api/version is warmed up before the faults start.</summary>
    private static readonly LabelStudioRetryOptions Impatient = Fast with { RequestTimeout = TimeSpan.FromSeconds(1) };

    private readonly HttpClient _http = new();
    private readonly ListLogger _log = new();
    private EmulatorServer? _server;

    private static string SyntheticFolder => Path.Combine(Repository.Datasets, "synthetic", "v1");

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        _http.Dispose();
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    private async Task<LabelStudioClient> StartAsync(LabelStudioRetryOptions options, params FaultRule[] rules)
    {
        _server = await EmulatorServer.StartAsync(
            new EmulatorOptions
            {
                LocalFilesDocumentRoot = Repository.Datasets,
                OpenApiSpecPath = Repository.OpenApiSpec,
                Faults = new RateFaultInjector(new FaultPlan { Rules = rules, HangFor = TimeSpan.FromSeconds(30), RetryAfter = TimeSpan.FromSeconds(1) }) { Paused = true },
            },
            CancellationToken.None);
        // Warm-up before any fault, with its own patient client: on a busy machine the emulator's first schema-checked
        // request can take longer than a test's short attempt timeout, and its retry must not count as the test's.
        await new LabelStudioClient(_http, _server.BaseUrl, _server.LegacyToken, new LabelStudioResilience(Fast, new ListLogger())).GetVersionAsync(CancellationToken.None);
        ((RateFaultInjector)_server.Options.Faults!).Paused = false;
        return new LabelStudioClient(_http, _server.BaseUrl, _server.LegacyToken, new LabelStudioResilience(options, _log));
    }

    private FaultCounts Faults => ((RateFaultInjector)_server!.Options.Faults!).Counts;

    private static FaultRule Rule(string method, string path, int limit, params FaultKind[] kinds) =>
        new() { Method = method, Path = path, Rate = 1, Kinds = kinds, Limit = limit };

    [Fact]
    public async Task A_read_survives_every_transient_kind_and_each_retry_is_counted_and_logged()
    {
        // Room for more retries than faults: on a busy machine a healthy answer can also take longer than the 1 s timeout.
        var client = await StartAsync(
            Impatient with { MaxRetries = 10 },
            Rule("GET", "^/api/version$", 1, FaultKind.InternalServerError),
            Rule("GET", "^/api/version$", 1, FaultKind.BadGateway),
            Rule("GET", "^/api/version$", 1, FaultKind.ServiceUnavailable),
            Rule("GET", "^/api/version$", 1, FaultKind.DropConnection),
            Rule("GET", "^/api/version$", 1, FaultKind.Timeout));
        var version = await client.GetVersionAsync(CancellationToken.None);
        Assert.False(string.IsNullOrEmpty(version.Release));
        Assert.Equal(5, Faults.Total);

        // Every fault cost exactly one retry, each logged; a slow healthy answer may add a timeout's retry, also logged.
        var retries = _log.Messages.Where(m => m.Contains("retrying in", StringComparison.Ordinal)).ToArray();
        var timeouts = retries.Count(m => m.Contains("no answer within 1 s", StringComparison.Ordinal));
        Assert.InRange(timeouts, 1, 6);
        Assert.Equal(4 + timeouts, client.Retries);
        Assert.Equal(client.Retries, retries.Length);
        foreach (var answer in new[] { "answered 500 InternalServerError", "answered 502 BadGateway", "answered 503 ServiceUnavailable" })
        {
            Assert.Single(retries, m => m.Contains(answer + " for GET /api/version", StringComparison.Ordinal));
        }

        Assert.Contains(retries, m => m.Contains("(attempt 2 of 11)", StringComparison.Ordinal));
        Assert.Empty(_server!.ContractViolations);
    }

    [Fact]
    public async Task Retry_after_is_honoured()
    {
        var client = await StartAsync(Fast, Rule("GET", "^/api/version$", 1, FaultKind.TooManyRequests));
        var clock = Stopwatch.StartNew();
        await client.GetVersionAsync(CancellationToken.None);
        Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(0.95), $"retried after {clock.Elapsed}, before the 1 s Retry-After");
        Assert.Contains(_log.Messages, m => m.Contains("(Retry-After 1 s)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Retries_are_bounded_in_count_and_the_error_names_the_request()
    {
        var client = await StartAsync(Fast with { MaxRetries = 3 }, Rule("GET", "^/api/version$", 100, FaultKind.ServiceUnavailable));
        var error = await Assert.ThrowsAsync<LabelStudioApiException>(() => client.GetVersionAsync(CancellationToken.None));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, error.StatusCode);
        Assert.Contains("503", error.Message);
        Assert.Contains("GET /api/version", error.Message);
        Assert.Equal(4, Faults.Total); // 1 attempt + 3 retries
    }

    [Fact]
    public async Task Retries_are_bounded_in_time()
    {
        var client = await StartAsync(Impatient with { MaxRetries = 20, RetryBudget = TimeSpan.FromSeconds(2) }, Rule("GET", "^/api/version$", 100, FaultKind.Timeout));
        var clock = Stopwatch.StartNew();
        var error = await Assert.ThrowsAsync<LabelStudioUnreachableException>(() => client.GetVersionAsync(CancellationToken.None));

        // The budget, not the count, stopped it: far fewer than 21 attempts, and at least the budget was waited out.
        // (No upper bound on time: a busy machine may be slower, never faster.)
        Assert.InRange(Faults.Total, 2, 20);
        Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(2), clock.Elapsed.ToString());
        Assert.Contains("did not answer GET /api/version in time", error.Message);
        Assert.Contains("--request-timeout", error.Message);
    }

    [Fact]
    public async Task A_creation_is_not_repeated_after_an_ambiguous_failure()
    {
        var client = await StartAsync(Fast, Rule("POST", "^/api/projects/?$", 1, FaultKind.InternalServerError));
        var error = await Assert.ThrowsAsync<LabelStudioApiException>(
            () => client.CreateProjectAsync(new ProjectRequest { Title = "not twice" }, CancellationToken.None));
        Assert.Equal(HttpStatusCode.InternalServerError, error.StatusCode);
        Assert.Equal(0, client.Retries);
        Assert.Equal(1, Faults.Total);
        Assert.Equal(0, _server!.Inspect.ProjectCount);
    }

    [Fact]
    public async Task A_creation_turned_away_with_429_is_retried_because_nothing_happened()
    {
        var client = await StartAsync(Fast, Rule("POST", "^/api/projects/?$", 1, FaultKind.TooManyRequests));
        await client.CreateProjectAsync(new ProjectRequest { Title = "after 429" }, CancellationToken.None);
        Assert.Equal(1, client.Retries);
        Assert.Equal(1, _server!.Inspect.ProjectCount);
        Assert.Equal(1, Faults.Total);
    }

    [Fact]
    public async Task The_provisioner_finds_the_project_whose_answer_was_lost()
    {
        var client = await StartAsync(Fast, Rule("POST", "^/api/projects/?$", 1, FaultKind.ResponseLost));
        var (project, action) = await new LabelStudioProvisioner(client, _log).EnsureProjectAsync("lost answer", "d", Config, CancellationToken.None);
        Assert.Equal(Provisioned.Created, action);
        Assert.Equal([project.Id], _server!.Inspect.ProjectIdsTitled("lost answer"));
        Assert.Contains(_log.Messages, m => m.Contains("its answer was lost on the way", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_provisioner_creates_again_only_after_looking()
    {
        var client = await StartAsync(
            Fast with { RequestTimeout = TimeSpan.FromSeconds(3) },
            Rule("POST", "^/api/projects/?$", 3, FaultKind.InternalServerError, FaultKind.BadGateway, FaultKind.DropConnection, FaultKind.Timeout));
        var (_, action) = await new LabelStudioProvisioner(client, _log).EnsureProjectAsync("after three failures", "d", Config, CancellationToken.None);
        Assert.Equal(Provisioned.Created, action);
        Assert.Single(_server!.Inspect.ProjectIdsTitled("after three failures"));
        Assert.Equal(3, _log.Messages.Count(m => m.Contains("checking whether Label Studio created it anyway", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task The_provisioner_gives_up_after_bounded_creations_with_a_clear_error()
    {
        var client = await StartAsync(Fast, Rule("POST", "^/api/projects/?$", 100, FaultKind.InternalServerError));
        var error = await Assert.ThrowsAsync<LabelStudioApiException>(
            () => new LabelStudioProvisioner(client, _log).EnsureProjectAsync("never created", "d", Config, CancellationToken.None));
        Assert.Contains("500", error.Message);
        Assert.Contains("POST /api/projects/", error.Message);
        Assert.Equal(4, Faults.Total);
        Assert.Equal(0, _server!.Inspect.ProjectCount);
    }

    [Fact]
    public async Task Storage_creation_and_sync_survive_lost_answers_without_duplicates()
    {
        var client = await StartAsync(
            Fast,
            Rule("POST", "^/api/storages/localfiles/?$", 1, FaultKind.ResponseLost),
            Rule("POST", "^/api/storages/localfiles/\\d+/sync$", 1, FaultKind.ResponseLost),
            Rule("POST", "^/api/storages/localfiles/\\d+/sync$", 1, FaultKind.BadGateway));
        var provisioner = new LabelStudioProvisioner(client, _log);
        var (project, _) = await provisioner.EnsureProjectAsync("storage faults", "d", Config, CancellationToken.None);
        var request = new LocalFilesStorageRequest { Path = SyntheticFolder, RegexFilter = @".*\.csv$", UseBlobUrls = true };
        var (storage, action) = await provisioner.EnsureLocalFilesStorageAsync(project.Id, "synthetic v1", request, CancellationToken.None);
        Assert.Equal(Provisioned.Created, action);
        Assert.Equal(1, _server!.Inspect.StorageCount("localfiles", project.Id));

        var synced = await provisioner.SyncLocalFilesStorageAsync(storage.Id, TimeSpan.FromSeconds(30), CancellationToken.None);
        Assert.Equal("completed", synced.Status);
        Assert.Equal(Directory.GetFiles(SyntheticFolder, "*.csv").Length, _server.Inspect.TaskCount(project.Id));
        Assert.Equal(2, _log.Messages.Count(m => m.Contains("it is not running, so starting it again", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task An_export_snapshot_and_its_download_are_retried()
    {
        var client = await StartAsync(
            Fast,
            Rule("POST", "^/api/projects/\\d+/exports/?$", 1, FaultKind.ServiceUnavailable),
            Rule("GET", "/download$", 2, FaultKind.DropConnection, FaultKind.ResponseLost));
        var project = await client.CreateProjectAsync(new ProjectRequest { Title = "export retries", LabelConfig = Config }, CancellationToken.None);
        var snapshot = await client.CreateExportSnapshotAsync(project.Id, new ExportSnapshotRequest { Title = "x" }, CancellationToken.None);
        using var file = new MemoryStream();
        await client.DownloadExportSnapshotAsync(project.Id, snapshot.Id, file, CancellationToken.None);
        Assert.Equal("[]", System.Text.Encoding.UTF8.GetString(file.ToArray()).Trim());
        Assert.Equal(3, client.Retries);
    }

    [Fact]
    public async Task A_delete_whose_answer_was_lost_is_not_reported_as_missing()
    {
        var client = await StartAsync(Fast, Rule("DELETE", "^/api/projects/\\d+/exports/\\d+/?$", 1, FaultKind.ResponseLost));
        var project = await client.CreateProjectAsync(new ProjectRequest { Title = "delete retries", LabelConfig = Config }, CancellationToken.None);
        var snapshot = await client.CreateExportSnapshotAsync(project.Id, new ExportSnapshotRequest { Title = "x" }, CancellationToken.None);
        await client.DeleteExportSnapshotAsync(project.Id, snapshot.Id, CancellationToken.None);
        Assert.Equal(1, client.Retries);
        Assert.Equal(0, _server!.Inspect.ExportCount(project.Id));

        // Deleting what never existed is still an error.
        var error = await Assert.ThrowsAsync<LabelStudioApiException>(() => client.DeleteExportSnapshotAsync(project.Id, 9999, CancellationToken.None));
        Assert.Equal(HttpStatusCode.NotFound, error.StatusCode);
    }

    [Fact]
    public async Task Cancelling_stops_a_hanging_call_at_once()
    {
        var client = await StartAsync(Fast with { RequestTimeout = TimeSpan.FromSeconds(20) }, Rule("GET", "^/api/version$", 100, FaultKind.Timeout));
        using var ctrlC = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        var cancelled = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.GetVersionAsync(ctrlC.Token));

        // Stopped by the token (not by the 20 s attempt timeout, which would be a timeout error), and not retried.
        Assert.Equal(ctrlC.Token, cancelled.CancellationToken);
        Assert.Equal(0, client.Retries);
    }

    [Fact]
    public async Task A_refused_connection_fails_fast_with_the_url()
    {
        var client = new LabelStudioClient(_http, new Uri("http://127.0.0.1:9/"), "x", new LabelStudioResilience(new LabelStudioRetryOptions(), _log));
        var error = await Assert.ThrowsAsync<LabelStudioUnreachableException>(() => client.WhoAmIAsync(CancellationToken.None));
        Assert.Contains("Cannot reach Label Studio at http://127.0.0.1:9", error.Message);
        Assert.Contains("3 attempts", error.Message); // fast: a refused connection gets few retries, not --retries
    }

    [Fact]
    public async Task No_message_carries_the_token()
    {
        var client = await StartAsync(Fast with { MaxRetries = 2 }, Rule(null!, ".*", 100, FaultKind.InternalServerError, FaultKind.DropConnection, FaultKind.TooManyRequests));
        var pat = _server!.CreatePersonalAccessToken();
        var withPat = new LabelStudioClient(_http, _server.BaseUrl, pat, new LabelStudioResilience(Fast with { MaxRetries = 2 }, _log));
        var errors = new List<Exception>();
        foreach (var call in new Func<Task>[]
                 {
                     () => client.GetVersionAsync(CancellationToken.None),
                     () => withPat.GetVersionAsync(CancellationToken.None),
                     () => new LabelStudioProvisioner(withPat, _log).EnsureProjectAsync("secret", "d", Config, CancellationToken.None),
                 })
        {
            errors.Add(await Assert.ThrowsAnyAsync<Exception>(call));
        }

        var everything = string.Join("\n", _log.Messages.Concat(errors.Select(e => e.ToString())));
        Assert.Contains("retrying in", everything);
        Assert.DoesNotContain(_server.LegacyToken, everything);
        Assert.DoesNotContain(pat, everything);
        Assert.DoesNotContain(pat.Split('.')[2], everything); // not even the signature alone
    }

    private const string Config = """
        <View>
          <TimeSeries name="ts" value="$csv" valueType="url" sep="," timeColumn="timestamp" timeFormat="%Y-%m-%d %H:%M:%S">
            <Channel column="signal_00" />
          </TimeSeries>
          <TimeSeriesLabels name="label" toName="ts"><Label value="Anomaly" /></TimeSeriesLabels>
        </View>
        """;
}
