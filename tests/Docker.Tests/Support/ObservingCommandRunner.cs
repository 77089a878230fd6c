using LabelPipeline.Processes;

namespace Docker.Tests.Support;

/// <summary>
/// Wraps the real runner and records what went through it: every argument list, and for <c>docker run</c> the env
/// file's mode and existence at the moment docker read it.
/// </summary>
public sealed class ObservingCommandRunner(ICommandRunner inner) : ICommandRunner
{
    private readonly List<IReadOnlyList<string>> _commands = [];
    private readonly List<EnvFileObservation> _envFiles = [];

    public IReadOnlyList<IReadOnlyList<string>> Commands
    {
        get
        {
            lock (_commands)
            {
                return [.. _commands];
            }
        }
    }

    public IReadOnlyList<EnvFileObservation> EnvFiles
    {
        get
        {
            lock (_envFiles)
            {
                return [.. _envFiles];
            }
        }
    }

    public async Task<CommandResult> RunAsync(string fileName, IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        lock (_commands)
        {
            _commands.Add([fileName, .. arguments]);
        }

        var index = arguments.ToList().IndexOf("--env-file");
        if (index >= 0 && index + 1 < arguments.Count)
        {
            var path = arguments[index + 1];
            var exists = File.Exists(path);
            var observation = new EnvFileObservation(
                path,
                exists,
                exists ? File.GetUnixFileMode(path) : null,
                exists ? File.ReadAllLines(path).Select(l => l.Split('=')[0]).ToArray() : []);
            lock (_envFiles)
            {
                _envFiles.Add(observation);
            }
        }

        return await inner.RunAsync(fileName, arguments, cancellationToken).ConfigureAwait(false);
    }
}

/// <summary>An env file as it was when <c>docker run</c> was about to read it.</summary>
public sealed record EnvFileObservation(string Path, bool Existed, UnixFileMode? Mode, IReadOnlyList<string> VariableNames);
