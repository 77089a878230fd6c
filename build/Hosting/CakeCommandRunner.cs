using Cake.Core;
using Cake.Core.IO;
using LabelPipeline.Processes;

namespace Build.Hosting;

/// <summary>Runs commands through Cake's own process runner (what Cake.Docker does under the hood), so the
/// capability code can drive the docker CLI without knowing Cake.</summary>
public sealed class CakeCommandRunner(IProcessRunner processRunner) : ICommandRunner
{
    public Task<CommandResult> RunAsync(string fileName, IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        var builder = new ProcessArgumentBuilder();
        foreach (var argument in arguments)
        {
            if (argument.Contains('"'))
            {
                // ProcessArgumentBuilder does not escape embedded quotes; refuse rather than mangle argv.
                throw new ArgumentException($"Argument contains a double quote, which cannot be passed safely: {argument}");
            }

            if (argument.Length == 0 || argument.Any(char.IsWhiteSpace))
            {
                builder.AppendQuoted(argument);
            }
            else
            {
                builder.Append(argument);
            }
        }

        var settings = new ProcessSettings
        {
            Arguments = builder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };

        return Task.Run(
            () =>
            {
                cancellationToken.ThrowIfCancellationRequested();
                using var process = processRunner.Start(new FilePath(fileName), settings)
                    ?? throw new InvalidOperationException($"Could not start '{fileName}'.");
                using var registration = cancellationToken.Register(() => process.Kill());
                process.WaitForExit();
                cancellationToken.ThrowIfCancellationRequested();
                return new CommandResult(
                    process.GetExitCode(),
                    process.GetStandardOutput().ToArray(),
                    process.GetStandardError().ToArray());
            },
            cancellationToken);
    }
}
