using System.Text.Json;
using System.Text.Json.Nodes;
using LabelStudio.Emulator.Auth;
using LabelStudio.Emulator.Hosting;
using LabelStudio.Emulator.Predictions;
using LabelStudio.Emulator.State;
using LabelStudio.Emulator.Tasks;

namespace LabelStudio.Emulator.Exports;

/// <summary>How exported tasks are written (serialization_options, CONTRACT §6.2/6.3).</summary>
internal sealed record ExportShape(bool ExpandPredictions, bool ExpandCompletedBy, Func<AnnotationRecord, bool> IncludeAnnotation)
{
    /// <summary>Easy export: predictions as ids, completed_by as an int, every annotation (skipped ones too).</summary>
    public static ExportShape Easy { get; } = new(false, false, _ => true);
}

/// <summary>
/// data_export's BaseExportDataSerializer: task keys without <c>overlap</c>/<c>is_labeled</c>, raw data (never resolved,
/// <c>$undefined$</c> renamed), annotations with every model field.
/// </summary>
internal static class ExportSerializer
{
    /// <summary>Exports tasks as a JSON array. Call under the store's gate.</summary>
    public static JsonArray Tasks(IEnumerable<TaskRecord> tasks, EmulatorContext emulator, ExportShape shape) =>
        new(tasks.Select(t => (JsonNode)Task(t, emulator, shape)).ToArray());

    private static JsonObject Task(TaskRecord task, EmulatorContext emulator, ExportShape shape)
    {
        var store = emulator.Store;
        var project = store.Projects[task.ProjectId];
        var annotations = store.AnnotationsOf(task.Id).ToList();
        var predictions = store.PredictionsOf(task.Id).ToList();
        return new JsonObject
        {
            ["id"] = task.Id,
            ["annotations"] = new JsonArray(annotations.Where(shape.IncludeAnnotation).Select(a => (JsonNode)Annotation(a, store, shape)).ToArray()),
            ["file_upload"] = task.FileUploadId,
            ["drafts"] = new JsonArray(),
            ["predictions"] = new JsonArray(predictions
                .Select(p => shape.ExpandPredictions ? JsonSerializer.SerializeToNode(PredictionWire.From(p, emulator.Now), Wire.Options) : JsonValue.Create(p.Id))
                .ToArray()),
            ["data"] = TaskWire.SurfaceData(task, project),
            ["meta"] = task.Meta.DeepClone(),
            ["created_at"] = Wire.Timestamp(task.CreatedAt),
            ["updated_at"] = Wire.Timestamp(task.UpdatedAt),
            ["inner_id"] = task.InnerId,
            ["total_annotations"] = annotations.Count(a => !a.WasCancelled),
            ["cancelled_annotations"] = annotations.Count(a => a.WasCancelled),
            ["total_predictions"] = predictions.Count,
            ["comment_count"] = 0,
            ["unresolved_comment_count"] = 0,
            ["last_comment_updated_at"] = null,
            ["project"] = task.ProjectId,
            ["updated_by"] = task.UpdatedBy,
            ["comment_authors"] = new JsonArray(),
        };
    }

    private static JsonObject Annotation(AnnotationRecord a, EmulatorStore store, ExportShape shape) => new()
    {
        ["id"] = a.Id,
        ["completed_by"] = shape.ExpandCompletedBy
            ? new JsonObject { ["id"] = store.User.Id, ["email"] = store.User.Email, ["first_name"] = store.User.FirstName, ["last_name"] = store.User.LastName }
            : JsonValue.Create(a.CompletedBy),
        ["result"] = a.Result.DeepClone(),
        ["was_cancelled"] = a.WasCancelled,
        ["ground_truth"] = a.GroundTruth,
        ["created_at"] = Wire.Timestamp(a.CreatedAt),
        ["updated_at"] = Wire.Timestamp(a.UpdatedAt),
        ["draft_created_at"] = Wire.TimestampNode(a.DraftCreatedAt),
        ["lead_time"] = a.LeadTime,
        ["prediction"] = new JsonObject(),
        ["result_count"] = a.Result.OfType<JsonObject>().Select(r => r["id"]?.ToString()).Distinct().Count(),
        ["unique_id"] = a.UniqueId,
        ["import_id"] = a.ImportId,
        ["last_action"] = a.LastAction,
        ["bulk_created"] = a.BulkCreated ?? false,
        ["task"] = a.TaskId,
        ["project"] = a.ProjectId,
        ["updated_by"] = a.UpdatedBy,
        ["parent_prediction"] = a.ParentPrediction,
        ["parent_annotation"] = a.ParentAnnotation,
        ["last_created_by"] = null,
    };

    /// <summary>Label Studio's export file name: <c>project-{id}-at-YYYY-MM-DD-HH-MM-{md5[:8]}.json</c>.</summary>
    public static string FileName(int projectId, DateTimeOffset time, string md5) =>
        $"project-{projectId}-at-{time.UtcDateTime:yyyy-MM-dd-HH-mm}-{md5[..8]}.json";

    public static string Md5(string content) =>
        Convert.ToHexStringLower(System.Security.Cryptography.MD5.HashData(System.Text.Encoding.UTF8.GetBytes(content)));

    public static UserSimpleWire CreatedBy(EmulatorStore store) => UserSimpleWire.From(store.User);
}
