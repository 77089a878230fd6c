using System.Text.RegularExpressions;
using LabelStudio.Emulator;
using LabelStudio.Emulator.Faults;
using Reliability.Tests.Support;
using Xunit.Abstractions;

namespace Reliability.Tests.Secrets;

/// <summary>
/// The Label Studio token never shows: not in anything a run prints (at the most verbose level, on success, on
/// retries and on failures, with stack traces), not in any file it writes, not in a command line of the process or its
/// children. Covers a legacy token and a Personal Access Token with the access tokens minted from it.
/// (Docker's part is in tests/Docker.Tests; the S3 keys' part belongs to S3 mode.)
/// </summary>
public sealed partial class LabelStudioTokenHygieneTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly TempDirectory _temp = new();
    private EmulatorServer _server = null!;
    private RateFaultInjector _faults = null!;

    public async Task InitializeAsync()
    {
        _faults = new RateFaultInjector(new FaultPlan
        {
            Rules =
            [
                // One retry and one re-checked creation for sure, whatever the draws; then 20 % of everything.
                new FaultRule { Method = "GET", Path = "^/api/projects/?$", Rate = 1, Limit = 1, Kinds = [FaultKind.ServiceUnavailable] },
                new FaultRule { Method = "POST", Path = "^/api/projects/?$", Rate = 1, Limit = 1, Kinds = [FaultKind.InternalServerError] },
                FaultRule.Everywhere(0.2, FaultKind.InternalServerError, FaultKind.TooManyRequests, FaultKind.DropConnection, FaultKind.ServiceUnavailable),
            ],
            Seed = 7,
            RetryAfter = TimeSpan.Zero,
        });
        _server = await EmulatorServer.StartAsync(
            new EmulatorOptions { LocalFilesDocumentRoot = Repository.Datasets, Faults = _faults },
            CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _temp.Dispose();
    }

    /// <summary>Runs the pipeline with the token in the environment, at diagnostic verbosity, and returns all it showed.</summary>
    private async Task<(PipelineRun Run, string Everything)> RunAsync(string token, string scratch, params string[] more)
    {
        var (arguments, environment) = LabelStudioFixture.Pipeline(_server, Repository.Datasets, Path.Combine(_temp.Path, scratch), ["--verbosity=diagnostic", "--request-timeout=5", .. more]);
        environment["LABELPIPELINE_LABEL_STUDIO_TOKEN"] = token;
        var commandLines = new HashSet<string>(StringComparer.Ordinal);
        var run = await PipelineRunner.RunAsync(arguments, environment, whileRunning: (pid, stop) => ProcessTree.WatchCommandLinesAsync(pid, commandLines, stop));
        output.WriteLine($"--- {scratch}: exit {run.ExitCode}, {run.Output.Length} characters of output, {commandLines.Count} command lines seen");
        var files = Directory.Exists(Path.Combine(_temp.Path, scratch))
            ? Directory.GetFiles(Path.Combine(_temp.Path, scratch), "*", SearchOption.AllDirectories)
            : [];
        var everything = string.Join("\n", [run.Output, .. commandLines, .. files.Select(f => f + "\n" + File.ReadAllText(f))]);
        return (run, everything);
    }

    private static void AssertNoSecret(string everything, params string[] secrets)
    {
        foreach (var secret in secrets)
        {
            Assert.False(everything.Contains(secret, StringComparison.Ordinal), $"a secret ({secret[..4]}…) appears in what the run showed");
        }

        // Access tokens minted from a PAT are JWTs too: none may show, whichever it was.
        Assert.DoesNotMatch(Jwt(), everything);
    }

    [Fact]
    public async Task A_legacy_token_never_shows_on_success_retries_or_failure()
    {
        var token = _server.LegacyToken;
        var completed = await RunAsync(token, "completed", "--target=Export");
        Assert.True(completed.Run.ExitCode == 0, completed.Run.ToString());
        Assert.Contains("retrying in", completed.Run.Output); // the faults did make it retry
        Assert.Contains("checking whether Label Studio created it anyway", completed.Run.Output);
        AssertNoSecret(completed.Everything, token);

        // Every request fails: the error path, with the exception's stack trace at this verbosity.
        _faults.Paused = true;
        var failing = new RateFaultInjector(FaultPlan.Everywhere(1, kinds: FaultKind.BadGateway));
        await using var down = await EmulatorServer.StartAsync(new EmulatorOptions { Faults = failing, LegacyToken = token }, CancellationToken.None);
        var (arguments, environment) = LabelStudioFixture.Pipeline(down, Repository.Datasets, Path.Combine(_temp.Path, "failed"), "--verbosity=diagnostic", "--retries=1", "--target=Export");
        var failed = await PipelineRunner.RunAsync(arguments, environment);
        Assert.NotEqual(0, failed.ExitCode);
        Assert.Contains("502", failed.Output);
        AssertNoSecret(failed.Output, token);

        var wrong = new string('f', 40);
        var rejected = await RunAsync(wrong, "rejected", "--target=Export");
        Assert.NotEqual(0, rejected.Run.ExitCode);
        Assert.Contains("401", rejected.Run.Output);
        AssertNoSecret(rejected.Everything, wrong, token);
    }

    [Fact]
    public async Task A_personal_access_token_and_its_access_tokens_never_show()
    {
        var pat = _server.CreatePersonalAccessToken();
        var run = await RunAsync(pat, "pat", "--target=Export");
        Assert.True(run.Run.ExitCode == 0, run.Run.ToString());
        AssertNoSecret(run.Everything, pat, pat.Split('.')[2]);
    }

    [Fact]
    public async Task A_token_given_on_the_command_line_is_warned_about_and_not_echoed()
    {
        var token = _server.LegacyToken;
        var (arguments, environment) = LabelStudioFixture.Pipeline(_server, Repository.Datasets, Path.Combine(_temp.Path, "argument"), "--verbosity=diagnostic", "--target=CreateProject", $"--label-studio-token={token}");
        environment.Remove("LABELPIPELINE_LABEL_STUDIO_TOKEN");
        var run = await PipelineRunner.RunAsync(arguments, environment);
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("visible to other users in the process list", run.Output);
        AssertNoSecret(run.Output, token);
    }

    [GeneratedRegex(@"eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}")]
    private static partial Regex Jwt();
}
