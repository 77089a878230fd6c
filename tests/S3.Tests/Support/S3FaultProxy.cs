using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;

namespace S3.Tests.Support;

/// <summary>What the proxy does to one request instead of (or on top of) forwarding it.</summary>
public enum S3FaultKind
{
    /// <summary>503 with S3's own XML error body (<c>SlowDown</c>), as S3 throttles: the request never reaches the store.</summary>
    SlowDown,

    /// <summary>The connection is reset before the request is forwarded: nothing happened on the server.</summary>
    ResetBefore,

    /// <summary>Forwarded and done by the store, then the connection is reset before the answer: the client cannot know.</summary>
    ResetAfter,

    /// <summary>Forwarded after a pause (a slow network or a busy server): not an error, but a test of timeouts.</summary>
    Slow,
}

/// <summary>When and how the proxy fails requests. Every choice comes from one seeded random source, so a run is repeatable.</summary>
public sealed record S3FaultPlan
{
    /// <summary>The share of requests failed (0–1), unless <see cref="RateByOperation"/> names the request's operation.</summary>
    public double Rate { get; init; }

    /// <summary>Rates per S3 operation (<c>PutObject</c>, <c>ListObjectsV2</c>, <c>GetBucketCors</c>, …; see <see cref="S3FaultProxy.Operation"/>).</summary>
    public IReadOnlyDictionary<string, double> RateByOperation { get; init; } = new Dictionary<string, double>();

    public IReadOnlyList<S3FaultKind> Kinds { get; init; } = [S3FaultKind.SlowDown, S3FaultKind.ResetBefore, S3FaultKind.ResetAfter, S3FaultKind.Slow];

    public TimeSpan SlowBy { get; init; } = TimeSpan.FromMilliseconds(500);

    public int Seed { get; init; } = 1;
}

/// <summary>
/// A fault-injecting reverse proxy in front of an S3-compatible server (s3rver), on 127.0.0.1 with a free port: at the
/// plan's rate it answers 503 SlowDown with S3's XML error body, resets the connection before or after forwarding, or
/// forwards slowly. Everything else is forwarded unchanged (method, raw target, headers, body; s3rver checks key ids,
/// not signatures, so the Host header may differ). It counts requests, faults by kind and by operation, and retries:
/// requests repeating one that was failed before and has not succeeded since.
/// </summary>
public sealed class S3FaultProxy : IAsyncDisposable
{
    private readonly Uri _target;
    private readonly HttpClient _forward;
    private readonly WebApplication _app;
    private readonly Random _random;
    private readonly object _gate = new();
    private readonly ConcurrentDictionary<string, int> _failedRequests = new();
    private readonly ConcurrentDictionary<string, int> _faultsByOperation = new();
    private readonly ConcurrentDictionary<S3FaultKind, int> _faultsByKind = new();
    private readonly ConcurrentDictionary<string, int> _requestsByOperation = new();
    private int _retries;

    private S3FaultProxy(Uri target, S3FaultPlan plan, WebApplication app)
    {
        _target = target;
        Plan = plan;
        _random = new Random(plan.Seed);
        _app = app;
        _forward = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, AutomaticDecompression = DecompressionMethods.None, UseCookies = false })
        {
            Timeout = TimeSpan.FromMinutes(2),
        };
    }

    public S3FaultPlan Plan { get; }

    public Uri Endpoint { get; private set; } = null!;

    /// <summary>While true, every request is forwarded untouched (for arranging and for the fault-free reference run).</summary>
    public bool Paused { get; set; }

    public int Requests => _requestsByOperation.Values.Sum();

    public int Faults => _faultsByKind.Values.Sum();

    /// <summary>Errors the client saw (every kind but <see cref="S3FaultKind.Slow"/>).</summary>
    public int Errors => _faultsByKind.Where(f => f.Key != S3FaultKind.Slow).Sum(f => f.Value);

    public int Retries => _retries;

    public IReadOnlyDictionary<S3FaultKind, int> FaultsByKind => new SortedDictionary<S3FaultKind, int>(_faultsByKind);

    public IReadOnlyDictionary<string, int> FaultsByOperation => new SortedDictionary<string, int>(_faultsByOperation, StringComparer.Ordinal);

    public IReadOnlyDictionary<string, int> RequestsByOperation => new SortedDictionary<string, int>(_requestsByOperation, StringComparer.Ordinal);

    public static async Task<S3FaultProxy> StartAsync(Uri target, S3FaultPlan plan)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var proxy = new S3FaultProxy(target, plan, app);
        app.Run(proxy.HandleAsync);
        await app.StartAsync();
        var address = app.Services.GetService(typeof(IServer)) is IServer server
            ? server.Features.Get<IServerAddressesFeature>()!.Addresses.Single()
            : throw new InvalidOperationException("No server.");
        proxy.Endpoint = new Uri(address.Replace("[::1]", "127.0.0.1", StringComparison.Ordinal) + "/");
        return proxy;
    }

    /// <summary>Forgets which requests failed, so a repeat in the next client run is not counted as a retry.</summary>
    public void StartNewRun() => _failedRequests.Clear();

    public override string ToString() =>
        $"{Requests} requests, {Faults} faults ({string.Join(", ", FaultsByKind.Select(f => $"{f.Key} ×{f.Value}"))}), {Retries} retries seen";

    /// <summary>The S3 operation a request is, from its method, path and query (path-style addressing).</summary>
    public static string Operation(string method, string path, IQueryCollection query)
    {
        var parts = path.Trim('/').Split('/', 2, StringSplitOptions.RemoveEmptyEntries);
        if (method == "OPTIONS")
        {
            return "Preflight";
        }

        if (parts.Length == 0)
        {
            return "ListBuckets";
        }

        if (parts.Length == 1)
        {
            return (method, query.ContainsKey("cors"), query.ContainsKey("list-type")) switch
            {
                ("GET", true, _) => "GetBucketCors",
                ("PUT", true, _) => "PutBucketCors",
                ("DELETE", true, _) => "DeleteBucketCors",
                ("GET", _, true) => "ListObjectsV2",
                ("GET", _, _) => "ListObjects",
                ("HEAD", _, _) => "HeadBucket",
                ("PUT", _, _) => "CreateBucket",
                _ => method + "Bucket",
            };
        }

        return method switch
        {
            "GET" => "GetObject",
            "HEAD" => "HeadObject",
            "PUT" when query.ContainsKey("partNumber") => "UploadPart",
            "PUT" => "PutObject",
            "DELETE" => "DeleteObject",
            "POST" when query.ContainsKey("uploads") => "CreateMultipartUpload",
            "POST" when query.ContainsKey("uploadId") => "CompleteMultipartUpload",
            "POST" when query.ContainsKey("delete") => "DeleteObjects",
            _ => method + "Object",
        };
    }

    private S3FaultKind? Decide(string operation)
    {
        if (Paused)
        {
            return null;
        }

        var rate = Plan.RateByOperation.TryGetValue(operation, out var specific) ? specific : Plan.Rate;
        lock (_gate)
        {
            return rate > 0 && _random.NextDouble() < rate ? Plan.Kinds[_random.Next(Plan.Kinds.Count)] : null;
        }
    }

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var rawTarget = context.Features.Get<IHttpRequestFeature>()!.RawTarget;
        if (request.Path.StartsWithSegments("/__admin", StringComparison.Ordinal))
        {
            await ForwardAsync(context, rawTarget).ConfigureAwait(false);
            return;
        }

        var operation = Operation(request.Method, request.Path.Value ?? "/", request.Query);
        _requestsByOperation.AddOrUpdate(operation, 1, (_, n) => n + 1);
        var key = request.Method + " " + rawTarget;
        if (_failedRequests.ContainsKey(key))
        {
            Interlocked.Increment(ref _retries);
        }

        var fault = Decide(operation);
        if (fault is { } kind)
        {
            _faultsByKind.AddOrUpdate(kind, 1, (_, n) => n + 1);
            _faultsByOperation.AddOrUpdate(operation, 1, (_, n) => n + 1);
            if (kind != S3FaultKind.Slow)
            {
                _failedRequests[key] = 1;
            }
        }

        switch (fault)
        {
            case S3FaultKind.SlowDown:
                await DrainAsync(request).ConfigureAwait(false);
                context.Response.StatusCode = 503;
                context.Response.ContentType = "application/xml";
                var requestId = Guid.NewGuid().ToString("N")[..16].ToUpperInvariant();
                await context.Response.WriteAsync(
                    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message>"
                    + $"<RequestId>{requestId}</RequestId><HostId>fault-proxy</HostId></Error>").ConfigureAwait(false);
                return;
            case S3FaultKind.ResetBefore:
                context.Abort();
                return;
            case S3FaultKind.ResetAfter:
                using (var answer = await SendAsync(context, rawTarget).ConfigureAwait(false))
                {
                    await answer.Content.ReadAsByteArrayAsync().ConfigureAwait(false);
                }

                context.Abort();
                return;
            case S3FaultKind.Slow:
                await Task.Delay(Plan.SlowBy, context.RequestAborted).ConfigureAwait(false);
                break;
        }

        var status = await ForwardAsync(context, rawTarget).ConfigureAwait(false);
        if (status is < 500)
        {
            _failedRequests.TryRemove(key, out _);
        }
    }

    private static async Task DrainAsync(HttpRequest request)
    {
        try
        {
            await request.Body.CopyToAsync(Stream.Null).ConfigureAwait(false);
        }
        catch (IOException)
        {
            // The client gave up sending; the 503 is still the answer.
        }
    }

    private async Task<HttpResponseMessage> SendAsync(HttpContext context, string rawTarget)
    {
        var request = context.Request;
        var message = new HttpRequestMessage(new HttpMethod(request.Method), new Uri(_target, rawTarget.TrimStart('/')));
        if (request.ContentLength is > 0 || request.Headers.TransferEncoding.Count > 0)
        {
            var body = new MemoryStream();
            await request.Body.CopyToAsync(body, context.RequestAborted).ConfigureAwait(false);
            body.Position = 0;
            message.Content = new StreamContent(body);
        }

        foreach (var (name, values) in request.Headers)
        {
            if (name is "Host" or "Transfer-Encoding" or "Connection" or "Expect")
            {
                continue;
            }

            if (!message.Headers.TryAddWithoutValidation(name, (IEnumerable<string>)values!))
            {
                message.Content?.Headers.TryAddWithoutValidation(name, (IEnumerable<string>)values!);
            }
        }

        return await _forward.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, context.RequestAborted).ConfigureAwait(false);
    }

    private async Task<int> ForwardAsync(HttpContext context, string rawTarget)
    {
        using var answer = await SendAsync(context, rawTarget).ConfigureAwait(false);
        var response = context.Response;
        response.StatusCode = (int)answer.StatusCode;
        foreach (var (name, values) in answer.Headers.Concat(answer.Content.Headers))
        {
            if (name is "Transfer-Encoding" or "Connection" or "Keep-Alive")
            {
                continue;
            }

            response.Headers[name] = values.ToArray();
        }

        await answer.Content.CopyToAsync(response.Body, context.RequestAborted).ConfigureAwait(false);
        return (int)answer.StatusCode;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
        _forward.Dispose();
    }
}
