using Microsoft.AspNetCore.Http;

namespace LabelStudio.Emulator.Hosting;

/// <summary>Writes <see cref="ApiException"/>s, and any unexpected exception as a 500, in Label Studio's error envelope.</summary>
internal sealed class ErrorEnvelopeMiddleware(RequestDelegate next, EmulatorOptions options)
{
    public async Task InvokeAsync(HttpContext context)
    {
        try
        {
            await next(context).ConfigureAwait(false);

            // Routing answers a known path with an unknown method by a bare 405; DRF puts it in the envelope.
            if (context.Response.StatusCode == StatusCodes.Status405MethodNotAllowed && !context.Response.HasStarted)
            {
                throw new ApiException(StatusCodes.Status405MethodNotAllowed, $"Method \"{context.Request.Method}\" not allowed.");
            }

            // No route at all: Django's URL resolver answers with its HTML 404 page, not the API envelope.
            if (context.Response.StatusCode == StatusCodes.Status404NotFound && !context.Response.HasStarted && context.GetEndpoint() is null)
            {
                await Results.Content("<h1>Not Found</h1>", "text/html", System.Text.Encoding.UTF8, StatusCodes.Status404NotFound).ExecuteAsync(context).ConfigureAwait(false);
            }
        }
        catch (ApiException e) when (!context.Response.HasStarted)
        {
            await WriteAsync(context, e.StatusCode, e.Detail, null, e).ConfigureAwait(false);
        }
        catch (Exception e) when (!context.Response.HasStarted && e is not OperationCanceledException)
        {
            // Label Studio reports unhandled exceptions with the text as detail and the traceback as exc_info.
            await WriteAsync(context, StatusCodes.Status500InternalServerError, e.Message, e.ToString(), null).ConfigureAwait(false);
        }
    }

    private Task WriteAsync(HttpContext context, int status, string detail, string? excInfo, ApiException? api)
    {
        context.Response.Clear();
        if (api?.AuthenticateHeader is { } scheme)
        {
            context.Response.Headers.WWWAuthenticate = scheme;
        }

        var envelope = new ErrorEnvelope(Guid.NewGuid().ToString(), status, options.Version, detail, excInfo, api?.ValidationErrors);
        return Wire.Json(envelope, status).ExecuteAsync(context);
    }
}
