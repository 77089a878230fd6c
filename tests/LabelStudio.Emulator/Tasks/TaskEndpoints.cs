using System.Globalization;
using System.Text.Json.Nodes;
using LabelStudio.Emulator.Hosting;
using LabelStudio.Emulator.Projects;
using LabelStudio.Emulator.State;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace LabelStudio.Emulator.Tasks;

/// <summary>Tasks (CONTRACT §5.1): the paginated Data Manager list, one task, create and delete.</summary>
internal static class TaskEndpoints
{
    private const int DefaultPageSize = 100;

    public static void Map(IEndpointRouteBuilder api)
    {
        api.MapGet("/tasks", List);
        api.MapPost("/tasks", CreateAsync);
        api.MapGet("/tasks/{id:int}", Get);
        api.MapDelete("/tasks/{id:int}", Delete);
    }

    /// <summary>Finds a task or throws Label Studio's 404. Call under the store's gate.</summary>
    public static TaskRecord Find(EmulatorStore store, int id) =>
        store.Tasks.TryGetValue(id, out var task) ? task : throw ApiException.NotFound("Task");

    /// <summary><c>{total_annotations, total_predictions, total, tasks}</c>; page_size 100; a page past the end is 404.</summary>
    private static IResult List(HttpContext context, EmulatorContext emulator)
    {
        var query = context.Request.Query;
        if (!int.TryParse(query["project"], NumberStyles.None, CultureInfo.InvariantCulture, out var projectId))
        {
            throw ApiException.Validation("project", "This field is required.");
        }

        var page = PageRequest.From(context.Request, DefaultPageSize);
        var includeRelated = query["fields"] == "all";
        var resolveUri = !IsFalse(query["resolve_uri"]);
        var onlyAnnotated = !IsFalse(query["only_annotated"]) && query["only_annotated"].Count > 0;
        lock (emulator.Store.Gate)
        {
            var store = emulator.Store;
            var project = ProjectEndpoints.Find(store, projectId);
            var ordering = int.TryParse(query["view"], NumberStyles.None, CultureInfo.InvariantCulture, out var viewId) ? Views.ViewEndpoints.Find(store, viewId).Ordering : [];
            var tasks = Views.ViewEndpoints.Ordered(store, project, store.TasksOf(projectId), ordering)
                .Where(t => !onlyAnnotated || store.Annotations.Values.Any(a => a.TaskId == t.Id))
                .ToList();
            var taskIds = tasks.Select(t => t.Id).ToHashSet();
            var pageTasks = page.Slice(tasks);
            return Wire.Json(new TaskPageWire(
                store.Annotations.Values.Count(a => taskIds.Contains(a.TaskId) && !a.WasCancelled),
                store.Predictions.Values.Count(p => taskIds.Contains(p.TaskId)),
                tasks.Count,
                new JsonArray(pageTasks.Select(t => (JsonNode)TaskWire.From(t, emulator, includeRelated, resolveUri)).ToArray())));
        }
    }

    private static IResult Get(int id, HttpContext context, EmulatorContext emulator)
    {
        var resolveUri = !IsFalse(context.Request.Query["resolve_uri"]);
        lock (emulator.Store.Gate)
        {
            return Wire.Json(TaskWire.From(Find(emulator.Store, id), emulator, includeRelated: true, resolveUri));
        }
    }

    private static async Task<IResult> CreateAsync(HttpRequest request, EmulatorContext emulator, CancellationToken ct)
    {
        var fields = new RequestFields(await Wire.ReadObjectAsync(request, ct).ConfigureAwait(false));
        var project = fields.Int("project", allowNull: true);
        var data = fields.Object("data", allowNull: false);
        var meta = fields.Object("meta");
        if (!fields.Has("project"))
        {
            fields.AddError("project", "This field is required.");
        }

        if (!fields.Has("data"))
        {
            fields.AddError("data", "This field is required.");
        }

        fields.ThrowIfInvalid();
        lock (emulator.Store.Gate)
        {
            var projectId = project.Value ?? throw ApiException.Validation("project", "This field may not be null.");
            if (!emulator.Store.Projects.ContainsKey(projectId))
            {
                throw ApiException.Validation("project", $"Invalid pk \"{projectId}\" - object does not exist.");
            }

            var task = NewTask(emulator, projectId, data.Value!, meta.Value);
            return Wire.Json(TaskWire.From(task, emulator, includeRelated: true, resolveUri: false), StatusCodes.Status201Created);
        }
    }

    private static IResult Delete(int id, EmulatorContext emulator)
    {
        lock (emulator.Store.Gate)
        {
            Find(emulator.Store, id);
            emulator.Store.DeleteTask(id);
            return Results.NoContent();
        }
    }

    /// <summary>Adds a task to a project. Call under the store's gate.</summary>
    public static TaskRecord NewTask(EmulatorContext emulator, int projectId, JsonObject data, JsonObject? meta)
    {
        var store = emulator.Store;
        var task = new TaskRecord
        {
            Id = store.NextId("task"),
            ProjectId = projectId,
            InnerId = store.TasksOf(projectId).Select(t => t.InnerId).DefaultIfEmpty(0).Max() + 1,
            Data = data,
            Meta = meta ?? [],
            CreatedAt = emulator.Now,
            UpdatedAt = emulator.Now,
        };
        store.Tasks[task.Id] = task;
        return task;
    }

    private static bool IsFalse(Microsoft.Extensions.Primitives.StringValues value) =>
        value.ToString().ToLowerInvariant() is "false" or "0" or "no" or "off";
}
