using System.Text.Json.Nodes;
using LabelStudio.Emulator.Annotations;
using LabelStudio.Emulator.State;

namespace LabelStudio.Emulator.Predictions;

/// <summary>PredictionSerializer (CONTRACT §5.3).</summary>
internal sealed record PredictionWire(
    int Id,
    JsonArray Result,
    string ModelVersion,
    string CreatedAgo,
    double? Score,
    int? Cluster,
    JsonNode? Neighbors,
    double Mislabeling,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    int? Model,
    int? ModelRun,
    int Task,
    int Project)
{
    public static PredictionWire From(PredictionRecord p, DateTimeOffset now) => new(
        p.Id,
        (JsonArray)p.Result.DeepClone(),
        p.ModelVersion,
        TimeSince.Format(p.CreatedAt, now),
        p.Score,
        p.Cluster,
        p.Neighbors?.DeepClone(),
        p.Mislabeling,
        p.CreatedAt,
        p.UpdatedAt,
        null,
        null,
        p.TaskId,
        p.ProjectId);
}

/// <summary>The bulk import answer.</summary>
internal sealed record PredictionImportWire(int Created);
