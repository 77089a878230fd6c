using Newtonsoft.Json.Linq;

namespace LabelPipeline.LabelStudio;

/// <summary>Prediction endpoints (CONTRACT.md §5.3): list, bulk import, delete.</summary>
public sealed partial class LabelStudioClient
{
    /// <summary>Every prediction of the project's tasks.</summary>
    public Task<IReadOnlyList<Prediction>> ListPredictionsAsync(int projectId, CancellationToken ct) =>
        SendAsync<IReadOnlyList<Prediction>>(HttpMethod.Get, $"/api/predictions/?project={projectId}", null, ct);

    /// <summary>Creates predictions for tasks of the project in one request; returns how many were created.</summary>
    public async Task<int> ImportPredictionsAsync(int projectId, IReadOnlyList<PredictionRequest> predictions, CancellationToken ct) =>
        (await SendAsync<PredictionImportResult>(HttpMethod.Post, $"/api/projects/{projectId}/import/predictions", predictions, ct).ConfigureAwait(false)).Created;

    public Task DeletePredictionAsync(int id, CancellationToken ct) =>
        SendForTextAsync(HttpMethod.Delete, $"/api/predictions/{id}/", null, retryOnUnauthorized: true, ct);
}

/// <summary>A stored prediction.</summary>
public sealed record Prediction
{
    public int Id { get; init; }
    public int Task { get; init; }
    public JArray Result { get; init; } = [];
    public double? Score { get; init; }
    public string? ModelVersion { get; init; }
}

/// <summary>One prediction to import: always with its model version (Label Studio would store "undefined" otherwise).</summary>
public sealed record PredictionRequest
{
    public required int Task { get; init; }
    public required JArray Result { get; init; }
    public double? Score { get; init; }
    public required string ModelVersion { get; init; }
}

internal sealed record PredictionImportResult
{
    public int Created { get; init; }
}
