using Cake.Common.Diagnostics;
using Cake.Frosting;
using LabelPipeline.Export;

namespace Build.Tasks;

[TaskName(nameof(Verify))]
[TaskDescription("Rebuilds the snapshot from the inputs its manifest records and reports any difference (fails if there is one)")]
[IsDependentOn(typeof(Prepare))]
public sealed class Verify : FrostingTask<BuildContext>
{
    public override void Run(BuildContext context)
    {
        var directory = context.Settings.SnapshotDirectory;
        var differences = SnapshotVerifier.Verify(directory, context.SnapshotRules(), context.Services.CancellationToken);
        if (differences.Count > 0)
        {
            throw new InvalidOperationException(
                $"Snapshot {directory} does not reproduce ({differences.Count} differences):\n  " + string.Join("\n  ", differences));
        }

        context.Information("Snapshot {0} reproduces exactly from its recorded inputs.", directory);
    }
}
