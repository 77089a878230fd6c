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

    /// <summary>Reads and checks the runtime's and the database's settings; errors are collected in <paramref name="arguments"/>.</summary>
    public static RuntimeSettings Read(ArgumentReader arguments)
    {
        if (arguments.FromCommandLine(Arguments.PostgresPassword))
        {
            arguments.Error($"--{Arguments.PostgresPassword} is not accepted on the command line (other users of the machine can read it): set {Arguments.PostgresPassword.EnvironmentVariable} instead.");
        }

        var runtime = LabelStudioRuntimes.Parse(arguments.Choice(Arguments.LabelStudioRuntime));
        var command = arguments.Optional(Arguments.LabelStudioCommand);
        var port = arguments.WholeNumber(Arguments.PostgresPort);
        var postgres = arguments.Choice(Arguments.Database) != "postgresql"
            ? null
            : new PostgresOptions
            {
                Image = arguments.Text(Arguments.PostgresImage),
                Host = arguments.Optional(Arguments.PostgresHost),
                Port = port,
                User = arguments.Text(Arguments.PostgresUser),
                Database = arguments.Text(Arguments.PostgresName),
                Password = arguments.FromCommandLine(Arguments.PostgresPassword) ? null : arguments.Optional(Arguments.PostgresPassword),
            };
        return new RuntimeSettings { Runtime = runtime, Command = command, Postgres = postgres };
    }
}
