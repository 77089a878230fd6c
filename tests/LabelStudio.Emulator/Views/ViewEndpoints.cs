using System.Globalization;
using System.Text.Json.Nodes;
using LabelStudio.Emulator.Auth;
using LabelStudio.Emulator.Hosting;
using LabelStudio.Emulator.Projects;
using LabelStudio.Emulator.State;
using LabelStudio.Emulator.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace LabelStudio.Emulator.Views;

/// <summary>
/// Data Manager tabs (data_manager/api.py ViewAPI, serializers.py ViewSerializer): <c>data.ordering</c> is kept apart
/// and answered inside <c>data</c> again. A tab's ordering applies to <c>GET /api/tasks?view=</c> and to the labeling
/// stream <c>GET /api/projects/{id}/next?view=</c> (data_manager/functions.py get_prepare_params). Orderings known here:
/// <c>tasks:id</c> and <c>tasks:predictions_score</c> (managers.py annotate_predictions_score: the mean score of the
/// task's predictions of the project's model_version, all of them when it has none; nulls last either way).
/// </summary>
internal static class ViewEndpoints
{
    public static void Map(IEndpointRouteBuilder api)
    {
        api.MapGet("/dm/views", List);
        api.MapPost("/dm/views", CreateAsync);
        api.MapGet("/dm/views/{id:int}", Get);
        api.MapPatch("/dm/views/{id:int}", UpdateAsync);
        api.MapGet("/projects/{id:int}/next", Next);
    }

    private static IResult List(HttpContext context, EmulatorContext emulator)
    {
        int? project = int.TryParse(context.Request.Query["project"], NumberStyles.None, CultureInfo.InvariantCulture, out var p) ? p : null;
        lock (emulator.Store.Gate)
        {
            return Wire.Json(new JsonArray(emulator.Store.Views.Values.Where(v => project is null || v.ProjectId == project)
                .OrderBy(v => v.Id).Select(v => (JsonNode)ToWire(v)).ToArray()));
        }
    }

    private static IResult Get(int id, EmulatorContext emulator)
    {
        lock (emulator.Store.Gate)
        {
            return Wire.Json(ToWire(Find(emulator.Store, id)));
        }
    }

    private static async Task<IResult> CreateAsync(HttpContext context, EmulatorContext emulator, CancellationToken ct)
    {
        var (project, data) = Read(await Wire.ReadObjectAsync(context.Request, ct).ConfigureAwait(false));
        lock (emulator.Store.Gate)
        {
            ProjectEndpoints.Find(emulator.Store, project);
            var view = new ViewRecord { Id = emulator.Store.NextId("view"), ProjectId = project, UserId = Caller.Get(context).Id, Data = data };
            view.Ordering = Pop(data, "ordering");
            emulator.Store.Views[view.Id] = view;
            return Wire.Json(ToWire(view), StatusCodes.Status201Created);
        }
    }

    private static async Task<IResult> UpdateAsync(int id, HttpContext context, EmulatorContext emulator, CancellationToken ct)
    {
        var (_, data) = Read(await Wire.ReadObjectAsync(context.Request, ct).ConfigureAwait(false));
        lock (emulator.Store.Gate)
        {
            var view = Find(emulator.Store, id);
            var ordering = Pop(data, "ordering");
            if (ordering.Count > 0)
            {
                view.Ordering = ordering; // ViewSerializer.update: an empty ordering leaves the old one
            }

            view.Data = data;
            return Wire.Json(ToWire(view));
        }
    }

    /// <summary>The first task in the tab's order the caller has not annotated and that still lacks annotations (Sequential sampling).</summary>
    private static IResult Next(int id, HttpContext context, EmulatorContext emulator)
    {
        var caller = Caller.Get(context);
        int? viewId = int.TryParse(context.Request.Query["view"], NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : null;
        lock (emulator.Store.Gate)
        {
            var store = emulator.Store;
            var project = ProjectEndpoints.Find(store, id);
            var ordering = viewId is { } vid ? Find(store, vid).Ordering : [];
            var next = Ordered(store, project, store.TasksOf(id), ordering).FirstOrDefault(t =>
            {
                var annotations = store.Annotations.Values.Where(a => a.TaskId == t.Id).ToList();
                return annotations.All(a => a.CompletedBy != caller.Id) && annotations.Count(a => !a.WasCancelled) < project.MaximumAnnotations;
            }) ?? throw new ApiException(StatusCodes.Status404NotFound,
                $"There are still some tasks to complete for the user={caller.Email}, but they seem to be locked by another user.");
            var wire = TaskWire.From(next, emulator, includeRelated: true, resolveUri: true);
            wire["queue"] = "Sequence queue";
            return Wire.Json(wire);
        }
    }

    /// <summary>Tasks in a tab's order (<c>GET /api/tasks?view=</c> and the stream).</summary>
    public static IEnumerable<TaskRecord> Ordered(EmulatorStore store, ProjectRecord project, IEnumerable<TaskRecord> tasks, IReadOnlyList<string> ordering)
    {
        var key = ordering.FirstOrDefault() ?? "tasks:id";
        var descending = key.StartsWith('-');
        var field = key.TrimStart('-', '+').Replace("filter:", string.Empty, StringComparison.Ordinal).Replace("tasks:", string.Empty, StringComparison.Ordinal);
        if (field != "predictions_score")
        {
            return descending ? tasks.OrderByDescending(t => t.Id) : tasks.OrderBy(t => t.Id);
        }

        var version = project.Fields["model_version"]?.GetValue<string>() is { Length: > 0 } mv ? mv : null;
        double? Score(TaskRecord task)
        {
            var scores = store.Predictions.Values.Where(p => p.TaskId == task.Id && (version is null || p.ModelVersion == version) && p.Score is not null)
                .Select(p => p.Score!.Value).ToList();
            return scores.Count == 0 ? null : scores.Average();
        }

        var scored = tasks.Select(t => (Task: t, Score: Score(t))).ToList();
        var withScore = scored.Where(s => s.Score is not null);
        var ordered = descending ? withScore.OrderByDescending(s => s.Score).ThenBy(s => s.Task.Id) : withScore.OrderBy(s => s.Score).ThenBy(s => s.Task.Id);
        return ordered.Concat(scored.Where(s => s.Score is null)).Select(s => s.Task);
    }

    /// <summary>Finds a tab or throws Label Studio's 404. Call under the store's gate.</summary>
    public static ViewRecord Find(EmulatorStore store, int id) =>
        store.Views.TryGetValue(id, out var view) ? view : throw ApiException.NotFound("View");

    private static (int Project, JsonObject Data) Read(JsonObject body)
    {
        var fields = new RequestFields(body);
        var project = fields.Int("project");
        var data = fields.Object("data", allowNull: false);
        if (!fields.Has("project"))
        {
            fields.AddError("project", "This field is required.");
        }

        fields.ThrowIfInvalid();
        return (project.Value ?? 0, (JsonObject?)data.Value?.DeepClone() ?? []);
    }

    private static List<string> Pop(JsonObject data, string name)
    {
        var values = (data[name] as JsonArray)?.Select(n => n?.ToString() ?? string.Empty).ToList() ?? [];
        data.Remove(name);
        return values;
    }

    private static JsonObject ToWire(ViewRecord view)
    {
        var data = (JsonObject)view.Data.DeepClone();
        if (view.Ordering.Count > 0)
        {
            data["ordering"] = new JsonArray(view.Ordering.Select(o => (JsonNode)o).ToArray());
        }

        return new JsonObject { ["id"] = view.Id, ["data"] = data, ["user"] = view.UserId, ["project"] = view.ProjectId };
    }
}
