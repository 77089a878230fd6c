using Newtonsoft.Json.Linq;

namespace LabelPipeline.LabelStudio;

/// <summary>S3 import storage endpoints (<c>/api/storages/s3/</c>, CONTRACT §4.2).</summary>
public sealed partial class LabelStudioClient
{
    public Task<IReadOnlyList<S3Storage>> ListS3StoragesAsync(int projectId, CancellationToken ct) =>
        SendAsync<IReadOnlyList<S3Storage>>(HttpMethod.Get, $"/api/storages/s3/?project={projectId}", null, ct);

    public Task<S3Storage> GetS3StorageAsync(int id, CancellationToken ct) =>
        SendAsync<S3Storage>(HttpMethod.Get, $"/api/storages/s3/{id}", null, ct);

    /// <summary>Creates the storage; Label Studio checks the connection first but does not sync.</summary>
    public Task<S3Storage> CreateS3StorageAsync(S3StorageRequest request, CancellationToken ct) =>
        SendAsync<S3Storage>(HttpMethod.Post, "/api/storages/s3/", request with { Id = null }, ct);

    /// <summary>A partial update; Label Studio re-checks the connection with the resulting settings.</summary>
    public Task<S3Storage> UpdateS3StorageAsync(int id, S3StorageRequest request, CancellationToken ct) =>
        SendAsync<S3Storage>(HttpMethod.Patch, $"/api/storages/s3/{id}", request with { Id = null }, ct);

    /// <summary>Checks settings without saving them: 200 with an empty body when Label Studio can read the bucket and prefix.</summary>
    public Task ValidateS3StorageAsync(S3StorageRequest request, CancellationToken ct) =>
        SendForTextAsync(HttpMethod.Post, "/api/storages/s3/validate", request, retryOnUnauthorized: true, ct);

    /// <summary>Starts a sync. Label Studio OSS runs it inside the request; with a job queue it returns queued: poll.</summary>
    public Task<S3Storage> SyncS3StorageAsync(int id, CancellationToken ct) =>
        SendAsync<S3Storage>(HttpMethod.Post, $"/api/storages/s3/{id}/sync", new JObject(), ct);

    public Task DeleteS3StorageAsync(int id, CancellationToken ct) =>
        SendForTextAsync(HttpMethod.Delete, $"/api/storages/s3/{id}", null, retryOnUnauthorized: true, ct);
}
