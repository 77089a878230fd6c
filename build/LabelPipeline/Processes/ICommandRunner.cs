namespace LabelPipeline.Processes;

/// <summary>Runs an external command (docker, ...). The Cake host adapts Cake's process runner to this,
/// so capability code stays free of Cake and tests can run the real thing.</summary>
public interface ICommandRunner
{
    /// <param name="fileName">Executable name or path, e.g. "docker".</param>
    /// <param name="arguments">Arguments, each passed as one argv element (never joined through a shell).
    /// Never put a secret here: argument lists are visible to every user of the machine.</param>
    Task<CommandResult> RunAsync(string fileName, IReadOnlyList<string> arguments, CancellationToken cancellationToken);
}

/// <summary>What a finished command returned.</summary>
public sealed record CommandResult(int ExitCode, IReadOnlyList<string> StandardOutput, IReadOnlyList<string> StandardError)
{
    public bool Succeeded => ExitCode == 0;
    public string StandardErrorText => string.Join('\n', StandardError);
    public string StandardOutputText => string.Join('\n', StandardOutput);
}
