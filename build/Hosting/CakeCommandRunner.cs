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

        // Output is collected by the handlers, never read back through IProcess.GetStandardOutput: Cake echoes what
        // that returns at diagnostic verbosity, and `docker inspect` output holds the container's environment
        // (Label Studio's first-boot token). The caller decides what of the output to log.
        var standardOutput = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var standardError = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var settings = new ProcessSettings
        {
            Arguments = builder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectedStandardOutputHandler = line =>
            {
                if (line is not null)
                {
                    standardOutput.Enqueue(line); // null marks the end of the stream
                }

                return line;
            },
            RedirectedStandardErrorHandler = line =>
            {
                if (line is not null)
                {
                    standardError.Enqueue(line); // null marks the end of the stream
                }

                return line;
            },
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
                return new CommandResult(process.GetExitCode(), standardOutput.ToArray(), standardError.ToArray());
            },
            cancellationToken);
    }
}
