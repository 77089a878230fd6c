using System.Diagnostics;
using System.Text.Json.Nodes;
using LabelStudio.Emulator.Auth;
using LabelStudio.Emulator.Hosting;
using LabelStudio.Emulator.Projects;
using LabelStudio.Emulator.State;
using LabelStudio.Emulator.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace LabelStudio.Emulator.Imports;

/// <summary>
/// <c>POST /api/projects/{id}/import</c> (CONTRACT §5.4): Community edition imports synchronously and answers 201 with the
/// counters (LSE would answer <c>{"import": id}</c>). Tasks are flat data objects or <c>{data, meta, annotations, predictions}</c>.
/// </summary>
internal static class ImportEndpoints
{
    public static void Map(IEndpointRouteBuilder api) => api.MapPost("/projects/{id:int}/import", ImportAsync);

    private static async Task<IResult> ImportAsync(int id, HttpContext context, EmulatorContext emulator, CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        var body = await Wire.ReadBodyAsync(context.Request, ct).ConfigureAwait(false);
        var items = body switch
        {
            JsonArray array => array.ToList(),
            JsonObject single => [single],
            _ => throw ApiException.NonField("No tasks found in the request body."),
        };
        var query = context.Request.Query;
        var commit = query["commit_to_project"].ToString().ToLowerInvariant() is not ("false" or "0");
        var returnIds = query["return_task_ids"].ToString().ToLowerInvariant() is "true" or "1";
        var caller = Caller.Get(context);

        lock (emulator.Store.Gate)
        {
            var project = ProjectEndpoints.Find(emulator.Store, id);
            var parsed = items.Select((item, index) => Parse(item, index, project)).ToList();
            var taskIds = new JsonArray();
            var annotations = 0;
            var predictions = 0;
            foreach (var (data, meta, taskAnnotations, taskPredictions) in parsed)
            {
                annotations += taskAnnotations.Count;
                predictions += taskPredictions.Count;
                if (!commit)
                {
                    continue;
                }

                var task = TaskEndpoints.NewTask(emulator, id, data, meta);
                taskIds.Add(task.Id);
                foreach (var annotation in taskAnnotations)
                {
                    var record = new AnnotationRecord
                    {
                        Id = emulator.Store.NextId("annotation"),
                        TaskId = task.Id,
                        ProjectId = id,
                        Result = annotation["result"] as JsonArray is { } result ? (JsonArray)result.DeepClone() : [],
                        WasCancelled = annotation["was_cancelled"]?.GetValue<bool>() ?? false,
                        GroundTruth = annotation["ground_truth"]?.GetValue<bool>() ?? false,
                        LeadTime = annotation["lead_time"]?.GetValue<double>(),
                        CompletedBy = caller.Id,
                        CreatedAt = emulator.Now,
                        UpdatedAt = emulator.Now,
                        LastAction = "imported",
                    };
                    emulator.Store.Annotations[record.Id] = record;
                }

                foreach (var prediction in taskPredictions)
                {
                    var record = new PredictionRecord
                    {
                        Id = emulator.Store.NextId("prediction"),
                        TaskId = task.Id,
                        ProjectId = id,
                        Result = prediction["result"] as JsonArray is { } result ? (JsonArray)result.DeepClone() : [],
                        Score = prediction["score"]?.GetValue<double>(),
                        ModelVersion = prediction["model_version"]?.GetValue<string>() ?? "undefined",
                        CreatedAt = emulator.Now,
                        UpdatedAt = emulator.Now,
                    };
                    emulator.Store.Predictions[record.Id] = record;
                }
            }

            var response = new JsonObject
            {
                ["task_count"] = parsed.Count,
                ["annotation_count"] = annotations,
                ["prediction_count"] = predictions,
                ["duration"] = Stopwatch.GetElapsedTime(started).TotalSeconds,
                ["file_upload_ids"] = new JsonArray(),
                ["could_be_tasks_list"] = false,
                ["found_formats"] = new JsonArray(),
                ["data_columns"] = new JsonArray(),
            };
            if (returnIds)
            {
                response["task_ids"] = taskIds;
            }

            return Wire.Json(response, StatusCodes.Status201Created);
        }
    }

    /// <summary>One task of the payload; its data must carry every variable of the label config (TaskValidator).</summary>
    private static (JsonObject Data, JsonObject? Meta, List<JsonObject> Annotations, List<JsonObject> Predictions) Parse(JsonNode? item, int index, ProjectRecord project)
    {
        if (item is not JsonObject task)
        {
            throw ApiException.NonField($"Error at item {index}: task must be a dictionary, got {Wire.PythonTypeName(item)}");
        }

        var wrapped = task["data"] is JsonObject;
        var data = (JsonObject)(wrapped ? task["data"]! : task).DeepClone();
        foreach (var (key, _) in project.Config.DataTypes)
        {
            if (!data.ContainsKey(key))
            {
                throw ApiException.NonField($"Error at item {index}: \"{key}\" key is expected in task data");
            }
        }

        static List<JsonObject> Objects(JsonNode? node) => node is JsonArray list ? list.OfType<JsonObject>().ToList() : [];
        return wrapped
            ? (data, task["meta"] as JsonObject is { } meta ? (JsonObject)meta.DeepClone() : null, Objects(task["annotations"]), Objects(task["predictions"]))
            : (data, null, [], []);
    }
}
