using LabelPipeline.Processes;
using Microsoft.Extensions.Logging;

namespace LabelPipeline.Deployment;

/// <summary>How Deploy runs Label Studio (<c>--label-studio-runtime</c>).</summary>
public enum LabelStudioRuntime
{
    /// <summary>Docker when an engine answers, else a local process.</summary>
    Auto,

    /// <summary>A container (and, with PostgreSQL, a database container beside it).</summary>
    Docker,

    /// <summary><c>label-studio start</c> as a local process, no Docker needed.</summary>
    Process,
}

/// <summary>Deploy and Teardown for whichever runtime the run uses; <see cref="LabelStudioRuntime.Auto"/> is decided once.</summary>
public sealed class LabelStudioRuntimes(DockerCli docker, ICommandRunner runner, HttpClient http, ILogger logger)
{
    public static LabelStudioRuntime Parse(string text) => text.Trim().ToLowerInvariant() switch
    {
        "auto" => LabelStudioRuntime.Auto,
        "docker" => LabelStudioRuntime.Docker,
        "process" => LabelStudioRuntime.Process,
        _ => throw new ArgumentException($"Unknown Label Studio runtime '{text}': expected auto, docker or process (--label-studio-runtime)."),
    };

    /// <summary>Docker or Process: Auto becomes Docker when the engine answers <c>docker version</c>, else Process.</summary>
    public async Task<LabelStudioRuntime> ResolveAsync(LabelStudioRuntime runtime, CancellationToken ct)
    {
        if (runtime != LabelStudioRuntime.Auto)
        {
            return runtime;
        }

        try
        {
            await docker.GetVersionAsync(ct).ConfigureAwait(false);
            return LabelStudioRuntime.Docker;
        }
        catch (DeploymentException e)
        {
            logger.LogInformation(
                "No Docker engine answers ({Reason}): running Label Studio as a local process (--label-studio-runtime=process; pass docker to insist on Docker).",
                e.Message.Split('\n')[0]);
            return LabelStudioRuntime.Process;
        }
    }

    public LabelStudioDeployment Docker => new(docker, http, logger);

    public LabelStudioProcess Process => new(runner, http, logger);

    public async Task<LabelStudioEndpoint> EnsureRunningAsync(LabelStudioRuntime runtime, LabelStudioDeploymentOptions options, CancellationToken ct) =>
        await ResolveAsync(runtime, ct).ConfigureAwait(false) == LabelStudioRuntime.Docker
            ? await Docker.EnsureRunningAsync(options, ct).ConfigureAwait(false)
            : await Process.EnsureRunningAsync(options, ct).ConfigureAwait(false);

    /// <summary>Tears down the runtime's deployment; with Auto, a process of an earlier run too (it costs nothing to look).</summary>
    public async Task TeardownAsync(LabelStudioRuntime runtime, LabelStudioDeploymentOptions options, bool purge, CancellationToken ct)
    {
        var resolved = await ResolveAsync(runtime, ct).ConfigureAwait(false);
        if (resolved == LabelStudioRuntime.Docker)
        {
            await Docker.TeardownAsync(options, purge, ct).ConfigureAwait(false);
        }

        if (resolved == LabelStudioRuntime.Process || (runtime == LabelStudioRuntime.Auto && Directory.Exists(LabelStudioProcess.Home(options))))
        {
            await Process.TeardownAsync(options, purge, ct).ConfigureAwait(false);
        }
    }
}
