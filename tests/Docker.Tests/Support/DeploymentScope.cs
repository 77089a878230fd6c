using System.Net;
using LabelPipeline.Deployment;
using LabelPipeline.Processes;
using Xunit.Abstractions;

namespace Docker.Tests.Support;

/// <summary>
/// One test's deployment: unique container and volume names, a free port, its own state and datasets folders, the real
/// Cake process runner (observed), and loggers that keep everything. Disposing tears it all down (purge).
/// </summary>
public sealed class DeploymentScope : IAsyncDisposable
{
    public DeploymentScope(DockerEngineFixture fixture, ITestOutputHelper output)
    {
        Fixture = fixture;
        var id = Guid.NewGuid().ToString("N")[..10];
        TempRoot = Path.Combine(Path.GetTempPath(), "labelpipeline-docker-tests", id);
        Directory.CreateDirectory(TempRoot);
        var datasets = Directory.CreateDirectory(Path.Combine(TempRoot, "datasets", "synthetic", "v1"));
        File.WriteAllText(Path.Combine(datasets.FullName, "series.csv"), "timestamp,value\n2021-01-01 00:00:00,1\n");

        CakeLog = new CapturingCakeLog();
        Runner = new ObservingCommandRunner(CakeProcessRunners.Create(CakeLog));
        Logger = new ListLogger(output);
        Docker = new DockerCli(Runner, Logger);
        Http = new HttpClient();
        Deployment = new LabelStudioDeployment(Docker, Http, Logger);
        Options = new LabelStudioDeploymentOptions
        {
            Image = DockerEngineFixture.StandinImage,
            Pull = DockerPullPolicy.Never,
            ContainerName = DockerEngineFixture.NamePrefix + id,
            DataVolume = DockerEngineFixture.NamePrefix + id + "-data",
            HostPort = FreePort.Next(),
            DatasetsDirectory = Path.Combine(TempRoot, "datasets"),
            StateDirectory = Path.Combine(TempRoot, "state", ".labelpipeline"),
            HealthTimeout = TimeSpan.FromSeconds(30),
        };
    }

    public DockerEngineFixture Fixture { get; }

    public string TempRoot { get; }

    public CapturingCakeLog CakeLog { get; }

    public ObservingCommandRunner Runner { get; }

    public ListLogger Logger { get; }

    public DockerCli Docker { get; }

    public HttpClient Http { get; }

    public LabelStudioDeployment Deployment { get; }

    public LabelStudioDeploymentOptions Options { get; set; }

    /// <summary>Everything this scope's code logged: the deployment's ILogger and Cake's own log.</summary>
    public string AllLogText => Logger.Text + "\n" + string.Join('\n', CakeLog.Lines);

    /// <summary>A docker command for the test's own setup (through the same Cake runner).</summary>
    public async Task<CommandResult> DockerAsync(params string[] arguments)
    {
        var result = await Runner.RunAsync("docker", arguments, CancellationToken.None);
        if (!result.Succeeded)
        {
            throw new InvalidOperationException($"docker {string.Join(' ', arguments)} failed: {result.StandardErrorText}");
        }

        return result;
    }

    public async Task<HttpStatusCode> WhoAmIStatusAsync(string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(Options.BaseUrl, "/api/current-user/whoami"));
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Token", token);
        using var response = await Http.SendAsync(request);
        return response.StatusCode;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await Deployment.TeardownAsync(Options, purge: true, CancellationToken.None);
        }
        catch (DeploymentException)
        {
            // Tests that break the engine on purpose; the fixture removes leftovers by name prefix.
        }

        Http.Dispose();
        try
        {
            Directory.Delete(TempRoot, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
