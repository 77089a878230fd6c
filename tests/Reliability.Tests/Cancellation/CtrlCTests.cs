using System.Diagnostics;
using LabelStudio.Emulator;
using LabelStudio.Emulator.Faults;
using Reliability.Tests.Support;
using Xunit.Abstractions;

namespace Reliability.Tests.Cancellation;

/// <summary>Ctrl-C (SIGINT) while the pipeline waits on Label Studio: it stops within seconds, says so, and leaves no half-written output.</summary>
public sealed class CtrlCTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [SkippableFact]
    public async Task Ctrl_c_during_a_hanging_export_stops_cleanly()
    {
        Skip.IfNot(OperatingSystem.IsLinux() || OperatingSystem.IsMacOS(), "sends SIGINT with kill(1)");
        Skip.If(
            SigIntIgnored(),
            "SIGINT is ignored in this test run (inherited: started in the background without job control), so the pipeline it starts " +
            "inherits that and .NET keeps it ignored, as a terminal's background job ignores Ctrl-C. Run the tests in the foreground.");
        var injector = new RateFaultInjector(new FaultPlan
        {
            Rules = [new FaultRule { Method = "POST", Path = "^/api/projects/\\d+/exports/?$", Rate = 1, Kinds = [FaultKind.Timeout] }],
            HangFor = TimeSpan.FromSeconds(60),
        });
        await using var server = await EmulatorServer.StartAsync(new EmulatorOptions { LocalFilesDocumentRoot = Repository.Datasets, Faults = injector }, CancellationToken.None);
        var (arguments, environment) = LabelStudioFixture.Pipeline(server, Repository.Datasets, _temp.Path, "--target=Export");
        var interrupted = TimeSpan.Zero;
        var clock = Stopwatch.StartNew();
        var run = await PipelineRunner.RunAsync(
            arguments,
            environment,
            TimeSpan.FromSeconds(90),
            whileRunning: async (pid, exited) =>
            {
                // Wait (bounded) until the export request hangs in the emulator, then press Ctrl-C.
                for (var i = 0; i < 600 && !exited.IsCancellationRequested && injector.Counts.Total == 0; i++)
                {
                    await Task.Delay(100, CancellationToken.None);
                }

                if (!exited.IsCancellationRequested)
                {
                    await Task.Delay(300, CancellationToken.None);
                    interrupted = clock.Elapsed;
                    await SendCtrlCAsync(pid);
                }
            });
        output.WriteLine(run.ToString());
        Assert.NotEqual(TimeSpan.Zero, interrupted);
        var stopping = clock.Elapsed - interrupted;
        output.WriteLine($"stopped {stopping.TotalSeconds:0.0} s after Ctrl-C");
        Assert.True(stopping < TimeSpan.FromSeconds(10), $"took {stopping} to stop");
        Assert.Equal(130, run.ExitCode);
        Assert.Contains("Ctrl-C: cancelling", run.Output);
        Assert.Equal(
            "Error: Cancelled (Ctrl-C). What finished before is kept, nothing half-done is; run the same command again to continue.",
            run.Output.TrimEnd().Split('\n')[^1].TrimEnd());
        Assert.DoesNotContain("The operation was canceled", run.Output);
        Assert.Empty(_temp.FilesUnder("output")); // no snapshot, no staging folder, no downloaded export left behind
        Assert.Equal(1, server.Inspect.ProjectCount); // what was done before stays, and a re-run reuses it
    }

    /// <summary>
    /// Whether this process ignores SIGINT (Linux: the SigIgn mask of /proc/self/status; SIGINT is signal 2). A child
    /// inherits an ignored signal, and .NET then leaves it ignored (dotnet/runtime's own CancelKeyPress tests skip too).
    /// </summary>
    private static bool SigIntIgnored()
    {
        var mask = OperatingSystem.IsLinux()
            ? File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("SigIgn:", StringComparison.Ordinal))?.Split(':', 2)[1].Trim()
            : null;
        return mask is not null && (Convert.ToUInt64(mask, 16) & (1UL << (2 - 1))) != 0;
    }

    /// <summary>What a terminal does on Ctrl-C: SIGINT to the process (the one this test started, by its id).</summary>
    private static async Task SendCtrlCAsync(int pid)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill") { ArgumentList = { "-INT", pid.ToString(System.Globalization.CultureInfo.InvariantCulture) } })!;
        await kill.WaitForExitAsync();
        Assert.Equal(0, kill.ExitCode);
    }
}
