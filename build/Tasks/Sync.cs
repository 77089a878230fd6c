using Cake.Common.Diagnostics;
using Cake.Frosting;
using LabelPipeline.LabelStudio;

namespace Build.Tasks;

[TaskName(nameof(Sync))]
[TaskDescription("Imports every CSV of the dataset version as a task (one task per file; existing files are skipped); S3: re-applies the storage's keys first")]
[IsDependentOn(typeof(ConnectStorage))]
public sealed class Sync : AsyncFrostingTask<BuildContext>
{
    public override async Task RunAsync(BuildContext context)
    {
        var storageId = context.StorageId ?? throw new InvalidOperationException("No storage yet: ConnectStorage must run first (drop --exclusive).");
        context.Information("Syncing storage {0}...", storageId);
        var provisioner = new LabelStudioProvisioner(context.LabelStudioClient, context.Logger);
        if (context.Settings.Storage == StorageKind.S3)
        {
            await ReapplyS3KeysAsync(context);
            var synced = await provisioner.SyncS3StorageAsync(storageId, context.Settings.SyncTimeout, context.CancellationToken);
            context.Information("Sync {0}: {1} tasks created, {2} already there", synced.Status, synced.LastSyncCount ?? 0, synced.Meta?["tasks_existed"]?.ToString() ?? "?");
            return;
        }

        var storage = await provisioner.SyncLocalFilesStorageAsync(storageId, context.Settings.SyncTimeout, context.CancellationToken);
        var existed = storage.Meta?["tasks_existed"]?.ToString() ?? "?";
        context.Information("Sync {0}: {1} tasks created, {2} already there", storage.Status, storage.LastSyncCount ?? 0, existed);
    }

    /// <summary>
    /// Label Studio keeps S3 keys as static values, so temporary ones go stale between runs: every run that syncs or
    /// exports hands the S3 storage fresh keys (once per run). No-op for local storage or before ConnectStorage.
    /// </summary>
    public static async Task ReapplyS3KeysAsync(BuildContext context)
    {
        if (context.Settings.Storage != StorageKind.S3 || context.StorageId is not { } storageId || context.StorageKeysApplied)
        {
            return;
        }

        var keys = await context.Aws.GetStorageCredentialsAsync(context.S3.CredentialsOptions, context.CancellationToken);
        await new LabelStudioProvisioner(context.LabelStudioClient, context.Logger)
            .ApplyS3KeysAsync(storageId, keys?.AccessKeyId, keys?.SecretAccessKey, keys?.SessionToken, context.CancellationToken);
        context.StorageKeysApplied = true;
        context.Information("S3 storage {0}: keys replaced with {1}", storageId, keys?.ToString() ?? "none (Label Studio's own environment)");
    }
}
