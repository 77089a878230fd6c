using System.Text;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;

namespace LabelStudio.Emulator.Faults;

/// <summary>
/// Injects faults at the rates of a <see cref="FaultPlan"/>, drawing from a seeded random source, and counts what it
/// did (by kind and by endpoint) so a test can report and assert on it. Can be paused, e.g. while a test sets up data
/// or makes the fault-free reference run on the same server.
/// </summary>
public sealed partial class RateFaultInjector : IFaultInjector
{
    private readonly object _gate = new();
    private readonly Random _random;
    private readonly Dictionary<FaultRule, int> _perRule = [];
    private readonly Dictionary<FaultKind, int> _byKind = [];
    private readonly Dictionary<string, int> _byEndpoint = new(StringComparer.Ordinal);
    private long _requests;
    private volatile bool _paused;

    public RateFaultInjector(FaultPlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        foreach (var rule in plan.Rules)
        {
            if (rule.Rate is < 0 or > 1 || double.IsNaN(rule.Rate))
            {
                throw new ArgumentException($"A fault rate is a share from 0 to 1; got {rule.Rate}.", nameof(plan));
            }

            if (rule.Kinds.Count == 0)
            {
                throw new ArgumentException("A fault rule needs at least one kind.", nameof(plan));
            }
        }

        Plan = plan;
        _random = new Random(plan.Seed);
    }

    public FaultPlan Plan { get; }

    /// <summary>While paused, every request passes untouched and uncounted.</summary>
    public bool Paused
    {
        get => _paused;
        set => _paused = value;
    }

    /// <summary>What was injected so far.</summary>
    public FaultCounts Counts
    {
        get
        {
            lock (_gate)
            {
                return new FaultCounts(
                    Interlocked.Read(ref _requests),
                    new Dictionary<FaultKind, int>(_byKind),
                    new Dictionary<string, int>(_byEndpoint, StringComparer.Ordinal));
            }
        }
    }

    public async ValueTask<bool> TryInjectAsync(HttpContext context, CancellationToken ct)
    {
        if (_paused)
        {
            return false;
        }

        Interlocked.Increment(ref _requests);
        var method = context.Request.Method;
        var path = context.Request.Path.Value ?? "/";
        if (Draw(method, path) is not { } kind)
        {
            return false;
        }

        switch (kind)
        {
            case FaultKind.InternalServerError:
                await WriteAsync(
                    context,
                    StatusCodes.Status500InternalServerError,
                    "application/json",
                    "{\"id\":\"injected\",\"status_code\":500,\"version\":\"fault-injection\",\"detail\":\"Injected fault: internal server error.\",\"exc_info\":null}",
                    ct).ConfigureAwait(false);
                return true;
            case FaultKind.BadGateway:
                await WriteAsync(context, StatusCodes.Status502BadGateway, "text/html", ProxyPage("502 Bad Gateway"), ct).ConfigureAwait(false);
                return true;
            case FaultKind.ServiceUnavailable:
                await WriteAsync(context, StatusCodes.Status503ServiceUnavailable, "text/html", ProxyPage("503 Service Temporarily Unavailable"), ct).ConfigureAwait(false);
                return true;
            case FaultKind.TooManyRequests:
                var seconds = Math.Max(0, (int)Math.Ceiling(Plan.RetryAfter.TotalSeconds));
                context.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
                await WriteAsync(
                    context,
                    StatusCodes.Status429TooManyRequests,
                    "application/json",
                    $"{{\"detail\":\"Request was throttled. Expected available in {seconds} second{(seconds == 1 ? string.Empty : "s")}.\"}}",
                    ct).ConfigureAwait(false);
                return true;
            case FaultKind.Timeout:
                try
                {
                    await Task.Delay(Plan.HangFor, ct).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    // The client gave up first, as intended.
                }

                context.Abort();
                return true;
            case FaultKind.DropConnection:
                context.Abort();
                return true;
            case FaultKind.ResponseLost:
                // Let the emulator do the work; cut the connection just before the answer would leave.
                context.Response.OnStarting(() =>
                {
                    context.Abort();
                    return Task.CompletedTask;
                });
                return false;
            case FaultKind.Slow:
                await Task.Delay(Plan.SlowBy, ct).ConfigureAwait(false);
                return false;
            default:
                return false;
        }
    }

    /// <summary><c>GET /api/projects/{id}/</c>: the endpoint of a request, with ids folded so counts group by endpoint.</summary>
    public static string Endpoint(string method, string path) => $"{method.ToUpperInvariant()} {IdSegment().Replace(path, "/{id}")}";

    private FaultKind? Draw(string method, string path)
    {
        lock (_gate)
        {
            // A rule whose limit is spent steps aside for the next one, so rules can script a sequence of faults.
            var rule = Plan.Rules.FirstOrDefault(r => r.Matches(method, path) && (r.Limit is not { } limit || _perRule.GetValueOrDefault(r) < limit));
            if (rule is null)
            {
                return null;
            }

            // Draw both numbers for every matching request, so one request's outcome does not shift the next one's draws.
            var hit = _random.NextDouble() < rule.Rate;
            var kind = rule.Kinds[_random.Next(rule.Kinds.Count)];
            if (!hit)
            {
                return null;
            }

            _perRule[rule] = _perRule.GetValueOrDefault(rule) + 1;
            _byKind[kind] = _byKind.GetValueOrDefault(kind) + 1;
            var endpoint = Endpoint(method, path);
            _byEndpoint[endpoint] = _byEndpoint.GetValueOrDefault(endpoint) + 1;
            return kind;
        }
    }

    private static Task WriteAsync(HttpContext context, int status, string contentType, string body, CancellationToken ct)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = contentType + "; charset=utf-8";
        return context.Response.Body.WriteAsync(Encoding.UTF8.GetBytes(body), ct).AsTask();
    }

    private static string ProxyPage(string title) =>
        $"<html>\r\n<head><title>{title}</title></head>\r\n<body>\r\n<center><h1>{title}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n";

    [GeneratedRegex(@"/\d+(?=/|$)")]
    private static partial Regex IdSegment();
}

/// <summary>What a <see cref="RateFaultInjector"/> did: requests it saw (while not paused) and faults by kind and endpoint.</summary>
public sealed record FaultCounts(long Requests, IReadOnlyDictionary<FaultKind, int> ByKind, IReadOnlyDictionary<string, int> ByEndpoint)
{
    public int Total => ByKind.Values.Sum();

    /// <summary>e.g. <c>37 faults in 190 requests: 500 ×5, 502 ×4, …</c></summary>
    public override string ToString() =>
        $"{Total} faults in {Requests} requests: " +
        string.Join(", ", FaultKinds.All.Where(ByKind.ContainsKey).Select(k => $"{FaultKinds.Name(k)} ×{ByKind[k]}"));
}
