using System.Globalization;
using System.Text.RegularExpressions;

namespace LabelPipeline.Deployment;

/// <summary>When <c>docker run</c> may pull the image (<c>--pull</c>).</summary>
public enum DockerPullPolicy
{
    /// <summary>Pull only when the image is not in the engine yet (Docker's default).</summary>
    Missing,

    /// <summary>Never contact a registry; a missing image is an error.</summary>
    Never,

    /// <summary>Pull before every run.</summary>
    Always,
}

/// <summary>What the engine does when the container stops or the daemon restarts (<c>--restart</c>).</summary>
public enum DockerRestartPolicy
{
    No,
    Always,
    UnlessStopped,
    OnFailure,
}

public enum DockerMountType
{
    /// <summary>A named volume, owned by the engine.</summary>
    Volume,

    /// <summary>A folder of the host.</summary>
    Bind,
}

/// <summary>Reading and writing the CLI spelling of the docker enums.</summary>
public static class DockerPolicies
{
    public static string ToCli(this DockerPullPolicy policy) => policy switch
    {
        DockerPullPolicy.Missing => "missing",
        DockerPullPolicy.Never => "never",
        DockerPullPolicy.Always => "always",
        _ => throw new ArgumentOutOfRangeException(nameof(policy), policy, null),
    };

    public static string ToCli(this DockerRestartPolicy policy) => policy switch
    {
        DockerRestartPolicy.No => "no",
        DockerRestartPolicy.Always => "always",
        DockerRestartPolicy.UnlessStopped => "unless-stopped",
        DockerRestartPolicy.OnFailure => "on-failure",
        _ => throw new ArgumentOutOfRangeException(nameof(policy), policy, null),
    };

    /// <summary>Parses <c>missing</c>, <c>never</c> or <c>always</c> (any case), as the <c>--pull</c> flag spells them.</summary>
    public static DockerPullPolicy ParsePullPolicy(string text) => text.Trim().ToLowerInvariant() switch
    {
        "missing" => DockerPullPolicy.Missing,
        "never" => DockerPullPolicy.Never,
        "always" => DockerPullPolicy.Always,
        _ => throw new ArgumentException($"Unknown pull policy '{text}': expected missing, never or always.", nameof(text)),
    };
}

/// <summary>A published port: <c>--publish HostIp:HostPort:ContainerPort</c>.</summary>
public sealed record DockerPortBinding(string HostIp, int HostPort, int ContainerPort)
{
    /// <summary>Reachable from this machine only: nothing else on the network can talk to the container.</summary>
    public static DockerPortBinding Loopback(int hostPort, int containerPort) => new("127.0.0.1", hostPort, containerPort);

    internal string ToCli()
    {
        if (HostPort is < 1 or > 65535 || ContainerPort is < 1 or > 65535)
        {
            throw new ArgumentException($"Port out of range in {HostIp}:{HostPort}:{ContainerPort}: ports run from 1 to 65535.");
        }

        if (string.IsNullOrWhiteSpace(HostIp) || HostIp.Contains(' ', StringComparison.Ordinal))
        {
            throw new ArgumentException($"Invalid host address '{HostIp}' for a published port.");
        }

        // An IPv6 host address needs brackets, or docker cannot tell its colons from the separators.
        var host = HostIp.Contains(':', StringComparison.Ordinal) && !HostIp.StartsWith('[') ? $"[{HostIp}]" : HostIp;
        return string.Create(CultureInfo.InvariantCulture, $"{host}:{HostPort}:{ContainerPort}");
    }
}

/// <summary>A mount: <c>--mount type=…,source=…,target=…[,readonly]</c>.</summary>
/// <remarks>
/// <c>--mount</c> rather than <c>-v</c>: a missing host folder is an error instead of being created (as root) by the
/// daemon, and the read-only flag is spelled out.
/// </remarks>
public sealed record DockerMount(DockerMountType Type, string Source, string Target, bool ReadOnly = false)
{
    public static DockerMount Volume(string name, string target, bool readOnly = false) => new(DockerMountType.Volume, name, target, readOnly);

    public static DockerMount Bind(string hostPath, string target, bool readOnly = false) => new(DockerMountType.Bind, hostPath, target, readOnly);

    internal string ToCli()
    {
        foreach (var (what, value) in new[] { ("source", Source), ("target", Target) })
        {
            // --mount is a CSV list: a comma would start a new field, a quote would start CSV quoting.
            if (string.IsNullOrEmpty(value) || value.IndexOfAny([',', '"', '\n', '\r', '\0']) >= 0)
            {
                throw new ArgumentException(
                    $"The mount {what} '{value}' is empty or contains a comma, quote or line break, which docker --mount cannot take: rename or move it.");
            }
        }

        if (!Target.StartsWith('/'))
        {
            throw new ArgumentException($"The mount target '{Target}' must be an absolute path in the container.");
        }

        var type = Type == DockerMountType.Volume ? "volume" : "bind";
        return $"type={type},source={Source},target={Target}" + (ReadOnly ? ",readonly" : string.Empty);
    }
}

/// <summary>The container's own health check (<c>--health-*</c>), which <c>docker ps</c> and inspect report.</summary>
/// <param name="Command">Run by the container's shell, e.g. <c>wget -q -O- http://127.0.0.1:8080/health || exit 1</c>.</param>
public sealed record DockerHealthCheck(
    string Command,
    TimeSpan? Interval = null,
    TimeSpan? Timeout = null,
    int? Retries = null,
    TimeSpan? StartPeriod = null);

/// <summary>
/// Typed settings for <c>docker run</c>, rendered to an argument list by <see cref="ToArguments"/> (as Cake.Docker's
/// settings classes are). Each element is one argv entry; nothing goes through a shell.
/// </summary>
/// <remarks>
/// Secrets never belong here: every argument is visible to all users of the machine (<c>/proc/*/cmdline</c>, <c>ps</c>).
/// Pass them in a private <see cref="EnvFile"/>; <see cref="Environment"/> refuses names that look like secrets.
/// </remarks>
public sealed partial record DockerRunSettings
{
    /// <summary>Image reference (name:tag or id).</summary>
    public required string Image { get; init; }

    /// <summary><c>--name</c>.</summary>
    public string? Name { get; init; }

    /// <summary><c>--detach</c>: return once the container started, printing its id.</summary>
    public bool Detach { get; init; }

    /// <summary><c>--init</c>: a tiny init as PID 1 forwards SIGTERM, so the container stops in a fraction of a second
    /// instead of being killed after the 10 s stop timeout.</summary>
    public bool Init { get; init; }

    /// <summary><c>--rm</c>.</summary>
    public bool Remove { get; init; }

    /// <summary><c>--pull</c>; null leaves docker's default (missing).</summary>
    public DockerPullPolicy? Pull { get; init; }

    /// <summary><c>--restart</c>; null leaves docker's default (no).</summary>
    public DockerRestartPolicy? Restart { get; init; }

    /// <summary><c>--network</c>: a user-defined network, on which containers find each other by name.</summary>
    public string? Network { get; init; }

    /// <summary><c>--publish</c>, one per binding.</summary>
    public IReadOnlyList<DockerPortBinding> Publish { get; init; } = [];

    /// <summary><c>--mount</c>, one per mount.</summary>
    public IReadOnlyList<DockerMount> Mounts { get; init; } = [];

    /// <summary><c>--env-file</c>: where secrets go (a file only its owner can read).</summary>
    public string? EnvFile { get; init; }

    /// <summary><c>--env NAME=value</c>, in ordinal order of names. Non-secret values only.</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();

    /// <summary><c>--label key=value</c>, in ordinal order of keys.</summary>
    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();

    /// <summary><c>--health-cmd</c> and friends.</summary>
    public DockerHealthCheck? HealthCheck { get; init; }

    /// <summary>Arguments after the image (the image's CMD when empty).</summary>
    public IReadOnlyList<string> Command { get; init; } = [];

    /// <summary>The <c>docker</c> arguments, starting with <c>run</c>.</summary>
    /// <exception cref="ArgumentException">A value docker cannot take as given, or a secret-looking <c>--env</c>.</exception>
    public IReadOnlyList<string> ToArguments()
    {
        var arguments = new List<string> { "run" };

        if (Name is not null)
        {
            RequireContainerName(Name);
            arguments.Add("--name");
            arguments.Add(Name);
        }

        if (Detach)
        {
            arguments.Add("--detach");
        }

        if (Init)
        {
            arguments.Add("--init");
        }

        if (Remove)
        {
            arguments.Add("--rm");
        }

        if (Pull is { } pull)
        {
            arguments.Add("--pull=" + pull.ToCli());
        }

        if (Restart is { } restart)
        {
            arguments.Add("--restart=" + restart.ToCli());
        }

        if (Network is not null)
        {
            RequireContainerName(Network);
            arguments.Add("--network");
            arguments.Add(Network);
        }

        foreach (var binding in Publish)
        {
            arguments.Add("--publish");
            arguments.Add(binding.ToCli());
        }

        foreach (var mount in Mounts)
        {
            arguments.Add("--mount");
            arguments.Add(mount.ToCli());
        }

        if (EnvFile is not null)
        {
            arguments.Add("--env-file");
            arguments.Add(EnvFile);
        }

        foreach (var (name, value) in Environment.OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            RequireEnvironmentName(name);
            if (LooksSecret(name, value))
            {
                throw new ArgumentException(
                    $"--env {name}=… looks like a secret, and command lines are visible to every user of the machine: put it in the env file instead.");
            }

            RequireSingleLine(name, value);
            arguments.Add("--env");
            arguments.Add($"{name}={value}");
        }

        foreach (var (key, value) in Labels.OrderBy(l => l.Key, StringComparer.Ordinal))
        {
            if (key.Length == 0 || key.Contains('=', StringComparison.Ordinal))
            {
                throw new ArgumentException($"Invalid label key '{key}'.");
            }

            RequireSingleLine(key, value);
            arguments.Add("--label");
            arguments.Add($"{key}={value}");
        }

        if (HealthCheck is { } health)
        {
            RequireSingleLine("--health-cmd", health.Command);
            arguments.Add("--health-cmd");
            arguments.Add(health.Command);
            AddDuration(arguments, "--health-interval", health.Interval);
            AddDuration(arguments, "--health-timeout", health.Timeout);
            if (health.Retries is { } retries)
            {
                arguments.Add("--health-retries");
                arguments.Add(retries.ToString(CultureInfo.InvariantCulture));
            }

            AddDuration(arguments, "--health-start-period", health.StartPeriod);
        }

        if (string.IsNullOrWhiteSpace(Image) || Image.StartsWith('-') || Image.Any(char.IsWhiteSpace))
        {
            throw new ArgumentException($"Invalid image reference '{Image}'.");
        }

        arguments.Add(Image);
        arguments.AddRange(Command);
        return arguments;
    }

    /// <summary>Docker's rule for container (and volume) names.</summary>
    public static bool IsValidName(string name) => NamePattern().IsMatch(name);

    internal static void RequireContainerName(string name)
    {
        if (!IsValidName(name))
        {
            throw new ArgumentException($"Invalid container name '{name}': use letters, digits, '_', '.' and '-', starting with a letter or digit.");
        }
    }

    /// <summary>Whether an environment variable looks like a secret: its name has a PASSWORD, TOKEN, SECRET, KEY, …
    /// part and its value is not a plain switch (true/false/1/0/yes/no/on/off), as in <c>…_ENABLE_LEGACY_API_TOKEN=true</c>.</summary>
    public static bool LooksSecret(string name, string value) =>
        name.Split('_').Any(part => part.ToUpperInvariant() is "PASSWORD" or "PASSWD" or "PWD" or "TOKEN" or "SECRET" or "KEY" or "CREDENTIALS")
        && value.Trim().ToLowerInvariant() is not ("true" or "false" or "1" or "0" or "yes" or "no" or "on" or "off" or "");

    private static void AddDuration(List<string> arguments, string option, TimeSpan? duration)
    {
        if (duration is not { } value)
        {
            return;
        }

        if (value <= TimeSpan.Zero)
        {
            throw new ArgumentException($"{option} must be positive.");
        }

        // Go duration syntax; whole milliseconds are exact enough and always valid ("1500ms").
        arguments.Add(option);
        arguments.Add(string.Create(CultureInfo.InvariantCulture, $"{(long)Math.Ceiling(value.TotalMilliseconds)}ms"));
    }

    private static void RequireEnvironmentName(string name)
    {
        if (!EnvironmentNamePattern().IsMatch(name))
        {
            throw new ArgumentException($"Invalid environment variable name '{name}'.");
        }
    }

    private static void RequireSingleLine(string what, string value)
    {
        if (value.IndexOfAny(['\n', '\r', '\0']) >= 0)
        {
            throw new ArgumentException($"The value of {what} contains a line break or NUL, which docker cannot pass on.");
        }
    }

    [GeneratedRegex("^[a-zA-Z0-9][a-zA-Z0-9_.-]+$")]
    private static partial Regex NamePattern();

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$")]
    private static partial Regex EnvironmentNamePattern();
}
