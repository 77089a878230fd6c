using Cake.Common.Diagnostics;
using Cake.Frosting;

namespace Build.Tasks;

[TaskName(nameof(PublishSnapshot))]
[TaskDescription("With --upload: copies the label snapshot to s3://<bucket>/<prefix>/labels/<dataset>/<version>/ (unchanged files skipped)")]
[IsDependentOn(typeof(ExportLabels))]
public sealed class PublishSnapshot : AsyncFrostingTask<BuildContext>
{
    public override bool ShouldRun(BuildContext context)
    {
        if (!context.S3.UploadSnapshot)
        {
            context.Information("Skipping PublishSnapshot: no --upload.");
            return false;
        }

        return true;
    }

    public override async Task RunAsync(BuildContext context) => await RunAsync(context, BuildContext.Need(context.Snapshot, nameof(ExportLabels)));

    /// <summary>The same step after ConvertExport, which is off the main graph.</summary>
    public static async Task RunAsync(BuildContext context, LabelPipeline.Export.SnapshotSummary snapshot)
    {
        var services = context.Services;
        var published = await new PublishSnapshotStage(services.Aws, services.Logger)
            .RunAsync(snapshot, context.S3.PublishStage(context.Settings), services.CancellationToken);
        context.Published = published;
        context.Information("Snapshot copied to {0}: {1} files uploaded, {2} unchanged", published.Target, published.Uploaded, published.Skipped);
    }
}
