namespace RealServer.Tests.Support;

/// <summary>
/// A private PostgreSQL cluster (Debian's postgresql) on a free loopback port, started by the kit's
/// reference/pg-start.sh (initdb as the OS user postgres, scram over TCP) in a scratch folder, stopped and removed after.
/// </summary>
public sealed class PostgresCluster : IAsyncDisposable
{
    private const string Database = "labelstudio";
    private const string User = "labelstudio";
    private readonly Dictionary<string, string> _environment;

    private PostgresCluster(string directory, int port, string password)
    {
        Port = port;
        Password = password;
        _environment = new Dictionary<string, string>
        {
            ["PG_DIR"] = directory,
            ["PG_PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["PG_DB"] = Database,
            ["PG_USER"] = User,
            ["PG_PASSWORD"] = password,
        };
    }

    public int Port { get; }

    public string Password { get; }

    public string Version { get; private set; } = "?";

    private static string Script => Path.Combine(RealLabelStudio.Kit, "reference", "pg-start.sh");

    /// <summary>The settings Label Studio reads to use this cluster (DJANGO_DB=default).</summary>
    public IReadOnlyDictionary<string, string> LabelStudioEnvironment => new Dictionary<string, string>
    {
        ["DJANGO_DB"] = "default",
        ["POSTGRE_NAME"] = Database,
        ["POSTGRE_USER"] = User,
        ["POSTGRE_PASSWORD"] = Password,
        ["POSTGRE_HOST"] = "127.0.0.1",
        ["POSTGRE_PORT"] = Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    public static async Task<PostgresCluster> StartAsync(string directory, CancellationToken ct)
    {
        var cluster = new PostgresCluster(directory, FreePort.Next(), Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16)));
        var run = await ChildProcess.RunAsync("bash", [Script], cluster._environment, TimeSpan.FromMinutes(5));
        var output = run.Output.Replace(cluster.Password, "***", StringComparison.Ordinal);
        if (run.ExitCode != 0)
        {
            throw new InvalidOperationException($"reference/pg-start.sh failed (exit {run.ExitCode}):\n{output}");
        }

        cluster.Version = output.Split('\n').FirstOrDefault(l => l.StartsWith("PostgreSQL", StringComparison.Ordinal))?.Trim() ?? "?";
        return cluster;
    }

    public async ValueTask DisposeAsync() =>
        await ChildProcess.RunAsync("bash", [Script, "--stop"], _environment, TimeSpan.FromMinutes(2));
}
