using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace RealServer.Tests.Support;

/// <summary>One request through the proxy and the upstream server's answer.</summary>
public sealed record RecordedExchange(string Method, string Path, int Status, string? MediaType, byte[] Body);

/// <summary>
/// A loopback proxy in front of the real server that forwards every request unchanged, except those
/// <see cref="Refuse"/> picks, which get the status it returns (with DRF's error envelope), as a server without that
/// endpoint would answer, and records what the server answered. Used to prove the pipeline's fallbacks against the real
/// server's other endpoints, and to compare the emulator with the real server exchange by exchange.
/// </summary>
public sealed class ForwardingProxy : IAsyncDisposable
{
    private static readonly HashSet<string> HopByHop = new(StringComparer.OrdinalIgnoreCase) { "Transfer-Encoding", "Connection", "Keep-Alive", "Host" };
    private readonly WebApplication _app;
    private readonly HttpClient _upstream;

    private ForwardingProxy(WebApplication app, HttpClient upstream)
    {
        _app = app;
        _upstream = upstream;
    }

    public Uri BaseUrl { get; private set; } = null!;

    /// <summary>The requests refused, as "METHOD /path".</summary>
    public List<string> Refused { get; } = [];

    /// <summary>Every forwarded exchange under /api/, in order: what the upstream server answered.</summary>
    public List<RecordedExchange> Exchanges { get; } = [];

    public static async Task<ForwardingProxy> StartAsync(Uri upstream, Func<HttpRequest, int?> refuse)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var proxy = new ForwardingProxy(app, new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = upstream, Timeout = TimeSpan.FromMinutes(5) });
        app.Run(proxy.HandleAsync(refuse));
        await app.StartAsync();
        proxy.BaseUrl = new Uri(app.Urls.First() + "/");
        return proxy;
    }

    private RequestDelegate HandleAsync(Func<HttpRequest, int?> refuse) => async context =>
    {
        var request = context.Request;
        if (refuse(request) is { } status)
        {
            lock (Refused)
            {
                Refused.Add($"{request.Method} {request.Path}");
            }

            context.Response.StatusCode = status;
            await context.Response.WriteAsJsonAsync(new { id = Guid.NewGuid().ToString(), status_code = status, version = "proxy", detail = "Not found.", exc_info = (string?)null });
            return;
        }

        using var forward = new HttpRequestMessage(new HttpMethod(request.Method), request.Path.ToString().TrimStart('/') + request.QueryString);
        if (request.ContentLength > 0 || request.Headers.ContainsKey("Transfer-Encoding"))
        {
            forward.Content = new StreamContent(request.Body);
        }

        foreach (var (name, values) in request.Headers)
        {
            if (HopByHop.Contains(name))
            {
                continue;
            }

            if (!forward.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values))
            {
                forward.Content?.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values);
            }
        }

        using var answer = await _upstream.SendAsync(forward, context.RequestAborted);
        var body = await answer.Content.ReadAsByteArrayAsync(context.RequestAborted);
        if (request.Path.StartsWithSegments("/api"))
        {
            lock (Exchanges)
            {
                Exchanges.Add(new RecordedExchange(request.Method, request.Path.Value!, (int)answer.StatusCode, answer.Content.Headers.ContentType?.MediaType, body));
            }
        }

        context.Response.StatusCode = (int)answer.StatusCode;
        foreach (var (name, values) in answer.Headers.Concat(answer.Content.Headers))
        {
            if (!HopByHop.Contains(name) && !name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
            {
                context.Response.Headers[name] = values.ToArray();
            }
        }

        await context.Response.Body.WriteAsync(body, context.RequestAborted);
    };

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _upstream.Dispose();
    }
}
