using Cake.Common.Diagnostics;
using Cake.Frosting;
using LabelPipeline.LabelStudio;

namespace Build.Tasks;

[TaskName(nameof(Sync))]
[TaskDescription("Imports every CSV of the dataset version as a task (one task per file; existing files are skipped)")]
[IsDependentOn(typeof(ConnectStorage))]
public sealed class Sync : AsyncFrostingTask<BuildContext>
{
    public override async Task RunAsync(BuildContext context)
    {
        var storageId = context.StorageId ?? throw new InvalidOperationException("No storage yet: ConnectStorage must run first (drop --exclusive).");
        context.Information("Syncing storage {0}...", storageId);
        var storage = await new LabelStudioProvisioner(context.LabelStudioClient, context.Logger)
            .SyncLocalFilesStorageAsync(storageId, context.Settings.SyncTimeout, context.CancellationToken);
        var existed = storage.Meta?["tasks_existed"]?.ToString() ?? "?";
        context.Information("Sync {0}: {1} tasks created, {2} already there", storage.Status, storage.LastSyncCount ?? 0, existed);
    }
}
