using System.Diagnostics;

namespace LabelPipeline.TestSupport;

/// <summary>What one run of the pipeline printed and returned, and how long it took.</summary>
public sealed record PipelineRun(int ExitCode, string Output, TimeSpan Elapsed)
{
    public override string ToString() => $"exit {ExitCode} after {Elapsed.TotalSeconds:0.0} s\n{Output}";
}

/// <summary>
/// Runs the real pipeline executable (build/Build.csproj's output) as a user would, in the repository root, so the
/// tests see the real command line, exit codes and output. Shared by the test projects (linked from tests/Shared).
/// The developer's own LABELPIPELINE_* and AWS_* variables are removed, and the AWS instance metadata service and
/// credential files are switched off, so a run sees only the settings and credentials the test gives it (and never
/// sends traffic off the machine).
/// </summary>
public static class PipelineRunner
{
    private static readonly string BuildDll = FindBuildDll();

    /// <param name="whileRunning">Called with the process id once it started; its token is cancelled when the process exits.</param>
    public static async Task<PipelineRun> RunAsync(
        IEnumerable<string> arguments,
        IReadOnlyDictionary<string, string>? environment = null,
        TimeSpan? timeout = null,
        Func<int, CancellationToken, Task>? whileRunning = null)
    {
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = Repository.Root };
        start.ArgumentList.Add(BuildDll);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("LABELPIPELINE_", StringComparison.Ordinal) || k.StartsWith("AWS_", StringComparison.Ordinal)).ToArray())
        {
            start.Environment.Remove(name); // a developer's own settings must not leak into a test
        }

        start.Environment["NO_COLOR"] = "1";
        start.Environment["AWS_EC2_METADATA_DISABLED"] = "true";
        start.Environment["AWS_SHARED_CREDENTIALS_FILE"] = "/nonexistent/labelpipeline-tests/credentials";
        start.Environment["AWS_CONFIG_FILE"] = "/nonexistent/labelpipeline-tests/config";
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        var run = await ChildProcess.RunAsync(start, timeout ?? TimeSpan.FromMinutes(2), whileRunning);
        return new PipelineRun(run.ExitCode, run.Output, run.Elapsed);
    }

    private static string FindBuildDll()
    {
        // The test's own output path says which configuration was built (bin/Debug/net10.0 or bin/Release/net10.0).
        var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";
        var dll = Path.Combine(Repository.Root, "build", "bin", configuration, "net10.0", "Build.dll");
        return File.Exists(dll) ? dll : throw new FileNotFoundException($"Build the pipeline first: {dll} is missing.");
    }
}
