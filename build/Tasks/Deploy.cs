using Cake.Common.Diagnostics;
using Cake.Frosting;

namespace Build.Tasks;

[TaskName(nameof(Deploy))]
[TaskDescription("Runs Label Studio in Docker (pinned image, 127.0.0.1 only) and waits until it is healthy and accepts the token")]
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
        var endpoint = await services.Deployment.EnsureRunningAsync(context.Settings.DeploymentStage(address.ExternalUrl), services.CancellationToken);
        context.LabelStudio = new LabelStudioConnection(endpoint.BaseUrl, endpoint.Token);
        context.Information(
            "Label Studio {0} ({1}): open {2} and log in as {3} (password in {4})",
            endpoint.Action.ToString().ToLowerInvariant(),
            context.Settings.LabelStudioImage,
            endpoint.BrowserUrl,
            endpoint.Username,
            endpoint.CredentialsFile);
    }
}
