using System.Globalization;
using System.Text.Json.Nodes;
using LabelStudio.Emulator.Auth;
using LabelStudio.Emulator.Hosting;
using LabelStudio.Emulator.State;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace LabelStudio.Emulator.Projects;

/// <summary>Projects: list/create/get/patch/delete and the two label-config validators (CONTRACT §3).</summary>
internal static class ProjectEndpoints
{
    private const int DefaultPageSize = 30;

    public static void Map(IEndpointRouteBuilder api)
    {
        api.MapGet("/projects", List);
        api.MapPost("/projects", CreateAsync);
        api.MapPost("/projects/validate", ValidateConfigAsync).WithMetadata(new AuthMetadata(AuthMode.Optional));
        api.MapGet("/projects/{id:int}", Get);
        api.MapPatch("/projects/{id:int}", UpdateAsync);
        api.MapDelete("/projects/{id:int}", Delete);
        api.MapPost("/projects/{id:int}/validate", CheckConfigChangeAsync);
    }

    /// <summary>Finds a project or throws Label Studio's 404. Call under the store's gate.</summary>
    public static ProjectRecord Find(EmulatorStore store, int id) =>
        store.Projects.TryGetValue(id, out var project) ? project : throw ApiException.NotFound("Project");

    private static IResult List(HttpContext context, EmulatorContext emulator)
    {
        var query = context.Request.Query;
        var page = PageRequest.From(context.Request, DefaultPageSize);
        var title = query["title"].ToString();
        var ids = query["ids"].ToString().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(s => int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : -1)
            .ToHashSet();
        var pinnedFilter = query["filter"].ToString();
        var caller = Caller.Get(context);
        lock (emulator.Store.Gate)
        {
            // ProjectFilterSet: title is icontains, ids is id__in; listing is pinned first, then newest first.
            var projects = emulator.Store.Projects.Values
                .Where(p => title.Length == 0 || (p.Fields["title"]?.GetValue<string>() ?? string.Empty).Contains(title, StringComparison.OrdinalIgnoreCase))
                .Where(p => ids.Count == 0 || ids.Contains(p.Id))
                .Where(p => pinnedFilter switch
                {
                    "pinned_only" => p.Fields["pinned_at"] is not null,
                    "exclude_pinned" => p.Fields["pinned_at"] is null,
                    _ => true,
                })
                .OrderByDescending(p => p.Fields["pinned_at"]?.GetValue<string>() ?? string.Empty, StringComparer.Ordinal)
                .ThenByDescending(p => p.CreatedAt)
                .ThenByDescending(p => p.Id)
                .ToList();
            var results = page.Slice(projects).Select(p => ProjectWire.From(p, emulator.Store, caller)).ToList();
            return Wire.Json(new ProjectPageWire(
                projects.Count,
                page.HasNext(projects.Count) ? PageRequest.Link(context, page.Page + 1) : null,
                page.Page > 1 ? PageRequest.Link(context, page.Page == 2 ? null : page.Page - 1) : null,
                results));
        }
    }

    private static async Task<IResult> CreateAsync(HttpContext context, EmulatorContext emulator, CancellationToken ct)
    {
        var body = await Wire.ReadObjectAsync(context.Request, ct).ConfigureAwait(false);
        var (values, config) = ProjectFields.Validate(body, modelVersionExists: null, currentModelVersion: null);
        var caller = Caller.Get(context);
        var fields = ProjectFields.Defaults();
        config ??= LabelConfigInfo.Parse(LabelConfigInfo.DefaultConfig);
        if (!values.ContainsKey("control_weights"))
        {
            fields["control_weights"] = config.ControlWeights.DeepClone();
        }

        foreach (var (name, value) in values)
        {
            fields[name] = value?.DeepClone();
        }

        lock (emulator.Store.Gate)
        {
            var project = new ProjectRecord
            {
                Id = emulator.Store.NextId("project"),
                CreatedAt = emulator.Now,
                CreatedBy = caller.Id,
                Fields = fields,
                Config = config,
            };
            emulator.Store.Projects[project.Id] = project;
            return Wire.Json(ProjectWire.From(project, emulator.Store, caller), StatusCodes.Status201Created);
        }
    }

    private static IResult Get(int id, HttpContext context, EmulatorContext emulator)
    {
        lock (emulator.Store.Gate)
        {
            return Wire.Json(ProjectWire.From(Find(emulator.Store, id), emulator.Store, Caller.Get(context)));
        }
    }

    private static async Task<IResult> UpdateAsync(int id, HttpContext context, EmulatorContext emulator, CancellationToken ct)
    {
        var body = await Wire.ReadObjectAsync(context.Request, ct).ConfigureAwait(false);
        lock (emulator.Store.Gate)
        {
            var project = Find(emulator.Store, id);
            var store = emulator.Store;
            var (values, config) = ProjectFields.Validate(
                body,
                version => store.Predictions.Values.Any(p => p.ProjectId == id && p.ModelVersion == version),
                project.Fields["model_version"]?.GetValue<string>());
            foreach (var (name, value) in values)
            {
                project.Fields[name] = value?.DeepClone();
            }

            if (config is not null)
            {
                project.Config = config;
                if (!values.ContainsKey("control_weights"))
                {
                    project.Fields["control_weights"] = config.ControlWeights.DeepClone();
                }
            }

            return Wire.Json(ProjectWire.From(project, store, Caller.Get(context)));
        }
    }

    private static IResult Delete(int id, EmulatorContext emulator)
    {
        lock (emulator.Store.Gate)
        {
            Find(emulator.Store, id);
            emulator.Store.DeleteProject(id);
            return Results.NoContent();
        }
    }

    /// <summary>
    /// ProjectLabelConfigValidateAPI: AllowAny, 204 when valid, and errors as the plain DRF body
    /// <c>{"label_config": [...]}</c> because the view uses DRF's own exception handler (CONTRACT §3.4).
    /// </summary>
    private static async Task<IResult> ValidateConfigAsync(HttpRequest request, CancellationToken ct)
    {
        JsonObject body;
        try
        {
            body = await Wire.ReadObjectAsync(request, ct).ConfigureAwait(false);
        }
        catch (ApiException e) when (e.ValidationErrors is not null)
        {
            return Wire.Json(e.ValidationErrors, StatusCodes.Status400BadRequest);
        }

        var fields = new RequestFields(body);
        var config = fields.String("label_config", allowNull: false);
        string? error = null;
        if (!config.HasValue)
        {
            error = fields.Has("label_config") ? "This field may not be null." : "This field is required.";
        }
        else if (string.IsNullOrEmpty(config.Value))
        {
            error = "This field may not be blank.";
        }
        else
        {
            try
            {
                LabelConfigInfo.Parse(config.Value);
            }
            catch (LabelConfigException e)
            {
                error = e.Message;
            }
        }

        return error is null
            ? Results.NoContent()
            : Wire.Json(new JsonObject { ["label_config"] = new JsonArray(error) }, StatusCodes.Status400BadRequest);
    }

    /// <summary>Would this config change the project's essential data (its data variables or controls)?</summary>
    private static async Task<IResult> CheckConfigChangeAsync(int id, HttpRequest request, EmulatorContext emulator, CancellationToken ct)
    {
        var fields = new RequestFields(await Wire.ReadObjectAsync(request, ct).ConfigureAwait(false));
        var text = fields.String("label_config");
        if (string.IsNullOrEmpty(text.Value))
        {
            throw ApiException.NonField("Label config is not set or is empty");
        }

        LabelConfigInfo config;
        try
        {
            config = LabelConfigInfo.Parse(text.Value);
        }
        catch (LabelConfigException e)
        {
            throw ApiException.Validation("label_config", e.Message);
        }

        lock (emulator.Store.Gate)
        {
            var current = Find(emulator.Store, id).Config;
            var changed = !current.DataTypes.SequenceEqual(config.DataTypes)
                || current.ParsedLabelConfig.ToJsonString() != config.ParsedLabelConfig.ToJsonString();
            return Wire.Json(new ProjectConfigCheckWire(changed));
        }
    }
}
