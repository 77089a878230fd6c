using Microsoft.AspNetCore.Http;

namespace LabelStudio.Emulator.Hosting;

/// <summary>
/// Label Studio's CommonMiddlewareAppendSlashWithoutRedirect serves <c>/api/projects</c> and <c>/api/projects/</c> alike, with
/// no redirect and the body kept. The emulator maps routes without the slash and trims it here, before routing.
/// The path as sent is kept for building absolute links (pagination's next/previous).
/// </summary>
internal sealed class TrailingSlashMiddleware(RequestDelegate next)
{
    public const string OriginalPathKey = "emulator.original-path";

    public Task InvokeAsync(HttpContext context)
    {
        var path = context.Request.Path.Value;
        context.Items[OriginalPathKey] = path ?? "/";
        if (path is { Length: > 1 } && path.EndsWith('/'))
        {
            context.Request.Path = new PathString(path.TrimEnd('/'));
        }

        return next(context);
    }

    public static string OriginalPath(HttpContext context) =>
        context.Items.TryGetValue(OriginalPathKey, out var value) && value is string path ? path : context.Request.Path.Value ?? "/";
}
