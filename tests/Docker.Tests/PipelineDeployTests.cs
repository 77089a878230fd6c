using System.Diagnostics;
using System.Text;
using Docker.Tests.Support;
using LabelPipeline.Deployment;
using Xunit;
using Xunit.Abstractions;

namespace Docker.Tests;

/// <summary>
/// The Deploy and Teardown tasks as a user runs them (the real pipeline executable, Cake's process runner, the real
/// engine, the stand-in image): start, reuse, teardown, the errors users meet, and no secret on any argv or output.
/// </summary>
[Collection(DockerCollection.Name)]
public sealed class PipelineDeployTests(DockerEngineFixture engine, ITestOutputHelper output)
{
    [SkippableFact]
    public async Task Deploy_starts_then_reuses_and_Teardown_removes_without_printing_secrets()
    {
        engine.RequireEngine();
        await using var scope = new DeploymentScope(engine, output);
        string[] Arguments(string target) =>
        [
            $"--target={target}",
            $"--label-studio-image={DockerEngineFixture.StandinImage}",
            "--label-studio-pull=never",
            $"--label-studio-port={scope.Options.HostPort}",
            $"--container-name={scope.Options.ContainerName}",
            $"--data-volume={scope.Options.DataVolume}",
            $"--datasets-dir={scope.Options.DatasetsDirectory}",
            $"--state-dir={Path.GetDirectoryName(scope.Options.StateDirectory)}/state",
            "--health-timeout=60",
            "--verbosity=diagnostic",
        ];

        (int Exit, string Output) first;
        await using (var scanner = new ProcessArgumentScanner())
        {
            first = await RunPipelineAsync(Arguments("Deploy"));
            var credentials = await ReadCredentialsAsync(Path.GetDirectoryName(scope.Options.StateDirectory) + "/state");
            Assert.DoesNotContain(scanner.Seen, line => line.Contains(credentials.Token, StringComparison.Ordinal) || line.Contains(credentials.Password, StringComparison.Ordinal));
        }

        Assert.True(first.Exit == 0, first.Output);
        Assert.Contains("Label Studio started", first.Output);
        var second = await RunPipelineAsync(Arguments("Deploy"));
        Assert.True(second.Exit == 0, second.Output);
        Assert.Contains("Label Studio reused", second.Output);
        var teardown = await RunPipelineAsync(Arguments("Teardown"));
        Assert.True(teardown.Exit == 0, teardown.Output);
        Assert.Contains("Removed Label Studio", teardown.Output);
        Assert.Null(await scope.Docker.InspectContainerAsync(scope.Options.ContainerName, CancellationToken.None));

        var saved = await ReadCredentialsAsync(Path.GetDirectoryName(scope.Options.StateDirectory) + "/state");
        foreach (var run in new[] { first.Output, second.Output, teardown.Output })
        {
            Assert.DoesNotContain(saved.Token, run, StringComparison.Ordinal);
            Assert.DoesNotContain(saved.Password, run, StringComparison.Ordinal);
        }
    }

    [SkippableFact]
    public async Task Missing_image_is_a_clear_error()
    {
        engine.RequireEngine();
        var run = await RunPipelineAsync(["--target=Deploy", "--label-studio-image=labelpipeline/not-there:1", "--label-studio-pull=never",
            $"--container-name={DockerEngineFixture.NamePrefix}missing", $"--state-dir={Path.GetTempPath()}/lp-missing-{Guid.NewGuid():N}"]);
        Assert.NotEqual(0, run.Exit);
        Assert.Contains("labelpipeline/not-there:1", run.Output);
        Assert.Contains("--label-studio-image", run.Output);
    }

    [SkippableFact]
    public async Task Unreachable_docker_engine_is_a_clear_error()
    {
        engine.RequireEngine();
        var run = await RunPipelineAsync(
            ["--target=Deploy", "--label-studio-runtime=docker", $"--container-name={DockerEngineFixture.NamePrefix}nodaemon", $"--state-dir={Path.GetTempPath()}/lp-nodaemon-{Guid.NewGuid():N}"],
            new Dictionary<string, string> { ["DOCKER_HOST"] = "unix:///nonexistent/docker.sock" });
        Assert.NotEqual(0, run.Exit);
        Assert.Contains("Docker", run.Output);
        Assert.Contains("--label-studio-url", run.Output);
    }

    [Theory]
    [InlineData("--database=postgresql --postgres-password=cmdline-secret-4711", "LABELPIPELINE_POSTGRES_PASSWORD")]
    [InlineData("--label-studio-runtime=podman", "expected auto, docker or process")]
    [InlineData("--database=mysql", "expected sqlite or postgresql")]
    [InlineData("--database=postgresql --postgres-port=70000", "1 to 65535")]
    public async Task Runtime_and_database_arguments_are_checked_before_anything_starts(string arguments, string expected)
    {
        var run = await RunPipelineAsync(["--target=Deploy", .. arguments.Split(' '), $"--state-dir={Path.GetTempPath()}/lp-args-{Guid.NewGuid():N}"]);
        Assert.NotEqual(0, run.Exit);
        Assert.Contains(expected, run.Output);
        Assert.DoesNotContain("cmdline-secret-4711", run.Output);
        Assert.DoesNotContain("Starting", run.Output);
    }

    private static async Task<LabelStudioCredentials> ReadCredentialsAsync(string stateDirectory)
    {
        var file = Directory.GetFiles(stateDirectory, "*.credentials.json").Single();
        return await LabelStudioCredentialStore.LoadAsync(file, CancellationToken.None) ?? throw new InvalidOperationException("no credentials");
    }

    private async Task<(int Exit, string Output)> RunPipelineAsync(IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null)
    {
        var configuration = AppContext.BaseDirectory.Contains("/Release/", StringComparison.Ordinal) ? "Release" : "Debug";
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = engine.RepositoryRoot,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add(Path.Combine(engine.RepositoryRoot, "build", "bin", configuration, "net10.0", "Build.dll"));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["NO_COLOR"] = "1";
        start.Environment.Remove("LABELPIPELINE_LABEL_STUDIO_TOKEN");
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        var text = new StringBuilder().Append(await stdout).Append(await stderr).ToString();
        output.WriteLine(text);
        return (process.ExitCode, text);
    }
}
