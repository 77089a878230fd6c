using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;
using Newtonsoft.Json.Serialization;

namespace LabelPipeline.LabelStudio;

/// <summary>
/// Typed client for the Label Studio REST endpoints the pipeline uses. Handles both token kinds (legacy
/// <c>Token</c> and Personal Access Tokens exchanged for short-lived <c>Bearer</c> tokens), turns the error envelope
/// into <see cref="LabelStudioApiException"/> with the server's detail, and pages lists to the end.
/// </summary>
public sealed partial class LabelStudioClient
{
    internal static readonly JsonSerializerSettings Json = new()
    {
        ContractResolver = new DefaultContractResolver { NamingStrategy = new SnakeCaseNamingStrategy() },
        NullValueHandling = NullValueHandling.Ignore,
        DateParseHandling = DateParseHandling.None,
        MissingMemberHandling = MissingMemberHandling.Ignore,
    };

    private readonly HttpClient _http;
    private readonly string _baseUrl;
    private readonly LabelStudioAuthenticator _auth;
    private readonly LabelStudioResilience _resilience;

    /// <param name="http">Sends the requests; its lifetime is the caller's.</param>
    /// <param name="baseUrl">e.g. <c>http://127.0.0.1:8080</c> or a proxied <c>https://host/proxy/8080/</c>.</param>
    /// <param name="token">A legacy API token or a Personal Access Token.</param>
    /// <param name="resilience">Retries and timeouts for every request; default <see cref="LabelStudioResilience.Default"/>.</param>
    public LabelStudioClient(HttpClient http, Uri baseUrl, string token, LabelStudioResilience? resilience = null)
    {
        _http = http;
        _baseUrl = baseUrl.ToString().TrimEnd('/');
        _auth = new LabelStudioAuthenticator(token, RefreshAccessTokenAsync);
        _resilience = resilience ?? LabelStudioResilience.Default;
    }

    public Uri BaseUrl => new(_baseUrl + "/");

    /// <summary>The retries this client made (shared with any other client of the same <see cref="LabelStudioResilience"/>).</summary>
    public long Retries => _resilience.Retries;

    /// <summary>True when <c>/health</c> answers 200; false while the server is down or starting.</summary>
    public async Task<bool> IsHealthyAsync(CancellationToken ct)
    {
        try
        {
            using var response = await _http.GetAsync(Url("/health"), ct).ConfigureAwait(false);
            return response.IsSuccessStatusCode;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }

    public Task<VersionInfo> GetVersionAsync(CancellationToken ct) => SendAsync<VersionInfo>(HttpMethod.Get, "/api/version", null, ct);

    /// <summary>The cheap "is my token accepted" probe.</summary>
    public Task<CurrentUser> WhoAmIAsync(CancellationToken ct) => SendAsync<CurrentUser>(HttpMethod.Get, "/api/current-user/whoami", null, ct);

    /// <summary>Projects whose title contains <paramref name="titleContains"/> (Label Studio filters case-insensitively by substring).</summary>
    public async Task<IReadOnlyList<Project>> ListProjectsAsync(string? titleContains, CancellationToken ct)
    {
        var projects = new List<Project>();
        for (var page = 1; ; page++)
        {
            var query = $"/api/projects/?page={page}&page_size=100" + (titleContains is null ? string.Empty : "&title=" + Uri.EscapeDataString(titleContains));
            var result = await SendOrNotFoundAsync<ProjectPage>(HttpMethod.Get, query, null, ct).ConfigureAwait(false);
            if (result is null || result.Results.Count == 0)
            {
                break;
            }

            projects.AddRange(result.Results);
            if (result.Next is null || projects.Count >= result.Count)
            {
                break;
            }
        }

        return projects;
    }

    public Task<Project> GetProjectAsync(int id, CancellationToken ct) => SendAsync<Project>(HttpMethod.Get, $"/api/projects/{id}/", null, ct);

    public Task<Project> CreateProjectAsync(ProjectRequest request, CancellationToken ct) => SendAsync<Project>(HttpMethod.Post, "/api/projects/", request, ct);

    public Task<Project> UpdateProjectAsync(int id, ProjectRequest request, CancellationToken ct) => SendAsync<Project>(HttpMethod.Patch, $"/api/projects/{id}/", request, ct);

    public Task<IReadOnlyList<LocalFilesStorage>> ListLocalFilesStoragesAsync(int projectId, CancellationToken ct) =>
        SendAsync<IReadOnlyList<LocalFilesStorage>>(HttpMethod.Get, $"/api/storages/localfiles/?project={projectId}", null, ct);

    public Task<LocalFilesStorage> GetLocalFilesStorageAsync(int id, CancellationToken ct) =>
        SendAsync<LocalFilesStorage>(HttpMethod.Get, $"/api/storages/localfiles/{id}", null, ct);

    public Task<LocalFilesStorage> CreateLocalFilesStorageAsync(LocalFilesStorageRequest request, CancellationToken ct) =>
        SendAsync<LocalFilesStorage>(HttpMethod.Post, "/api/storages/localfiles/", request, ct);

    public Task<LocalFilesStorage> UpdateLocalFilesStorageAsync(int id, LocalFilesStorageRequest request, CancellationToken ct) =>
        SendAsync<LocalFilesStorage>(HttpMethod.Patch, $"/api/storages/localfiles/{id}", request, ct);

    /// <summary>Starts a sync. Label Studio OSS runs it inside the request; with a job queue it returns queued: poll.</summary>
    public Task<LocalFilesStorage> SyncLocalFilesStorageAsync(int id, CancellationToken ct) =>
        SendAsync<LocalFilesStorage>(HttpMethod.Post, $"/api/storages/localfiles/{id}/sync", new JObject(), ct);

    /// <summary>Every task of a project, page by page to the end; with <paramref name="withAnnotations"/> each carries its annotations.</summary>
    public async IAsyncEnumerable<LabelStudioTask> ListTasksAsync(
        int projectId,
        bool withAnnotations,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct,
        int pageSize = 100,
        int? viewId = null)
    {
        var seen = 0;
        for (var page = 1; ; page++)
        {
            var path = $"/api/tasks?project={projectId}&page={page}&page_size={pageSize}&resolve_uri=false" + (withAnnotations ? "&fields=all" : string.Empty)
                + (viewId is { } view ? $"&view={view}" : string.Empty); // a Data Manager tab's order
            var result = await SendOrNotFoundAsync<TaskPage>(HttpMethod.Get, path, null, ct).ConfigureAwait(false);
            if (result is null || result.Tasks.Count == 0)
            {
                yield break;
            }

            foreach (var task in result.Tasks)
            {
                yield return task;
            }

            seen += result.Tasks.Count;
            if (seen >= result.Total)
            {
                yield break;
            }
        }
    }

    public Task<Annotation> CreateAnnotationAsync(int taskId, AnnotationRequest request, CancellationToken ct) =>
        SendAsync<Annotation>(HttpMethod.Post, $"/api/tasks/{taskId}/annotations/", request, ct);

    private string Url(string path) => _baseUrl + path;

    private async Task<T?> SendOrNotFoundAsync<T>(HttpMethod method, string path, object? body, CancellationToken ct)
        where T : class
    {
        try
        {
            return await SendAsync<T>(method, path, body, ct).ConfigureAwait(false);
        }
        catch (LabelStudioApiException e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            // Django REST framework answers a page past the end with 404 "Invalid page.".
            return null;
        }
    }

    private async Task<T> SendAsync<T>(HttpMethod method, string path, object? body, CancellationToken ct)
    {
        var text = await SendForTextAsync(method, path, body, retryOnUnauthorized: true, ct).ConfigureAwait(false);
        try
        {
            return JsonConvert.DeserializeObject<T>(text, Json)
                ?? throw new LabelStudioApiException(HttpStatusCode.OK, method.Method, PathOnly(path), "empty body", $"Label Studio returned an empty body to {method} {PathOnly(path)}.");
        }
        catch (JsonException e)
        {
            throw new LabelStudioApiException(
                HttpStatusCode.OK,
                method.Method,
                PathOnly(path),
                e.Message,
                $"Label Studio's answer to {method} {PathOnly(path)} is not the JSON expected ({e.Message}). Is {_baseUrl} a Label Studio server?");
        }
    }

    /// <summary>
    /// The one place requests go out: each attempt is built afresh (a request message cannot be sent twice) and runs
    /// under <see cref="LabelStudioResilience"/>, which decides what may be retried.
    /// </summary>
    private async Task<string> SendForTextAsync(HttpMethod method, string path, object? body, bool retryOnUnauthorized, CancellationToken ct)
    {
        var json = body is null ? null : JsonConvert.SerializeObject(body, Json);
        var answer = await _resilience.ExecuteAsync(
            method,
            path,
            _baseUrl,
            async token =>
            {
                using var request = new HttpRequestMessage(method, Url(path));
                request.Headers.Authorization = await _auth.GetHeaderAsync(token).ConfigureAwait(false);
                request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
                if (json is not null)
                {
                    request.Content = new StringContent(json, Encoding.UTF8, "application/json");
                }

                using var response = await _http.SendAsync(request, token).ConfigureAwait(false);
                var text = await response.Content.ReadAsStringAsync(token).ConfigureAwait(false);
                return new LabelStudioAnswer(response.StatusCode, text, LabelStudioResilience.RetryAfter(response));
            },
            ct).ConfigureAwait(false);
        if (answer.IsSuccess)
        {
            return answer.Body;
        }

        if (answer.Status == HttpStatusCode.Unauthorized && retryOnUnauthorized && _auth.CanRefresh)
        {
            // A Bearer access token lives about five minutes: refresh once and repeat the request.
            _auth.Invalidate();
            return await SendForTextAsync(method, path, body, retryOnUnauthorized: false, ct).ConfigureAwait(false);
        }

        throw CreateError(answer.Status, method, path, answer.Body);
    }

    private async Task<string> RefreshAccessTokenAsync(string personalAccessToken, CancellationToken ct)
    {
        const string path = "/api/token/refresh/";
        var json = JsonConvert.SerializeObject(new TokenRefreshRequest(personalAccessToken), Json);
        var answer = await _resilience.ExecuteAsync(
            HttpMethod.Post,
            path,
            _baseUrl,
            async token =>
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, Url(path)) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
                using var response = await _http.SendAsync(request, token).ConfigureAwait(false);
                var text = await response.Content.ReadAsStringAsync(token).ConfigureAwait(false);
                return new LabelStudioAnswer(response.StatusCode, text, LabelStudioResilience.RetryAfter(response));
            },
            ct).ConfigureAwait(false);
        if (!answer.IsSuccess)
        {
            throw CreateError(answer.Status, HttpMethod.Post, path, answer.Body);
        }

        return JsonConvert.DeserializeObject<TokenRefreshResponse>(answer.Body, Json)?.Access
            ?? throw new LabelStudioApiException(answer.Status, "POST", path, "no access token", "Label Studio's token refresh returned no access token.");
    }

    private LabelStudioApiException CreateError(HttpStatusCode status, HttpMethod method, string path, string body)
    {
        var detail = ErrorDetail(body);
        var hint = status switch
        {
            HttpStatusCode.Unauthorized =>
                " The token was rejected: check --label-studio-token (or LABELPIPELINE_LABEL_STUDIO_TOKEN). A legacy token only works when " +
                "legacy tokens are enabled for the organization (LABEL_STUDIO_ENABLE_LEGACY_API_TOKEN=true at first start, or Organization > " +
                "Settings > Access Token Settings); a Personal Access Token works always.",
            HttpStatusCode.Forbidden => " The user behind the token lacks permission for this.",
            HttpStatusCode.NotFound => $" Is {_baseUrl} the right Label Studio URL?",
            _ => string.Empty,
        };
        return new LabelStudioApiException(
            status,
            method.Method,
            PathOnly(path),
            detail,
            $"Label Studio answered {(int)status} {status} to {method} {PathOnly(path)}: {detail.TrimEnd('.')}.{hint}");
    }

    /// <summary>The server's words from the error envelope, a plain DRF body, or the start of a text body.</summary>
    internal static string ErrorDetail(string body)
    {
        try
        {
            if (JToken.Parse(body) is JObject json)
            {
                var parts = new List<string>();
                if (json["detail"]?.ToString() is { Length: > 0 } detail)
                {
                    parts.Add(detail);
                }

                var fields = json["validation_errors"] as JObject ?? (json["detail"] is null ? json : null);
                if (fields is not null)
                {
                    parts.AddRange(fields.Properties().Select(p => $"{p.Name}: {string.Join(" ", p.Value.Type == JTokenType.Array ? p.Value.Select(v => v.ToString()) : [p.Value.ToString()])}"));
                }

                if (json["exc_info"]?.Type == JTokenType.String)
                {
                    parts.Add("server traceback: " + json["exc_info"]);
                }

                if (parts.Count > 0)
                {
                    return string.Join("; ", parts);
                }
            }
        }
        catch (JsonException)
        {
            // Not JSON: fall through to the text.
        }

        var text = body.Trim();
        return text.Length == 0 ? "(no body)" : text.Length > 500 ? text[..500] + "..." : text;
    }

    private static string PathOnly(string path) => path.Split('?')[0];
}
