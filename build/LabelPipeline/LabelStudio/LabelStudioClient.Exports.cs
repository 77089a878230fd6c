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

    /// <summary>Copies a completed snapshot's JSON to <paramref name="destination"/> without holding it in memory.</summary>
    public Task DownloadExportSnapshotAsync(int projectId, int exportId, Stream destination, CancellationToken ct) =>
        DownloadAsync($"/api/projects/{projectId}/exports/{exportId}/download?exportType=JSON", destination, ct);

    /// <summary>The direct export of every annotated task (deprecated upstream, still served by Community edition).</summary>
    public Task DownloadDirectExportAsync(int projectId, Stream destination, CancellationToken ct) =>
        DownloadAsync($"/api/projects/{projectId}/export?exportType=JSON", destination, ct);

    private async Task DownloadAsync(string path, Stream destination, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, Url(path));
        request.Headers.Authorization = await _auth.GetHeaderAsync(ct).ConfigureAwait(false);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct).ConfigureAwait(false);
        }
        catch (HttpRequestException e)
        {
            throw new LabelStudioUnreachableException($"Cannot reach Label Studio at {_baseUrl} ({e.Message}).", e);
        }

        using (response)
        {
            if (!response.IsSuccessStatusCode)
            {
                var text = await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
                throw CreateError(response.StatusCode, HttpMethod.Get, path, text);
            }

            await using var body = await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false);
            await body.CopyToAsync(destination, ct).ConfigureAwait(false);
        }
    }

}
