using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;

namespace LabelPipeline.Deployment;

/// <summary>
/// Runs Label Studio in Docker and proves it works: one fixed container on a named data volume, the datasets folder
/// mounted read-only, the port published on 127.0.0.1 only. Secrets (password, token) reach the container through an
/// env file that only its owner can read and that exists only while <c>docker run</c> runs; they are never on a command
/// line, in a log message or in an exception message.
/// </summary>
public sealed class LabelStudioDeployment(DockerCli docker, HttpClient http, ILogger logger)
{
    private readonly LabelStudioStartup _startup = new(http, logger);
    private readonly PostgresDeployment _postgres = new(docker, logger);

    /// <summary>Marks containers and volumes this pipeline created; nothing without it is ever removed.</summary>
    public const string ManagedLabel = "org.labelpipeline.managed";

    /// <summary>A hash of the container's non-secret settings: a container whose settings differ is replaced.</summary>
    public const string ConfigurationLabel = "org.labelpipeline.configuration";

    public const string DataVolumeLabel = "org.labelpipeline.data-volume";

    /// <summary>The port Label Studio listens on inside its image.</summary>
    public const int ContainerPort = 8080;

    /// <summary>Label Studio's data folder in its image (LABEL_STUDIO_BASE_DATA_DIR).</summary>
    public const string DataDirectory = "/label-studio/data";

    private const string EnvFilePrefix = "label-studio-";
    private const string EnvFileSuffix = ".env";
    private static readonly TimeSpan ReuseHealthWindow = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Makes sure Label Studio runs and accepts the token: reuses the healthy container of an earlier run, replaces a
    /// stopped, unhealthy or outdated one (keeping the data volume), or starts a new one; then waits for /health and
    /// checks the token with <c>GET /api/current-user/whoami</c>.
    /// </summary>
    /// <exception cref="DeploymentException">Docker is missing or unreachable, the image is not available, the container
    /// does not become healthy, or the token is rejected. The message says how to fix it.</exception>
    public async Task<LabelStudioEndpoint> EnsureRunningAsync(LabelStudioDeploymentOptions options, CancellationToken ct)
    {
        Validate(options);
        WarnIfDatasetsUnreadable(options);
        var engine = await docker.GetVersionAsync(ct).ConfigureAwait(false);
        logger.LogInformation("Docker engine {Version} (API {Api}) at {Engine}.", engine.ServerVersion, engine.ApiVersion, docker.EngineDescription);

        var image = await ResolveImageAsync(options, ct).ConfigureAwait(false);
        PrivateFiles.EnsureDirectory(options.StateDirectory);
        RemoveStaleEnvFiles(options.StateDirectory, TimeSpan.FromMinutes(10));
        var (credentials, source, saved) = await _startup.ResolveCredentialsAsync(options, ct).ConfigureAwait(false);

        var database = options.Postgres switch
        {
            null => null,
            { Host: not null } existingServer => await PostgresDeployment.ExistingAsync(options, existingServer, ct).ConfigureAwait(false),
            var managed => await _postgres.EnsureRunningAsync(options, managed, ct).ConfigureAwait(false),
        };
        var run = BuildRunSettings(options, image, database);
        var action = DeploymentAction.Started;
        var existing = await docker.InspectContainerAsync(options.ContainerName, ct).ConfigureAwait(false);
        if (existing is not null)
        {
            RequireManaged(existing, options);
            var reason = await ReasonToReplaceAsync(existing, run, image, options, credentials, source, ct).ConfigureAwait(false);
            if (reason is null)
            {
                logger.LogInformation(
                    "Reusing the running Label Studio container {Container} ({Id}): healthy, same image and settings, token accepted.",
                    options.ContainerName, existing.ShortId);
                await _startup.SaveIfChangedAsync(options, credentials, saved, ct).ConfigureAwait(false);
                return Endpoint(options, credentials, DeploymentAction.Reused, existing.Id);
            }

            logger.LogInformation(
                "Replacing the Label Studio container {Container} ({Id}): {Reason}. The data volume {Volume} is kept.",
                options.ContainerName, existing.ShortId, reason, options.DataVolume);
            await docker.RemoveContainerAsync(existing.Id, ct).ConfigureAwait(false);
            action = DeploymentAction.Replaced;
        }

        var volumeIsFresh = await EnsureVolumeAsync(options, ct).ConfigureAwait(false);
        if (volumeIsFresh)
        {
            // Label Studio applies these credentials on this first boot and never again: keep them before anything else can fail.
            await LabelStudioCredentialStore.SaveAsync(options.CredentialsFile, credentials, options.DataVolume, ct).ConfigureAwait(false);
            saved = credentials;
        }
        else if (source == CredentialSource.Given && saved is not null && saved.Token != credentials.Token)
        {
            logger.LogWarning(
                "The data volume {Volume} already exists, and Label Studio applies a token only on first boot: the given token ({Given}) replaces nothing, " +
                "only the volume's first token works (saved: {Saved}).",
                options.DataVolume, credentials.TokenFingerprint, saved.TokenFingerprint);
        }

        var containerId = await StartContainerAsync(options, run, credentials, database, ct).ConfigureAwait(false);
        await WaitForHealthAsync(options, containerId, credentials, ct).ConfigureAwait(false);
        var user = await _startup.VerifyTokenAsync(options, credentials, source, $"See `docker logs {options.ContainerName}`.", ct).ConfigureAwait(false);
        await _startup.SaveIfChangedAsync(options, credentials, saved, ct).ConfigureAwait(false);

        logger.LogInformation(
            "Label Studio is ready at {Url} ({Action}, container {Id}). Sign in as {User}; the password and API token (fingerprint {Fingerprint}) are in {File}.",
            options.ExternalUrl ?? options.BaseUrl, action, containerId[..Math.Min(12, containerId.Length)], user, credentials.TokenFingerprint, options.CredentialsFile);
        return Endpoint(options, credentials, action, containerId);
    }

    /// <summary>
    /// Stops and removes the container. Keeps the data volume and the saved credentials, unless <paramref name="purge"/>,
    /// which deletes both (all labeling data in Label Studio). Nothing to remove is fine.
    /// </summary>
    /// <exception cref="DeploymentException">Docker is missing or unreachable, or the container or volume of that name was
    /// not created by this pipeline (it is left alone).</exception>
    public async Task TeardownAsync(LabelStudioDeploymentOptions options, bool purge, CancellationToken ct)
    {
        ValidateNames(options);
        await docker.GetVersionAsync(ct).ConfigureAwait(false);

        var container = await docker.InspectContainerAsync(options.ContainerName, ct).ConfigureAwait(false);
        if (container is null)
        {
            logger.LogInformation("No container named {Container}: nothing to stop.", options.ContainerName);
        }
        else
        {
            RequireManaged(container, options);
            if (container.Running)
            {
                // A graceful stop lets Label Studio close its database; --init makes it take well under a second.
                await docker.StopContainerAsync(container.Id, StopTimeout, ct).ConfigureAwait(false);
            }

            await docker.RemoveContainerAsync(container.Id, ct).ConfigureAwait(false);
            logger.LogInformation("Stopped and removed the Label Studio container {Container} ({Id}).", options.ContainerName, container.ShortId);
        }

        // Whatever --database says now: a PostgreSQL container of an earlier run goes too (its volume only with --purge).
        await _postgres.TeardownAsync(options, purge, ct).ConfigureAwait(false);

        if (!purge)
        {
            logger.LogInformation(
                "Kept the data volume {Volume} and the credentials in {File}: the next Deploy continues with the same projects and token (Teardown --purge deletes them).",
                options.DataVolume, options.CredentialsFile);
            return;
        }

        var volume = await docker.InspectVolumeAsync(options.DataVolume, ct).ConfigureAwait(false);
        if (volume is null)
        {
            logger.LogInformation("No data volume named {Volume}: nothing to delete.", options.DataVolume);
        }
        else
        {
            if (!IsManaged(volume.Labels))
            {
                throw new DeploymentException(
                    $"The volume '{options.DataVolume}' on the Docker engine at {docker.EngineDescription} was not created by LabelPipeline " +
                    $"(it has no {ManagedLabel} label), so --purge leaves it alone. Delete it yourself with `docker volume rm {options.DataVolume}` if you are sure.");
            }

            await docker.RemoveVolumeAsync(options.DataVolume, ct).ConfigureAwait(false);
            logger.LogInformation("Deleted the data volume {Volume} (all Label Studio projects and annotations in it).", options.DataVolume);
        }

        if (PrivateFiles.TryDelete(options.CredentialsFile))
        {
            logger.LogInformation("Deleted the saved credentials {File}.", options.CredentialsFile);
        }

        if (Directory.Exists(options.StateDirectory))
        {
            RemoveStaleEnvFiles(options.StateDirectory, TimeSpan.Zero);
        }
    }

    private static void ValidateNames(LabelStudioDeploymentOptions options)
    {
        foreach (var (what, name, argument) in new[] { ("container name", options.ContainerName, "--container-name"), ("data volume name", options.DataVolume, "--data-volume") })
        {
            if (!DockerRunSettings.IsValidName(name))
            {
                throw new DeploymentException(
                    $"Invalid {what} '{name}': use letters, digits, '_', '.' and '-', starting with a letter or digit ({argument}).");
            }
        }
    }

    private static void Validate(LabelStudioDeploymentOptions options)
    {
        ValidateNames(options);
        if (options.HostPort is < 1 or > 65535)
        {
            throw new DeploymentException($"Invalid port {options.HostPort}: use 1 to 65535 (--label-studio-port).");
        }

        if (string.IsNullOrWhiteSpace(options.Image) || options.Image.StartsWith('-') || options.Image.Any(char.IsWhiteSpace))
        {
            throw new DeploymentException($"Invalid image reference '{options.Image}' (--label-studio-image), e.g. {LabelStudioDeploymentOptions.DefaultImage}.");
        }

        if (options.HealthTimeout <= TimeSpan.Zero)
        {
            throw new DeploymentException("The health timeout must be positive (--health-timeout, in seconds).");
        }

        if (options.ExternalUrl is { } external && (!external.IsAbsoluteUri || external.Scheme is not ("http" or "https")))
        {
            throw new DeploymentException($"The external URL '{external}' must be an absolute http(s) URL (it becomes LABEL_STUDIO_HOST).");
        }

        if (options.DatasetsDirectory is { } datasets)
        {
            if (!Directory.Exists(datasets))
            {
                throw new DeploymentException(
                    $"The datasets folder {Path.GetFullPath(datasets)} does not exist, so it cannot be mounted into Label Studio: create it or pass --datasets-dir.");
            }

            var root = options.LocalFilesRoot.TrimEnd('/');
            if (!root.StartsWith('/') || root.Length == 0 || root == DataDirectory || root.StartsWith(DataDirectory + "/", StringComparison.Ordinal))
            {
                throw new DeploymentException(
                    $"The local-files root '{options.LocalFilesRoot}' must be an absolute container path outside {DataDirectory}, e.g. {LabelStudioDeploymentOptions.DefaultLocalFilesRoot} (--local-files-root).");
            }
        }
    }

    /// <summary>Label Studio runs as uid 1001 in the container: to it, the host's datasets folder belongs to "others".</summary>
    private void WarnIfDatasetsUnreadable(LabelStudioDeploymentOptions options)
    {
        if (options.DatasetsDirectory is not { } datasets || OperatingSystem.IsWindows())
        {
            return;
        }

        const UnixFileMode othersMayList = UnixFileMode.OtherRead | UnixFileMode.OtherExecute;
        if ((File.GetUnixFileMode(datasets) & othersMayList) != othersMayList)
        {
            logger.LogWarning(
                "Label Studio runs as uid 1001 in its container and may not be able to read {Folder}: make it readable for others (`chmod -R o+rX {Folder}`).",
                Path.GetFullPath(datasets), Path.GetFullPath(datasets));
        }
    }

    private async Task<DockerImage> ResolveImageAsync(LabelStudioDeploymentOptions options, CancellationToken ct)
    {
        var image = options.Pull == DockerPullPolicy.Always ? null : await docker.InspectImageAsync(options.Image, ct).ConfigureAwait(false);
        if (image is not null)
        {
            return image;
        }

        if (options.Pull == DockerPullPolicy.Never)
        {
            throw new DeploymentException(
                $"The image '{options.Image}' is not in the Docker engine at {docker.EngineDescription}, and the pull policy 'never' forbids fetching it. " +
                $"Run `docker pull {options.Image}` (or `docker load -i <file>`), pass --label-studio-pull=missing to let Deploy pull it, " +
                "pass --label-studio-image with an image you have, or pass --label-studio-url to use an existing Label Studio.");
        }

        logger.LogInformation("Pulling {Image} (policy {Policy}); the first pull of Label Studio downloads several hundred MB.", options.Image, options.Pull.ToCli());
        await docker.PullImageAsync(options.Image, ct).ConfigureAwait(false);
        return await docker.InspectImageAsync(options.Image, ct).ConfigureAwait(false)
               ?? throw new DeploymentException($"`docker pull {options.Image}` succeeded, but the engine at {docker.EngineDescription} still does not list the image.");
    }

    private static DockerRunSettings BuildRunSettings(LabelStudioDeploymentOptions options, DockerImage image, PostgresConnection? database)
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            // Recent Label Studio creates organizations with legacy tokens off; the token set at first boot is a legacy token.
            ["LABEL_STUDIO_ENABLE_LEGACY_API_TOKEN"] = "true",
            ["LABEL_STUDIO_DISABLE_SIGNUP_WITHOUT_LINK"] = "true",
            ["LABEL_STUDIO_LOCAL_FILES_SERVING_ENABLED"] = options.DatasetsDirectory is null ? "false" : "true",
        };
        var mounts = new List<DockerMount> { DockerMount.Volume(options.DataVolume, DataDirectory) };
        if (options.DatasetsDirectory is { } datasets)
        {
            var root = options.LocalFilesRoot.TrimEnd('/');
            environment["LABEL_STUDIO_LOCAL_FILES_DOCUMENT_ROOT"] = root;
            mounts.Add(DockerMount.Bind(Path.GetFullPath(datasets), root, readOnly: true));
        }

        if (options.ExternalUrl is { } external)
        {
            environment["LABEL_STUDIO_HOST"] = external.ToString().TrimEnd('/');
        }

        foreach (var (name, value) in database?.LabelStudioEnvironment ?? new Dictionary<string, string>())
        {
            environment[name] = value;
        }

        var labels = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [ManagedLabel] = "true",
            [DataVolumeLabel] = options.DataVolume,
        };
        var settings = new DockerRunSettings
        {
            Image = options.Image,
            Name = options.ContainerName,
            Detach = true,
            Init = true,

            // The image was resolved (and pulled if allowed) just before: the run itself never contacts a registry.
            Pull = DockerPullPolicy.Never,
            Restart = options.Restart,
            Publish = [DockerPortBinding.Loopback(options.HostPort, ContainerPort)],

            // Only a PostgreSQL container Deploy runs shares a private network with Label Studio; else Docker's default.
            Network = options.Postgres is { Host: null } ? PostgresDeployment.Network(options) : null,
            Mounts = mounts,
            Environment = environment,
            Labels = labels,
            HealthCheck = options.ContainerHealthCheck,
        };

        IReadOnlyList<string> arguments;
        try
        {
            arguments = settings.ToArguments();
        }
        catch (ArgumentException e)
        {
            throw new DeploymentException($"Cannot start Label Studio with these settings: {e.Message}", e);
        }

        // The hash covers everything but itself and the env file's (random) path; secrets are not in the settings at all.
        var fingerprint = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(image.Id + "\n" + string.Join("\n", arguments))))[..16];
        return settings with { Labels = new Dictionary<string, string>(labels, StringComparer.Ordinal) { [ConfigurationLabel] = fingerprint } };
    }

    /// <summary>Null when the container can be reused as it is; else why it must be replaced.</summary>
    private async Task<string?> ReasonToReplaceAsync(
        DockerContainer container,
        DockerRunSettings run,
        DockerImage image,
        LabelStudioDeploymentOptions options,
        LabelStudioCredentials credentials,
        CredentialSource source,
        CancellationToken ct)
    {
        if (!container.Running || container.Restarting)
        {
            return $"it is {container.Status} (exit code {container.ExitCode})";
        }

        if (!string.Equals(container.ImageId, image.Id, StringComparison.Ordinal))
        {
            return $"it runs another image ({container.ImageReference}, {ShortImageId(container.ImageId)}) than {options.Image} ({ShortImageId(image.Id)})";
        }

        if (!container.Labels.TryGetValue(ConfigurationLabel, out var configuration) || configuration != run.Labels[ConfigurationLabel])
        {
            return "its settings (port, mounts or environment) differ from this run's";
        }

        if (container.Health == "unhealthy")
        {
            return "Docker reports it unhealthy";
        }

        var window = options.HealthTimeout < ReuseHealthWindow ? options.HealthTimeout : ReuseHealthWindow;
        var problem = await _startup.ProbeHealthForAsync(options, window, ct).ConfigureAwait(false);
        if (problem is not null)
        {
            return $"it does not answer {options.BaseUrl}health ({problem})";
        }

        // A rejected token is not fixed by a new container (the data volume keeps its first token): VerifyTokenAsync throws.
        await _startup.VerifyTokenAsync(options, credentials, source, $"See `docker logs {options.ContainerName}`.", ct).ConfigureAwait(false);
        return null;
    }

    /// <summary>Creates the data volume when missing; true when it was created now (Label Studio's first boot follows).</summary>
    private async Task<bool> EnsureVolumeAsync(LabelStudioDeploymentOptions options, CancellationToken ct)
    {
        if (await docker.InspectVolumeAsync(options.DataVolume, ct).ConfigureAwait(false) is not null)
        {
            logger.LogInformation("Using the existing data volume {Volume} (Label Studio keeps its first user and token).", options.DataVolume);
            return false;
        }

        await docker.CreateVolumeAsync(
            options.DataVolume,
            new Dictionary<string, string> { [ManagedLabel] = "true" },
            ct).ConfigureAwait(false);
        logger.LogInformation("Created the data volume {Volume}.", options.DataVolume);
        return true;
    }

    private async Task<string> StartContainerAsync(
        LabelStudioDeploymentOptions options, DockerRunSettings run, LabelStudioCredentials credentials, PostgresConnection? database, CancellationToken ct)
    {
        logger.LogInformation(
            "Starting Label Studio ({Image}) as {Container} on {Url} (127.0.0.1 only); data volume {Volume}{Datasets}.",
            options.Image,
            options.ContainerName,
            options.BaseUrl,
            options.DataVolume,
            options.DatasetsDirectory is null ? string.Empty : $"; {Path.GetFullPath(options.DatasetsDirectory)} read-only at {options.LocalFilesRoot}");

        // The secrets' only way into the container: a file created private (0600), read by the docker CLI and deleted as
        // soon as `docker run` returns (the engine holds the values by then).
        var envFile = Path.Combine(options.StateDirectory, $"{EnvFilePrefix}{Guid.NewGuid():N}{EnvFileSuffix}");
        try
        {
            await PrivateFiles.WriteNewAsync(
                envFile,
                $"LABEL_STUDIO_USERNAME={credentials.Username}\nLABEL_STUDIO_PASSWORD={credentials.Password}\nLABEL_STUDIO_USER_TOKEN={credentials.Token}\n" +
                (database is null ? string.Empty : $"POSTGRE_PASSWORD={database.Password}\n"),
                ct).ConfigureAwait(false);
            return await docker.RunAsync(run with { EnvFile = envFile }, ct).ConfigureAwait(false);
        }
        catch (DeploymentException)
        {
            // `docker run` may have created the container before failing to start it (e.g. the port is taken): it is ours,
            // and left behind it would block the next run's name.
            await TryAsync(() => docker.RemoveContainerAsync(options.ContainerName, CancellationToken.None)).ConfigureAwait(false);
            throw;
        }
        finally
        {
            PrivateFiles.TryDelete(envFile);
        }
    }

    private Task WaitForHealthAsync(
        LabelStudioDeploymentOptions options, string containerId, LabelStudioCredentials credentials, CancellationToken ct) =>
        _startup.WaitForHealthAsync(
            options,
            async token =>
            {
                var container = await docker.InspectContainerAsync(containerId, token).ConfigureAwait(false);
                return container is null || !container.Running || container.Restarting || container.RestartCount > 0
                    ? await CrashedAsync(options, containerId, container, credentials, token).ConfigureAwait(false)
                    : null;
            },
            async (problem, token) =>
            {
                var logs = await LogTailAsync(containerId, credentials, token).ConfigureAwait(false);
                return new DeploymentException(
                    $"Label Studio did not answer {options.BaseUrl}health within {options.HealthTimeout.TotalSeconds:0} s (last problem: {problem}). " +
                    $"The container {options.ContainerName} is still running: a first start runs database migrations, which can take minutes on a slow machine. " +
                    $"Run Deploy again with a longer --health-timeout, or look at `docker logs {options.ContainerName}`.{logs}");
            },
            ct);

    private async Task<DeploymentException> CrashedAsync(
        LabelStudioDeploymentOptions options, string containerId, DockerContainer? container, LabelStudioCredentials credentials, CancellationToken ct)
    {
        var logs = await LogTailAsync(containerId, credentials, ct).ConfigureAwait(false);
        if (container is not null)
        {
            // Stop the restart policy's loop; the stopped container stays for `docker logs`, and the next Deploy replaces it.
            await TryAsync(() => docker.StopContainerAsync(containerId, StopTimeout, ct)).ConfigureAwait(false);
        }

        var state = container is null ? "disappeared" : $"exited (exit code {container.ExitCode}, restarted {container.RestartCount} times)";
        var hint = logs.Contains("not writable", StringComparison.OrdinalIgnoreCase) || logs.Contains("Permission denied", StringComparison.OrdinalIgnoreCase)
            ? $"\nThe data volume {options.DataVolume} is not writable for Label Studio's user (uid 1001, gid 0). Give it back with " +
              $"`docker run --rm --user 0 --entrypoint chown --mount type=volume,source={options.DataVolume},target={DataDirectory} {options.Image} -R 1001:0 {DataDirectory}`, " +
              "or start over with `Teardown --purge` (deletes the labeling data in it)."
            : $"\nSee the whole log with `docker logs {options.ContainerName}`.";
        return new DeploymentException($"Label Studio's container {options.ContainerName} {state} while starting.{logs}{hint}");
    }

    /// <summary>The container's last log lines, with the password and token blanked out, ready to append to a message.</summary>
    private async Task<string> LogTailAsync(string containerId, LabelStudioCredentials credentials, CancellationToken ct)
    {
        var lines = await docker.GetContainerLogsAsync(containerId, 15, ct).ConfigureAwait(false);
        return lines.Count == 0
            ? string.Empty
            : "\nLast lines of its log:\n  " + string.Join("\n  ", lines.Select(line => LabelStudioStartup.Redact(line, credentials)));
    }

    private void RequireManaged(DockerContainer container, LabelStudioDeploymentOptions options)
    {
        if (!IsManaged(container.Labels))
        {
            throw new DeploymentException(
                $"A container named {options.ContainerName} ({container.ShortId}, image {container.ImageReference}) exists on the Docker engine at {docker.EngineDescription}, " +
                $"but LabelPipeline did not create it (it has no {ManagedLabel} label), so it is left alone. Remove it yourself (`docker rm -f {options.ContainerName}`), " +
                "pass --container-name with another name, or pass --label-studio-url to use that Label Studio as it is.");
        }
    }

    private static bool IsManaged(IReadOnlyDictionary<string, string> labels) =>
        labels.TryGetValue(ManagedLabel, out var value) && value == "true";

    /// <summary>Env files are deleted in a finally; only a killed process leaves one behind. Old ones go now.</summary>
    private void RemoveStaleEnvFiles(string stateDirectory, TimeSpan olderThan)
    {
        foreach (var file in Directory.EnumerateFiles(stateDirectory, EnvFilePrefix + "*" + EnvFileSuffix))
        {
            if (DateTime.UtcNow - File.GetLastWriteTimeUtc(file) >= olderThan && PrivateFiles.TryDelete(file))
            {
                logger.LogWarning("Deleted {File}, a leftover env file of an interrupted run.", file);
            }
        }
    }

    /// <summary>Clean-up on an error path: its own failure must not hide the error being reported.</summary>
    private async Task TryAsync(Func<Task> cleanup)
    {
        try
        {
            await cleanup().ConfigureAwait(false);
        }
        catch (DeploymentException e)
        {
            logger.LogDebug("Clean-up after the error failed too: {Message}", e.Message);
        }
    }

    private static LabelStudioEndpoint Endpoint(LabelStudioDeploymentOptions options, LabelStudioCredentials credentials, DeploymentAction action, string containerId) =>
        new(options.BaseUrl, options.ExternalUrl ?? options.BaseUrl, credentials.Token, credentials.Username, action, containerId, options.CredentialsFile);

    private static string ShortImageId(string id) =>
        id.StartsWith("sha256:", StringComparison.Ordinal) && id.Length > 19 ? id[7..19] : id;
}
