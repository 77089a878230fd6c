using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using LabelStudio.Emulator;

namespace S3.Tests.Support;

/// <summary>Raw JSON calls to the emulator, to arrange and inspect what the pipeline's typed client does not expose.</summary>
public sealed class LabelStudioApi(EmulatorServer server) : IDisposable
{
    private readonly HttpClient _http = new(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = server.BaseUrl };

    public async Task<(int Status, string Text, HttpResponseMessage Response)> SendAsync(HttpMethod method, string path, JsonNode? body = null)
    {
        using var request = new HttpRequestMessage(method, path.TrimStart('/'));
        request.Headers.Authorization = new AuthenticationHeaderValue("Token", server.LegacyToken);
        if (body is not null)
        {
            request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        }

        var response = await _http.SendAsync(request);
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync(), response);
    }

    public async Task<JsonNode> JsonAsync(HttpMethod method, string path, JsonNode? body = null)
    {
        var (status, text, _) = await SendAsync(method, path, body);
        return status is >= 200 and < 300 ? JsonNode.Parse(text)! : throw new InvalidOperationException($"{method} {path} → {status}: {text}");
    }

    public async Task<int> CreateProjectAsync(string title = "S3 series") =>
        (await JsonAsync(HttpMethod.Post, "/api/projects/", new JsonObject
        {
            ["title"] = title,
            ["label_config"] = """<View><TimeSeries name="ts" value="$csv" valueType="url" timeColumn="timestamp"><Channel column="value"/></TimeSeries><TimeSeriesLabels name="label" toName="ts"><Label value="Anomaly"/></TimeSeriesLabels></View>""",
        }))["id"]!.GetValue<int>();

    /// <summary>The project's S3 storages as Label Studio returns them (key id and secret never included).</summary>
    public async Task<JsonArray> S3StoragesAsync(int projectId) => (JsonArray)await JsonAsync(HttpMethod.Get, $"/api/storages/s3/?project={projectId}");

    public async Task<JsonArray> TasksAsync(int projectId) =>
        (JsonArray)(await JsonAsync(HttpMethod.Get, $"/api/tasks?project={projectId}&resolve_uri=false&page_size=100"))["tasks"]!;

    public void Dispose() => _http.Dispose();
}
