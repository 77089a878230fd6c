using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using LabelPipeline.Processes;
using Microsoft.Extensions.Logging;

namespace LabelPipeline.Deployment;

/// <summary>
/// Runs Label Studio without Docker (<c>--label-studio-runtime=process</c>): <c>label-studio start</c> as a local
/// process on 127.0.0.1, its data under the state folder, started detached so it outlives the run (like a container),
/// found again by its pid file. The executable is <see cref="LabelStudioDeploymentOptions.Command"/>, or one installed
/// into a virtual environment under the state folder with <c>pip install label-studio==&lt;version&gt;</c>.
/// The first-boot user, password and token reach it through its environment (never its command line).
/// </summary>
public sealed class LabelStudioProcess(ICommandRunner runner, HttpClient http, ILogger logger)
{
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan ReuseHealthWindow = TimeSpan.FromSeconds(5);
    private readonly LabelStudioStartup _startup = new(http, logger);

    /// <summary>The folder of one deployment's process: data/, server.pid, server.log, settings.sha256.</summary>
    public static string Home(LabelStudioDeploymentOptions options) => Path.Combine(options.StateDirectory, $"label-studio-{options.DataVolume}");

    /// <summary>The folder Label Studio keeps its database and uploads in (LABEL_STUDIO_BASE_DATA_DIR).</summary>
    public static string DataDirectory(LabelStudioDeploymentOptions options) => Path.Combine(Home(options), "data");

    public static string LogFile(LabelStudioDeploymentOptions options) => Path.Combine(Home(options), "server.log");

    private static string PidFile(LabelStudioDeploymentOptions options) => Path.Combine(Home(options), "server.pid");

    private static string SettingsFile(LabelStudioDeploymentOptions options) => Path.Combine(Home(options), "settings.sha256");

    /// <summary>Makes sure Label Studio runs as a local process and accepts the token (reuse, replace or start).</summary>
    public async Task<LabelStudioEndpoint> EnsureRunningAsync(LabelStudioDeploymentOptions options, CancellationToken ct)
    {
        if (options.HostPort is < 1 or > 65535)
        {
            throw new DeploymentException($"Invalid port {options.HostPort}: use 1 to 65535 (--label-studio-port).");
        }

        if (options.DatasetsDirectory is { } datasets && !Directory.Exists(datasets))
        {
            throw new DeploymentException($"The datasets folder {Path.GetFullPath(datasets)} does not exist: create it or pass --datasets-dir.");
        }

        PrivateFiles.EnsureDirectory(options.StateDirectory);
        PrivateFiles.EnsureDirectory(Home(options));
        var command = await ResolveCommandAsync(options, ct).ConfigureAwait(false);
        var (credentials, source, saved) = await _startup.ResolveCredentialsAsync(options, ct).ConfigureAwait(false);
        var database = options.Postgres switch
        {
            null => null,
            { Host: not null } existingServer => await PostgresDeployment.ExistingAsync(options, existingServer, ct).ConfigureAwait(false),
            _ => throw new DeploymentException(
                "--database=postgresql with --label-studio-runtime=process needs an existing PostgreSQL server (--postgres-host and LABELPIPELINE_POSTGRES_PASSWORD): " +
                "only the Docker runtime runs PostgreSQL itself."),
        };
        var environment = Environment(options, command, database);
        var fingerprint = Fingerprint(command, options, environment);
        var logHint = $"See its log {LogFile(options)}.";

        var action = DeploymentAction.Started;
        if (RunningPid(options) is { } pid)
        {
            var reason = File.Exists(SettingsFile(options)) && (await File.ReadAllTextAsync(SettingsFile(options), ct).ConfigureAwait(false)).Trim() == fingerprint
                ? await _startup.ProbeHealthForAsync(options, ReuseHealthWindow, ct).ConfigureAwait(false) is { } problem ? $"it does not answer {options.BaseUrl}health ({problem})" : null
                : "its settings (command, port, data or database) differ from this run's";
            if (reason is null)
            {
                await _startup.VerifyTokenAsync(options, credentials, source, logHint, ct).ConfigureAwait(false);
                logger.LogInformation("Reusing the running Label Studio process {Pid}: healthy, same settings, token accepted.", pid);
                await _startup.SaveIfChangedAsync(options, credentials, saved, ct).ConfigureAwait(false);
                return Endpoint(options, credentials, DeploymentAction.Reused, pid);
            }

            logger.LogInformation("Replacing the Label Studio process {Pid}: {Reason}. Its data folder {Data} is kept.", pid, reason, DataDirectory(options));
            await StopAsync(pid, ct).ConfigureAwait(false);
            action = DeploymentAction.Replaced;
        }

        if (!Directory.Exists(DataDirectory(options)))
        {
            PrivateFiles.EnsureDirectory(DataDirectory(options));

            // Label Studio applies these credentials on this first boot and never again: keep them before anything else can fail.
            await LabelStudioCredentialStore.SaveAsync(options.CredentialsFile, credentials, options.DataVolume, ct).ConfigureAwait(false);
            saved = credentials;
        }

        var started = await StartAsync(options, command, environment, credentials, database, ct).ConfigureAwait(false);
        await File.WriteAllTextAsync(SettingsFile(options), fingerprint + "\n", ct).ConfigureAwait(false);
        await _startup.WaitForHealthAsync(
            options,
            token => Task.FromResult<Exception?>(IsAlive(started) ? null : new DeploymentException(
                $"Label Studio ({command}) exited while starting.{LogTail(options, credentials)}\n{logHint}")),
            (problem, token) => Task.FromResult<Exception>(new DeploymentException(
                $"Label Studio did not answer {options.BaseUrl}health within {options.HealthTimeout.TotalSeconds:0} s (last problem: {problem}). " +
                $"The process {started} is still running: a first start runs database migrations, which can take minutes. " +
                $"Run Deploy again with a longer --health-timeout.{LogTail(options, credentials)}\n{logHint}")),
            ct).ConfigureAwait(false);
        var user = await _startup.VerifyTokenAsync(options, credentials, source, logHint, ct).ConfigureAwait(false);
        await _startup.SaveIfChangedAsync(options, credentials, saved, ct).ConfigureAwait(false);
        logger.LogInformation(
            "Label Studio is ready at {Url} ({Action}, process {Pid}, log {Log}). Sign in as {User}; the password and API token (fingerprint {Fingerprint}) are in {File}.",
            options.ExternalUrl ?? options.BaseUrl, action, started, LogFile(options), user, credentials.TokenFingerprint, options.CredentialsFile);
        return Endpoint(options, credentials, action, started);
    }

    /// <summary>Stops the process; with <paramref name="purge"/> also deletes its data folder and the saved credentials.</summary>
    public async Task TeardownAsync(LabelStudioDeploymentOptions options, bool purge, CancellationToken ct)
    {
        if (RunningPid(options) is { } pid)
        {
            await StopAsync(pid, ct).ConfigureAwait(false);
            logger.LogInformation("Stopped the Label Studio process {Pid}.", pid);
        }
        else
        {
            logger.LogInformation("No Label Studio process of {Home} is running: nothing to stop.", Home(options));
        }

        PrivateFiles.TryDelete(PidFile(options));
        if (!purge)
        {
            if (Directory.Exists(DataDirectory(options)))
            {
                logger.LogInformation("Kept the data folder {Data} and the credentials in {File} (Teardown --purge deletes them).", DataDirectory(options), options.CredentialsFile);
            }

            return;
        }

        if (Directory.Exists(Home(options)))
        {
            Directory.Delete(Home(options), recursive: true);
            logger.LogInformation("Deleted {Home} (Label Studio's database, uploads and log).", Home(options));
        }

        if (PrivateFiles.TryDelete(options.CredentialsFile))
        {
            logger.LogInformation("Deleted the saved credentials {File}.", options.CredentialsFile);
        }
    }

    /// <summary>The given executable, or label-studio in a virtual environment under the state folder (pip-installed once).</summary>
    private async Task<string> ResolveCommandAsync(LabelStudioDeploymentOptions options, CancellationToken ct)
    {
        if (options.Command is { } given)
        {
            var path = given.Contains('/', StringComparison.Ordinal) ? Path.GetFullPath(given) : FindOnPath(given);
            return path is not null && File.Exists(path)
                ? path
                : throw new DeploymentException($"The Label Studio command '{given}' (--label-studio-command) does not exist: pass the path of a `label-studio` executable.");
        }

        var version = options.LabelStudioVersion;
        var venv = Path.Combine(options.StateDirectory, $"label-studio-venv-{version}");
        var executable = Path.Combine(venv, "bin", "label-studio");
        if (File.Exists(executable))
        {
            return executable;
        }

        logger.LogInformation("Installing Label Studio {Version} into {Venv} (python3 -m venv, pip install label-studio=={Version}); this takes a few minutes once.", version, venv, version);
        var python = FindOnPath("python3") ?? throw new DeploymentException(
            "The process runtime needs Python 3 (python3 on PATH) to install Label Studio, or --label-studio-command with an installed `label-studio`.");
        foreach (var (file, arguments) in new (string, string[])[]
                 {
                     (python, ["-m", "venv", venv]),
                     (Path.Combine(venv, "bin", "python"), ["-m", "pip", "install", "--disable-pip-version-check", "-q", $"label-studio=={version}"]),
                 })
        {
            var result = await runner.RunAsync(file, arguments, ct).ConfigureAwait(false);
            if (!result.Succeeded)
            {
                throw new DeploymentException(
                    $"Installing Label Studio {version} failed: `{file} {string.Join(' ', arguments)}` exited with {result.ExitCode}: {DockerCli.FirstLines(result.StandardErrorText)}\n" +
                    "PyPI must be reachable (or pip configured for a mirror); else install Label Studio yourself and pass --label-studio-command=<its label-studio>, " +
                    "use Docker (--label-studio-runtime=docker), or pass --label-studio-url to use an existing Label Studio.");
            }
        }

        return File.Exists(executable) ? executable : throw new DeploymentException($"pip installed label-studio=={version}, but {executable} is missing.");
    }

    private static Dictionary<string, string> Environment(LabelStudioDeploymentOptions options, string command, PostgresConnection? database)
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["LABEL_STUDIO_BASE_DATA_DIR"] = Path.GetFullPath(DataDirectory(options)),
            ["DJANGO_DB"] = "sqlite",
            ["LABEL_STUDIO_ENABLE_LEGACY_API_TOKEN"] = "true",
            ["LABEL_STUDIO_DISABLE_SIGNUP_WITHOUT_LINK"] = "true",
            ["LABEL_STUDIO_LOCAL_FILES_SERVING_ENABLED"] = options.DatasetsDirectory is null ? "false" : "true",
            ["COLLECT_ANALYTICS"] = "false",
        };
        if (options.DatasetsDirectory is { } datasets)
        {
            environment["LABEL_STUDIO_LOCAL_FILES_DOCUMENT_ROOT"] = Path.GetFullPath(datasets).TrimEnd('/');
        }

        if (options.ExternalUrl is { } external)
        {
            environment["LABEL_STUDIO_HOST"] = external.ToString().TrimEnd('/');
        }

        foreach (var (name, value) in database?.LabelStudioEnvironment ?? new Dictionary<string, string>())
        {
            environment[name] = value;
        }

        return environment;
    }

    private static string Fingerprint(string command, LabelStudioDeploymentOptions options, Dictionary<string, string> environment) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(
            command + "\n" + options.HostPort.ToString(CultureInfo.InvariantCulture) + "\n" +
            string.Join("\n", environment.OrderBy(e => e.Key, StringComparer.Ordinal).Select(e => $"{e.Key}={e.Value}")))))[..16];

    /// <summary>
    /// Starts <c>label-studio start</c> in its own session (so Ctrl-C of this run does not stop it) with its output in
    /// the log file. The shell writes its own pid and then execs Label Studio, so the pid file names the server.
    /// </summary>
    private async Task<int> StartAsync(
        LabelStudioDeploymentOptions options,
        string command,
        Dictionary<string, string> environment,
        LabelStudioCredentials credentials,
        PostgresConnection? database,
        CancellationToken ct)
    {
        logger.LogInformation(
            "Starting Label Studio ({Command}) on {Url} (127.0.0.1 only); data in {Data}{Datasets}.",
            command, options.BaseUrl, DataDirectory(options),
            options.DatasetsDirectory is null ? string.Empty : $"; serving {Path.GetFullPath(options.DatasetsDirectory)}");
        PrivateFiles.TryDelete(PidFile(options));
        var setsid = File.Exists("/usr/bin/setsid") ? "/usr/bin/setsid" : null;
        var start = new ProcessStartInfo(setsid ?? "/bin/sh")
        {
            UseShellExecute = false,
            WorkingDirectory = Home(options),
        };
        if (setsid is not null)
        {
            start.ArgumentList.Add("/bin/sh");
        }

        foreach (var argument in new[]
                 {
                     "-c", "echo $$ > \"$1\"; exec \"$0\" start --no-browser --internal-host 127.0.0.1 -p \"$2\" >> \"$3\" 2>&1 < /dev/null",
                     command, PidFile(options), options.HostPort.ToString(CultureInfo.InvariantCulture), LogFile(options),
                 })
        {
            start.ArgumentList.Add(argument);
        }

        // The pipeline's own settings (a token given as LABELPIPELINE_LABEL_STUDIO_TOKEN among them) are not Label Studio's.
        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("LABELPIPELINE_", StringComparison.Ordinal)).ToArray())
        {
            start.Environment.Remove(name);
        }

        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        // The secrets: in the server's environment only (readable by its own user, like the 0600 credentials file).
        start.Environment["LABEL_STUDIO_USERNAME"] = credentials.Username;
        start.Environment["LABEL_STUDIO_PASSWORD"] = credentials.Password;
        start.Environment["LABEL_STUDIO_USER_TOKEN"] = credentials.Token;
        if (database is not null)
        {
            start.Environment["POSTGRE_PASSWORD"] = database.Password;
        }

        using var process = Process.Start(start) ?? throw new DeploymentException($"Could not start {command}.");
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(10))
        {
            if (ReadPid(options) is { } pid)
            {
                return pid;
            }

            await Task.Delay(50, ct).ConfigureAwait(false);
        }

        throw new DeploymentException($"Label Studio ({command}) did not start: no pid in {PidFile(options)} after 10 s.{LogTail(options, credentials)}");
    }

    private async Task StopAsync(int pid, CancellationToken ct)
    {
        await runner.RunAsync("kill", ["-TERM", pid.ToString(CultureInfo.InvariantCulture)], ct).ConfigureAwait(false);
        var stopwatch = Stopwatch.StartNew();
        while (IsAlive(pid) && stopwatch.Elapsed < StopTimeout)
        {
            await Task.Delay(200, ct).ConfigureAwait(false);
        }

        if (IsAlive(pid))
        {
            logger.LogWarning("Label Studio process {Pid} did not stop within {Seconds} s: killing it.", pid, StopTimeout.TotalSeconds);
            await runner.RunAsync("kill", ["-KILL", pid.ToString(CultureInfo.InvariantCulture)], ct).ConfigureAwait(false);
        }
    }

    /// <summary>The pid of the file, when that process is alive and is a Label Studio server (not a recycled pid).</summary>
    private static int? RunningPid(LabelStudioDeploymentOptions options) =>
        ReadPid(options) is { } pid && IsAlive(pid) && CommandLineOf(pid).Contains("label-studio", StringComparison.Ordinal) ? pid : null;

    private static int? ReadPid(LabelStudioDeploymentOptions options) =>
        File.Exists(PidFile(options)) && int.TryParse(File.ReadAllText(PidFile(options)).Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var pid) ? pid : null;

    private static bool IsAlive(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited && !File.ReadAllText($"/proc/{pid}/stat").Contains(") Z ", StringComparison.Ordinal);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or IOException)
        {
            return false;
        }
    }

    private static string CommandLineOf(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ');
        }
        catch (IOException)
        {
            return string.Empty;
        }
    }

    private static string LogTail(LabelStudioDeploymentOptions options, LabelStudioCredentials credentials)
    {
        if (!File.Exists(LogFile(options)))
        {
            return string.Empty;
        }

        var lines = File.ReadLines(LogFile(options)).TakeLast(15).Select(line => LabelStudioStartup.Redact(line, credentials));
        return "\nLast lines of its log:\n  " + string.Join("\n  ", lines);
    }

    private static string? FindOnPath(string name) =>
        (System.Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
        .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
        .Select(directory => Path.Combine(directory, name))
        .FirstOrDefault(File.Exists);

    private static LabelStudioEndpoint Endpoint(LabelStudioDeploymentOptions options, LabelStudioCredentials credentials, DeploymentAction action, int pid) =>
        new(options.BaseUrl, options.ExternalUrl ?? options.BaseUrl, credentials.Token, credentials.Username, action,
            "pid " + pid.ToString(CultureInfo.InvariantCulture), options.CredentialsFile);
}
