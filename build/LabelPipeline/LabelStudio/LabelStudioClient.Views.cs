using Newtonsoft.Json.Linq;

namespace LabelPipeline.LabelStudio;

/// <summary>
/// Data Manager tabs (views), <c>data_manager/api.py</c> ViewAPI: a tab's <c>data</c> holds its title, filters and
/// ordering; the server keeps the ordering in its own column and answers it inside <c>data</c> again
/// (ViewSerializer.to_representation). <c>GET /api/tasks?view=</c> and the labeling stream <c>GET
/// /api/projects/{id}/next?view=</c> then follow the tab's ordering.
/// </summary>
public sealed partial class LabelStudioClient
{
    public Task<IReadOnlyList<DataManagerView>> ListViewsAsync(int projectId, CancellationToken ct) =>
        SendAsync<IReadOnlyList<DataManagerView>>(HttpMethod.Get, $"/api/dm/views/?project={projectId}", null, ct);

    public Task<DataManagerView> CreateViewAsync(DataManagerViewRequest view, CancellationToken ct) =>
        SendAsync<DataManagerView>(HttpMethod.Post, "/api/dm/views/", view, ct);

    public Task<DataManagerView> UpdateViewAsync(int id, DataManagerViewRequest view, CancellationToken ct) =>
        SendAsync<DataManagerView>(HttpMethod.Patch, $"/api/dm/views/{id}/", view, ct);

    /// <summary>The project's next task for the current user in a tab's order (the labeling stream opened from the tab).</summary>
    public Task<LabelStudioTask> NextTaskAsync(int projectId, int viewId, CancellationToken ct) =>
        SendAsync<LabelStudioTask>(HttpMethod.Get, $"/api/projects/{projectId}/next?view={viewId}", null, ct);
}

/// <summary>A Data Manager tab.</summary>
public sealed record DataManagerView
{
    public int Id { get; init; }
    public int? Project { get; init; }
    public JObject Data { get; init; } = [];

    public string? Title => Data["title"]?.ToString();

    public IReadOnlyList<string> Ordering => (Data["ordering"] as JArray)?.Select(o => o.ToString()).ToList() ?? [];
}

public sealed record DataManagerViewRequest
{
    public required int Project { get; init; }
    public required JObject Data { get; init; }
}
