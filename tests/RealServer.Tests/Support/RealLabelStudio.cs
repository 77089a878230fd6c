using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text.Json.Nodes;

namespace RealServer.Tests.Support;

/// <summary>
/// The real Label Studio server from the shared kit (../shared/label-studio/server, upstream develop 2023-09,
/// "1.8.3dev"), installed and started ONCE per test run by the kit's install-and-run.sh: a private prefix (venv,
/// SQLite database), a free loopback port, a fresh user, password and legacy token, local-file serving over
/// <see cref="DocumentRoot"/>; stopped and removed afterwards. A fresh machine spends ~3-4 min here (apt, pip,
/// migrate), an installed one ~1 min (pip into the new venv, migrate).
/// <para>
/// To reuse it in a test class: put the class in <c>[Collection(RealServerCollection.Name)]</c>, take
/// <see cref="RealLabelStudio"/> in its constructor, and call <see cref="Require"/> first in each test (it skips when
/// the kit cannot run here, or fails under LABELPIPELINE_REQUIRE_REAL_LS=1). Create datasets with
/// <see cref="NewDatasetsDirectory"/> (inside the document root, so the server can serve them) and pass
/// <see cref="PipelineArguments"/> to the pipeline. Projects stay for the whole run: title them uniquely.
/// </para>
/// </summary>
public class RealLabelStudio : IAsyncLifetime
{
    public const string RequireVariable = "LABELPIPELINE_REQUIRE_REAL_LS";

    /// <summary>The first-boot user (an email, as Label Studio stores it).</summary>
    public const string Username = "admin@example.com";

    private static readonly TimeSpan InstallTimeout = TimeSpan.FromMinutes(20);
    private readonly TempDirectory _run = new();
    private readonly bool _onPostgres;
    private PostgresCluster? _postgres;
    private HttpClient? _http;
    private string? _unavailable;

    public RealLabelStudio()
        : this(onPostgres: false)
    {
    }

    protected RealLabelStudio(bool onPostgres) => _onPostgres = onPostgres;

    public static bool Required => Environment.GetEnvironmentVariable(RequireVariable) == "1";

    /// <summary>The shared kit: ../shared/label-studio/server beside the clone.</summary>
    public static string Kit => Path.Combine(Repository.Shared, "label-studio", "server");

    /// <summary>The upstream commit of the kit's Label Studio source tree.</summary>
    public static string KitCommit
    {
        get
        {
            var file = Path.Combine(Kit, "src", "label-studio", ".src-commit");
            return File.Exists(file) ? File.ReadAllText(file).Trim() : "?";
        }
    }

    public Uri BaseUrl { get; private set; } = null!;

    /// <summary>The admin's legacy API token (random per run; never printed).</summary>
    public string Token { get; } = Convert.ToHexString(RandomNumberGenerator.GetBytes(20)).ToLowerInvariant();

    public string Password { get; } = "pw-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(12));

    /// <summary>Label Studio's LOCAL_FILES_DOCUMENT_ROOT; datasets the server serves must be under it.</summary>
    public string DocumentRoot => Path.Combine(_run.Path, "files");

    /// <summary>"sqlite" or "postgresql".</summary>
    public string Database => _onPostgres ? "postgresql" : "sqlite";

    /// <summary>What <c>GET /api/version</c> answered (release, commit, ...).</summary>
    public JsonObject Version { get; private set; } = [];

    public string Release => Version["release"]?.ToString() ?? "?";

    public string? PostgresVersion => _postgres?.Version;

    /// <summary>How long installing and starting took (apt, pip, migrate, start).</summary>
    public TimeSpan StartupTime { get; private set; }

    /// <summary>The install script's own timing line.</summary>
    public string InstallTimings { get; private set; } = string.Empty;

    private string Prefix => Path.Combine(_run.Path, "prefix");

    private Dictionary<string, string> ScriptEnvironment { get; set; } = [];

    /// <summary>The server's log so far (secrets removed), for failure messages.</summary>
    public string ServerLog => Redact(File.Exists(Path.Combine(Prefix, "server.log")) ? File.ReadAllText(Path.Combine(Prefix, "server.log")) : string.Empty);

    /// <summary>Skips the calling test when the server could not start here, or fails it under LABELPIPELINE_REQUIRE_REAL_LS=1.</summary>
    public void Require()
    {
        if (_unavailable is null)
        {
            return;
        }

        if (Required)
        {
            throw new InvalidOperationException($"{RequireVariable}=1, but the real Label Studio is not available: {_unavailable}");
        }

        Skip.If(true, $"The real Label Studio is not available: {_unavailable} (run tests/run.sh as root to install it; {RequireVariable}=1 makes this a failure).");
    }

    /// <summary>A fresh, empty datasets folder inside the document root (pass it as --datasets-dir and --local-files-root).</summary>
    public string NewDatasetsDirectory()
    {
        var directory = Path.Combine(DocumentRoot, Guid.NewGuid().ToString("N")[..12], "datasets");
        Directory.CreateDirectory(directory);
        return directory;
    }

    /// <summary>The arguments that point the pipeline at this server for a datasets folder it serves.</summary>
    public string[] PipelineArguments(string datasetsDirectory) =>
    [
        $"--label-studio-url={BaseUrl}",
        $"--datasets-dir={datasetsDirectory}",
        $"--local-files-root={datasetsDirectory}", // the server runs on this machine: it sees the folder where it is
    ];

    /// <summary>The pipeline's environment for this server: the token as a variable, never on the command line.</summary>
    public Dictionary<string, string> PipelineEnvironment() => new() { ["LABELPIPELINE_LABEL_STUDIO_TOKEN"] = Token };

    /// <summary>A raw JSON client for this server (token auth).</summary>
    public LabelStudioHttp Api => new(_http ?? throw new InvalidOperationException("The server did not start."));

    public async Task InitializeAsync()
    {
        var script = Path.Combine(Kit, "install-and-run.sh");
        if (!File.Exists(script))
        {
            _unavailable = $"{script} is missing (../shared/label-studio/server is not beside the clone).";
            return;
        }

        var clock = System.Diagnostics.Stopwatch.StartNew();
        try
        {
            Directory.CreateDirectory(DocumentRoot);
            var port = FreePort.Next();
            ScriptEnvironment = new Dictionary<string, string>
            {
                ["LS_PREFIX"] = Prefix,
                ["LS_PORT"] = port.ToString(CultureInfo.InvariantCulture),
                ["LS_DOCUMENT_ROOT"] = DocumentRoot,
                ["LS_USERNAME"] = Username,
                ["LS_PASSWORD"] = Password,
                ["LS_TOKEN"] = Token,
            };
            if (_onPostgres)
            {
                _postgres = await PostgresCluster.StartAsync(Path.Combine(_run.Path, "pg"), CancellationToken.None);
                foreach (var (name, value) in _postgres.LabelStudioEnvironment)
                {
                    ScriptEnvironment[name] = value;
                }
            }

            var run = await ChildProcess.RunAsync("bash", [script, Path.Combine(Kit, "src")], ScriptEnvironment, InstallTimeout);
            if (run.ExitCode != 0)
            {
                _unavailable = $"install-and-run.sh failed (exit {run.ExitCode}):\n{Redact(run.Output)}";
                return;
            }

            InstallTimings = run.Output.Split('\n').LastOrDefault(l => l.StartsWith("timings:", StringComparison.Ordinal))?.Trim() ?? string.Empty;
            BaseUrl = new Uri($"http://127.0.0.1:{port}/");
            _http = new HttpClient { BaseAddress = BaseUrl, Timeout = TimeSpan.FromMinutes(2) };
            _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Token", Token);
            Version = (JsonObject)await Api.JsonAsync(HttpMethod.Get, "/api/version");
            StartupTime = clock.Elapsed;
        }
        catch (Exception e)
        {
            _unavailable = $"{e.GetType().Name}: {Redact(e.Message)}";
        }
    }

    public async Task DisposeAsync()
    {
        _http?.Dispose();
        if (ScriptEnvironment.Count > 0)
        {
            await ChildProcess.RunAsync("bash", [Path.Combine(Kit, "install-and-run.sh"), "--stop"], ScriptEnvironment, TimeSpan.FromMinutes(1));
        }

        if (_postgres is not null)
        {
            await _postgres.DisposeAsync();
        }

        _run.Dispose();
    }

    /// <summary>The text with this run's token and passwords replaced by ***.</summary>
    public string Redact(string text)
    {
        text = text.Replace(Token, "***", StringComparison.Ordinal).Replace(Password, "***", StringComparison.Ordinal);
        return _postgres is null ? text : text.Replace(_postgres.Password, "***", StringComparison.Ordinal);
    }
}

/// <summary>The same server on a private PostgreSQL cluster (Debian's postgresql) instead of SQLite.</summary>
public sealed class RealLabelStudioOnPostgres() : RealLabelStudio(onPostgres: true);

/// <summary>The test classes that share the real server on SQLite (one per test run).</summary>
[CollectionDefinition(Name)]
public sealed class RealServerCollection : ICollectionFixture<RealLabelStudio>
{
    public const string Name = "Real Label Studio (SQLite)";
}

/// <summary>The test classes that share the real server on PostgreSQL (one per test run).</summary>
[CollectionDefinition(Name)]
public sealed class RealServerOnPostgresCollection : ICollectionFixture<RealLabelStudioOnPostgres>
{
    public const string Name = "Real Label Studio (PostgreSQL)";
}
