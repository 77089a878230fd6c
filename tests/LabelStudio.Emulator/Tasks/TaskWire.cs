using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using LabelStudio.Emulator.Annotations;
using LabelStudio.Emulator.Hosting;
using LabelStudio.Emulator.Predictions;
using LabelStudio.Emulator.Projects;
using LabelStudio.Emulator.State;
using LabelStudio.Emulator.Storages;

namespace LabelStudio.Emulator.Tasks;

/// <summary>
/// The Data Manager task serializer (data_manager/serializers.py) for <c>/api/tasks</c> and <c>/api/tasks/{id}</c>. A JSON
/// object, not a record, because <c>fields=all</c> decides whether annotations, predictions and drafts are present.
/// </summary>
internal static class TaskWire
{
    /// <summary>
    /// core/label_config.py: replace_task_data_undefined_with_config_field — storage tasks store <c>$undefined$</c>;
    /// every serialization renames it to the first data key of the config (left as is when the config has none).
    /// </summary>
    public static JsonObject SurfaceData(TaskRecord task, ProjectRecord project)
    {
        var data = (JsonObject)task.Data.DeepClone();
        if (project.Config.FirstDataKey is { } key && data.TryGetPropertyValue(TaskDataKeys.Undefined, out var value))
        {
            data.Remove(TaskDataKeys.Undefined);
            data[key] = value;
        }

        return data;
    }

    /// <summary>Serializes a task. Call under the store's gate.</summary>
    public static JsonObject From(TaskRecord task, EmulatorContext emulator, bool includeRelated, bool resolveUri)
    {
        var store = emulator.Store;
        var project = store.Projects[task.ProjectId];
        var annotations = store.AnnotationsOf(task.Id).ToList();
        var submitted = annotations.Where(a => !a.WasCancelled).ToList();
        var predictions = store.PredictionsOf(task.Id).ToList();
        var data = SurfaceData(task, project);
        if (resolveUri)
        {
            ResolveUris(data, task, emulator);
        }

        var json = new JsonObject { ["id"] = task.Id };
        if (includeRelated)
        {
            json["annotations"] = new JsonArray(annotations.Select(a => JsonSerializer.SerializeToNode(AnnotationWire.From(a, store.User, emulator.Now), Wire.Options)).ToArray());
            json["predictions"] = new JsonArray(predictions.Select(p => JsonSerializer.SerializeToNode(PredictionWire.From(p, emulator.Now), Wire.Options)).ToArray());
            json["drafts"] = new JsonArray();
        }

        json["data"] = data;
        json["meta"] = task.Meta.DeepClone();
        json["created_at"] = Wire.Timestamp(task.CreatedAt);
        json["updated_at"] = Wire.Timestamp(task.UpdatedAt);
        json["updated_by"] = task.UpdatedBy is { } updatedBy ? new JsonArray(new JsonObject { ["user_id"] = updatedBy }) : new JsonArray();
        json["is_labeled"] = TaskState.IsLabeled(project, store, task.Id);
        json["overlap"] = project.MaximumAnnotations;
        json["file_upload"] = task.FileUploadId;
        json["annotations_ids"] = string.Join(", ", annotations.Select(a => a.Id.ToString(CultureInfo.InvariantCulture)));
        json["annotations_results"] = string.Join(", ", annotations.Select(a => a.Result.ToJsonString()));
        json["annotators"] = new JsonArray(annotations.Select(a => a.CompletedBy).Distinct().Select(id => (JsonNode?)id).ToArray());
        json["completed_at"] = Wire.TimestampNode(submitted.Count > 0 ? submitted.Max(a => a.CreatedAt) : null);
        json["predictions_model_versions"] = string.Join(", ", predictions.Select(p => p.ModelVersion).Distinct());
        json["draft_exists"] = false;
        json["predictions_results"] = string.Join(", ", predictions.Select(p => p.Result.ToJsonString()));
        json["predictions_score"] = predictions.Any(p => p.Score is not null) ? predictions.Where(p => p.Score is not null).Average(p => p.Score!.Value) : null;
        json["total_annotations"] = submitted.Count;
        json["total_predictions"] = predictions.Count;
        json["avg_lead_time"] = annotations.Any(a => a.LeadTime is not null) ? annotations.Where(a => a.LeadTime is not null).Average(a => a.LeadTime!.Value) : null;
        json["cancelled_annotations"] = annotations.Count - submitted.Count;
        json["inner_id"] = task.InnerId;
        json["storage_filename"] = task.StorageFilename;
        json["comment_authors"] = new JsonArray();
        json["comment_count"] = 0;
        json["last_comment_updated_at"] = null;
        json["unresolved_comment_count"] = 0;
        json["project"] = task.ProjectId;
        return json;
    }

    /// <summary>resolve_uri: each storage of the project may turn a data value it owns into a proxy URL (S3); local-files URLs stay.</summary>
    private static void ResolveUris(JsonObject data, TaskRecord task, EmulatorContext emulator)
    {
        var storages = emulator.StorageTypes
            .SelectMany(type => emulator.Store.StoragesOf(type.Type).Values.Where(s => s.ProjectId == task.ProjectId).Select(s => (type, snapshot: StorageWire.Snapshot(s))))
            .ToList();
        if (storages.Count == 0)
        {
            return;
        }

        foreach (var key in data.Select(p => p.Key).ToList())
        {
            if (data[key]?.GetValueKind() == JsonValueKind.String)
            {
                var value = data[key]!.GetValue<string>();
                var resolved = storages.Select(s => s.type.ResolveUri(s.snapshot, task.Id, value)).FirstOrDefault(r => r is not null);
                if (resolved is not null)
                {
                    data[key] = resolved;
                }
            }
        }
    }
}

/// <summary>The task list page (data_manager TaskPagination).</summary>
internal sealed record TaskPageWire(int TotalAnnotations, int TotalPredictions, int Total, JsonArray Tasks);
