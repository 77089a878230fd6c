using System.Net;
using System.Net.Http.Headers;

namespace LabelPipeline.LabelStudio;

/// <summary>
/// The two calls Deploy makes to a Label Studio that is still starting: single attempts without the resilience layer
/// (Deploy's own loop decides when to ask again) and without a client's token refresh (they prove the token itself).
/// </summary>
public sealed partial class LabelStudioClient
{
    /// <summary>Null when <c>/health</c> answers 200; else what went wrong. Refused or reset connections are normal while starting.</summary>
    public static async Task<string?> ProbeHealthAsync(HttpClient http, Uri baseUrl, TimeSpan timeout, CancellationToken ct)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        limit.CancelAfter(timeout);
        try
        {
            using var response = await http.GetAsync(new Uri(baseUrl, "/health"), HttpCompletionOption.ResponseHeadersRead, limit.Token).ConfigureAwait(false);
            return response.StatusCode == HttpStatusCode.OK ? null : $"HTTP {(int)response.StatusCode}";
        }
        catch (HttpRequestException e)
        {
            return e.HttpRequestError switch
            {
                HttpRequestError.ConnectionError => "connection refused: nothing listens yet",
                HttpRequestError.ResponseEnded => "connection closed before an answer: still starting",
                _ => e.InnerException?.Message ?? e.Message,
            };
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return $"no answer within {timeout.TotalSeconds:0} s";
        }
        catch (IOException e)
        {
            return e.Message;
        }
    }

    /// <summary>
    /// One <c>GET /api/current-user/whoami</c> with a legacy token: the status and body, for the caller to explain. Throws
    /// <see cref="HttpRequestException"/>, <see cref="IOException"/> or (after <paramref name="timeout"/>)
    /// <see cref="OperationCanceledException"/> when no answer comes.
    /// </summary>
    public static async Task<(HttpStatusCode Status, string Body)> ProbeTokenAsync(HttpClient http, Uri baseUrl, string token, TimeSpan timeout, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(baseUrl, "/api/current-user/whoami"));
        request.Headers.Authorization = new AuthenticationHeaderValue("Token", token);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        limit.CancelAfter(timeout);
        using var response = await http.SendAsync(request, limit.Token).ConfigureAwait(false);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(limit.Token).ConfigureAwait(false));
    }
}
