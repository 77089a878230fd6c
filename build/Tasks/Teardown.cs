using Cake.Common.Diagnostics;
using Cake.Frosting;

namespace Build.Tasks;

[TaskName(nameof(Teardown))]
[TaskDescription("Stops and removes the Label Studio container; keeps its data unless --purge")]
public sealed class Teardown : AsyncFrostingTask<BuildContext>
{
    public override async Task RunAsync(BuildContext context)
    {
        var purge = context.Settings.Purge;
        await context.Deployment.TeardownAsync(context.DeploymentOptions, purge, context.CancellationToken);
        context.Information(
            purge
                ? "Removed the container, the data volume {0} and the saved credentials."
                : "Removed the container; Label Studio's data stays in volume {0} (add --purge to delete it).",
            context.Settings.DataVolume);
    }
}
