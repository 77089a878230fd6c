using System.Diagnostics;
using System.Text;

namespace S3.Tests.Support;

/// <summary>What one run of the pipeline printed and returned.</summary>
public sealed record PipelineRun(int ExitCode, string Output)
{
    public override string ToString() => $"exit {ExitCode}\n{Output}";
}

/// <summary>
/// Runs the real pipeline executable (build/Build.csproj's output) in the repository root, as a user would. The
/// developer's own LABELPIPELINE_* and AWS_* variables are removed, and the instance metadata service is switched off,
/// so a run can only see the credentials and endpoints the test gives it (and never sends traffic off the machine).
/// </summary>
public static class PipelineRunner
{
    private static readonly string BuildDll = FindBuildDll();

    public static async Task<PipelineRun> RunAsync(IEnumerable<string> arguments, IReadOnlyDictionary<string, string> environment, TimeSpan? timeout = null)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = TestPaths.Root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(BuildDll);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("LABELPIPELINE_", StringComparison.Ordinal) || k.StartsWith("AWS_", StringComparison.Ordinal)).ToArray())
        {
            start.Environment.Remove(name);
        }

        start.Environment["NO_COLOR"] = "1";
        start.Environment["AWS_EC2_METADATA_DISABLED"] = "true";
        start.Environment["AWS_SHARED_CREDENTIALS_FILE"] = "/nonexistent/labelpipeline-tests/credentials";
        start.Environment["AWS_CONFIG_FILE"] = "/nonexistent/labelpipeline-tests/config";
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start)!;
        var output = new StringBuilder();
        var gate = new object();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { lock (gate) { output.AppendLine(e.Data); } } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { lock (gate) { output.AppendLine(e.Data); } } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromMinutes(3));
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"The pipeline did not finish in time:\n{output}");
        }

        process.WaitForExit(); // flush the output events
        lock (gate)
        {
            return new PipelineRun(process.ExitCode, output.ToString());
        }
    }

    private static string FindBuildDll()
    {
        var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";
        var dll = Path.Combine(TestPaths.Root, "build", "bin", configuration, "net10.0", "Build.dll");
        return File.Exists(dll) ? dll : throw new FileNotFoundException($"Build the pipeline first: {dll} is missing.");
    }
}
