using System.Text;
using System.Text.Json.Nodes;

namespace RealServer.Tests.Support;

/// <summary>Raw JSON calls to a Label Studio (real or emulated), to arrange and inspect what the pipeline did.</summary>
public sealed class LabelStudioHttp(HttpClient http)
{
    public async Task<(int Status, string Text)> SendAsync(HttpMethod method, string path, JsonNode? body = null)
    {
        using var request = new HttpRequestMessage(method, path.TrimStart('/'));
        if (body is not null)
        {
            request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        }

        using var response = await http.SendAsync(request);
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    public async Task<JsonNode> JsonAsync(HttpMethod method, string path, JsonNode? body = null)
    {
        var (status, text) = await SendAsync(method, path, body);
        return status is >= 200 and < 300 ? JsonNode.Parse(text)! : throw new InvalidOperationException($"{method} {path} → {status}: {text[..Math.Min(text.Length, 2000)]}");
    }

    /// <summary>The projects titled exactly <paramref name="title"/>.</summary>
    public async Task<JsonObject[]> ProjectsAsync(string title) =>
        ((JsonArray)(await JsonAsync(HttpMethod.Get, $"/api/projects/?title={Uri.EscapeDataString(title)}&page_size=100"))["results"]!)
        .OfType<JsonObject>().Where(p => p["title"]!.GetValue<string>() == title).ToArray();

    public async Task<JsonObject> ProjectAsync(string title) => Assert.Single(await ProjectsAsync(title));

    /// <summary>Every task of the project with its annotations and predictions (all pages), its data as stored (not resolved).</summary>
    public async Task<JsonObject[]> TasksAsync(int projectId)
    {
        var tasks = new List<JsonObject>();
        for (var page = 1; ; page++)
        {
            var (status, text) = await SendAsync(HttpMethod.Get, $"/api/tasks?project={projectId}&fields=all&resolve_uri=false&page_size=100&page={page}");
            if (status == 404)
            {
                break; // past the last page
            }

            var batch = ((JsonArray)JsonNode.Parse(text)!["tasks"]!).OfType<JsonObject>().ToArray();
            tasks.AddRange(batch);
            if (batch.Length < 100)
            {
                break;
            }
        }

        return [.. tasks];
    }

    public async Task<JsonArray> StoragesAsync(string type, int projectId) => (JsonArray)await JsonAsync(HttpMethod.Get, $"/api/storages/{type}/?project={projectId}");
}
