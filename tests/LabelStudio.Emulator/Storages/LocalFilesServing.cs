using System.Text;
using LabelStudio.Emulator.Auth;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace LabelStudio.Emulator.Storages;

/// <summary>
/// <c>GET /data/local-files/?d=&lt;path relative to LOCAL_FILES_DOCUMENT_ROOT&gt;</c> (io_storages/localfiles/views.py): 403 when
/// serving is disabled or the caller is anonymous; 404 unless some local-files storage's path is a prefix of the file's
/// folder and the file exists; otherwise the file's bytes.
/// </summary>
internal static class LocalFilesServing
{
    private const string DisabledMessage =
        "Serving local files can be dangerous, so it's disabled by default. You can enable it with LOCAL_FILES_SERVING_ENABLED environment variable, "
        + "please check docs: https://labelstud.io/guide/storage.html#Local-storage";

    private static readonly Dictionary<string, string> ContentTypes = new(StringComparer.OrdinalIgnoreCase)
    {
        [".csv"] = "text/csv",
        [".tsv"] = "text/tab-separated-values",
        [".json"] = "application/json",
        [".txt"] = "text/plain",
        [".html"] = "text/html",
        [".png"] = "image/png",
        [".jpg"] = "image/jpeg",
        [".wav"] = "audio/x-wav",
        [".mp3"] = "audio/mpeg",
    };

    public static void Map(IEndpointRouteBuilder app) =>
        app.MapGet("/data/local-files", Serve).WithMetadata(new AuthMetadata(AuthMode.Inspect));

    private static IResult Serve(HttpContext context, EmulatorContext emulator)
    {
        var options = emulator.Options;
        if (!options.EffectiveLocalFilesServingEnabled)
        {
            return Results.Text(DisabledMessage, "text/html", Encoding.UTF8, StatusCodes.Status403Forbidden);
        }

        var requested = context.Request.Query["d"].ToString();
        if (requested.Length == 0 || Caller.Find(context) is null)
        {
            return Results.StatusCode(StatusCodes.Status403Forbidden);
        }

        // posixpath.normpath(d).lstrip('/') then safe_join(root, …): a path that climbs out of the root is not found.
        var root = PythonPaths.Normalize(options.EffectiveDocumentRoot);
        var full = Path.GetFullPath(Path.Combine(root, PythonPaths.Normalize(requested).TrimStart('/')));
        if (full != root && !PythonPaths.IsStrictChild(full, root))
        {
            return NotFound();
        }

        var folder = Path.GetDirectoryName(full) ?? string.Empty;
        bool permitted;
        lock (emulator.Store.Gate)
        {
            permitted = emulator.Store.StoragesOf("localfiles").Values
                .Any(s => s.TypeFields["path"]?.GetValue<string>() is { Length: > 0 } path && folder.StartsWith(path, StringComparison.Ordinal)
                    && emulator.Store.Projects.ContainsKey(s.ProjectId));
        }

        if (!permitted || !File.Exists(full))
        {
            return NotFound();
        }

        var contentType = ContentTypes.GetValueOrDefault(Path.GetExtension(full), "application/octet-stream");
        return Results.File(full, contentType, enableRangeProcessing: true);
    }

    private static IResult NotFound() => Results.Text(string.Empty, "text/html", Encoding.UTF8, StatusCodes.Status404NotFound);
}
