using System.ComponentModel;
using System.Globalization;
using LabelPipeline.Processes;
using Microsoft.Extensions.Logging;
using Newtonsoft.Json.Linq;

namespace LabelPipeline.Deployment;

/// <summary>How to reach the docker CLI and, through it, the engine.</summary>
public sealed record DockerCliOptions
{
    /// <summary>The CLI executable: a name looked up on PATH, or a path.</summary>
    public string Executable { get; init; } = "docker";

    /// <summary>The engine endpoint (<c>--host</c>, e.g. <c>unix:///tmp/x/docker.sock</c>); null uses DOCKER_HOST or the
    /// current docker context, as the CLI itself does.</summary>
    public string? Host { get; init; }
}

/// <summary>The engine that answered <c>docker version</c>.</summary>
public sealed record DockerEngineVersion(string ClientVersion, string ServerVersion, string ApiVersion);

/// <summary>What <c>docker image inspect</c> says about an image.</summary>
public sealed record DockerImage(string Id, IReadOnlyList<string> RepoTags);

/// <summary>What <c>docker container inspect</c> says about a container.</summary>
/// <param name="ImageId">The id of the image it was created from (compare with <see cref="DockerImage.Id"/>).</param>
/// <param name="ImageReference">The reference it was created with (<c>Config.Image</c>).</param>
/// <param name="Status">created, running, paused, restarting, removing, exited or dead.</param>
/// <param name="Restarting">The engine is restarting it after it exited (a restart policy at work).</param>
/// <param name="RestartCount">How often the engine restarted it since it was created.</param>
/// <param name="Health">starting, healthy or unhealthy; null when the container has no health check.</param>
public sealed record DockerContainer(
    string Id,
    string Name,
    string ImageId,
    string ImageReference,
    string Status,
    bool Running,
    bool Restarting,
    int RestartCount,
    int ExitCode,
    string? Health,
    bool Init,
    IReadOnlyDictionary<string, string> Labels,
    IReadOnlyList<DockerContainerMount> Mounts,
    IReadOnlyList<DockerPortBinding> Ports)
{
    public string ShortId => Id.Length > 12 ? Id[..12] : Id;
}

/// <summary>One mount as the engine reports it.</summary>
public sealed record DockerContainerMount(string Type, string? Name, string Source, string Destination, bool ReadWrite);

/// <summary>What <c>docker volume inspect</c> says about a volume.</summary>
public sealed record DockerVolume(string Name, string Mountpoint, IReadOnlyDictionary<string, string> Labels);

/// <summary>
/// The docker CLI, driven through <see cref="ICommandRunner"/> (Cake's process runner in the build). Each method is one
/// docker command; failures become <see cref="DeploymentException"/>s that name the engine and say how to fix it.
/// Never give it a secret: arguments are visible to every user of the machine.
/// </summary>
public sealed class DockerCli(ICommandRunner runner, ILogger logger, DockerCliOptions? options = null)
{
    private readonly DockerCliOptions _options = options ?? new DockerCliOptions();

    /// <summary>Where the engine is, for messages: the --host given, DOCKER_HOST, or the current docker context.</summary>
    public string EngineDescription =>
        _options.Host is { Length: > 0 } host ? host
        : Environment.GetEnvironmentVariable("DOCKER_HOST") is { Length: > 0 } fromEnvironment ? fromEnvironment + " (DOCKER_HOST)"
        : "the current docker context (usually unix:///var/run/docker.sock)";

    /// <summary><c>docker version</c>: proves the CLI runs and the engine answers.</summary>
    /// <exception cref="DeploymentException">The CLI is missing or the engine is unreachable.</exception>
    public async Task<DockerEngineVersion> GetVersionAsync(CancellationToken ct)
    {
        var result = await ExecuteAsync(["version", "--format", "{{json .}}"], ct).ConfigureAwait(false);
        var json = TryParseObject(result.StandardOutputText);
        if (!result.Succeeded || json?["Server"] is not JObject server)
        {
            throw Unreachable(result);
        }

        return new DockerEngineVersion(
            (string?)json["Client"]?["Version"] ?? "?",
            (string?)server["Version"] ?? "?",
            (string?)server["ApiVersion"] ?? "?");
    }

    /// <summary><c>docker image inspect</c>; null when the engine does not have the image.</summary>
    public async Task<DockerImage?> InspectImageAsync(string image, CancellationToken ct)
    {
        var result = await ExecuteAsync(["image", "inspect", image], ct).ConfigureAwait(false);
        if (IsNotFound(result))
        {
            return null;
        }

        var item = SingleInspectResult(result, $"image inspect {image}");
        return new DockerImage(
            (string?)item["Id"] ?? throw Malformed($"image inspect {image}"),
            item["RepoTags"] is JArray tags ? tags.Select(t => (string?)t ?? string.Empty).ToArray() : []);
    }

    /// <summary><c>docker pull</c>. Contacts a registry: call it only when the pull policy allows.</summary>
    public async Task PullImageAsync(string image, CancellationToken ct)
    {
        var result = await ExecuteAsync(["pull", image], ct).ConfigureAwait(false);
        if (!result.Succeeded)
        {
            throw new DeploymentException(
                $"Could not pull the image '{image}' into the Docker engine at {EngineDescription}: {FirstLines(result.StandardErrorText)}\n" +
                $"Check the image name and tag, your network and registry login (`docker login`), or pull it yourself with `docker pull {image}` " +
                "(or load it with `docker load -i <file>`); pass --label-studio-image to use an image you already have, " +
                "or --label-studio-url to use an existing Label Studio.");
        }
    }

    /// <summary><c>docker container inspect</c>; null when there is no such container.</summary>
    public async Task<DockerContainer?> InspectContainerAsync(string nameOrId, CancellationToken ct)
    {
        var result = await ExecuteAsync(["container", "inspect", nameOrId], ct).ConfigureAwait(false);
        if (IsNotFound(result))
        {
            return null;
        }

        var item = SingleInspectResult(result, $"container inspect {nameOrId}");
        var state = item["State"] as JObject ?? throw Malformed($"container inspect {nameOrId}");
        var config = item["Config"] as JObject;
        var hostConfig = item["HostConfig"] as JObject;
        return new DockerContainer(
            (string?)item["Id"] ?? throw Malformed($"container inspect {nameOrId}"),
            ((string?)item["Name"] ?? string.Empty).TrimStart('/'),
            (string?)item["Image"] ?? string.Empty,
            (string?)config?["Image"] ?? string.Empty,
            (string?)state["Status"] ?? "unknown",
            (bool?)state["Running"] ?? false,
            (bool?)state["Restarting"] ?? false,
            (int?)item["RestartCount"] ?? 0,
            (int?)state["ExitCode"] ?? 0,
            (string?)state["Health"]?["Status"],
            (bool?)hostConfig?["Init"] ?? false,
            ReadLabels(config?["Labels"]),
            item["Mounts"] is JArray mounts
                ? mounts.OfType<JObject>().Select(m => new DockerContainerMount(
                    (string?)m["Type"] ?? string.Empty,
                    (string?)m["Name"],
                    (string?)m["Source"] ?? string.Empty,
                    (string?)m["Destination"] ?? string.Empty,
                    (bool?)m["RW"] ?? true)).ToArray()
                : [],
            ReadPortBindings(hostConfig?["PortBindings"]));
    }

    /// <summary><c>docker run</c>; returns the new container's id (with <see cref="DockerRunSettings.Detach"/>).</summary>
    public async Task<string> RunAsync(DockerRunSettings settings, CancellationToken ct)
    {
        var result = await ExecuteAsync(settings.ToArguments(), ct).ConfigureAwait(false);
        if (!result.Succeeded)
        {
            throw Failed(result, $"run {settings.Image}", RunFailureHint(result.StandardErrorText));
        }

        foreach (var line in result.StandardError.Where(l => l.Length > 0))
        {
            logger.LogDebug("docker run: {Line}", line);
        }

        return result.StandardOutput.LastOrDefault(l => l.Trim().Length > 0)?.Trim() ?? string.Empty;
    }

    /// <summary><c>docker container stop</c>; false when there was no such container.</summary>
    public async Task<bool> StopContainerAsync(string nameOrId, TimeSpan timeout, CancellationToken ct)
    {
        var seconds = ((int)Math.Ceiling(timeout.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        var result = await ExecuteAsync(["container", "stop", "-t", seconds, nameOrId], ct).ConfigureAwait(false);
        return IsNotFound(result) ? false : result.Succeeded ? true : throw Failed(result, $"stop {nameOrId}");
    }

    /// <summary><c>docker container rm --force</c>; false when there was no such container.</summary>
    public async Task<bool> RemoveContainerAsync(string nameOrId, CancellationToken ct)
    {
        var result = await ExecuteAsync(["container", "rm", "--force", nameOrId], ct).ConfigureAwait(false);
        return IsNotFound(result) ? false : result.Succeeded ? true : throw Failed(result, $"rm --force {nameOrId}");
    }

    /// <summary>The last lines a container wrote (its stdout, then its stderr). Raw: may hold anything the app printed.</summary>
    public async Task<IReadOnlyList<string>> GetContainerLogsAsync(string nameOrId, int tail, CancellationToken ct)
    {
        var result = await ExecuteAsync(
            ["container", "logs", "--tail", tail.ToString(CultureInfo.InvariantCulture), nameOrId], ct).ConfigureAwait(false);
        return result.Succeeded ? [.. result.StandardOutput, .. result.StandardError] : [];
    }

    /// <summary><c>docker volume inspect</c>; null when there is no such volume.</summary>
    public async Task<DockerVolume?> InspectVolumeAsync(string name, CancellationToken ct)
    {
        var result = await ExecuteAsync(["volume", "inspect", name], ct).ConfigureAwait(false);
        if (IsNotFound(result))
        {
            return null;
        }

        var item = SingleInspectResult(result, $"volume inspect {name}");
        return new DockerVolume(
            (string?)item["Name"] ?? name,
            (string?)item["Mountpoint"] ?? string.Empty,
            ReadLabels(item["Labels"]));
    }

    /// <summary><c>docker volume create</c> (a no-op for a volume that exists).</summary>
    public Task CreateVolumeAsync(string name, IReadOnlyDictionary<string, string> labels, CancellationToken ct) =>
        CreateAsync("volume", name, labels, ct);

    /// <summary><c>docker volume rm</c>; false when there was no such volume.</summary>
    public async Task<bool> RemoveVolumeAsync(string name, CancellationToken ct)
    {
        var result = await ExecuteAsync(["volume", "rm", name], ct).ConfigureAwait(false);
        return IsNotFound(result) ? false
            : result.Succeeded ? true
            : throw Failed(result, $"volume rm {name}", result.StandardErrorText.Contains("in use", StringComparison.OrdinalIgnoreCase)
                ? $"Another container still uses the volume: find it with `docker ps -a --filter volume={name}` and remove it first."
                : null);
    }

    /// <summary><c>docker network inspect</c>: the network's labels; null when there is no such network.</summary>
    public async Task<IReadOnlyDictionary<string, string>?> InspectNetworkAsync(string name, CancellationToken ct)
    {
        var result = await ExecuteAsync(["network", "inspect", name], ct).ConfigureAwait(false);
        return IsNotFound(result) ? null : ReadLabels(SingleInspectResult(result, $"network inspect {name}")["Labels"]);
    }

    /// <summary><c>docker network create</c>: a private bridge network.</summary>
    public Task CreateNetworkAsync(string name, IReadOnlyDictionary<string, string> labels, CancellationToken ct) =>
        CreateAsync("network", name, labels, ct);

    /// <summary><c>docker network rm</c>; false when there was no such network.</summary>
    public async Task<bool> RemoveNetworkAsync(string name, CancellationToken ct)
    {
        var result = await ExecuteAsync(["network", "rm", name], ct).ConfigureAwait(false);
        return IsNotFound(result) ? false : result.Succeeded ? true : throw Failed(result, $"network rm {name}");
    }

    /// <summary><c>docker exec</c>: runs a command in a running container; the result as it is (exit code, output).
    /// Never give it a secret: the arguments are visible to every user of the machine.</summary>
    public Task<CommandResult> ExecAsync(string container, IReadOnlyList<string> command, CancellationToken ct) =>
        ExecuteAsync(["exec", container, .. command], ct);

    /// <summary><c>docker volume|network create --label k=v … name</c>.</summary>
    private async Task CreateAsync(string kind, string name, IReadOnlyDictionary<string, string> labels, CancellationToken ct)
    {
        DockerRunSettings.RequireContainerName(name);
        var arguments = new List<string> { kind, "create" };
        foreach (var (key, value) in labels.OrderBy(l => l.Key, StringComparer.Ordinal))
        {
            arguments.Add("--label");
            arguments.Add($"{key}={value}");
        }

        arguments.Add(name);
        var result = await ExecuteAsync(arguments, ct).ConfigureAwait(false);
        if (!result.Succeeded)
        {
            throw Failed(result, $"{kind} create {name}");
        }
    }

    private async Task<CommandResult> ExecuteAsync(IReadOnlyList<string> arguments, CancellationToken ct)
    {
        IReadOnlyList<string> full = _options.Host is { Length: > 0 } host ? ["--host", host, .. arguments] : arguments;
        logger.LogDebug("{Docker} {Arguments}", _options.Executable, string.Join(' ', full));
        CommandResult result;
        try
        {
            result = await runner.RunAsync(_options.Executable, full, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is Win32Exception or FileNotFoundException or DirectoryNotFoundException or UnauthorizedAccessException
                                      or InvalidOperationException)
        {
            throw new DeploymentException(
                $"The docker CLI ('{_options.Executable}') could not be started: {e.Message}\n" +
                "Install Docker (Docker Engine or Docker Desktop; on Debian/Ubuntu `sudo apt-get install docker.io`) so that `docker` is on PATH, " +
                "or pass --label-studio-url (and --label-studio-token) to use an existing Label Studio instead of deploying one.",
                e);
        }

        // Any command can find the engine gone (it may stop between two commands): say so plainly.
        if (!result.Succeeded && IsUnreachable(result.StandardErrorText))
        {
            throw Unreachable(result);
        }

        return result;
    }

    private DeploymentException Unreachable(CommandResult result)
    {
        var error = FirstLines(result.StandardErrorText);
        if (error.Contains("permission denied", StringComparison.OrdinalIgnoreCase))
        {
            return new DeploymentException(
                $"Permission denied talking to the Docker engine at {EngineDescription}: {error}\n" +
                "Run as a user in the 'docker' group (`sudo usermod -aG docker $USER`, then log in again), " +
                "or pass --label-studio-url to use an existing Label Studio.");
        }

        return new DeploymentException(
            $"The Docker engine at {EngineDescription} is not reachable: {error}\n" +
            "Start the Docker daemon (e.g. `sudo systemctl start docker`, or start Docker Desktop), or point DOCKER_HOST / `docker context use` " +
            "at a running engine; or pass --label-studio-url (and --label-studio-token) to use an existing Label Studio instead.");
    }

    private DeploymentException Failed(CommandResult result, string command, string? hint = null) =>
        new($"`docker {command}` failed (exit code {result.ExitCode}) on the Docker engine at {EngineDescription}: " +
            FirstLines(result.StandardErrorText) + (hint is null ? string.Empty : "\n" + hint));

    private static DeploymentException Malformed(string command) => new($"`docker {command}` answered something this pipeline cannot read.");

    private static string? RunFailureHint(string error) =>
        error.Contains("port is already allocated", StringComparison.OrdinalIgnoreCase) || error.Contains("address already in use", StringComparison.OrdinalIgnoreCase)
            ? "Another program already listens on that port: stop it, or pass --label-studio-port with a free port."
            : error.Contains("No such image", StringComparison.OrdinalIgnoreCase)
                ? "The image is not in the engine: pull or load it first, or pass --label-studio-image."
                : null;

    private static bool IsNotFound(CommandResult result) =>
        !result.Succeeded && (result.StandardErrorText.Contains("No such ", StringComparison.OrdinalIgnoreCase)
                              || (result.StandardErrorText.Contains("network ", StringComparison.Ordinal) && result.StandardErrorText.Contains(" not found", StringComparison.Ordinal)));

    private static bool IsUnreachable(string error) =>
        error.Contains("Cannot connect to the Docker daemon", StringComparison.OrdinalIgnoreCase)
        || error.Contains("Is the docker daemon running", StringComparison.OrdinalIgnoreCase)
        || error.Contains("error during connect", StringComparison.OrdinalIgnoreCase)
        || error.Contains("permission denied while trying to connect", StringComparison.OrdinalIgnoreCase);

    private JObject SingleInspectResult(CommandResult result, string command)
    {
        if (!result.Succeeded)
        {
            throw Failed(result, command);
        }

        try
        {
            return JArray.Parse(result.StandardOutputText) is [JObject item] ? item : throw Malformed(command);
        }
        catch (Newtonsoft.Json.JsonException e)
        {
            throw new DeploymentException($"`docker {command}` answered something this pipeline cannot read: {e.Message}", e);
        }
    }

    private static JObject? TryParseObject(string text)
    {
        try
        {
            return text.Trim().Length == 0 ? null : JObject.Parse(text);
        }
        catch (Newtonsoft.Json.JsonException)
        {
            return null;
        }
    }

    private static Dictionary<string, string> ReadLabels(JToken? labels) =>
        labels is JObject map
            ? map.Properties().ToDictionary(p => p.Name, p => (string?)p.Value ?? string.Empty, StringComparer.Ordinal)
            : new Dictionary<string, string>(StringComparer.Ordinal);

    private static DockerPortBinding[] ReadPortBindings(JToken? bindings) =>
        bindings is JObject map
            ? map.Properties()
                .SelectMany(p => (p.Value as JArray ?? []).OfType<JObject>().Select(b => (Port: p.Name, Binding: b)))
                .Select(x => new DockerPortBinding(
                    (string?)x.Binding["HostIp"] ?? string.Empty,
                    int.TryParse((string?)x.Binding["HostPort"], NumberStyles.Integer, CultureInfo.InvariantCulture, out var host) ? host : 0,
                    int.TryParse(x.Port.Split('/')[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out var container) ? container : 0))
                .ToArray()
            : [];

    /// <summary>At most a few lines of docker's error output: enough to see the cause without a wall of text.</summary>
    internal static string FirstLines(string text, int lines = 5)
    {
        var kept = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(l => !l.StartsWith("WARNING: IPv4 forwarding is disabled", StringComparison.Ordinal))
            .Take(lines);
        var joined = string.Join(" | ", kept);
        return joined.Length == 0 ? "(no error output)" : joined;
    }
}
