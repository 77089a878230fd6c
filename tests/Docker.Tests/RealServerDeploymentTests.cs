using System.Net;
using System.Net.Http.Headers;
using Docker.Tests.Support;
using LabelPipeline.Deployment;
using Newtonsoft.Json.Linq;
using Xunit;
using Xunit.Abstractions;

namespace Docker.Tests;

/// <summary>
/// Deploy's lifecycle against the real Label Studio server (the shared kit in an image built by
/// tests/docker/build-images.sh), on SQLite and on PostgreSQL: first boot with the generated user and token, the health
/// wait, the token proven, reuse, replacement of a changed or unresponsive container with the data kept, Teardown and
/// --purge. The data is judged by what Label Studio itself serves (a project created before survives) and, on
/// PostgreSQL, by what the database holds.
/// </summary>
[Collection(DockerCollection.Name)]
public sealed class RealServerDeploymentTests(DockerEngineFixture engine, ITestOutputHelper output)
{
    [SkippableFact]
    public async Task Real_server_first_boot_reuse_replacement_teardown_and_purge_keep_exactly_the_data_they_say()
    {
        engine.RequireRealImages();
        await using var scope = RealScope();
        var ct = CancellationToken.None;

        // First boot: a fresh volume, the generated user and token; the token works and a wrong one does not.
        var first = await scope.Deployment.EnsureRunningAsync(scope.Options, ct);
        Assert.Equal(DeploymentAction.Started, first.Action);
        Assert.Equal(HttpStatusCode.OK, await scope.WhoAmIStatusAsync(first.Token));
        Assert.Equal(HttpStatusCode.Unauthorized, await scope.WhoAmIStatusAsync(LabelStudioCredentials.GenerateToken()));
        Assert.Equal("healthy", await WaitForDockerHealthAsync(scope, scope.Options.ContainerName));
        var projectId = await CreateProjectAsync(scope, first.Token, "kept across replacements");

        // Same settings: reused as it is.
        var reused = await scope.Deployment.EnsureRunningAsync(scope.Options, ct);
        Assert.Equal(DeploymentAction.Reused, reused.Action);
        Assert.Equal(first.ContainerId, reused.ContainerId);

        // Different settings: replaced, same volume, same project, same token.
        scope.Options = scope.Options with { ExternalUrl = new Uri($"http://localhost:{scope.Options.HostPort}/") };
        var replaced = await scope.Deployment.EnsureRunningAsync(scope.Options, ct);
        Assert.Equal(DeploymentAction.Replaced, replaced.Action);
        Assert.NotEqual(first.ContainerId, replaced.ContainerId);
        Assert.Equal(["kept across replacements"], await ProjectTitlesAsync(scope, replaced.Token));

        // A container that stops answering (paused: running, but silent) is replaced too, the data kept.
        await scope.DockerAsync("pause", scope.Options.ContainerName);
        var revived = await scope.Deployment.EnsureRunningAsync(scope.Options, ct);
        Assert.Equal(DeploymentAction.Replaced, revived.Action);
        // (Docker's own health check times out on the paused container, or Deploy's /health probe does: either is the reason.)
        Assert.Matches("Replacing the Label Studio container [^\\n]*(unhealthy|does not answer)", scope.Logger.Text);
        Assert.Equal(["kept across replacements"], await ProjectTitlesAsync(scope, revived.Token));

        // Teardown keeps the volume and the credentials: the next Deploy continues with the same project and token.
        await scope.Deployment.TeardownAsync(scope.Options, purge: false, ct);
        Assert.Null(await scope.Docker.InspectContainerAsync(scope.Options.ContainerName, ct));
        Assert.NotNull(await scope.Docker.InspectVolumeAsync(scope.Options.DataVolume, ct));
        var again = await scope.Deployment.EnsureRunningAsync(scope.Options, ct);
        Assert.Equal(first.Token, again.Token);
        Assert.Equal(projectId, (await ProjectIdsAsync(scope, again.Token)).Single());

        // --purge: the volume and the credentials are gone; a new Deploy is a first boot with an empty Label Studio.
        await scope.Deployment.TeardownAsync(scope.Options, purge: true, ct);
        Assert.Null(await scope.Docker.InspectVolumeAsync(scope.Options.DataVolume, ct));
        Assert.False(File.Exists(scope.Options.CredentialsFile));
        var fresh = await scope.Deployment.EnsureRunningAsync(scope.Options, ct);
        Assert.NotEqual(first.Token, fresh.Token);
        Assert.Empty(await ProjectIdsAsync(scope, fresh.Token));
        Assert.Equal(HttpStatusCode.Unauthorized, await scope.WhoAmIStatusAsync(first.Token));

        // Idempotent: with nothing left to remove, Teardown (with or without --purge) is fine.
        await scope.Deployment.TeardownAsync(scope.Options, purge: true, ct);
        await scope.Deployment.TeardownAsync(scope.Options, purge: true, ct);
        await scope.Deployment.TeardownAsync(scope.Options, purge: false, ct);
        Assert.Null(await scope.Docker.InspectContainerAsync(scope.Options.ContainerName, ct));
    }

    [SkippableFact]
    public async Task PostgreSQL_mode_keeps_Label_Studio_in_its_own_database_container_with_a_private_password()
    {
        engine.RequireRealImages();
        await using var scope = RealScope();
        scope.Options = scope.Options with { Postgres = new PostgresOptions { Image = engine.PostgresImage } };
        var ct = CancellationToken.None;
        var postgresContainer = PostgresDeployment.ContainerName(scope.Options);
        var postgresVolume = PostgresDeployment.DataVolume(scope.Options);
        var network = PostgresDeployment.Network(scope.Options);

        ProcessArgumentScanner scanner;
        DeploymentAction firstAction;
        string token;
        await using (scanner = new ProcessArgumentScanner())
        {
            var first = await scope.Deployment.EnsureRunningAsync(scope.Options, ct);
            firstAction = first.Action;
            token = first.Token;
        }

        Assert.Equal(DeploymentAction.Started, firstAction);
        await CreateProjectAsync(scope, token, "stored in PostgreSQL");

        // Label Studio's data is in PostgreSQL: the project row is there, and SQLite was never created in the data volume.
        Assert.Contains("stored in PostgreSQL", await PsqlAsync(scope, postgresContainer, "SELECT title FROM project"));
        var sqlite = await scope.Runner.RunAsync("docker", ["exec", scope.Options.ContainerName, "test", "-e", "/label-studio/data/label_studio.sqlite3"], ct);
        Assert.False(sqlite.Succeeded, "Label Studio wrote a SQLite database although it runs on PostgreSQL");

        // The password: generated, only in a 0600 file; on no command line, in no log, not in docker inspect's Args.
        var password = (string)JObject.Parse(await File.ReadAllTextAsync(PostgresDeployment.CredentialsFile(scope.Options), ct))["password"]!;
        Assert.True(password.Length >= 20);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(PostgresDeployment.CredentialsFile(scope.Options)));
        Assert.DoesNotContain(scanner.Seen, line => line.Contains(password, StringComparison.Ordinal));
        Assert.DoesNotContain(password, scope.AllLogText, StringComparison.Ordinal);
        foreach (var container in new[] { scope.Options.ContainerName, postgresContainer })
        {
            var arguments = (await scope.DockerAsync("inspect", "--format", "{{json .Args}} {{json .Config.Cmd}} {{json .Config.Entrypoint}}", container)).StandardOutputText;
            Assert.DoesNotContain(password, arguments, StringComparison.Ordinal);
        }

        Assert.Empty(Directory.GetFiles(scope.Options.StateDirectory, "*.env"));

        // A wrong password is refused by PostgreSQL: the check above is about a password that matters.
        Assert.False((await scope.Runner.RunAsync("docker", ["exec", "-e", "PGPASSWORD=not-the-password", postgresContainer,
            "psql", "-h", "127.0.0.1", "-U", PostgresOptions.DefaultUser, "-d", PostgresOptions.DefaultDatabase, "-c", "SELECT 1"], ct)).Succeeded);

        // Reuse of both containers.
        var postgresId = (await scope.Docker.InspectContainerAsync(postgresContainer, ct))!.Id;
        var reused = await scope.Deployment.EnsureRunningAsync(scope.Options, ct);
        Assert.Equal(DeploymentAction.Reused, reused.Action);
        Assert.Equal(postgresId, (await scope.Docker.InspectContainerAsync(postgresContainer, ct))!.Id);

        // Teardown: both containers and the network go, the database volume and its password stay; Deploy continues.
        await scope.Deployment.TeardownAsync(scope.Options, purge: false, ct);
        Assert.Null(await scope.Docker.InspectContainerAsync(postgresContainer, ct));
        Assert.Null(await scope.Docker.InspectNetworkAsync(network, ct));
        Assert.NotNull(await scope.Docker.InspectVolumeAsync(postgresVolume, ct));
        var again = await scope.Deployment.EnsureRunningAsync(scope.Options, ct);
        Assert.Equal(["stored in PostgreSQL"], await ProjectTitlesAsync(scope, again.Token));

        // --purge deletes the database volume and the password file too.
        await scope.Deployment.TeardownAsync(scope.Options, purge: true, ct);
        Assert.Null(await scope.Docker.InspectVolumeAsync(postgresVolume, ct));
        Assert.False(File.Exists(PostgresDeployment.CredentialsFile(scope.Options)));
    }

    [SkippableFact]
    public async Task An_existing_PostgreSQL_server_is_used_as_given_and_its_password_kept_private()
    {
        engine.RequireRealImages();
        await using var scope = RealScope();
        var ct = CancellationToken.None;

        // "The team's server": a PostgreSQL container of the test's own on Docker's default network, reached by address.
        var server = scope.Options.ContainerName + "-existing-db";
        var password = LabelStudioCredentials.GeneratePassword();
        var envFile = Path.Combine(scope.TempRoot, "db.env");
        File.WriteAllText(envFile, $"POSTGRES_PASSWORD={password}\nPOSTGRES_USER=team\nPOSTGRES_DB=labels\n");
        File.SetUnixFileMode(envFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        await scope.DockerAsync("run", "--detach", "--init", "--name", server, "--env-file", envFile, engine.PostgresImage);
        File.Delete(envFile);
        try
        {
            var address = (await scope.DockerAsync("inspect", "--format", "{{.NetworkSettings.IPAddress}}", server)).StandardOutputText.Trim();
            for (var attempt = 0; attempt < 60 && !(await scope.Runner.RunAsync("docker", ["exec", server, "pg_isready", "-q", "-h", "127.0.0.1"], ct)).Succeeded; attempt++)
            {
                await Task.Delay(1000);
            }

            var postgres = new PostgresOptions { Host = address, User = "team", Database = "labels" };

            // Without the password: a clear error naming the variable, nothing started.
            var missing = await Assert.ThrowsAsync<DeploymentException>(() => scope.Deployment.EnsureRunningAsync(scope.Options with { Postgres = postgres }, ct));
            Assert.Contains("LABELPIPELINE_POSTGRES_PASSWORD", missing.Message);
            Assert.Null(await scope.Docker.InspectContainerAsync(scope.Options.ContainerName, ct));

            scope.Options = scope.Options with { Postgres = postgres with { Password = password } };
            var first = await scope.Deployment.EnsureRunningAsync(scope.Options, ct);
            await CreateProjectAsync(scope, first.Token, "in the team's database");
            Assert.Contains("in the team's database",
                (await scope.DockerAsync("exec", server, "psql", "-h", "/var/run/postgresql", "-U", "team", "-d", "labels", "-tA", "-c", "SELECT title FROM project")).StandardOutputText);
            Assert.Null(await scope.Docker.InspectContainerAsync(PostgresDeployment.ContainerName(scope.Options), ct)); // Deploy ran no database of its own
            Assert.DoesNotContain(password, scope.AllLogText, StringComparison.Ordinal);

            // The password was kept (0600): the next run needs it no more.
            scope.Options = scope.Options with { Postgres = postgres };
            Assert.Equal(DeploymentAction.Reused, (await scope.Deployment.EnsureRunningAsync(scope.Options, ct)).Action);
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(PostgresDeployment.CredentialsFile(scope.Options)));
        }
        finally
        {
            await scope.Runner.RunAsync("docker", ["rm", "--force", "--volumes", server], CancellationToken.None); // its anonymous data volume too
        }
    }

    private DeploymentScope RealScope()
    {
        var scope = new DeploymentScope(engine, output);
        scope.Options = scope.Options with
        {
            Image = engine.LabelStudioImage,
            HealthTimeout = TimeSpan.FromMinutes(10),
            ContainerHealthCheck = null,
        };
        return scope;
    }

    private static async Task<string> WaitForDockerHealthAsync(DeploymentScope scope, string container)
    {
        for (var attempt = 0; attempt < 120; attempt++)
        {
            var status = (await scope.DockerAsync("inspect", "--format", "{{.State.Health.Status}}", container)).StandardOutputText.Trim();
            if (status != "starting")
            {
                return status;
            }

            await Task.Delay(1000);
        }

        return "starting";
    }

    private static async Task<string> PsqlAsync(DeploymentScope scope, string container, string sql) =>
        (await scope.DockerAsync("exec", container, "psql", "-h", "/var/run/postgresql", "-U", PostgresOptions.DefaultUser, "-d", PostgresOptions.DefaultDatabase, "-tA", "-c", sql))
        .StandardOutputText;

    private static async Task<int> CreateProjectAsync(DeploymentScope scope, string token, string title)
    {
        using var request = Request(scope, HttpMethod.Post, "/api/projects/", token);
        request.Content = new StringContent(new JObject { ["title"] = title }.ToString(), System.Text.Encoding.UTF8, "application/json");
        using var response = await scope.Http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, body);
        return (int)JObject.Parse(body)["id"]!;
    }

    private static async Task<JArray> ProjectsAsync(DeploymentScope scope, string token)
    {
        using var request = Request(scope, HttpMethod.Get, "/api/projects/?page_size=100", token);
        using var response = await scope.Http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);
        return (JArray)JObject.Parse(body)["results"]!;
    }

    private static async Task<string[]> ProjectTitlesAsync(DeploymentScope scope, string token) =>
        (await ProjectsAsync(scope, token)).Select(p => (string)p["title"]!).ToArray();

    private static async Task<int[]> ProjectIdsAsync(DeploymentScope scope, string token) =>
        (await ProjectsAsync(scope, token)).Select(p => (int)p["id"]!).ToArray();

    private static HttpRequestMessage Request(DeploymentScope scope, HttpMethod method, string path, string token)
    {
        var request = new HttpRequestMessage(method, new Uri(scope.Options.BaseUrl, path));
        request.Headers.Authorization = new AuthenticationHeaderValue("Token", token);
        return request;
    }
}
