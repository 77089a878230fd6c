using System.Diagnostics;
using System.Reflection.PortableExecutable;
using System.Runtime.InteropServices;

namespace LabelPipeline.Tests;

/// <summary>
/// build.sh runs the built program directly while no source changed since the last build, and builds again when one
/// did. Proven on a copy of the repository's build sources: a task's description edited in the copy shows up in the
/// next <c>--description</c> output, and a call with nothing changed does not build. On Linux x64 the program it builds
/// is ReadyToRun (precompiled), unless <c>LABELPIPELINE_READYTORUN=0</c> asks for plain IL.
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

    /// <summary>The repository's build sources (no bin/ or obj/) and build.sh, copied into the test's folder.</summary>
    private void CopyBuildSources()
    {
        Copy(Path.Combine(Repository.Root, "build"), Path.Combine(_temp.Path, "build"));
        foreach (var file in new[] { "build.sh", "global.json", "Directory.Build.props", "Directory.Packages.props" })
        {
            File.Copy(Path.Combine(Repository.Root, file), Path.Combine(_temp.Path, file));
        }
    }

    private Task<(int ExitCode, string Output, string Errors)> BuildSh(params string[] arguments) => BuildSh(new Dictionary<string, string>(), arguments);

    private Task<(int ExitCode, string Output, string Errors)> BuildSh(Dictionary<string, string> environment, params string[] arguments) =>
        Run("bash", [Path.Combine(_temp.Path, "build.sh"), .. arguments], environment);

    /// <summary>A script in the test's folder, without the developer's own build switches, through the shared runner.</summary>
    private async Task<(int ExitCode, string Output, string Errors)> Run(string program, IEnumerable<string> arguments, Dictionary<string, string> environment)
    {
        var start = new ProcessStartInfo(program) { WorkingDirectory = _temp.Path };
        arguments.ToList().ForEach(start.ArgumentList.Add);
        start.Environment.Remove("LABELPIPELINE_REBUILD");
        start.Environment.Remove("LABELPIPELINE_READYTORUN");
        start.Environment["NO_COLOR"] = "1";
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        var run = await ChildProcess.RunAsync(start, TimeSpan.FromMinutes(10));
        return (run.ExitCode, run.StandardOutput, run.StandardError);
    }

    [SkippableFact]
    public async Task A_source_change_triggers_a_rebuild_and_nothing_else_does()
    {
        Skip.IfNot(OperatingSystem.IsLinux() || OperatingSystem.IsMacOS(), "build.sh is the POSIX script");
        CopyBuildSources();

        var first = await BuildSh("--description");
        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.Contains(Building, first.Errors, StringComparison.Ordinal);
        Assert.Contains("Turns each source CSV into task files", first.Output, StringComparison.Ordinal);

        var program = Path.Combine(_temp.Path, "build", "bin", "publish", "LabelPipeline.dll");
        var linuxX64 = OperatingSystem.IsLinux() && RuntimeInformation.OSArchitecture == Architecture.X64;
        Assert.True(!linuxX64 || IsReadyToRun(program), $"{program} is not ReadyToRun: {first.Errors}");

        var second = await BuildSh("--description");
        Assert.True(second.ExitCode == 0, second.ToString());
        Assert.DoesNotContain(Building, second.Errors, StringComparison.Ordinal);
        Assert.Equal(first.Output, second.Output);

        var task = Path.Combine(_temp.Path, "build", "Tasks", "Prepare.cs");
        File.WriteAllText(task, File.ReadAllText(task).Replace("Turns each source CSV into task files", "Turns each EDITED source CSV into task files", StringComparison.Ordinal));
        var edited = await BuildSh("--description");
        Assert.True(edited.ExitCode == 0, edited.ToString());
        Assert.Contains(Building, edited.Errors, StringComparison.Ordinal);
        Assert.Contains("Turns each EDITED source CSV", edited.Output, StringComparison.Ordinal);

        // A broken source fails the call with the compiler's message, and is built again (not skipped) on the next call.
        File.AppendAllText(task, "\nthis does not compile\n");
        var broken = await BuildSh("--description");
        Assert.NotEqual(0, broken.ExitCode);
        Assert.Contains("error CS", broken.Errors, StringComparison.Ordinal);
        Assert.NotEqual(0, (await BuildSh("--description")).ExitCode);
    }

    [SkippableFact]
    public async Task The_program_is_plain_IL_when_ReadyToRun_is_turned_off()
    {
        Skip.IfNot(OperatingSystem.IsLinux() || OperatingSystem.IsMacOS(), "build.sh is the POSIX script");
        CopyBuildSources();

        var plain = await BuildSh(new Dictionary<string, string> { ["LABELPIPELINE_READYTORUN"] = "0" }, "--description");
        Assert.True(plain.ExitCode == 0, plain.ToString());
        Assert.Contains("Turns each source CSV into task files", plain.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("without ReadyToRun", plain.Errors, StringComparison.Ordinal); // asked for, not a fallback
        Assert.False(IsReadyToRun(Path.Combine(_temp.Path, "build", "bin", "publish", "LabelPipeline.dll")));
    }

    /// <summary>
    /// build.ps1, the same logic for PowerShell, run by pwsh (tests/run.sh installs it from NuGet as a .NET tool into
    /// tests/.tools): it builds ReadyToRun, does not build again while nothing changed (its stamp is a dot file, which
    /// pwsh hides on Linux), and builds plain IL when asked.
    /// </summary>
    [SkippableFact]
    public async Task Build_ps1_builds_ReadyToRun_once_and_plain_IL_when_asked()
    {
        var pwsh = new[] { Path.Combine(Repository.Root, "tests", ".tools", "pwsh") }
            .Concat((Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator).Select(d => Path.Combine(d, "pwsh")))
            .FirstOrDefault(File.Exists);
        const string missing = "pwsh is missing: tests/run.sh installs it (dotnet tool install PowerShell --tool-path tests/.tools)";
        Assert.False(pwsh is null && Environment.GetEnvironmentVariable("LABELPIPELINE_REQUIRE_PWSH") == "1", missing);
        Skip.If(pwsh is null, missing);
        CopyBuildSources();
        File.Copy(Path.Combine(Repository.Root, "build.ps1"), Path.Combine(_temp.Path, "build.ps1"));
        Task<(int ExitCode, string Output, string Errors)> BuildPs1(Dictionary<string, string> environment) =>
            Run(pwsh!, ["-NoProfile", "-File", Path.Combine(_temp.Path, "build.ps1"), "--description"], environment);

        var first = await BuildPs1([]);
        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.Contains(Building, first.Output + first.Errors, StringComparison.Ordinal);
        Assert.Contains("Turns each source CSV into task files", first.Output, StringComparison.Ordinal);
        var program = Path.Combine(_temp.Path, "build", "bin", "publish", "LabelPipeline.dll");
        var x64 = RuntimeInformation.OSArchitecture == Architecture.X64;
        Assert.True(!x64 || IsReadyToRun(program), $"{program} is not ReadyToRun: {first}");

        var second = await BuildPs1([]);
        Assert.True(second.ExitCode == 0, second.ToString());
        Assert.DoesNotContain(Building, second.Output + second.Errors, StringComparison.Ordinal);

        var plain = await BuildPs1(new() { ["LABELPIPELINE_READYTORUN"] = "0", ["LABELPIPELINE_REBUILD"] = "1" });
        Assert.True(plain.ExitCode == 0, plain.ToString());
        Assert.Contains(Building, plain.Output + plain.Errors, StringComparison.Ordinal);
        Assert.False(IsReadyToRun(program));
    }

    /// <summary>A ReadyToRun image carries precompiled code, announced by the CLI header's managed native header.</summary>
    private static bool IsReadyToRun(string assembly)
    {
        using var reader = new PEReader(File.OpenRead(assembly));
        return reader.PEHeaders.CorHeader is { ManagedNativeHeaderDirectory.Size: > 0 };
    }
}
