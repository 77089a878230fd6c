using Cake.Common.Diagnostics;
using Cake.Frosting;
using LabelPipeline.Deployment;

namespace Build.Tasks;

[TaskName(nameof(Deploy))]
[TaskDescription("Runs Label Studio (Docker, pinned image, or a local process; 127.0.0.1 only) and waits until it is healthy and accepts the token")]
public sealed class Deploy : AsyncFrostingTask<BuildContext>
{
    public override bool ShouldRun(BuildContext context)
    {
        if (context.Settings.LabelStudioUrl is { } url)
        {
            context.Information("Skipping Deploy: using the existing Label Studio at {0} (--label-studio-url).", url);
            return false;
        }

        return true;
    }

    public override async Task RunAsync(BuildContext context)
    {
        var services = context.Services;
        var address = await services.LabelStudioAddressAsync();
        var runtime = await services.Runtimes.ResolveAsync(context.Runtime.Runtime, services.CancellationToken);
        if (runtime == LabelStudioRuntime.Process)
        {
            context.ServeDatasetsFromHost();
        }

        var endpoint = await services.Runtimes.EnsureRunningAsync(runtime, context.DeploymentStage(address.ExternalUrl), services.CancellationToken);
        context.LabelStudio = new LabelStudioConnection(endpoint.BaseUrl, endpoint.Token);
        context.Information(
            "Label Studio {0} ({1}): open {2} and log in as {3} (password in {4})",
            endpoint.Action.ToString().ToLowerInvariant(),
            runtime == LabelStudioRuntime.Process ? endpoint.ContainerId : context.Settings.LabelStudioImage,
            endpoint.BrowserUrl,
            endpoint.Username,
            endpoint.CredentialsFile);
    }
}
