using System.Net;
using Microsoft.Extensions.Logging;

namespace LabelPipeline.LabelStudio;

/// <summary>S3 import storage: validated before it is created or changed, reused by title, keys re-applied on demand.</summary>
public sealed partial class LabelStudioProvisioner
{
    /// <summary>
    /// The S3 import storage titled <paramref name="title"/> on the project: created (after Label Studio validated the
    /// settings and keys), reused when its settings are as wanted, or updated when they changed. Keys in
    /// <paramref name="settings"/> go along on create and update; a reused storage gets its keys from <see cref="ApplyS3KeysAsync"/>.
    /// </summary>
    public async Task<(S3Storage Storage, Provisioned Action)> EnsureS3StorageAsync(int projectId, string title, S3StorageRequest settings, CancellationToken ct)
    {
        var wanted = settings with { Project = projectId, Title = title, Id = null };
        var storage = TitledOldest(await client.ListS3StoragesAsync(projectId, ct).ConfigureAwait(false), title, "S3", projectId);
        if (storage is null)
        {
            await ValidateS3Async(wanted, ct).ConfigureAwait(false);
            var created = await CreateOnceAsync(
                $"S3 storage '{title}' on project {projectId}",
                token => client.CreateS3StorageAsync(wanted, token),
                async token => Titled(await client.ListS3StoragesAsync(projectId, token).ConfigureAwait(false), title).FirstOrDefault(),
                ct).ConfigureAwait(false);
            return (created, Provisioned.Created);
        }

        if (SameSettings(storage, wanted))
        {
            return (storage, Provisioned.Reused);
        }

        await ValidateS3Async(wanted with { Id = storage.Id }, ct).ConfigureAwait(false);
        return (await client.UpdateS3StorageAsync(storage.Id, wanted, ct).ConfigureAwait(false), Provisioned.Updated);
    }

    /// <summary>Replaces the storage's keys (empty strings clear them). Label Studio re-checks the connection with them.</summary>
    public async Task<S3Storage> ApplyS3KeysAsync(int storageId, string? accessKeyId, string? secretAccessKey, string? sessionToken, CancellationToken ct)
    {
        try
        {
            return await client.UpdateS3StorageAsync(storageId, S3StorageRequest.Keys(accessKeyId, secretAccessKey, sessionToken), ct).ConfigureAwait(false);
        }
        catch (LabelStudioApiException e) when (e.StatusCode == HttpStatusCode.BadRequest)
        {
            throw Refused(e, $"storage {storageId}");
        }
    }

    /// <summary>Syncs the S3 storage and waits for a terminal status (see <see cref="SyncLocalFilesStorageAsync"/>).</summary>
    public async Task<S3Storage> SyncS3StorageAsync(int storageId, TimeSpan timeout, CancellationToken ct)
    {
        var deadline = DateTimeOffset.UtcNow + timeout;
        S3Storage storage;
        try
        {
            storage = await StartSyncOnceAsync(
                $"S3 storage {storageId}",
                token => client.SyncS3StorageAsync(storageId, token),
                token => client.GetS3StorageAsync(storageId, token),
                s => s.Status,
                ct).ConfigureAwait(false);
        }
        catch (LabelStudioApiException e) when (e.StatusCode == HttpStatusCode.BadRequest)
        {
            throw Refused(e, $"storage {storageId}");
        }

        return await WaitForSyncAsync(storage, $"S3 storage {storageId}", $"S3 storage {storageId} (s3://{storage.Bucket}/{storage.Prefix})", deadline, timeout,
            token => client.GetS3StorageAsync(storageId, token), ct).ConfigureAwait(false);
    }

    private async Task ValidateS3Async(S3StorageRequest request, CancellationToken ct)
    {
        try
        {
            await client.ValidateS3StorageAsync(request, ct).ConfigureAwait(false);
        }
        catch (LabelStudioApiException e) when (e.StatusCode == HttpStatusCode.BadRequest)
        {
            throw Refused(e, $"s3://{request.Bucket}/{request.Prefix}");
        }
    }

    private static LabelStudioStorageValidationException Refused(LabelStudioApiException e, string what) =>
        new(
            $"Label Studio cannot read {what}: {e.Detail.TrimEnd('.')}. Label Studio connects to S3 itself, from where it runs: the S3 endpoint must be "
            + "reachable from there (--s3-endpoint), and the keys it was given (--storage-credentials) need s3:ListBucket and s3:GetObject on the prefix.",
            e);

    private static bool SameSettings(S3Storage storage, S3StorageRequest wanted) =>
        Same(storage.Bucket, wanted.Bucket)
        && Same(storage.Prefix, wanted.Prefix)
        && Same(storage.RegexFilter, wanted.RegexFilter)
        && storage.UseBlobUrls == (wanted.UseBlobUrls ?? false)
        && (storage.Presign ?? true) == (wanted.Presign ?? true)
        && (storage.PresignTtl ?? 1) == (wanted.PresignTtl ?? 1)
        && Same(storage.RegionName, wanted.RegionName)
        && Same(storage.S3Endpoint, wanted.S3Endpoint)
        && (storage.RecursiveScan ?? false) == (wanted.RecursiveScan ?? false);

    private static bool Same(string? a, string? b) => string.Equals(a ?? string.Empty, b ?? string.Empty, StringComparison.Ordinal);
}
