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

    public override Task RunAsync(BuildContext context) => throw new NotImplementedException("Deploy is being wired.");
}
