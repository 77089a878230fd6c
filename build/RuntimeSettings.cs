using LabelPipeline.Deployment;

namespace Build;

/// <summary>
/// How Deploy runs Label Studio: the runtime (Docker or a local process) and the database (SQLite, or PostgreSQL in a
/// container Deploy runs, or an existing server). The PostgreSQL password of an existing server comes only from the
/// variable LABELPIPELINE_POSTGRES_PASSWORD (a command line is visible to every user of the machine).
/// </summary>
public sealed record RuntimeSettings
{
    public required LabelStudioRuntime Runtime { get; init; }

    /// <summary>The process runtime's label-studio executable; null: pip-installed under the state folder.</summary>
    public string? Command { get; init; }

    /// <summary>Null: SQLite in Label Studio's data volume (or folder).</summary>
    public PostgresOptions? Postgres { get; init; }

    public static RuntimeSettings Read(Func<string, string?> get, Func<string, bool> fromCommandLine)
    {
        string? Optional(string name) => get(name) is { Length: > 0 } value ? value.Trim() : null;
        var errors = new List<string>();
        var runtime = LabelStudioRuntime.Auto;
        try
        {
            runtime = LabelStudioRuntimes.Parse(Optional(Arguments.LabelStudioRuntime) ?? "auto");
        }
        catch (ArgumentException e)
        {
            errors.Add(e.Message);
        }

        if (fromCommandLine(Arguments.PostgresPassword))
        {
            errors.Add($"--{Arguments.PostgresPassword} is not accepted on the command line (other users of the machine can read it): set LABELPIPELINE_POSTGRES_PASSWORD instead.");
        }

        PostgresOptions? postgres = null;
        switch (Optional(Arguments.Database)?.ToLowerInvariant() ?? "sqlite")
        {
            case "sqlite":
                break;
            case "postgresql" or "postgres":
                var port = PostgresOptions.DefaultPort;
                if (Optional(Arguments.PostgresPort) is { } portText && (!int.TryParse(portText, out port) || port is < 1 or > 65535))
                {
                    errors.Add($"--{Arguments.PostgresPort}={portText}: use a port from 1 to 65535.");
                }

                postgres = new PostgresOptions
                {
                    Image = Optional(Arguments.PostgresImage) ?? PostgresOptions.DefaultImage,
                    Host = Optional(Arguments.PostgresHost),
                    Port = port,
                    User = Optional(Arguments.PostgresUser) ?? PostgresOptions.DefaultUser,
                    Database = Optional(Arguments.PostgresName) ?? PostgresOptions.DefaultDatabase,
                    Password = get(Arguments.PostgresPassword) is { Length: > 0 } password ? password : null,
                };
                break;
            case var other:
                errors.Add($"--{Arguments.Database}={other}: expected sqlite or postgresql.");
                break;
        }

        if (errors.Count > 0)
        {
            throw new ArgumentException("Invalid arguments:\n  " + string.Join("\n  ", errors));
        }

        return new RuntimeSettings { Runtime = runtime, Command = Optional(Arguments.LabelStudioCommand), Postgres = postgres };
    }
}
