using System.Text.Json.Nodes;
using LabelStudio.Emulator.Auth;
using LabelStudio.Emulator.Hosting;
using LabelStudio.Emulator.State;
using LabelStudio.Emulator.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace LabelStudio.Emulator.Annotations;

/// <summary>
/// Annotations (CONTRACT §5.2). Cancelled (skipped) annotations are stored and listed like any other, but do not count
/// towards <c>total_annotations</c> or a task being labeled.
/// </summary>
internal static class AnnotationEndpoints
{
    private static readonly string[] LastActions =
        ["prediction", "propagated_annotation", "imported", "submitted", "updated", "skipped", "accepted", "rejected", "fixed_and_accepted", "deleted_review"];

    public static void Map(IEndpointRouteBuilder api)
    {
        api.MapPost("/tasks/{id:int}/annotations", CreateAsync);
        api.MapGet("/tasks/{id:int}/annotations", ListOfTask);
        api.MapGet("/annotations/{id:int}", Get);
        api.MapPatch("/annotations/{id:int}", UpdateAsync);
        api.MapDelete("/annotations/{id:int}", Delete);
    }

    private static async Task<IResult> CreateAsync(int id, HttpContext context, EmulatorContext emulator, CancellationToken ct)
    {
        var body = await Wire.ReadObjectAsync(context.Request, ct).ConfigureAwait(false);
        var caller = Caller.Get(context);
        lock (emulator.Store.Gate)
        {
            var task = TaskEndpoints.Find(emulator.Store, id);
            var annotation = new AnnotationRecord
            {
                Id = 0,
                TaskId = task.Id,
                ProjectId = task.ProjectId,
                Result = [],
                CompletedBy = caller.Id,
                CreatedAt = emulator.Now,
                UpdatedAt = emulator.Now,
            };
            Apply(body, annotation, emulator.Store);
            var saved = new AnnotationRecord
            {
                Id = emulator.Store.NextId("annotation"),
                TaskId = annotation.TaskId,
                ProjectId = annotation.ProjectId,
                Result = annotation.Result,
                WasCancelled = annotation.WasCancelled,
                GroundTruth = annotation.GroundTruth,
                LeadTime = annotation.LeadTime,
                CompletedBy = annotation.CompletedBy,
                UpdatedBy = caller.Id,
                CreatedAt = annotation.CreatedAt,
                UpdatedAt = annotation.UpdatedAt,
                DraftCreatedAt = annotation.DraftCreatedAt,
                LastAction = annotation.LastAction,
                ParentPrediction = annotation.ParentPrediction,
                ParentAnnotation = annotation.ParentAnnotation,
                ImportId = annotation.ImportId,
                BulkCreated = annotation.BulkCreated,
            };
            emulator.Store.Annotations[saved.Id] = saved;
            task.UpdatedAt = emulator.Now;
            task.UpdatedBy = caller.Id;
            return Wire.Json(AnnotationWire.From(saved, emulator.Store.User, emulator.Now), StatusCodes.Status201Created);
        }
    }

    private static IResult ListOfTask(int id, EmulatorContext emulator)
    {
        lock (emulator.Store.Gate)
        {
            TaskEndpoints.Find(emulator.Store, id);
            var list = emulator.Store.AnnotationsOf(id).Select(a => AnnotationWire.From(a, emulator.Store.User, emulator.Now)).ToList();
            return Wire.Json(list);
        }
    }

    private static IResult Get(int id, EmulatorContext emulator)
    {
        lock (emulator.Store.Gate)
        {
            return Wire.Json(AnnotationWire.From(Find(emulator.Store, id), emulator.Store.User, emulator.Now));
        }
    }

    private static async Task<IResult> UpdateAsync(int id, HttpContext context, EmulatorContext emulator, CancellationToken ct)
    {
        var body = await Wire.ReadObjectAsync(context.Request, ct).ConfigureAwait(false);
        var caller = Caller.Get(context);
        lock (emulator.Store.Gate)
        {
            var annotation = Find(emulator.Store, id);
            Apply(body, annotation, emulator.Store);
            annotation.UpdatedAt = emulator.Now;
            annotation.UpdatedBy = caller.Id;
            var task = emulator.Store.Tasks[annotation.TaskId];
            task.UpdatedAt = emulator.Now;
            task.UpdatedBy = caller.Id;
            return Wire.Json(AnnotationWire.From(annotation, emulator.Store.User, emulator.Now));
        }
    }

    private static IResult Delete(int id, EmulatorContext emulator)
    {
        lock (emulator.Store.Gate)
        {
            Find(emulator.Store, id);
            emulator.Store.Annotations.Remove(id);
            return Results.NoContent();
        }
    }

    private static AnnotationRecord Find(EmulatorStore store, int id) =>
        store.Annotations.TryGetValue(id, out var annotation) ? annotation : throw ApiException.NotFound("Annotation");

    /// <summary>The writable AnnotationSerializer fields present in the body, validated together (one 400 for all errors).</summary>
    private static void Apply(JsonObject body, AnnotationRecord annotation, EmulatorStore store)
    {
        var fields = new RequestFields(body);
        var result = fields.Array("result");
        var cancelled = fields.Bool("was_cancelled");
        var groundTruth = fields.Bool("ground_truth");
        var leadTime = fields.Double("lead_time");
        var completedBy = fields.Int("completed_by");
        var draftCreatedAt = fields.String("draft_created_at");
        var lastAction = fields.Choice("last_action", LastActions);
        var parentPrediction = fields.Int("parent_prediction", allowNull: true);
        var parentAnnotation = fields.Int("parent_annotation", allowNull: true);
        var bulkCreated = fields.Bool("bulk_created", allowNull: true);
        if (completedBy.Value is { } userId && userId != store.User.Id)
        {
            fields.AddError("completed_by", $"Invalid pk \"{userId}\" - object does not exist.");
        }

        if (parentPrediction.Value is { } predictionId && !store.Predictions.ContainsKey(predictionId))
        {
            fields.AddError("parent_prediction", $"Invalid pk \"{predictionId}\" - object does not exist.");
        }

        DateTimeOffset? draftTime = null;
        if (draftCreatedAt.Value is { } draftText)
        {
            if (DateTimeOffset.TryParse(draftText, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var parsed))
            {
                draftTime = parsed;
            }
            else
            {
                fields.AddError("draft_created_at", "Datetime has wrong format. Use one of these formats instead: YYYY-MM-DDThh:mm[:ss[.uuuuuu]][+HH:MM|-HH:MM|Z].");
            }
        }

        fields.ThrowIfInvalid();
        annotation.Result = result.Value ?? annotation.Result;
        annotation.WasCancelled = cancelled.HasValue ? cancelled.Value!.Value : annotation.WasCancelled;
        annotation.GroundTruth = groundTruth.HasValue ? groundTruth.Value!.Value : annotation.GroundTruth;
        annotation.LeadTime = leadTime.HasValue ? leadTime.Value : annotation.LeadTime;
        annotation.CompletedBy = completedBy.Value ?? annotation.CompletedBy;
        annotation.DraftCreatedAt = draftCreatedAt.HasValue ? draftTime : annotation.DraftCreatedAt;
        annotation.LastAction = lastAction.HasValue ? lastAction.Value : annotation.LastAction;
        annotation.ParentPrediction = parentPrediction.HasValue ? parentPrediction.Value : annotation.ParentPrediction;
        annotation.ParentAnnotation = parentAnnotation.HasValue ? parentAnnotation.Value : annotation.ParentAnnotation;
        annotation.BulkCreated = bulkCreated.HasValue ? bulkCreated.Value : annotation.BulkCreated;
    }
}
