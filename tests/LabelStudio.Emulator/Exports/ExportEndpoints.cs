using System.Text;
using System.Text.Json.Nodes;
using LabelStudio.Emulator.Auth;
using LabelStudio.Emulator.Hosting;
using LabelStudio.Emulator.Projects;
using LabelStudio.Emulator.State;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace LabelStudio.Emulator.Exports;

/// <summary>
/// Easy export (<c>GET /api/projects/{id}/export</c>, §6.1) and snapshot exports (<c>/api/projects/{id}/exports/…</c>, §6.2).
/// Only the native JSON format is produced; converter formats (JSON_MIN, CSV, …) are not emulated.
/// </summary>
internal static class ExportEndpoints
{
    private const string NativeFormat = "JSON";

    /// <summary>The converter's formats Label Studio offers (GET export/formats on the real server), which the emulator does not convert.</summary>
    private static readonly HashSet<string> ConverterFormats = new(StringComparer.Ordinal)
    {
        "JSON_MIN", "CSV", "TSV", "CONLL2003", "COCO", "VOC", "YOLO", "BRUSH_TO_NUMPY", "BRUSH_TO_PNG", "ASR_MANIFEST",
    };

    public static void Map(IEndpointRouteBuilder api)
    {
        api.MapGet("/projects/{id:int}/export", EasyExport);
        api.MapPost("/projects/{id:int}/exports", CreateSnapshotAsync);
        api.MapGet("/projects/{id:int}/exports", ListSnapshots);
        api.MapGet("/projects/{id:int}/exports/{exportId:int}", GetSnapshot);
        api.MapDelete("/projects/{id:int}/exports/{exportId:int}", DeleteSnapshot);
        api.MapGet("/projects/{id:int}/exports/{exportId:int}/download", Download);
        api.MapPost("/projects/{id:int}/exports/{exportId:int}/convert", ConvertAsync);
        api.MapGet("/projects/{id:int}/export/formats", Formats);
    }

    /// <summary>
    /// Synchronous export as a file attachment: <c>exportType</c> or <c>export_type</c> (default JSON); only tasks with at
    /// least one annotation (skipped included) unless <c>download_all_tasks=true</c>; <c>ids[]</c> narrows the tasks.
    /// </summary>
    private static IResult EasyExport(int id, HttpContext context, EmulatorContext emulator)
    {
        var query = context.Request.Query;
        var format = FirstNonEmpty(query["exportType"], query["export_type"]) ?? NativeFormat;
        RequireNativeFormat(format, "export_type");
        var allTasks = query["download_all_tasks"].ToString().ToLowerInvariant() is "true" or "1";
        var ids = query["ids[]"].Concat(query["ids"]).Select(v => int.TryParse(v, out var n) ? n : -1).ToHashSet();
        lock (emulator.Store.Gate)
        {
            var store = emulator.Store;
            ProjectEndpoints.Find(store, id);
            var tasks = store.TasksOf(id)
                .Where(t => allTasks || store.Annotations.Values.Any(a => a.TaskId == t.Id))
                .Where(t => ids.Count == 0 || ids.Contains(t.Id));
            var content = ExportSerializer.Tasks(tasks, emulator, ExportShape.Easy).ToJsonString(Wire.Options);
            return Attachment(content, ExportSerializer.FileName(id, emulator.Now, ExportSerializer.Md5(content)));
        }
    }

    private static async Task<IResult> CreateSnapshotAsync(int id, HttpContext context, EmulatorContext emulator, CancellationToken ct)
    {
        var fields = new RequestFields(await Wire.ReadObjectAsync(context.Request, ct).ConfigureAwait(false));
        var title = fields.String("title", allowNull: false);
        var taskFilter = fields.Object("task_filter_options");
        var annotationFilter = fields.Object("annotation_filter_options");
        var serialization = fields.Object("serialization_options");
        fields.ThrowIfInvalid();
        var optionErrors = new JsonObject();
        ReadBooleans(taskFilter.Value, "task_filter_options", ["only_with_annotations"], optionErrors);
        ReadBooleans(annotationFilter.Value, "annotation_filter_options", ["usual", "ground_truth", "skipped"], optionErrors);
        ReadBooleans(serialization.Value, "serialization_options", ["drafts.only_id", "predictions.only_id", "annotations__completed_by.only_id", "interpolate_key_frames"], optionErrors);
        if (optionErrors.Count > 0)
        {
            throw ApiException.Validation(optionErrors);
        }

        lock (emulator.Store.Gate)
        {
            var store = emulator.Store;
            ProjectEndpoints.Find(store, id);
            var taskOptions = taskFilter.Value ?? [];
            var annotationOptions = annotationFilter.Value ?? new JsonObject { ["usual"] = true };
            var serializationOptions = serialization.Value ?? [];
            var shape = new ExportShape(
                Expands(serializationOptions, "predictions"),
                Expands(serializationOptions, "annotations__completed_by"),
                AnnotationFilter(annotationOptions));
            var tasks = store.TasksOf(id).Where(t => TaskFilter(taskOptions, t, store)).ToList();
            var content = ExportSerializer.Tasks(tasks, emulator, shape).ToJsonString(Wire.Options);
            var pending = Math.Max(0, emulator.Options.ExportSnapshotPolls);
            var export = new ExportRecord
            {
                Id = store.NextId("export"),
                ProjectId = id,
                Title = title.Value ?? string.Empty,
                CreatedBy = Caller.Get(context).Id,
                CreatedAt = emulator.Now,
                TaskFilterOptions = taskOptions,
                AnnotationFilterOptions = annotationOptions,
                SerializationOptions = serializationOptions,
                Content = content,
                Md5 = ExportSerializer.Md5(content),
                Counters = new JsonObject { ["task_number"] = tasks.Count },
                PendingPolls = pending,
                Status = pending > 0 ? "in_progress" : "completed",
                FinishedAt = pending > 0 ? null : emulator.Now,
            };
            store.Exports[export.Id] = export;
            return Wire.Json(ExportWire.From(export, store, withOptions: true), StatusCodes.Status201Created);
        }
    }

    /// <summary>Newest first, at most 100 (ExportListAPI).</summary>
    private static IResult ListSnapshots(int id, EmulatorContext emulator)
    {
        lock (emulator.Store.Gate)
        {
            ProjectEndpoints.Find(emulator.Store, id);
            var exports = emulator.Store.Exports.Values.Where(e => e.ProjectId == id).OrderByDescending(e => e.Id).Take(100).ToList();
            exports.ForEach(e => Advance(e, emulator));
            return Wire.Json(exports.Select(e => ExportWire.From(e, emulator.Store, withOptions: false)).ToList());
        }
    }

    private static IResult GetSnapshot(int id, int exportId, EmulatorContext emulator)
    {
        lock (emulator.Store.Gate)
        {
            var export = FindExport(emulator.Store, id, exportId);
            Advance(export, emulator);
            return Wire.Json(ExportWire.From(export, emulator.Store, withOptions: false));
        }
    }

    private static IResult DeleteSnapshot(int id, int exportId, EmulatorContext emulator)
    {
        lock (emulator.Store.Gate)
        {
            FindExport(emulator.Store, id, exportId);
            emulator.Store.Exports.Remove(exportId);
            return Results.NoContent();
        }
    }

    /// <summary>The snapshot file; a plain-text 404 while it is not completed or for a format never converted.</summary>
    private static IResult Download(int id, int exportId, HttpContext context, EmulatorContext emulator)
    {
        var format = FirstNonEmpty(context.Request.Query["exportType"]) ?? NativeFormat;
        lock (emulator.Store.Gate)
        {
            var export = FindExport(emulator.Store, id, exportId);
            if (export.Status != "completed")
            {
                return Results.Text("Export is not completed", "text/html", Encoding.UTF8, StatusCodes.Status404NotFound);
            }

            if (!format.Equals(NativeFormat, StringComparison.Ordinal))
            {
                return Results.Text($"{format} format is not converted yet", "text/html", Encoding.UTF8, StatusCodes.Status404NotFound);
            }

            return Attachment(export.Content, ExportSerializer.FileName(id, export.CreatedAt, export.Md5));
        }
    }

    /// <summary>
    /// The formats this emulator can give: JSON only. Label Studio lists every converter format (JSON_MIN, CSV, COCO, …)
    /// as objects {name, title, description, link[, tags, disabled]} (the spec says strings: errata).
    /// </summary>
    private static IResult Formats(int id, EmulatorContext emulator)
    {
        lock (emulator.Store.Gate)
        {
            ProjectEndpoints.Find(emulator.Store, id);
        }

        return Wire.Json(new JsonArray(new JsonObject
        {
            ["title"] = NativeFormat,
            ["description"] = "List of items in raw JSON format stored in one JSON file. Use to export both the data and the annotations for a dataset. It's Label Studio Common Format",
            ["link"] = "https://labelstud.io/guide/export.html#JSON",
            ["name"] = NativeFormat,
        }));
    }

    /// <summary>ExportConvertAPI: {export_type} → {export_type, converted_format}; only JSON here (other formats need the converter).</summary>
    private static async Task<IResult> ConvertAsync(int id, int exportId, HttpContext context, EmulatorContext emulator, CancellationToken ct)
    {
        var fields = new RequestFields(await Wire.ReadObjectAsync(context.Request, ct).ConfigureAwait(false));
        var type = fields.String("export_type", allowNull: false);
        if (!type.HasValue || string.IsNullOrEmpty(type.Value))
        {
            fields.AddError("export_type", "This field is required.");
        }

        fields.Bool("download_resources");
        fields.ThrowIfInvalid();
        lock (emulator.Store.Gate)
        {
            FindExport(emulator.Store, id, exportId);
            if (type.Value != NativeFormat)
            {
                throw ApiException.Validation("export_type", ConverterFormats.Contains(type.Value!)
                    ? $"The emulator converts only {NativeFormat}; \"{type.Value}\" needs Label Studio's converter."
                    : $"{type.Value} is not supported export format");
            }

            return Wire.Json(new JsonObject { ["export_type"] = type.Value, ["converted_format"] = emulator.Store.NextId("converted_format") });
        }
    }

    /// <summary>
    /// The options' BooleanFields, read as Label Studio's nested serializers read them (DRF's spellings, stored as
    /// true/false); anything else is a 400 with the error at its path (e.g. serialization_options → predictions →
    /// only_id: ["Must be a valid boolean."]), as the real server answers, never a 500.
    /// </summary>
    private static void ReadBooleans(JsonObject? options, string field, string[] paths, JsonObject errors)
    {
        foreach (var path in paths.Select(p => p.Split('.')))
        {
            var parent = options;
            foreach (var name in path[..^1])
            {
                parent = parent?[name] as JsonObject;
            }

            if (parent is null)
            {
                continue; // absent, or not an object (the option's own check)
            }

            var reader = new RequestFields(parent);
            var value = reader.Bool(path[^1]);
            if (reader.IsValid)
            {
                if (value.HasValue)
                {
                    parent[path[^1]] = value.Value;
                }

                continue;
            }

            var node = errors;
            foreach (var name in path[..^1].Prepend(field))
            {
                node = node[name] as JsonObject ?? (JsonObject)(node[name] = new JsonObject());
            }

            node[path[^1]] = new JsonArray("Must be a valid boolean.");
        }
    }

    /// <summary>A read of a snapshot that was told to stay in progress: one poll closer to completion.</summary>
    private static void Advance(ExportRecord export, EmulatorContext emulator)
    {
        if (export.PendingPolls <= 0)
        {
            return;
        }

        export.PendingPolls--;
        if (export.PendingPolls == 0)
        {
            export.Status = "completed";
            export.FinishedAt = emulator.Now;
        }
    }

    private static ExportRecord FindExport(EmulatorStore store, int projectId, int exportId)
    {
        ProjectEndpoints.Find(store, projectId);
        return store.Exports.TryGetValue(exportId, out var export) && export.ProjectId == projectId ? export : throw ApiException.NotFound("Export");
    }

    private static IResult Attachment(string content, string fileName) => new AttachmentResult(content, fileName);

    private static void RequireNativeFormat(string format, string field)
    {
        if (!format.Equals(NativeFormat, StringComparison.Ordinal))
        {
            throw ApiException.Validation(field, $"The emulator exports only {NativeFormat}; \"{format}\" needs Label Studio's converter.");
        }
    }

    private static string? FirstNonEmpty(params Microsoft.Extensions.Primitives.StringValues[] values) =>
        values.Select(v => v.ToString()).FirstOrDefault(v => v.Length > 0);

    /// <summary>serialization_options.X: expanded only when X is given with only_id false.</summary>
    private static bool Expands(JsonObject options, string name) =>
        options[name] is JsonObject option && option["only_id"]?.GetValue<bool>() != true;

    /// <summary>annotation_filter_options: usual (not skipped, not ground truth), ground_truth, skipped — OR-ed.</summary>
    private static Func<AnnotationRecord, bool> AnnotationFilter(JsonObject options)
    {
        bool On(string name) => options[name]?.GetValue<bool>() == true;
        var usual = options.ContainsKey("usual") ? On("usual") : true;
        var groundTruth = On("ground_truth");
        var skipped = On("skipped");
        return a => (usual && !a.WasCancelled && !a.GroundTruth) || (groundTruth && a.GroundTruth) || (skipped && a.WasCancelled);
    }

    /// <summary>task_filter_options: only_with_annotations, and annotated/finished/skipped as only|exclude.</summary>
    private static bool TaskFilter(JsonObject options, TaskRecord task, EmulatorStore store)
    {
        var annotations = store.Annotations.Values.Where(a => a.TaskId == task.Id).ToList();
        bool Keep(string name, bool value) => options[name]?.ToString() switch
        {
            "only" => value,
            "exclude" => !value,
            _ => true,
        };

        var project = store.Projects[task.ProjectId];
        return (options["only_with_annotations"]?.GetValue<bool>() != true || annotations.Count > 0)
            && Keep("annotated", annotations.Any(a => !a.WasCancelled))
            && Keep("skipped", annotations.Any(a => a.WasCancelled))
            && Keep("finished", TaskState.IsLabeled(project, store, task.Id));
    }

    /// <summary>A FileResponse: JSON bytes with <c>Content-Disposition: attachment</c> and Label Studio's <c>filename</c> header.</summary>
    private sealed class AttachmentResult(string content, string fileName) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.Headers.ContentDisposition = $"attachment; filename=\"{fileName}\"";
            httpContext.Response.Headers["filename"] = fileName;
            return Results.Text(content, "application/json", Encoding.UTF8).ExecuteAsync(httpContext);
        }
    }
}
