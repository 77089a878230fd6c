using System.Globalization;
using System.Text.Json.Nodes;
using LabelStudio.Emulator.Hosting;
using LabelStudio.Emulator.Projects;
using LabelStudio.Emulator.State;
using LabelStudio.Emulator.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace LabelStudio.Emulator.Predictions;

/// <summary>Predictions (CONTRACT §5.3): one at a time, listed by task or project, and the per-project bulk import.</summary>
internal static class PredictionEndpoints
{
    public static void Map(IEndpointRouteBuilder api)
    {
        api.MapPost("/predictions", CreateAsync);
        api.MapGet("/predictions", List);
        api.MapGet("/predictions/{id:int}", Get);
        api.MapDelete("/predictions/{id:int}", Delete);
        api.MapPost("/projects/{id:int}/import/predictions", ImportAsync);
    }

    private static async Task<IResult> CreateAsync(HttpRequest request, EmulatorContext emulator, CancellationToken ct)
    {
        var body = await Wire.ReadObjectAsync(request, ct).ConfigureAwait(false);
        lock (emulator.Store.Gate)
        {
            var prediction = Read(new RequestFields(body), emulator, projectId: null, defaultModelVersion: string.Empty, errorPrefix: null);
            emulator.Store.Predictions[prediction.Id] = prediction;
            return Wire.Json(PredictionWire.From(prediction, emulator.Now), StatusCodes.Status201Created);
        }
    }

    private static IResult List(HttpContext context, EmulatorContext emulator)
    {
        var query = context.Request.Query;
        int? task = int.TryParse(query["task"], NumberStyles.None, CultureInfo.InvariantCulture, out var t) ? t : null;
        int? project = int.TryParse(query["project"], NumberStyles.None, CultureInfo.InvariantCulture, out var p) ? p : null;
        lock (emulator.Store.Gate)
        {
            var list = emulator.Store.Predictions.Values
                .Where(x => (task is null || x.TaskId == task) && (project is null || x.ProjectId == project))
                .OrderBy(x => x.Id)
                .Select(x => PredictionWire.From(x, emulator.Now))
                .ToList();
            return Wire.Json(list);
        }
    }

    private static IResult Get(int id, EmulatorContext emulator)
    {
        lock (emulator.Store.Gate)
        {
            return emulator.Store.Predictions.TryGetValue(id, out var prediction)
                ? Wire.Json(PredictionWire.From(prediction, emulator.Now))
                : throw ApiException.NotFound("Prediction");
        }
    }

    private static IResult Delete(int id, EmulatorContext emulator)
    {
        lock (emulator.Store.Gate)
        {
            if (!emulator.Store.Predictions.Remove(id))
            {
                throw ApiException.NotFound("Prediction");
            }

            return Results.NoContent();
        }
    }

    /// <summary>A list of predictions for tasks of this project → 201 <c>{"created": N}</c>; model_version defaults to "undefined".</summary>
    private static async Task<IResult> ImportAsync(int id, HttpRequest request, EmulatorContext emulator, CancellationToken ct)
    {
        var body = await Wire.ReadBodyAsync(request, ct).ConfigureAwait(false);
        if (body is not JsonArray items)
        {
            throw ApiException.NonField($"Expected a list of items but got type \"{Wire.PythonTypeName(body)}\".");
        }

        lock (emulator.Store.Gate)
        {
            ProjectEndpoints.Find(emulator.Store, id);
            var created = new List<PredictionRecord>();
            for (var i = 0; i < items.Count; i++)
            {
                if (items[i] is not JsonObject item)
                {
                    throw ApiException.NonField($"Prediction #{i} must be a dictionary.");
                }

                created.Add(Read(new RequestFields(item), emulator, id, "undefined", $"Prediction #{i}"));
            }

            foreach (var prediction in created)
            {
                emulator.Store.Predictions[prediction.Id] = prediction;
            }

            return Wire.Json(new PredictionImportWire(created.Count), StatusCodes.Status201Created);
        }
    }

    /// <summary>PredictionSerializer fields; <paramref name="projectId"/> restricts tasks to one project (bulk import). Under the gate.</summary>
    private static PredictionRecord Read(RequestFields fields, EmulatorContext emulator, int? projectId, string defaultModelVersion, string? errorPrefix)
    {
        var task = fields.Int("task");
        var result = fields.Array("result");
        var score = fields.Double("score");
        var modelVersion = fields.String("model_version", allowNull: false);
        var cluster = fields.Int("cluster", allowNull: true);
        var mislabeling = fields.Double("mislabeling", allowNull: false);
        if (!fields.Has("task"))
        {
            fields.AddError("task", "This field is required.");
        }

        if (!fields.Has("result"))
        {
            fields.AddError("result", "This field is required.");
        }

        TaskRecord? taskRecord = null;
        if (task.Value is { } taskId)
        {
            emulator.Store.Tasks.TryGetValue(taskId, out taskRecord);
            if (projectId is { } project && taskRecord?.ProjectId != project)
            {
                throw ApiException.NonField($"{errorPrefix} contains invalid \"task\" field: task ID {taskId} not found in project {project}");
            }

            if (taskRecord is null)
            {
                fields.AddError("task", $"Invalid pk \"{taskId}\" - object does not exist.");
            }
        }

        fields.ThrowIfInvalid();
        return new PredictionRecord
        {
            Id = emulator.Store.NextId("prediction"),
            TaskId = taskRecord!.Id,
            ProjectId = taskRecord.ProjectId,
            Result = result.Value ?? [],
            Score = score.Value,
            ModelVersion = modelVersion.Value ?? defaultModelVersion,
            Cluster = cluster.Value,
            Neighbors = fields.Body["neighbors"]?.DeepClone(),
            Mislabeling = mislabeling.Value ?? 0.0,
            CreatedAt = emulator.Now,
            UpdatedAt = emulator.Now,
        };
    }
}
