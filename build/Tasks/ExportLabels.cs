using Cake.Frosting;

namespace Build.Tasks;

[TaskName(nameof(ExportLabels))]
[TaskDescription("Fetches every annotation and writes the label snapshot: lookout/labels.csv, intervals, dense labels, manifest")]
[IsDependentOn(typeof(ImportPredictions))]
public sealed class ExportLabels : AsyncFrostingTask<BuildContext>
{
    public override async Task RunAsync(BuildContext context)
    {
        var services = context.Services;
        var client = services.LabelStudio(context.LabelStudio);
        if (context.Storage is { } storage && context.Settings.Storage == StorageKind.S3)
        {
            // S3: fresh keys, so the exported s3:// links stay readable.
            context.Storage = await new SyncTasksStage(client, services.Logger).RefreshS3KeysAsync(storage, context.S3.CredentialsOptions, services.Aws, services.CancellationToken);
        }

        context.Snapshot = await new ExportLabelsStage(client, services.Logger).RunAsync(
            BuildContext.Need(context.Project, nameof(CreateProject)),
            context.SnapshotRules(),
            context.Settings.SnapshotDirectory,
            context.Settings.SyncTimeout,
            services.CancellationToken);
        SnapshotReport.Log(context, context.Snapshot);
        SnapshotReport.Gate(context, context.Snapshot); // below a quality gate: written here, not published
    }
}
