using System.Text;
using LabelStudio.Emulator.Hosting;
using Microsoft.AspNetCore.Http;

namespace LabelStudio.Emulator.Contract;

/// <summary>
/// Validates every <c>/api</c> exchange against the spec, when one is configured: the client's request on the way in and
/// the emulator's response on the way out, recording violations instead of failing the request, so a test can assert on
/// them afterwards (<see cref="EmulatorServer.ContractViolations"/>).
/// </summary>
internal sealed class ContractValidationMiddleware(RequestDelegate next, ContractValidator? validator, ContractViolationLog log)
{
    public async Task InvokeAsync(HttpContext context)
    {
        if (validator is null || !context.Request.Path.StartsWithSegments("/api", StringComparison.Ordinal))
        {
            await next(context).ConfigureAwait(false);
            return;
        }

        var request = context.Request;
        var method = request.Method;
        var path = TrailingSlashMiddleware.OriginalPath(context);
        request.EnableBuffering();
        string requestBody;
        using (var reader = new StreamReader(request.Body, Encoding.UTF8, leaveOpen: true))
        {
            requestBody = await reader.ReadToEndAsync(context.RequestAborted).ConfigureAwait(false);
        }

        request.Body.Position = 0;

        var originalBody = context.Response.Body;
        using var captured = new MemoryStream();
        context.Response.Body = captured;
        try
        {
            await next(context).ConfigureAwait(false);
        }
        finally
        {
            context.Response.Body = originalBody;
        }

        captured.Position = 0;
        var responseBody = Encoding.UTF8.GetString(captured.ToArray());
        var status = context.Response.StatusCode;
        log.AddRange(validator.ValidateRequest(method, path, request.QueryString.Value, request.ContentType, requestBody, status));
        log.AddRange(validator.ValidateResponse(method, path, status, context.Response.ContentType, responseBody));
        await captured.CopyToAsync(originalBody, context.RequestAborted).ConfigureAwait(false);
    }
}
