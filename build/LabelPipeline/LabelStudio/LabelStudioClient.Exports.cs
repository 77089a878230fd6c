using System.Net;
using System.Net.Http.Headers;

namespace LabelPipeline.LabelStudio;

/// <summary>Export endpoints: snapshots (create, poll, download) and the older direct export, both as streams.</summary>
public sealed partial class LabelStudioClient
{
    public Task<ExportSnapshot> CreateExportSnapshotAsync(int projectId, ExportSnapshotRequest request, CancellationToken ct) =>
        SendAsync<ExportSnapshot>(HttpMethod.Post, $"/api/projects/{projectId}/exports/", request, ct);

    public Task<ExportSnapshot> GetExportSnapshotAsync(int projectId, int exportId, CancellationToken ct) =>
        SendAsync<ExportSnapshot>(HttpMethod.Get, $"/api/projects/{projectId}/exports/{exportId}", null, ct);

    /// <summary>The project's snapshots, newest first (Label Studio keeps the latest 100).</summary>
    public Task<IReadOnlyList<ExportSnapshot>> ListExportSnapshotsAsync(int projectId, CancellationToken ct) =>
        SendAsync<IReadOnlyList<ExportSnapshot>>(HttpMethod.Get, $"/api/projects/{projectId}/exports/", null, ct);

    public Task DeleteExportSnapshotAsync(int projectId, int exportId, CancellationToken ct) =>
        SendForTextAsync(HttpMethod.Delete, $"/api/projects/{projectId}/exports/{exportId}", null, retryOnUnauthorized: true, ct);

    /// <summary>Copies a completed snapshot's JSON to <paramref name="destination"/> without holding it in memory.</summary>
    public Task DownloadExportSnapshotAsync(int projectId, int exportId, Stream destination, CancellationToken ct) =>
        DownloadAsync($"/api/projects/{projectId}/exports/{exportId}/download?exportType=JSON", destination, ct);

    /// <summary>The direct export of every annotated task (deprecated upstream, still served by Community edition).</summary>
    public Task DownloadDirectExportAsync(int projectId, Stream destination, CancellationToken ct) =>
        DownloadAsync($"/api/projects/{projectId}/export?exportType=JSON", destination, ct);

    /// <summary>
    /// Streams one download into <paramref name="destination"/>. A retry starts the file over, so it needs a stream
    /// that can rewind; into one that cannot, the download is tried once.
    /// </summary>
    private async Task DownloadAsync(string path, Stream destination, CancellationToken ct)
    {
        var start = destination.CanSeek ? destination.Position : 0;
        var answer = await _resilience.ExecuteAsync(
            HttpMethod.Get,
            path,
            _baseUrl,
            async token =>
            {
                if (destination.CanSeek)
                {
                    destination.SetLength(start);
                    destination.Position = start;
                }

                using var request = new HttpRequestMessage(HttpMethod.Get, Url(path));
                request.Headers.Authorization = await _auth.GetHeaderAsync(token).ConfigureAwait(false);
                request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
                using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, token).ConfigureAwait(false);
                if (!response.IsSuccessStatusCode)
                {
                    return new LabelStudioAnswer(response.StatusCode, await response.Content.ReadAsStringAsync(token).ConfigureAwait(false), LabelStudioResilience.RetryAfter(response));
                }

                await using var body = await response.Content.ReadAsStreamAsync(token).ConfigureAwait(false);
                await body.CopyToAsync(destination, token).ConfigureAwait(false);
                return new LabelStudioAnswer(response.StatusCode, string.Empty, null);
            },
            ct,
            repeatable: destination.CanSeek).ConfigureAwait(false);
        if (!answer.IsSuccess)
        {
            throw CreateError(answer.Status, HttpMethod.Get, path, answer.Body);
        }
    }
}
