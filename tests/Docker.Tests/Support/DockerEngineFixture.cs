using Xunit;

namespace Docker.Tests.Support;

/// <summary>
/// A private Docker engine for the whole test collection: started with tests/docker/start-dockerd.sh (or reused when
/// one already answers in the same folder, e.g. started by CI), with the stand-in Label Studio images built by
/// tests/docker/build-standin.sh. DOCKER_HOST is set for child processes while the tests run.
/// Without docker.io installed the tests are skipped, unless LABELPIPELINE_REQUIRE_DOCKER=1 makes that a failure.
/// </summary>
public sealed class DockerEngineFixture : IAsyncLifetime
{
    public const string StandinImage = "labelpipeline/label-studio-standin:test";

    /// <summary>The same stand-in imported again: another image id, for "the image changed".</summary>
    public const string StandinVariantImage = "labelpipeline/label-studio-standin:variant";

    /// <summary>Every test's containers and volumes start with this, so leftovers can be found and removed.</summary>
    public const string NamePrefix = "lp-test-";

    private static readonly TimeSpan ScriptTimeout = TimeSpan.FromSeconds(120);

    /// <summary>A first build on a fresh machine: debootstrap, Debian packages, the kit (about 4 minutes on 2 cores).</summary>
    private static readonly TimeSpan ImageBuildTimeout = TimeSpan.FromMinutes(40);
    private string? _previousDockerHost;
    private bool _startedEngine;

    public static bool DockerRequired => Environment.GetEnvironmentVariable("LABELPIPELINE_REQUIRE_DOCKER") == "1";

    public string RepositoryRoot { get; } = FindRepositoryRoot();

    public string ScriptsDirectory => Path.Combine(RepositoryRoot, "tests", "docker");

    public string EngineDirectory { get; } =
        Environment.GetEnvironmentVariable("LABELPIPELINE_DOCKER_DIR") is { Length: > 0 } dir ? dir : "/tmp/labelpipeline-dockerd";

    /// <summary>unix://… of the private engine.</summary>
    public string DockerHost { get; private set; } = string.Empty;

    /// <summary>The real Label Studio server's image, built from the shared kit by tests/docker/build-images.sh.</summary>
    public string LabelStudioImage { get; private set; } = string.Empty;

    /// <summary>PostgreSQL (Debian's) with the official image's interface, built by the same script.</summary>
    public string PostgresImage { get; private set; } = string.Empty;

    /// <summary>Why the real images are missing (no kit, build failed); null when they are there.</summary>
    public string? RealImagesUnavailable { get; private set; }

    /// <summary>The real server's kit (install-and-run.sh, src/), beside the repository.</summary>
    public static string KitDirectory => Path.Combine(Repository.Shared, "label-studio", "server");

    /// <summary>Why the tests cannot run here; null when they can.</summary>
    public string? Unavailable { get; private set; }

    public async Task InitializeAsync()
    {
        if (!OperatingSystem.IsLinux())
        {
            Unavailable = "The Docker tests start a private dockerd and need Linux.";
            return;
        }

        if (FindOnPath("dockerd") is null || FindOnPath("docker") is null)
        {
            Unavailable = "docker.io is not installed (no dockerd/docker on PATH): run tests/docker/install.sh.";
            return;
        }

        var pidFile = Path.Combine(EngineDirectory, "dockerd.pid");
        var wasRunning = File.Exists(pidFile) && Directory.Exists("/proc/" + File.ReadAllText(pidFile).Trim());
        var environment = new Dictionary<string, string> { ["LABELPIPELINE_DOCKER_DIR"] = EngineDirectory };
        DockerHost = (await RunScriptAsync("start-dockerd.sh", [], environment).ConfigureAwait(false)).Trim();
        _startedEngine = !wasRunning;

        environment["DOCKER_HOST"] = DockerHost;
        await RemoveLeftoversAsync().ConfigureAwait(false); // of an earlier, interrupted test run on a reused engine
        await RunScriptAsync("build-standin.sh", [StandinImage], environment).ConfigureAwait(false);
        await RunScriptAsync("build-standin.sh", [StandinVariantImage], environment).ConfigureAwait(false);
        await BuildRealImagesAsync(environment).ConfigureAwait(false);

        _previousDockerHost = Environment.GetEnvironmentVariable("DOCKER_HOST");
        Environment.SetEnvironmentVariable("DOCKER_HOST", DockerHost);
    }

    public async Task DisposeAsync()
    {
        if (DockerHost.Length == 0)
        {
            return;
        }

        try
        {
            await RemoveLeftoversAsync().ConfigureAwait(false); // whatever a failed test left behind
            if (_startedEngine)
            {
                await RunScriptAsync("stop-dockerd.sh", [], new Dictionary<string, string> { ["LABELPIPELINE_DOCKER_DIR"] = EngineDirectory }).ConfigureAwait(false);
            }
        }
        finally
        {
            Environment.SetEnvironmentVariable("DOCKER_HOST", _previousDockerHost);
        }
    }

    /// <summary>Skips the test (or fails it, when Docker is required) if the engine is not available.</summary>
    public void RequireEngine()
    {
        if (Unavailable is null)
        {
            return;
        }

        if (DockerRequired)
        {
            throw new InvalidOperationException("LABELPIPELINE_REQUIRE_DOCKER=1, but: " + Unavailable);
        }

        Skip.If(true, Unavailable + " (LABELPIPELINE_REQUIRE_DOCKER=1 makes this a failure instead of a skip.)");
    }

    /// <summary>Skips (or, with LABELPIPELINE_REQUIRE_DOCKER=1, fails) a test that needs the real Label Studio image.</summary>
    public void RequireRealImages()
    {
        RequireEngine();
        if (RealImagesUnavailable is null)
        {
            return;
        }

        if (DockerRequired)
        {
            throw new InvalidOperationException("LABELPIPELINE_REQUIRE_DOCKER=1, but the real Label Studio image is missing: " + RealImagesUnavailable);
        }

        Skip.If(true, RealImagesUnavailable + " (LABELPIPELINE_REQUIRE_DOCKER=1 makes this a failure instead of a skip.)");
    }

    /// <summary>Builds (or finds cached) the real Label Studio and PostgreSQL images; a failure only concerns their tests.</summary>
    private async Task BuildRealImagesAsync(IReadOnlyDictionary<string, string> environment)
    {
        if (!File.Exists(Path.Combine(KitDirectory, "install-and-run.sh")))
        {
            RealImagesUnavailable = $"The real Label Studio kit is not at {KitDirectory}.";
            return;
        }

        try
        {
            var output = await RunAsync("bash", [Path.Combine(ScriptsDirectory, "build-images.sh"), KitDirectory], environment, ImageBuildTimeout).ConfigureAwait(false);
            var images = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(line => line.Split('=', 2))
                .Where(pair => pair.Length == 2)
                .ToDictionary(pair => pair[0], pair => pair[1], StringComparer.Ordinal);
            LabelStudioImage = images["LABEL_STUDIO_IMAGE"];
            PostgresImage = images["POSTGRES_IMAGE"];
        }
        catch (Exception e) when (e is InvalidOperationException or TimeoutException or KeyNotFoundException)
        {
            RealImagesUnavailable = "tests/docker/build-images.sh failed: " + e.Message;
        }
    }

    private Task<string> RemoveLeftoversAsync()
    {
        var cleanup = $"docker ps -aq --filter name={NamePrefix} | xargs -r docker rm -f >/dev/null; " +
                      $"docker volume ls -q --filter name={NamePrefix} | xargs -r docker volume rm >/dev/null; " +
                      $"docker network ls -q --filter name={NamePrefix} | xargs -r docker network rm >/dev/null";
        return RunAsync("bash", ["-c", cleanup], new Dictionary<string, string> { ["DOCKER_HOST"] = DockerHost });
    }

    public Task<string> RunScriptAsync(string script, IReadOnlyList<string> arguments, IReadOnlyDictionary<string, string> environment) =>
        RunAsync("bash", [Path.Combine(ScriptsDirectory, script), .. arguments], environment);

    private static async Task<string> RunAsync(
        string fileName, IReadOnlyList<string> arguments, IReadOnlyDictionary<string, string> environment, TimeSpan? timeoutAfter = null)
    {
        var run = await ChildProcess.RunAsync(fileName, arguments, environment, timeoutAfter ?? ScriptTimeout).ConfigureAwait(false);
        return run.ExitCode == 0
            ? run.StandardOutput
            : throw new InvalidOperationException($"{string.Join(' ', arguments)} failed with exit code {run.ExitCode}:\n{run.StandardError}");
    }

    private static string? FindOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
        .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
        .Select(directory => Path.Combine(directory, name))
        .FirstOrDefault(File.Exists);

    private static string FindRepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "LabelPipeline.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("Cannot find LabelPipeline.sln above " + AppContext.BaseDirectory);
    }
}

[CollectionDefinition(Name)]
public sealed class DockerCollection : ICollectionFixture<DockerEngineFixture>
{
    public const string Name = "Docker engine";
}
