using Cake.Common.Diagnostics;
using Cake.Frosting;

namespace Build.Tasks;

[TaskName(nameof(Sync))]
[TaskDescription("Imports every CSV of the dataset version as a task (one task per file; existing files are skipped); S3: re-applies the storage's keys first")]
[IsDependentOn(typeof(ConnectStorage))]
public sealed class Sync : AsyncFrostingTask<BuildContext>
{
    public override async Task RunAsync(BuildContext context)
    {
        var services = context.Services;
        var storage = BuildContext.Need(context.Storage, nameof(ConnectStorage));
        context.Information("Syncing storage {0}...", storage.Id);
        var synced = await new SyncTasksStage(services.LabelStudio(context.LabelStudio), services.Logger).RunAsync(
            storage, context.Settings.SyncTimeout, context.S3.CredentialsOptions, storage.Kind == StorageKind.S3 ? services.Aws : null, services.CancellationToken);
        context.Synced = synced;
        context.Storage = synced.Storage;
        context.Information("Sync {0}: {1} tasks created, {2} already there", synced.Status, synced.Created, synced.Existed);
    }
}
