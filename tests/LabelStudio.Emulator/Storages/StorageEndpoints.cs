using System.Globalization;
using System.Text.Json.Nodes;
using LabelStudio.Emulator.Hosting;
using LabelStudio.Emulator.Projects;
using LabelStudio.Emulator.State;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace LabelStudio.Emulator.Storages;

/// <summary>The endpoint set every import storage type shares: <c>/api/storages/{type}/</c>, <c>/validate</c>, <c>/{id}</c>, <c>/{id}/sync</c>.</summary>
internal static class StorageEndpoints
{
    public static void Map(IEndpointRouteBuilder api, IImportStorageType type)
    {
        var group = api.MapGroup("/storages/" + type.Type);
        group.MapGet(string.Empty, (HttpContext context, EmulatorContext emulator, CancellationToken ct) => ListAsync(type, context, emulator, ct));
        group.MapPost(string.Empty, (HttpRequest request, EmulatorContext emulator, CancellationToken ct) => CreateAsync(type, request, emulator, ct));
        group.MapPost("/validate", (HttpRequest request, EmulatorContext emulator, CancellationToken ct) => ValidateAsync(type, request, emulator, ct));
        group.MapGet("/{id:int}", (int id, EmulatorContext emulator, CancellationToken ct) => GetAsync(type, id, emulator, ct));
        group.MapPatch("/{id:int}", (int id, HttpRequest request, EmulatorContext emulator, CancellationToken ct) => UpdateAsync(type, id, request, emulator, ct));
        group.MapDelete("/{id:int}", (int id, EmulatorContext emulator) => Delete(type, id, emulator));
        group.MapPost("/{id:int}/sync", (int id, EmulatorContext emulator, CancellationToken ct) => new StorageSync(emulator).StartAsync(type, id, ct));
    }

    /// <summary>The Django model name used in 404 details, e.g. LocalFilesImportStorage.</summary>
    public static string ModelName(IImportStorageType type) => type.Type switch
    {
        "localfiles" => "LocalFilesImportStorage",
        "s3" => "S3ImportStorage",
        _ => type.Type + "ImportStorage",
    };

    /// <summary>A plain array (no pagination) of the project's storages; <c>?project=</c> is required.</summary>
    private static async Task<IResult> ListAsync(IImportStorageType type, HttpContext context, EmulatorContext emulator, CancellationToken ct)
    {
        var projectText = context.Request.Query["project"].ToString();
        if (projectText.Length == 0)
        {
            throw ApiException.NonField("query parameter \"project\" is required");
        }

        if (!int.TryParse(projectText, NumberStyles.None, CultureInfo.InvariantCulture, out var projectId))
        {
            throw ApiException.NotFound("Project");
        }

        List<int> ids;
        lock (emulator.Store.Gate)
        {
            ProjectEndpoints.Find(emulator.Store, projectId);
            ids = emulator.Store.StoragesOf(type.Type).Values.Where(s => s.ProjectId == projectId).Select(s => s.Id).Order().ToList();
        }

        var sync = new StorageSync(emulator);
        foreach (var id in ids)
        {
            await sync.AdvanceAsync(type, id, ct).ConfigureAwait(false);
        }

        lock (emulator.Store.Gate)
        {
            var table = emulator.Store.StoragesOf(type.Type);
            var list = new JsonArray(ids.Where(table.ContainsKey).Select(id => (JsonNode)StorageWire.From(table[id], type)).ToArray());
            return Wire.Json(list);
        }
    }

    /// <summary>Creating an import storage checks the connection but does not sync it.</summary>
    private static async Task<IResult> CreateAsync(IImportStorageType type, HttpRequest request, EmulatorContext emulator, CancellationToken ct)
    {
        var body = await Wire.ReadObjectAsync(request, ct).ConfigureAwait(false);
        var draft = NewDraft(type, emulator);
        ReadInto(type, body, draft, emulator, requireProject: true);
        await type.ValidateConnectionAsync(StorageWire.Snapshot(draft), ct).ConfigureAwait(false);
        lock (emulator.Store.Gate)
        {
            ProjectEndpoints.Find(emulator.Store, draft.ProjectId);
            var storage = NewDraft(type, emulator, emulator.Store.NextId("storage:" + type.Type), draft.ProjectId);
            Copy(draft, storage);
            emulator.Store.StoragesOf(type.Type)[storage.Id] = storage;
            return Wire.Json(StorageWire.From(storage, type), StatusCodes.Status201Created);
        }
    }

    /// <summary>Checks a would-be storage (or an existing one, given <c>id</c>, with the body's changes): 200 with no body when valid.</summary>
    private static async Task<IResult> ValidateAsync(IImportStorageType type, HttpRequest request, EmulatorContext emulator, CancellationToken ct)
    {
        var body = await Wire.ReadObjectAsync(request, ct).ConfigureAwait(false);
        var draft = NewDraft(type, emulator);
        var existingId = new RequestFields(body).Int("id", allowNull: true);
        if (existingId.Value is { } id)
        {
            lock (emulator.Store.Gate)
            {
                Copy(Find(type, emulator, id), draft);
            }
        }

        ReadInto(type, body, draft, emulator, requireProject: existingId.Value is null);
        await type.ValidateConnectionAsync(StorageWire.Snapshot(draft), ct).ConfigureAwait(false);
        return Results.Ok();
    }

    private static async Task<IResult> GetAsync(IImportStorageType type, int id, EmulatorContext emulator, CancellationToken ct)
    {
        await new StorageSync(emulator).AdvanceAsync(type, id, ct).ConfigureAwait(false);
        lock (emulator.Store.Gate)
        {
            return Wire.Json(StorageWire.From(Find(type, emulator, id), type));
        }
    }

    private static async Task<IResult> UpdateAsync(IImportStorageType type, int id, HttpRequest request, EmulatorContext emulator, CancellationToken ct)
    {
        var body = await Wire.ReadObjectAsync(request, ct).ConfigureAwait(false);
        var draft = NewDraft(type, emulator);
        lock (emulator.Store.Gate)
        {
            Copy(Find(type, emulator, id), draft);
        }

        ReadInto(type, body, draft, emulator, requireProject: false);
        await type.ValidateConnectionAsync(StorageWire.Snapshot(draft), ct).ConfigureAwait(false);
        lock (emulator.Store.Gate)
        {
            var storage = Find(type, emulator, id);
            Copy(draft, storage);
            return Wire.Json(StorageWire.From(storage, type));
        }
    }

    private static IResult Delete(IImportStorageType type, int id, EmulatorContext emulator)
    {
        lock (emulator.Store.Gate)
        {
            Find(type, emulator, id);
            emulator.Store.StoragesOf(type.Type).Remove(id);
            return Results.NoContent();
        }
    }

    private static StorageRecord Find(IImportStorageType type, EmulatorContext emulator, int id) =>
        emulator.Store.StoragesOf(type.Type).TryGetValue(id, out var storage) ? storage : throw ApiException.NotFound(ModelName(type));

    private static StorageRecord NewDraft(IImportStorageType type, EmulatorContext emulator, int id = 0, int projectId = 0) =>
        new() { Id = id, Type = type.Type, ProjectId = projectId, CreatedAt = emulator.Now };

    /// <summary>The serializer's fields: common ones here, the type's own through <see cref="IImportStorageType.ReadFields"/>.</summary>
    private static void ReadInto(IImportStorageType type, JsonObject body, StorageRecord draft, EmulatorContext emulator, bool requireProject)
    {
        var fields = new RequestFields(body);
        var project = fields.Int("project");
        if (project.Value is { } projectId)
        {
            lock (emulator.Store.Gate)
            {
                if (!emulator.Store.Projects.ContainsKey(projectId))
                {
                    fields.AddError("project", $"Invalid pk \"{projectId}\" - object does not exist.");
                }
            }
        }
        else if (requireProject && !fields.Has("project"))
        {
            fields.AddError("project", "This field is required.");
        }

        var title = fields.String("title");
        var description = fields.String("description");
        var regex = fields.String("regex_filter");
        var blobs = fields.Bool("use_blob_urls");
        var recursive = fields.Bool("recursive_scan");
        var synchronizable = fields.Bool("synchronizable");
        var typeFields = (JsonObject)draft.TypeFields.DeepClone();
        type.ReadFields(fields, typeFields);
        fields.ThrowIfInvalid();

        draft.ProjectId = project.Value ?? draft.ProjectId;
        draft.Title = title.GetValueOrDefault(draft.Title);
        draft.Description = description.GetValueOrDefault(draft.Description);
        draft.RegexFilter = regex.GetValueOrDefault(draft.RegexFilter);
        draft.UseBlobUrls = blobs.HasValue ? blobs.Value!.Value : draft.UseBlobUrls;
        draft.RecursiveScan = recursive.HasValue ? recursive.Value!.Value : draft.RecursiveScan;
        draft.Synchronizable = synchronizable.HasValue ? synchronizable.Value!.Value : draft.Synchronizable;
        draft.TypeFields = typeFields;
    }

    /// <summary>Copies the settings (not the sync state or links) between records.</summary>
    private static void Copy(StorageRecord from, StorageRecord to)
    {
        to.ProjectId = from.ProjectId;
        to.Title = from.Title;
        to.Description = from.Description;
        to.RegexFilter = from.RegexFilter;
        to.UseBlobUrls = from.UseBlobUrls;
        to.RecursiveScan = from.RecursiveScan;
        to.Synchronizable = from.Synchronizable;
        to.TypeFields = (JsonObject)from.TypeFields.DeepClone();
    }
}
