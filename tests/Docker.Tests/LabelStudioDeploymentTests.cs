using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Docker.Tests.Support;
using LabelPipeline.Deployment;
using Newtonsoft.Json.Linq;
using Xunit;
using Xunit.Abstractions;

namespace Docker.Tests;

/// <summary>
/// Deploy against a real Docker engine (a private dockerd), driven through Cake's real process runner, with the
/// busybox stand-in for Label Studio where the real server cannot do the test: the env file's short life observed
/// while `docker run` runs, a 503 health answer, a stopped container and another image (both cheap to make), token
/// mismatches, an unwritable volume, a taken port, a start that never gets healthy. The lifecycle on the real server
/// is RealServerDeploymentTests.
/// </summary>
[Collection(DockerCollection.Name)]
public sealed class LabelStudioDeploymentTests(DockerEngineFixture engine, ITestOutputHelper output)
{
    private const UnixFileMode OwnerReadWrite = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    [SkippableFact]
    public async Task Starts_a_healthy_Label_Studio_with_secrets_only_in_a_private_short_lived_env_file()
    {
        engine.RequireEngine();
        await using var scope = new DeploymentScope(engine, output);
        scope.Options = scope.Options with
        {
            ExternalUrl = new Uri("https://notebook.example/proxy/8080/"),
            ContainerHealthCheck = new DockerHealthCheck(
                "wget -q -O /dev/null http://127.0.0.1:8080/health || exit 1", Interval: TimeSpan.FromSeconds(1), Retries: 3),
        };
        LabelStudioEndpoint endpoint;
        var stopwatch = Stopwatch.StartNew();
        await using (var scanner = new ProcessArgumentScanner())
        {
            endpoint = await scope.Deployment.EnsureRunningAsync(scope.Options, CancellationToken.None);
            scanner.ScanOnce(); // the container's processes, as they run now
            output.WriteLine($"EnsureRunning took {stopwatch.Elapsed.TotalSeconds:0.0} s; {scanner.Scans} scans of /proc saw {scanner.Seen.Count} command lines.");

            var credentials = await LabelStudioCredentialStore.LoadAsync(scope.Options.CredentialsFile, CancellationToken.None);
            Assert.NotNull(credentials);
            AssertNoSecretOnAnyCommandLine(scanner, credentials);

            // The scanner really watched: it caught the short-lived `docker run` itself.
            Assert.Contains(scanner.Seen, line => line.Contains(" run ", StringComparison.Ordinal) && line.Contains("--env-file", StringComparison.Ordinal));
            AssertNotInLogs(scope, credentials);
        }

        Assert.Equal(DeploymentAction.Started, endpoint.Action);
        Assert.Equal(new Uri($"http://127.0.0.1:{scope.Options.HostPort}"), endpoint.BaseUrl);
        Assert.Equal(new Uri("https://notebook.example/proxy/8080/"), endpoint.BrowserUrl);
        Assert.Matches(new Regex("^[0-9a-f]{40}$"), endpoint.Token);
        Assert.Equal(HttpStatusCode.OK, await scope.WhoAmIStatusAsync(endpoint.Token));
        Assert.Equal(HttpStatusCode.Unauthorized, await scope.WhoAmIStatusAsync(LabelStudioCredentials.GenerateToken()));

        // The env file: created 0600, held the three secrets while docker read it, gone right after.
        var envFile = Assert.Single(scope.Runner.EnvFiles);
        Assert.True(envFile.Existed);
        Assert.Equal(OwnerReadWrite, envFile.Mode);
        Assert.Equal(["LABEL_STUDIO_USERNAME", "LABEL_STUDIO_PASSWORD", "LABEL_STUDIO_USER_TOKEN"], envFile.VariableNames);
        Assert.False(File.Exists(envFile.Path));
        Assert.Empty(Directory.GetFiles(scope.Options.StateDirectory, "*.env"));

        // The saved credentials: owner-only, in an owner-only folder, with the token that works.
        Assert.Equal(OwnerReadWrite, File.GetUnixFileMode(scope.Options.CredentialsFile));
        Assert.Equal(OwnerReadWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(scope.Options.StateDirectory));
        Assert.Equal(endpoint.Token, (string?)JObject.Parse(await File.ReadAllTextAsync(scope.Options.CredentialsFile))["token"]);

        // No secret in any argument list the pipeline built.
        var saved = (await LabelStudioCredentialStore.LoadAsync(scope.Options.CredentialsFile, CancellationToken.None))!;
        Assert.DoesNotContain(scope.Runner.Commands.SelectMany(c => c), a => a.Contains(saved.Token, StringComparison.Ordinal) || a.Contains(saved.Password, StringComparison.Ordinal));
        Assert.DoesNotContain(endpoint.Token, endpoint.ToString(), StringComparison.Ordinal);

        // The container as the engine sees it.
        var container = await scope.Docker.InspectContainerAsync(scope.Options.ContainerName, CancellationToken.None);
        Assert.NotNull(container);
        Assert.True(container.Running);
        Assert.True(container.Init);
        Assert.Equal("true", container.Labels[LabelStudioDeployment.ManagedLabel]);
        var port = Assert.Single(container.Ports);
        Assert.Equal(new DockerPortBinding("127.0.0.1", scope.Options.HostPort, 8080), port);
        var data = Assert.Single(container.Mounts, m => m.Destination == "/label-studio/data");
        Assert.Equal(("volume", scope.Options.DataVolume, true), (data.Type, data.Name, data.ReadWrite));
        var files = Assert.Single(container.Mounts, m => m.Destination == "/label-studio/files");
        Assert.Equal(("bind", Path.GetFullPath(scope.Options.DatasetsDirectory!), false), (files.Type, files.Source, files.ReadWrite));
        var environment = (await scope.DockerAsync("container", "inspect", "--format", "{{json .Config.Env}}", container.Id)).StandardOutputText;
        Assert.Contains("LABEL_STUDIO_LOCAL_FILES_SERVING_ENABLED=true", environment, StringComparison.Ordinal);
        Assert.Contains("LABEL_STUDIO_LOCAL_FILES_DOCUMENT_ROOT=/label-studio/files", environment, StringComparison.Ordinal);
        Assert.Contains("LABEL_STUDIO_ENABLE_LEGACY_API_TOKEN=true", environment, StringComparison.Ordinal);
        Assert.Contains("LABEL_STUDIO_DISABLE_SIGNUP_WITHOUT_LINK=true", environment, StringComparison.Ordinal);
        Assert.Contains("LABEL_STUDIO_HOST=https://notebook.example/proxy/8080", environment, StringComparison.Ordinal);

        // The optional container health check runs in the image too (docker ps shows "healthy").
        var health = container.Health;
        for (var attempt = 0; attempt < 50 && health != "healthy"; attempt++)
        {
            await Task.Delay(200);
            health = (await scope.Docker.InspectContainerAsync(container.Id, CancellationToken.None))!.Health;
        }

        Assert.Equal("healthy", health);
    }

    [SkippableFact]
    public async Task A_stopped_container_is_replaced_and_the_data_volume_kept()
    {
        engine.RequireEngine();
        await using var scope = new DeploymentScope(engine, output);
        var first = await scope.Deployment.EnsureRunningAsync(scope.Options, CancellationToken.None);
        var joined = await DateJoinedAsync(scope, first.Token);
        await scope.DockerAsync("container", "stop", first.ContainerId);
        // --init forwards SIGTERM: the server ends on it (143), not by the SIGKILL docker sends when the grace period
        // runs out (137). The exit code says which, however slow the machine.
        var exitCode = (await scope.DockerAsync("container", "inspect", "--format", "{{.State.ExitCode}}", first.ContainerId)).StandardOutputText.Trim();
        output.WriteLine($"exit code after docker stop: {exitCode}");
        Assert.NotEqual("137", exitCode);

        var second = await scope.Deployment.EnsureRunningAsync(scope.Options, CancellationToken.None);

        Assert.Equal(DeploymentAction.Replaced, second.Action);
        Assert.NotEqual(first.ContainerId, second.ContainerId);
        Assert.Equal(first.Token, second.Token);

        // The user (and its token) came from the kept volume, not from a second first boot.
        Assert.Equal(joined, await DateJoinedAsync(scope, second.Token));
        Assert.Contains("already exists", string.Join('\n', await scope.Docker.GetContainerLogsAsync(second.ContainerId, 20, CancellationToken.None)), StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task An_unhealthy_container_is_replaced()
    {
        engine.RequireEngine();
        await using var scope = new DeploymentScope(engine, output);
        var first = await scope.Deployment.EnsureRunningAsync(scope.Options, CancellationToken.None);

        // The stand-in's switch: /health answers 503 while this file exists in the container (not in the volume).
        await scope.DockerAsync("container", "exec", first.ContainerId, "touch", "/tmp/standin-unhealthy");
        var second = await scope.Deployment.EnsureRunningAsync(scope.Options, CancellationToken.None);

        Assert.Equal(DeploymentAction.Replaced, second.Action);
        Assert.NotEqual(first.ContainerId, second.ContainerId);
        Assert.Contains(scope.Logger.Messages, m => m.Contains("does not answer", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.OK, await scope.WhoAmIStatusAsync(second.Token));
    }

    [SkippableFact]
    public async Task A_container_on_another_image_is_replaced()
    {
        engine.RequireEngine();
        await using var scope = new DeploymentScope(engine, output);
        var first = await scope.Deployment.EnsureRunningAsync(scope.Options with { Image = DockerEngineFixture.StandinVariantImage }, CancellationToken.None);

        var second = await scope.Deployment.EnsureRunningAsync(scope.Options, CancellationToken.None);

        Assert.Equal(DeploymentAction.Replaced, second.Action);
        Assert.Contains(scope.Logger.Messages, m => m.Contains("another image", StringComparison.Ordinal));
        var container = await scope.Docker.InspectContainerAsync(second.ContainerId, CancellationToken.None);
        Assert.Equal(DockerEngineFixture.StandinImage, container!.ImageReference);
        Assert.Equal(first.Token, second.Token);
    }

    [SkippableFact]
    public async Task An_unreachable_daemon_is_a_clear_error()
    {
        engine.RequireEngine();
        await using var scope = new DeploymentScope(engine, output);
        var missingSocket = Path.Combine(scope.TempRoot, "no-such-docker.sock");
        var deployment = new LabelStudioDeployment(
            new DockerCli(scope.Runner, scope.Logger, new DockerCliOptions { Host = "unix://" + missingSocket }), scope.Http, scope.Logger);

        var error = await Assert.ThrowsAsync<DeploymentException>(() => deployment.EnsureRunningAsync(scope.Options, CancellationToken.None));

        output.WriteLine(error.Message);
        Assert.Contains("not reachable", error.Message, StringComparison.Ordinal);
        Assert.Contains(missingSocket, error.Message, StringComparison.Ordinal);
        Assert.Contains("Start the Docker daemon", error.Message, StringComparison.Ordinal);
        Assert.Contains("--label-studio-url", error.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<DeploymentException>(() => deployment.TeardownAsync(scope.Options, purge: false, CancellationToken.None));
    }

    [SkippableFact]
    public async Task A_missing_image_with_pull_never_is_a_clear_error()
    {
        engine.RequireEngine();
        await using var scope = new DeploymentScope(engine, output);
        var options = scope.Options with { Image = "labelpipeline/not-here:0.0.0", Pull = DockerPullPolicy.Never };

        var error = await Assert.ThrowsAsync<DeploymentException>(() => scope.Deployment.EnsureRunningAsync(options, CancellationToken.None));

        output.WriteLine(error.Message);
        Assert.Contains("'labelpipeline/not-here:0.0.0' is not in the Docker engine", error.Message, StringComparison.Ordinal);
        Assert.Contains("docker pull labelpipeline/not-here:0.0.0", error.Message, StringComparison.Ordinal);
        Assert.Contains("--label-studio-image", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(scope.Runner.Commands, c => c.Contains("pull"));
        Assert.Null(await scope.Docker.InspectContainerAsync(scope.Options.ContainerName, CancellationToken.None));
    }

    [SkippableFact]
    public async Task A_missing_docker_cli_is_a_clear_error()
    {
        engine.RequireEngine();
        await using var scope = new DeploymentScope(engine, output);
        var deployment = new LabelStudioDeployment(
            new DockerCli(scope.Runner, scope.Logger, new DockerCliOptions { Executable = "docker-labelpipeline-missing" }), scope.Http, scope.Logger);

        var error = await Assert.ThrowsAsync<DeploymentException>(() => deployment.EnsureRunningAsync(scope.Options, CancellationToken.None));

        output.WriteLine(error.Message);
        Assert.Contains("docker-labelpipeline-missing", error.Message, StringComparison.Ordinal);
        Assert.Contains("could not be started", error.Message, StringComparison.Ordinal);
        Assert.Contains("Install Docker", error.Message, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task A_token_that_does_not_match_the_existing_volume_is_a_clear_error()
    {
        engine.RequireEngine();
        await using var scope = new DeploymentScope(engine, output);
        var first = await scope.Deployment.EnsureRunningAsync(scope.Options, CancellationToken.None);
        await scope.Deployment.TeardownAsync(scope.Options, purge: false, CancellationToken.None);

        // The state folder is gone (another --state-dir): a new token is generated, but the volume keeps its first one.
        var otherState = scope.Options with { StateDirectory = Path.Combine(scope.TempRoot, "other-state") };
        var lost = await Assert.ThrowsAsync<DeploymentException>(() => scope.Deployment.EnsureRunningAsync(otherState, CancellationToken.None));

        output.WriteLine(lost.Message);
        Assert.Contains("rejected the API token", lost.Message, StringComparison.Ordinal);
        Assert.Contains("first boot", lost.Message, StringComparison.Ordinal);
        Assert.Contains("No saved credentials", lost.Message, StringComparison.Ordinal);
        Assert.Contains("Teardown --purge", lost.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(otherState.CredentialsFile)); // a token that does not work is not saved

        // A given token against the running container (the reuse path) fails the same way, and the saved one survives.
        var givenToken = LabelStudioCredentials.GenerateToken();
        var given = await Assert.ThrowsAsync<DeploymentException>(() =>
            scope.Deployment.EnsureRunningAsync(scope.Options with { Token = givenToken }, CancellationToken.None));

        output.WriteLine(given.Message);
        Assert.Contains("--label-studio-token", given.Message, StringComparison.Ordinal);
        foreach (var message in new[] { lost.Message, given.Message })
        {
            Assert.DoesNotContain(first.Token, message, StringComparison.Ordinal);
            Assert.DoesNotContain(givenToken, message, StringComparison.Ordinal);
        }

        Assert.DoesNotContain(givenToken, scope.AllLogText, StringComparison.Ordinal);
        var saved = await LabelStudioCredentialStore.LoadAsync(scope.Options.CredentialsFile, CancellationToken.None);
        Assert.Equal(first.Token, saved!.Token);
        Assert.Equal(DeploymentAction.Reused, (await scope.Deployment.EnsureRunningAsync(scope.Options, CancellationToken.None)).Action);
    }

    [SkippableFact]
    public async Task A_container_of_the_same_name_not_created_by_the_pipeline_is_left_alone()
    {
        engine.RequireEngine();
        await using var scope = new DeploymentScope(engine, output);
        await scope.DockerAsync("container", "create", "--name", scope.Options.ContainerName, "--pull=never", DockerEngineFixture.StandinImage);

        var error = await Assert.ThrowsAsync<DeploymentException>(() => scope.Deployment.EnsureRunningAsync(scope.Options, CancellationToken.None));
        var teardown = await Assert.ThrowsAsync<DeploymentException>(() => scope.Deployment.TeardownAsync(scope.Options, purge: true, CancellationToken.None));

        output.WriteLine(error.Message);
        Assert.Contains("did not create it", error.Message, StringComparison.Ordinal);
        Assert.Contains("--container-name", error.Message, StringComparison.Ordinal);
        Assert.Contains("did not create it", teardown.Message, StringComparison.Ordinal);
        Assert.NotNull(await scope.Docker.InspectContainerAsync(scope.Options.ContainerName, CancellationToken.None));
        await scope.DockerAsync("container", "rm", "--force", scope.Options.ContainerName);
    }

    [SkippableFact]
    public async Task A_data_volume_not_writable_by_uid_1001_fails_fast_with_the_fix()
    {
        engine.RequireEngine();
        await using var scope = new DeploymentScope(engine, output);
        await scope.Deployment.EnsureRunningAsync(scope.Options, CancellationToken.None);
        await scope.Deployment.TeardownAsync(scope.Options, purge: false, CancellationToken.None);
        await scope.DockerAsync(
            "run", "--rm", "--pull=never", "--user", "0", "--entrypoint", "/bin/sh",
            "--mount", $"type=volume,source={scope.Options.DataVolume},target=/label-studio/data",
            DockerEngineFixture.StandinImage, "-c", "chown 0:0 /label-studio/data && chmod 755 /label-studio/data");
        // A health timeout far beyond any test: the crash must be noticed from the container itself, not by waiting it
        // out (a timeout would give the health message, not the data directory's).
        var options = scope.Options with { HealthTimeout = TimeSpan.FromMinutes(30) };

        var error = await Assert.ThrowsAsync<DeploymentException>(() => scope.Deployment.EnsureRunningAsync(options, CancellationToken.None));

        output.WriteLine(error.Message);
        Assert.Contains("Data directory is not writable", error.Message, StringComparison.Ordinal);
        Assert.Contains("uid 1001", error.Message, StringComparison.Ordinal);
        Assert.Contains("chown", error.Message, StringComparison.Ordinal);
        var container = await scope.Docker.InspectContainerAsync(scope.Options.ContainerName, CancellationToken.None);
        Assert.False(container!.Running); // the restart loop was stopped
    }

    [SkippableFact]
    public async Task A_port_in_use_is_a_clear_error_and_leaves_no_container()
    {
        engine.RequireEngine();
        await using var scope = new DeploymentScope(engine, output);
        using var occupant = new TcpListener(IPAddress.Loopback, scope.Options.HostPort);
        occupant.Start();

        var error = await Assert.ThrowsAsync<DeploymentException>(() => scope.Deployment.EnsureRunningAsync(scope.Options, CancellationToken.None));

        output.WriteLine(error.Message);
        Assert.Contains(scope.Options.HostPort.ToString(System.Globalization.CultureInfo.InvariantCulture), error.Message, StringComparison.Ordinal);
        Assert.Contains("--label-studio-port", error.Message, StringComparison.Ordinal);
        Assert.Null(await scope.Docker.InspectContainerAsync(scope.Options.ContainerName, CancellationToken.None));
        Assert.Empty(Directory.GetFiles(scope.Options.StateDirectory, "*.env"));
    }

    [SkippableFact]
    public async Task The_health_wait_is_bounded_and_explained()
    {
        engine.RequireEngine();
        await using var scope = new DeploymentScope(engine, output);
        var options = scope.Options with { HealthTimeout = TimeSpan.FromSeconds(1) }; // the stand-in needs 2 s

        // Bounded: it gives up (the stand-in would have become healthy after 2 s had the wait gone on) and says which bound.
        var error = await Assert.ThrowsAsync<DeploymentException>(() => scope.Deployment.EnsureRunningAsync(options, CancellationToken.None));

        output.WriteLine(error.Message);
        Assert.Contains("within 1 s", error.Message, StringComparison.Ordinal);
        Assert.Contains("--health-timeout", error.Message, StringComparison.Ordinal);
        Assert.Contains("docker logs", error.Message, StringComparison.Ordinal);
    }

    private static async Task<string?> DateJoinedAsync(DeploymentScope scope, string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(scope.Options.BaseUrl, "/api/current-user/whoami"));
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Token", token);
        using var response = await scope.Http.SendAsync(request);
        response.EnsureSuccessStatusCode();
        return (string?)JObject.Parse(await response.Content.ReadAsStringAsync())["date_joined"];
    }

    private static void AssertNoSecretOnAnyCommandLine(ProcessArgumentScanner scanner, LabelStudioCredentials credentials)
    {
        var leaks = scanner.Seen.Where(line =>
            line.Contains(credentials.Token, StringComparison.Ordinal) || line.Contains(credentials.Password, StringComparison.Ordinal)).ToArray();
        Assert.True(leaks.Length == 0, "A secret was on a command line: " + string.Join(" | ", leaks.Select(l => l.Split(' ')[0])) + " (program names only)");
    }

    private static void AssertNotInLogs(DeploymentScope scope, LabelStudioCredentials credentials)
    {
        var logs = scope.AllLogText;
        Assert.DoesNotContain(credentials.Token, logs, StringComparison.Ordinal);
        Assert.DoesNotContain(credentials.Password, logs, StringComparison.Ordinal);
        Assert.Contains(credentials.TokenFingerprint, logs, StringComparison.Ordinal);
    }
}
