using System.Diagnostics;

namespace LabelPipeline.Tests;

/// <summary>
/// build.sh runs the built program directly while no source changed since the last build, and builds again when one
/// did. Proven on a copy of the repository's build sources: a task's description edited in the copy shows up in the
/// next <c>--description</c> output, and a call with nothing changed does not build.
/// </summary>
public sealed class BuildScriptTests : IDisposable
{
    private const string Building = "building the pipeline";
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private static void Copy(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from))
        {
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        }

        foreach (var folder in Directory.GetDirectories(from).Where(d => Path.GetFileName(d) is not ("bin" or "obj")))
        {
            Copy(folder, Path.Combine(to, Path.GetFileName(folder)));
        }
    }

    private (int ExitCode, string Output, string Errors) BuildSh(params string[] arguments)
    {
        var start = new ProcessStartInfo("bash") { WorkingDirectory = _temp.Path, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(_temp.Path, "build.sh"));
        arguments.ToList().ForEach(start.ArgumentList.Add);
        start.Environment.Remove("LABELPIPELINE_REBUILD");
        start.Environment["NO_COLOR"] = "1";
        using var process = Process.Start(start)!;
        var errors = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        Assert.True(process.WaitForExit(TimeSpan.FromMinutes(10)), "build.sh did not finish in 10 minutes");
        return (process.ExitCode, output, errors.Result);
    }

    [SkippableFact]
    public void A_source_change_triggers_a_rebuild_and_nothing_else_does()
    {
        Skip.IfNot(OperatingSystem.IsLinux() || OperatingSystem.IsMacOS(), "build.sh is the POSIX script");
        Copy(Path.Combine(Repository.Root, "build"), Path.Combine(_temp.Path, "build"));
        foreach (var file in new[] { "build.sh", "global.json", "Directory.Build.props", "Directory.Packages.props" })
        {
            File.Copy(Path.Combine(Repository.Root, file), Path.Combine(_temp.Path, file));
        }

        var first = BuildSh("--description");
        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.Contains(Building, first.Errors, StringComparison.Ordinal);
        Assert.Contains("Turns each source CSV into task files", first.Output, StringComparison.Ordinal);

        var second = BuildSh("--description");
        Assert.True(second.ExitCode == 0, second.ToString());
        Assert.DoesNotContain(Building, second.Errors, StringComparison.Ordinal);
        Assert.Equal(first.Output, second.Output);

        var task = Path.Combine(_temp.Path, "build", "Tasks", "Prepare.cs");
        File.WriteAllText(task, File.ReadAllText(task).Replace("Turns each source CSV into task files", "Turns each EDITED source CSV into task files", StringComparison.Ordinal));
        var edited = BuildSh("--description");
        Assert.True(edited.ExitCode == 0, edited.ToString());
        Assert.Contains(Building, edited.Errors, StringComparison.Ordinal);
        Assert.Contains("Turns each EDITED source CSV", edited.Output, StringComparison.Ordinal);

        // A broken source fails the call with the compiler's message, and is built again (not skipped) on the next call.
        File.AppendAllText(task, "\nthis does not compile\n");
        var broken = BuildSh("--description");
        Assert.NotEqual(0, broken.ExitCode);
        Assert.Contains("error CS", broken.Errors, StringComparison.Ordinal);
        Assert.NotEqual(0, BuildSh("--description").ExitCode);
    }
}
