using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace LabelPipeline.Deployment;

/// <summary>
/// Label Studio's database on PostgreSQL (<c>--database=postgresql</c>) instead of SQLite in its data volume. Either
/// Deploy runs PostgreSQL itself (<see cref="Host"/> null: a container beside Label Studio on a private network, with
/// its own named volume and a generated password), or Label Studio uses an existing server (<see cref="Host"/>).
/// </summary>
public sealed record PostgresOptions
{
    /// <summary>Pinned like Label Studio's image; Label Studio supports PostgreSQL 11 and later.</summary>
    public const string DefaultImage = "postgres:17";

    public const string DefaultUser = "labelstudio";
    public const string DefaultDatabase = "labelstudio";
    public const int DefaultPort = 5432;

    /// <summary>The image of the PostgreSQL container: the official image's interface (POSTGRES_PASSWORD, POSTGRES_USER,
    /// POSTGRES_DB at first boot; data in /var/lib/postgresql/data; pg_isready).</summary>
    public string Image { get; init; } = DefaultImage;

    /// <summary>An existing server, as Label Studio's container (or process) reaches it; null: Deploy runs one.</summary>
    public string? Host { get; init; }

    public int Port { get; init; } = DefaultPort;

    public string User { get; init; } = DefaultUser;

    public string Database { get; init; } = DefaultDatabase;

    /// <summary>Secret. The password; null: the saved one, else (for a container Deploy runs) a generated one.</summary>
    public string? Password { get; init; }

    public override string ToString() =>
        $"PostgresOptions {{ Image = {Image}, Host = {Host}, Port = {Port}, User = {User}, Database = {Database}, Password = {(Password is null ? "(none)" : "(given)")} }}";
}

/// <summary>Where Label Studio finds its PostgreSQL database. <see cref="Password"/> is a secret.</summary>
public sealed record PostgresConnection(string Host, int Port, string User, string Database, string Password)
{
    /// <summary>Label Studio's settings (all but the password, which goes through the private env file).</summary>
    public IReadOnlyDictionary<string, string> LabelStudioEnvironment => new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["DJANGO_DB"] = "default",
        ["POSTGRE_HOST"] = Host,
        ["POSTGRE_PORT"] = Port.ToString(CultureInfo.InvariantCulture),
        ["POSTGRE_USER"] = User,
        ["POSTGRE_NAME"] = Database,
    };

    public override string ToString() => $"postgresql://{User}@{Host}:{Port}/{Database}";
}

/// <summary>
/// Runs Label Studio's PostgreSQL in Docker: a managed container on a private network (no published port), a named
/// volume Teardown keeps unless --purge, and a password generated once and kept in a 0600 file beside Label Studio's
/// credentials. The password reaches the container only through a private env file deleted after <c>docker run</c>.
/// </summary>
public sealed class PostgresDeployment(DockerCli docker, ILogger logger)
{
    public const string DataDirectory = "/var/lib/postgresql/data";
    private static readonly TimeSpan ProbeInterval = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(30);

    /// <summary>The PostgreSQL container of a deployment.</summary>
    public static string ContainerName(LabelStudioDeploymentOptions options) => options.ContainerName + "-postgres";

    /// <summary>Its data volume.</summary>
    public static string DataVolume(LabelStudioDeploymentOptions options) => options.DataVolume + "-postgres";

    /// <summary>The private network Label Studio and PostgreSQL share.</summary>
    public static string Network(LabelStudioDeploymentOptions options) => options.ContainerName + "-net";

    /// <summary>The 0600 file with the database password.</summary>
    public static string CredentialsFile(LabelStudioDeploymentOptions options) =>
        Path.Combine(options.StateDirectory, $"postgres-{DataVolume(options)}.credentials.json");

    /// <summary>The connection for an existing server (no container): the password given, else the saved one.</summary>
    public static async Task<PostgresConnection> ExistingAsync(LabelStudioDeploymentOptions options, PostgresOptions postgres, CancellationToken ct)
    {
        var password = postgres.Password ?? await LoadPasswordAsync(CredentialsFile(options), ct).ConfigureAwait(false)
            ?? throw new DeploymentException(
                $"--postgres-host={postgres.Host} needs the database password: set LABELPIPELINE_POSTGRES_PASSWORD (never on the command line).");
        if (postgres.Password is not null)
        {
            await SavePasswordAsync(CredentialsFile(options), postgres, password, ct).ConfigureAwait(false);
        }

        return new PostgresConnection(postgres.Host!, postgres.Port, postgres.User, postgres.Database, password);
    }

    /// <summary>
    /// Makes sure the PostgreSQL container runs and accepts connections: reuses it when it runs the same image and
    /// settings, replaces it otherwise (the volume is kept), or starts it on a fresh volume with a new password.
    /// </summary>
    public async Task<PostgresConnection> EnsureRunningAsync(LabelStudioDeploymentOptions options, PostgresOptions postgres, CancellationToken ct)
    {
        var name = ContainerName(options);
        var volume = DataVolume(options);
        var network = Network(options);
        var credentialsFile = CredentialsFile(options);
        var image = await docker.InspectImageAsync(postgres.Image, ct).ConfigureAwait(false);
        if (image is null)
        {
            if (options.Pull == DockerPullPolicy.Never)
            {
                throw new DeploymentException(
                    $"The PostgreSQL image '{postgres.Image}' is not in the Docker engine at {docker.EngineDescription}, and the pull policy 'never' forbids fetching it. " +
                    $"Run `docker pull {postgres.Image}`, pass --postgres-image with an image you have, or --postgres-host to use an existing server.");
            }

            logger.LogInformation("Pulling {Image} for PostgreSQL.", postgres.Image);
            await docker.PullImageAsync(postgres.Image, ct).ConfigureAwait(false);
            image = await docker.InspectImageAsync(postgres.Image, ct).ConfigureAwait(false)
                    ?? throw new DeploymentException($"`docker pull {postgres.Image}` succeeded, but the engine does not list the image.");
        }

        await EnsureNetworkAsync(network, ct).ConfigureAwait(false);
        var saved = await LoadPasswordAsync(credentialsFile, ct).ConfigureAwait(false);
        var volumeExists = await docker.InspectVolumeAsync(volume, ct).ConfigureAwait(false) is not null;
        if (volumeExists && saved is null && postgres.Password is null)
        {
            throw new DeploymentException(
                $"The PostgreSQL volume {volume} exists, but its password is not in {credentialsFile} (the state folder was deleted, or another --state-dir is in use). " +
                "Restore that file, set LABELPIPELINE_POSTGRES_PASSWORD to the volume's password, or start over with `Teardown --purge` (deletes all labeling data).");
        }

        var password = postgres.Password ?? saved ?? LabelStudioCredentials.GeneratePassword();
        var run = RunSettings(options, postgres, image);
        var existing = await docker.InspectContainerAsync(name, ct).ConfigureAwait(false);
        if (existing is not null)
        {
            if (!IsManaged(existing.Labels))
            {
                throw new DeploymentException(
                    $"A container named {name} exists on the Docker engine at {docker.EngineDescription}, but LabelPipeline did not create it, so it is left alone. " +
                    $"Remove it yourself (`docker rm -f {name}`) or pass --container-name with another name.");
            }

            var reason = !existing.Running || existing.Restarting ? $"it is {existing.Status} (exit code {existing.ExitCode})"
                : existing.ImageId != image.Id ? $"it runs another image ({existing.ImageReference}) than {postgres.Image}"
                : existing.Labels.GetValueOrDefault(LabelStudioDeployment.ConfigurationLabel) != run.Labels[LabelStudioDeployment.ConfigurationLabel] ? "its settings differ from this run's"
                : null;
            if (reason is null)
            {
                await WaitUntilReadyAsync(options, postgres, name, ct).ConfigureAwait(false);
                logger.LogInformation("Reusing the PostgreSQL container {Container} ({Id}).", name, existing.ShortId);
                return new PostgresConnection(name, PostgresOptions.DefaultPort, postgres.User, postgres.Database, password);
            }

            logger.LogInformation("Replacing the PostgreSQL container {Container}: {Reason}. The volume {Volume} is kept.", name, reason, volume);
            await docker.StopContainerAsync(existing.Id, StopTimeout, ct).ConfigureAwait(false);
            await docker.RemoveContainerAsync(existing.Id, ct).ConfigureAwait(false);
        }

        if (!volumeExists)
        {
            await docker.CreateVolumeAsync(volume, new Dictionary<string, string> { [LabelStudioDeployment.ManagedLabel] = "true" }, ct).ConfigureAwait(false);
            logger.LogInformation("Created the PostgreSQL volume {Volume}.", volume);
        }

        // Kept before the first boot can fail: the volume is initialised with this password and knows no other.
        if (saved != password)
        {
            await SavePasswordAsync(credentialsFile, postgres, password, ct).ConfigureAwait(false);
            logger.LogInformation("Saved the PostgreSQL password in {File} (owner-only).", credentialsFile);
        }

        logger.LogInformation("Starting PostgreSQL ({Image}) as {Container} on the private network {Network}; volume {Volume}.", postgres.Image, name, network, volume);
        // Named like Label Studio's env files, so a leftover of a killed run is swept the same way.
        var envFile = Path.Combine(options.StateDirectory, $"label-studio-postgres-{Guid.NewGuid():N}.env");
        try
        {
            PrivateFiles.EnsureDirectory(options.StateDirectory);
            await PrivateFiles.WriteNewAsync(envFile, $"POSTGRES_PASSWORD={password}\n", ct).ConfigureAwait(false);
            await docker.RunAsync(run with { EnvFile = envFile }, ct).ConfigureAwait(false);
        }
        finally
        {
            PrivateFiles.TryDelete(envFile);
        }

        await WaitUntilReadyAsync(options, postgres, name, ct).ConfigureAwait(false);
        return new PostgresConnection(name, PostgresOptions.DefaultPort, postgres.User, postgres.Database, password);
    }

    /// <summary>Removes the container and the network; with <paramref name="purge"/> also the volume and the password file.</summary>
    public async Task TeardownAsync(LabelStudioDeploymentOptions options, bool purge, CancellationToken ct)
    {
        var name = ContainerName(options);
        if (await docker.InspectContainerAsync(name, ct).ConfigureAwait(false) is { } container && IsManaged(container.Labels))
        {
            if (container.Running)
            {
                await docker.StopContainerAsync(container.Id, StopTimeout, ct).ConfigureAwait(false);
            }

            await docker.RemoveContainerAsync(container.Id, ct).ConfigureAwait(false);
            logger.LogInformation("Stopped and removed the PostgreSQL container {Container}.", name);
        }

        if (await docker.InspectNetworkAsync(Network(options), ct).ConfigureAwait(false) is { } labels && IsManaged(labels))
        {
            await docker.RemoveNetworkAsync(Network(options), ct).ConfigureAwait(false);
        }

        var volume = DataVolume(options);
        if (!purge)
        {
            if (await docker.InspectVolumeAsync(volume, ct).ConfigureAwait(false) is not null)
            {
                logger.LogInformation("Kept the PostgreSQL volume {Volume} and its password (Teardown --purge deletes them).", volume);
            }

            return;
        }

        if (await docker.InspectVolumeAsync(volume, ct).ConfigureAwait(false) is { } found)
        {
            if (!IsManaged(found.Labels))
            {
                throw new DeploymentException($"The volume '{volume}' was not created by LabelPipeline, so --purge leaves it alone.");
            }

            await docker.RemoveVolumeAsync(volume, ct).ConfigureAwait(false);
            logger.LogInformation("Deleted the PostgreSQL volume {Volume} (Label Studio's database).", volume);
        }

        if (PrivateFiles.TryDelete(CredentialsFile(options)))
        {
            logger.LogInformation("Deleted the saved PostgreSQL password {File}.", CredentialsFile(options));
        }
    }

    /// <summary>Creates the private network when missing; Label Studio joins it to reach PostgreSQL by name.</summary>
    public async Task EnsureNetworkAsync(string network, CancellationToken ct)
    {
        if (await docker.InspectNetworkAsync(network, ct).ConfigureAwait(false) is null)
        {
            await docker.CreateNetworkAsync(network, new Dictionary<string, string> { [LabelStudioDeployment.ManagedLabel] = "true" }, ct).ConfigureAwait(false);
            logger.LogInformation("Created the private network {Network}.", network);
        }
    }

    private static DockerRunSettings RunSettings(LabelStudioDeploymentOptions options, PostgresOptions postgres, DockerImage image)
    {
        var labels = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [LabelStudioDeployment.ManagedLabel] = "true",
            [LabelStudioDeployment.DataVolumeLabel] = DataVolume(options),
        };
        var settings = new DockerRunSettings
        {
            Image = postgres.Image,
            Name = ContainerName(options),
            Detach = true,
            Init = true,
            Pull = DockerPullPolicy.Never,
            Restart = options.Restart,
            Network = Network(options),
            Mounts = [DockerMount.Volume(DataVolume(options), DataDirectory)],
            Environment = new Dictionary<string, string>(StringComparer.Ordinal) { ["POSTGRES_USER"] = postgres.User, ["POSTGRES_DB"] = postgres.Database },
            Labels = labels,
        };
        var fingerprint = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(image.Id + "\n" + string.Join("\n", settings.ToArguments()))))[..16];
        return settings with { Labels = new Dictionary<string, string>(labels, StringComparer.Ordinal) { [LabelStudioDeployment.ConfigurationLabel] = fingerprint } };
    }

    /// <summary>pg_isready in the container, until the server accepts connections (a first boot runs initdb first).</summary>
    private async Task WaitUntilReadyAsync(LabelStudioDeploymentOptions options, PostgresOptions postgres, string name, CancellationToken ct)
    {
        var started = DateTime.UtcNow;
        while (true)
        {
            var probe = await docker.ExecAsync(name, ["pg_isready", "-q", "-h", "127.0.0.1", "-U", postgres.User, "-d", postgres.Database], ct).ConfigureAwait(false);
            if (probe.Succeeded)
            {
                logger.LogInformation("PostgreSQL in {Container} accepts connections ({Seconds:0.0} s).", name, (DateTime.UtcNow - started).TotalSeconds);
                return;
            }

            var container = await docker.InspectContainerAsync(name, ct).ConfigureAwait(false);
            if (container is null || !container.Running || container.RestartCount > 0 || DateTime.UtcNow - started > options.HealthTimeout)
            {
                var logs = await docker.GetContainerLogsAsync(name, 15, ct).ConfigureAwait(false);
                throw new DeploymentException(
                    $"PostgreSQL in {name} did not accept connections within {options.HealthTimeout.TotalSeconds:0} s" +
                    (container is { Running: false } ? $" (it exited with code {container.ExitCode})" : string.Empty) +
                    $". Last lines of its log:\n  {string.Join("\n  ", logs)}\nSee `docker logs {name}`; Teardown --purge starts over with an empty database.");
            }

            await Task.Delay(ProbeInterval, ct).ConfigureAwait(false);
        }
    }

    private static bool IsManaged(IReadOnlyDictionary<string, string> labels) =>
        labels.TryGetValue(LabelStudioDeployment.ManagedLabel, out var value) && value == "true";

    private static async Task<string?> LoadPasswordAsync(string path, CancellationToken ct)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            return (string?)JObject.Parse(await File.ReadAllTextAsync(path, ct).ConfigureAwait(false))["password"] is { Length: > 0 } password
                ? password
                : throw new DeploymentException($"{path} holds no PostgreSQL password: restore it, or start over with `Teardown --purge`.");
        }
        catch (JsonException)
        {
            throw new DeploymentException($"{path} is not valid JSON: restore it, or start over with `Teardown --purge`.");
        }
    }

    private static Task SavePasswordAsync(string path, PostgresOptions postgres, string password, CancellationToken ct)
    {
        PrivateFiles.EnsureDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var json = new JObject
        {
            ["comment"] = "Written by LabelPipeline's Deploy: the password of Label Studio's PostgreSQL database. Keep it private.",
            ["user"] = postgres.User,
            ["database"] = postgres.Database,
            ["password"] = password,
        };
        return PrivateFiles.ReplaceAsync(path, json.ToString(Formatting.Indented) + "\n", ct);
    }
}
