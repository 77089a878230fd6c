using Xunit.Abstractions;

namespace Docker.Tests.Support;

/// <summary>
/// The real Label Studio server from the shared kit, installed (not started) into a prefix of the tests' own, for the
/// process runtime: the kit's install-and-run.sh without its last section (configure, migrate, start), which is what
/// Deploy's process runtime does itself. Idempotent and cached between runs; apt runs only when Debian packages are missing.
/// </summary>
public static class KitLabelStudio
{
    private static readonly SemaphoreSlim Once = new(1, 1);

    public static string Prefix =>
        Environment.GetEnvironmentVariable("LABELPIPELINE_LS_KIT_PREFIX") is { Length: > 0 } prefix ? prefix : Path.Combine(Path.GetTempPath(), "labelpipeline-ls-kit");

    /// <summary>Installs when needed; returns the path of the kit's <c>label-studio</c>. Skips (or fails under
    /// LABELPIPELINE_REQUIRE_DOCKER=1, which CI sets) when the kit is not beside the repository.</summary>
    public static async Task<string> InstallAsync(ITestOutputHelper output)
    {
        var kit = DockerEngineFixture.KitDirectory;
        var script = Path.Combine(kit, "install-and-run.sh");
        if (!File.Exists(script))
        {
            if (DockerEngineFixture.DockerRequired)
            {
                throw new InvalidOperationException($"The real Label Studio kit is not at {kit}.");
            }

            Skip.If(true, $"The real Label Studio kit is not at {kit}.");
        }

        await Once.WaitAsync();
        try
        {
            // A fresh CI machine runs the real-server suite's install at the same time (dotnet test runs the assemblies in
            // parallel): apt's lock then fails one of them; a bounded retry waits for the other.
            for (var attempt = 1; ; attempt++)
            {
                var (exitCode, text) = await RunInstallAsync(script, kit);
                output.WriteLine(text);
                if (exitCode == 0)
                {
                    break;
                }

                if (attempt == 3)
                {
                    throw new InvalidOperationException($"Installing the kit into {Prefix} failed:\n{text}");
                }

                await Task.Delay(TimeSpan.FromSeconds(30));
            }
        }
        finally
        {
            Once.Release();
        }

        return Path.Combine(Prefix, "venv", "bin", "label-studio");
    }

    private static async Task<(int ExitCode, string Output)> RunInstallAsync(string script, string kit)
    {
        // The kit's installer without its last section (configure, migrate, start).
        var run = await ChildProcess.RunAsync(
            "bash",
            ["-c", "set -euo pipefail; only=$(mktemp); sed '/^# ---- 5\\. /,$d' \"$0\" > \"$only\"; bash \"$only\" \"$1\"; rm -f \"$only\"", script, Path.Combine(kit, "src")],
            new Dictionary<string, string> { ["LS_PREFIX"] = Prefix },
            TimeSpan.FromMinutes(20));
        return (run.ExitCode, run.Output);
    }
}
