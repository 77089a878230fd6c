using System.Diagnostics;
using System.Text;

namespace LabelPipeline.TestSupport;

/// <summary>What a child process printed and returned: both streams interleaved as they came, and each on its own.</summary>
public sealed record ChildProcessResult(int ExitCode, string Output, string StandardOutput, string StandardError, TimeSpan Elapsed);

/// <summary>
/// Runs a child process with a time limit (killed with its children when it is over), collecting its output. The one
/// process runner of the test projects: scripts of the kit, the node tools, the pipeline. Secrets go in through the
/// environment, never the command line.
/// </summary>
public static class ChildProcess
{
    public static Task<ChildProcessResult> RunAsync(
        string fileName, IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment, TimeSpan timeout, string? workingDirectory = null)
    {
        var start = new ProcessStartInfo(fileName) { WorkingDirectory = workingDirectory ?? Repository.Root };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        return RunAsync(start, timeout);
    }

    /// <param name="whileRunning">Called with the process id once it started; its token is cancelled when the process exits.</param>
    public static async Task<ChildProcessResult> RunAsync(ProcessStartInfo start, TimeSpan timeout, Func<int, CancellationToken, Task>? whileRunning = null)
    {
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.UseShellExecute = false;
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(start)!;
        var output = new StringBuilder();
        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        void Line(StringBuilder stream, string? line)
        {
            if (line is null)
            {
                return;
            }

            lock (output)
            {
                output.AppendLine(line);
                stream.AppendLine(line);
            }
        }

        process.OutputDataReceived += (_, e) => Line(stdout, e.Data);
        process.ErrorDataReceived += (_, e) => Line(stderr, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var exited = new CancellationTokenSource();
        var watcher = whileRunning?.Invoke(process.Id, exited.Token) ?? Task.CompletedTask;
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            lock (output)
            {
                throw new TimeoutException($"{Path.GetFileName(start.FileName)} {start.ArgumentList.FirstOrDefault()} did not finish within {timeout.TotalSeconds:0} s:\n{output}");
            }
        }
        finally
        {
            await exited.CancelAsync();
            await watcher;
        }

        process.WaitForExit(); // flush the output events
        lock (output)
        {
            return new ChildProcessResult(process.ExitCode, output.ToString(), stdout.ToString(), stderr.ToString(), clock.Elapsed);
        }
    }
}
