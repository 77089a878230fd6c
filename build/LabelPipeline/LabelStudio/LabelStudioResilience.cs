using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace LabelPipeline.LabelStudio;

/// <summary>How hard the Label Studio client tries before it reports a failure. Every bound holds at once.</summary>
public sealed record LabelStudioRetryOptions
{
    /// <summary>Retries after the first attempt, so a call makes at most this many plus one attempts.</summary>
    public int MaxRetries { get; init; } = 5;

    /// <summary>
    /// Retries after a refused connection. Nothing listening is rarely fixed by waiting (a server restart is the
    /// exception), and Deploy already waits for health, so this is kept short to fail fast when the URL is wrong.
    /// </summary>
    public int MaxRetriesWhenRefused { get; init; } = 2;

    /// <summary>The first backoff; each later one doubles, with jitter so parallel clients do not retry in step.</summary>
    public TimeSpan FirstDelay { get; init; } = TimeSpan.FromMilliseconds(400);

    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>The longest <c>Retry-After</c> honoured; a server that asks for more gets its error reported instead.</summary>
    public TimeSpan MaxRetryAfter { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>One attempt of an ordinary call (reads, updates, creations).</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// One attempt of a call that does its work inside the request: a storage sync and an export run synchronously
    /// in Label Studio OSS (no job queue), and a download streams the whole export.
    /// </summary>
    public TimeSpan LongRequestTimeout { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>Time for retries on top of the first attempt's timeout: no call takes longer than the two together.</summary>
    public TimeSpan RetryBudget { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>No retries at all (tests that count requests).</summary>
    public static LabelStudioRetryOptions None { get; } = new() { MaxRetries = 0, MaxRetriesWhenRefused = 0 };
}

/// <summary>One HTTP exchange with Label Studio as the resilience layer sees it: the status, the body, and any Retry-After.</summary>
internal sealed record LabelStudioAnswer(HttpStatusCode Status, string Body, TimeSpan? RetryAfter)
{
    public bool IsSuccess => (int)Status is >= 200 and < 300;
}

/// <summary>What may be done again with a request, decided by its method and endpoint.</summary>
/// <param name="Repeatable">
/// Safe to send again after a failure that leaves open whether the server acted on it (5xx, timeout, dropped
/// connection). False for creations: repeating those could create a second project, storage or annotation; they are
/// retried only when the failure proves the request was not processed (429, refused connection), and callers re-check
/// by title after anything else (see <see cref="LabelStudioProvisioner"/>).
/// </param>
/// <param name="Long">The server works inside the request (sync, export, download): the attempt gets the long timeout.</param>
internal readonly record struct RequestPolicy(bool Repeatable, bool Long);

/// <summary>
/// Retries, backoff and timeouts for every request the <see cref="LabelStudioClient"/> sends, as a Polly pipeline:
/// an outer timeout (attempt timeout plus <see cref="LabelStudioRetryOptions.RetryBudget"/>) around a retry (bounded
/// count, exponential backoff with jitter, Retry-After honoured) around a per-attempt timeout. Each retry is logged as a
/// warning and counted in <see cref="Retries"/>. Messages name the method and path, never a header or a token.
/// </summary>
public sealed partial class LabelStudioResilience
{
    private static readonly ResiliencePropertyKey<string> RequestKey = new("labelpipeline.request");
    private static readonly ResiliencePropertyKey<int> AttemptsKey = new("labelpipeline.attempts");

    private readonly ILogger _logger;
    private readonly Dictionary<RequestPolicy, ResiliencePipeline<LabelStudioAnswer>> _pipelines = [];
    private long _retries;

    public LabelStudioResilience(LabelStudioRetryOptions options, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        Options = options;
        _logger = logger ?? NullLogger.Instance;
        foreach (var repeatable in new[] { true, false })
        {
            foreach (var isLong in new[] { true, false })
            {
                var policy = new RequestPolicy(repeatable, isLong);
                _pipelines[policy] = Build(policy);
            }
        }
    }

    /// <summary>The defaults, logging nowhere: what a client gets when it is given nothing else.</summary>
    public static LabelStudioResilience Default => new(new LabelStudioRetryOptions());

    public LabelStudioRetryOptions Options { get; }

    /// <summary>Retries made so far by every client sharing this instance.</summary>
    public long Retries => Interlocked.Read(ref _retries);

    /// <summary>
    /// True when <paramref name="error"/> leaves open whether Label Studio acted on the request: a 5xx, 408 or 429
    /// answer, a timeout, or a connection lost on the way. A caller that created something must look before creating again.
    /// </summary>
    public static bool IsAmbiguous(Exception error) => error switch
    {
        LabelStudioApiException api => (int)api.StatusCode is 408 or 429 or >= 500,
        LabelStudioUnreachableException => true,
        _ => false,
    };

    /// <summary>
    /// Runs <paramref name="attempt"/> (one HTTP exchange, sent afresh each time) under the policy of
    /// <paramref name="method"/> <paramref name="path"/>. Returns the last answer, successful or not; throws
    /// <see cref="LabelStudioUnreachableException"/> when no answer came, <see cref="OperationCanceledException"/> on Ctrl-C.
    /// </summary>
    /// <param name="repeatable">Overrides the endpoint's classification, e.g. false for a download into a stream that cannot rewind.</param>
    internal async Task<LabelStudioAnswer> ExecuteAsync(
        HttpMethod method,
        string path,
        string server,
        Func<CancellationToken, Task<LabelStudioAnswer>> attempt,
        CancellationToken ct,
        bool? repeatable = null)
    {
        var policy = Classify(method, PathOnly(path));
        if (repeatable is { } value)
        {
            policy = policy with { Repeatable = value && policy.Repeatable };
        }

        var request = $"{method.Method} {PathOnly(path)}";
        var context = ResilienceContextPool.Shared.Get(ct);
        context.Properties.Set(RequestKey, request);
        context.Properties.Set(AttemptsKey, 0);
        try
        {
            var answer = await _pipelines[policy].ExecuteAsync(
                static async (context, attempt) =>
                {
                    context.Properties.Set(AttemptsKey, context.Properties.GetValue(AttemptsKey, 0) + 1);
                    return await attempt(context.CancellationToken).ConfigureAwait(false);
                },
                context,
                attempt).ConfigureAwait(false);

            // A repeated DELETE that finds nothing: the attempt whose answer was lost did the deleting.
            return method == HttpMethod.Delete && answer.Status == HttpStatusCode.NotFound && context.Properties.GetValue(AttemptsKey, 1) > 1
                ? answer with { Status = HttpStatusCode.NoContent, Body = string.Empty }
                : answer;
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            throw; // Ctrl-C: not a failure of Label Studio's.
        }
        catch (Exception e) when (e is HttpRequestException or TimeoutRejectedException or OperationCanceledException or IOException)
        {
            var attempts = context.Properties.GetValue(AttemptsKey, 1);
            var tries = attempts == 1 ? "1 attempt" : $"{attempts} attempts";
            var message = e switch
            {
                HttpRequestException or IOException =>
                    $"Cannot reach Label Studio at {server} ({Describe(e)}; {request}, {tries}). Start it with --target=Deploy, or check --label-studio-url.",
                _ =>
                    $"Label Studio at {server} did not answer {request} in time ({tries}, each allowed {Seconds(AttemptTimeout(policy))} s). " +
                    (policy.Long ? "Large syncs and exports run inside the request: raise --sync-timeout." : "It may be overloaded: run again later, or raise --request-timeout."),
            };
            throw new LabelStudioUnreachableException(message, e);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    /// <summary>The Retry-After of an answer as a delay from now (seconds or an HTTP date), or null.</summary>
    internal static TimeSpan? RetryAfter(HttpResponseMessage response) => response.Headers.RetryAfter switch
    {
        { Delta: { } delta } => delta,
        { Date: { } date } => date - DateTimeOffset.UtcNow is var wait && wait > TimeSpan.Zero ? wait : TimeSpan.Zero,
        _ => null,
    };

    /// <summary>
    /// The policy of one endpoint. Reads, updates (PATCH sets the same fields again) and deletes are repeatable. Among
    /// POSTs only those whose repetition is harmless: a token refresh, a storage validation (no change), and an export
    /// snapshot (a second snapshot is only a second copy; the pipeline downloads the one whose id it got). A storage
    /// sync is not repeated blindly: one still running on the server would race a second scan, so the provisioner
    /// looks at the storage's status first.
    /// </summary>
    internal static RequestPolicy Classify(HttpMethod method, string path)
    {
        if (method == HttpMethod.Post)
        {
            var export = ExportCreatePath().IsMatch(path);
            return new RequestPolicy(
                Repeatable: export || path.TrimEnd('/') == "/api/token/refresh" || StorageValidatePath().IsMatch(path),
                Long: export || StorageSyncPath().IsMatch(path));
        }

        return new RequestPolicy(Repeatable: true, Long: method == HttpMethod.Get && ExportDownloadPath().IsMatch(path));
    }

    private ResiliencePipeline<LabelStudioAnswer> Build(RequestPolicy policy)
    {
        var attemptTimeout = AttemptTimeout(policy);
        return new ResiliencePipelineBuilder<LabelStudioAnswer>()
            .AddTimeout(new TimeoutStrategyOptions { Timeout = attemptTimeout + Options.RetryBudget })
            .AddRetry(new RetryStrategyOptions<LabelStudioAnswer>
            {
                // ShouldRetry applies the real bounds per failure kind; Polly needs at least 1 here even when retrying is off.
                MaxRetryAttempts = Math.Max(1, Math.Max(Options.MaxRetries, Options.MaxRetriesWhenRefused)),
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = Options.FirstDelay,
                MaxDelay = Options.MaxDelay,
                ShouldHandle = args => ValueTask.FromResult(ShouldRetry(args.Outcome, args.AttemptNumber, policy)),
                DelayGenerator = args => ValueTask.FromResult(args.Outcome.Result?.RetryAfter is { } wait ? wait : (TimeSpan?)null),
                OnRetry = args =>
                {
                    Interlocked.Increment(ref _retries);
                    _logger.LogWarning(
                        "Label Studio: {Failure} for {Request} (attempt {Attempt} of {Attempts}); retrying in {Delay} s.",
                        Failure(args.Outcome, attemptTimeout),
                        args.Context.Properties.GetValue(RequestKey, "?"),
                        args.AttemptNumber + 1,
                        (args.Outcome.Exception is { } e && IsConnectionRefused(e) ? Options.MaxRetriesWhenRefused : Options.MaxRetries) + 1,
                        Seconds(args.RetryDelay));
                    return ValueTask.CompletedTask;
                },
            })
            .AddTimeout(new TimeoutStrategyOptions { Timeout = attemptTimeout })
            .Build();
    }

    private TimeSpan AttemptTimeout(RequestPolicy policy) => policy.Long ? Options.LongRequestTimeout : Options.RequestTimeout;

    private bool ShouldRetry(Outcome<LabelStudioAnswer> outcome, int attemptNumber, RequestPolicy policy)
    {
        if (outcome.Exception is { } error)
        {
            if (IsConnectionRefused(error))
            {
                // Never reached the server: safe for any request, but nothing listening rarely starts to.
                return attemptNumber < Options.MaxRetriesWhenRefused;
            }

            return policy.Repeatable
                && attemptNumber < Options.MaxRetries
                && error is HttpRequestException or IOException or TimeoutRejectedException or TaskCanceledException;
        }

        var answer = outcome.Result!;
        if (attemptNumber >= Options.MaxRetries || answer.RetryAfter > Options.MaxRetryAfter)
        {
            return false;
        }

        // 429 means the request was turned away before any work: even a creation may go again.
        return answer.Status == HttpStatusCode.TooManyRequests
            || (policy.Repeatable && answer.Status is HttpStatusCode.RequestTimeout or HttpStatusCode.InternalServerError
                or HttpStatusCode.BadGateway or HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout);
    }

    private static bool IsConnectionRefused(Exception error) =>
        error is HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError }
        && error.InnerException is System.Net.Sockets.SocketException { SocketErrorCode: System.Net.Sockets.SocketError.ConnectionRefused };

    private static string Failure(Outcome<LabelStudioAnswer> outcome, TimeSpan attemptTimeout) => outcome switch
    {
        { Exception: TimeoutRejectedException } => $"no answer within {Seconds(attemptTimeout)} s",
        { Exception: { } e } => Describe(e),
        { Result: { } answer } => $"answered {(int)answer.Status} {answer.Status}" + (answer.RetryAfter is { } wait ? $" (Retry-After {Seconds(wait)} s)" : string.Empty),
        _ => "failed",
    };

    /// <summary>An exception's own words and its cause's, which say what happened to the connection.</summary>
    private static string Describe(Exception e) =>
        e.InnerException is { } inner && !e.Message.Contains(inner.Message, StringComparison.Ordinal) ? $"{e.Message} ({inner.Message})" : e.Message;

    private static string Seconds(TimeSpan span) => span.TotalSeconds.ToString("0.##", CultureInfo.InvariantCulture);

    private static string PathOnly(string path) => path.Split('?')[0];

    [GeneratedRegex(@"^/api/projects/\d+/exports/?$")]
    private static partial Regex ExportCreatePath();

    [GeneratedRegex(@"^/api/projects/\d+/(exports/\d+/download|export)/?$")]
    private static partial Regex ExportDownloadPath();

    [GeneratedRegex(@"^/api/storages/(export/)?[a-z0-9]+/\d+/sync/?$")]
    private static partial Regex StorageSyncPath();

    [GeneratedRegex(@"^/api/storages/(export/)?[a-z0-9]+/validate/?$")]
    private static partial Regex StorageValidatePath();
}
