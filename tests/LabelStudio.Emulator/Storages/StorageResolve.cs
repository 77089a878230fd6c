using System.Text;
using LabelStudio.Emulator.Auth;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace LabelStudio.Emulator.Storages;

/// <summary>
/// <c>GET /tasks/{id}/resolve/?fileuri=&lt;urlsafe base64 of s3://bucket/key&gt;</c> (and the old <c>/presign/</c> alias): what the
/// labeling UI fetches. With <c>presign</c> on, a 303 to a presigned URL of the object (the browser then needs the
/// bucket's CORS rule); with it off, Label Studio streams the bytes itself. 403 when anonymous, 404 when no S3 storage of
/// the task's project owns the URI.
/// </summary>
internal static class StorageResolve
{
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/tasks/{id:int}/resolve", ResolveAsync).WithMetadata(new AuthMetadata(AuthMode.Inspect));
        app.MapGet("/tasks/{id:int}/presign", ResolveAsync).WithMetadata(new AuthMetadata(AuthMode.Inspect));
    }

    private static async Task<IResult> ResolveAsync(int id, HttpContext context, EmulatorContext emulator, CancellationToken ct)
    {
        if (Caller.Find(context) is null)
        {
            return Results.StatusCode(StatusCodes.Status403Forbidden);
        }

        string uri;
        try
        {
            var encoded = context.Request.Query["fileuri"].ToString().Replace('-', '+').Replace('_', '/');
            uri = Encoding.UTF8.GetString(Convert.FromBase64String(encoded.PadRight(encoded.Length + ((4 - (encoded.Length % 4)) % 4), '=')));
        }
        catch (FormatException)
        {
            return Results.Text("Can't decode fileuri", "text/html", Encoding.UTF8, StatusCodes.Status400BadRequest);
        }

        var type = emulator.StorageTypes.OfType<S3StorageType>().FirstOrDefault();
        StorageSnapshot? storage = null;
        lock (emulator.Store.Gate)
        {
            if (type is not null && emulator.Store.Tasks.TryGetValue(id, out var task))
            {
                storage = emulator.Store.StoragesOf(type.Type).Values
                    .Where(s => s.ProjectId == task.ProjectId && s.TypeFields["bucket"]?.GetValue<string>() is { Length: > 0 } bucket && uri.StartsWith($"s3://{bucket}/", StringComparison.Ordinal))
                    .Select(StorageWire.Snapshot)
                    .FirstOrDefault();
            }
        }

        if (type is null || storage is null)
        {
            return Results.Text(string.Empty, "text/html", Encoding.UTF8, StatusCodes.Status404NotFound);
        }

        var key = uri[$"s3://{storage.Field("bucket")}/".Length..];
        if (storage.TypeFields["presign"]?.GetValue<bool>() ?? true)
        {
            context.Response.Headers.CacheControl = "no-store, max-age=0";
            return new SeeOther(await type.PresignAsync(storage, key).ConfigureAwait(false));
        }

        var bytes = await type.ReadObjectAsync(storage, key, ct).ConfigureAwait(false);
        return Results.Bytes(bytes, key.EndsWith(".csv", StringComparison.OrdinalIgnoreCase) ? "text/csv" : "application/octet-stream");
    }

    /// <summary>Django's HttpResponseRedirect is 302, Label Studio's resolve view answers 303 See Other.</summary>
    private sealed class SeeOther(string location) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.StatusCode = StatusCodes.Status303SeeOther;
            httpContext.Response.Headers.Location = location;
            return Task.CompletedTask;
        }
    }
}
