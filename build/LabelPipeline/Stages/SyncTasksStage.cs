using LabelPipeline.Aws;
using LabelPipeline.LabelStudio;
using Microsoft.Extensions.Logging;

namespace LabelPipeline.Stages;

/// <summary>Stage 4: the storage synced (one task per task file; existing ones skipped), polled until a terminal status.</summary>
public sealed class SyncTasksStage(LabelStudioClient client, ILogger logger)
{
    /// <param name="aws">S3 storage only: the run's AWS side, for fresh keys before the sync.</param>
    public async Task<SyncResult> RunAsync(StorageRef storage, TimeSpan timeout, StorageCredentialsOptions? credentials, AwsSession? aws, CancellationToken ct)
    {
        var provisioner = new LabelStudioProvisioner(client, logger);
        if (storage.Kind == StorageKind.S3)
        {
            storage = await RefreshS3KeysAsync(storage, credentials!, aws!, ct).ConfigureAwait(false);
            var synced = await provisioner.SyncS3StorageAsync(storage.Id, timeout, ct).ConfigureAwait(false);
            return new SyncResult(storage, synced.Status ?? "?", synced.LastSyncCount ?? 0, synced.Meta?["tasks_existed"]?.ToString() ?? "?");
        }

        var local = await provisioner.SyncLocalFilesStorageAsync(storage.Id, timeout, ct).ConfigureAwait(false);
        return new SyncResult(storage, local.Status ?? "?", local.LastSyncCount ?? 0, local.Meta?["tasks_existed"]?.ToString() ?? "?");
    }

    /// <summary>
    /// Label Studio keeps S3 keys as static values, so temporary ones go stale between runs: every run that syncs or
    /// exports hands the S3 storage fresh keys, once (<see cref="StorageRef.KeysFresh"/>). No-op for local storage.
    /// </summary>
    public async Task<StorageRef> RefreshS3KeysAsync(StorageRef storage, StorageCredentialsOptions credentials, AwsSession aws, CancellationToken ct)
    {
        if (storage.Kind != StorageKind.S3 || storage.KeysFresh)
        {
            return storage;
        }

        var keys = await aws.GetStorageCredentialsAsync(credentials, ct).ConfigureAwait(false);
        await new LabelStudioProvisioner(client, logger)
            .ApplyS3KeysAsync(storage.Id, keys?.AccessKeyId, keys?.SecretAccessKey, keys?.SessionToken, ct).ConfigureAwait(false);
        logger.LogInformation("S3 storage {Storage}: keys replaced with {Keys}", storage.Id, keys?.ToString() ?? "none (Label Studio's own environment)");
        return storage with { KeysFresh = true };
    }
}
