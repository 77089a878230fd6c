using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using LabelStudio.Emulator.Contract;
using Xunit;

namespace LabelStudio.Emulator.Tests.Support;

/// <summary>A started emulator (with contract validation on), a scratch document root, and a raw HttpClient against it.</summary>
public sealed class EmulatorHarness : IAsyncDisposable
{
    public const string TimeSeriesConfig = """
        <View>
          <TimeSeries name="ts" value="$csv" valueType="url" timeColumn="timestamp">
            <Channel column="value"/>
          </TimeSeries>
          <TimeSeriesLabels name="label" toName="ts">
            <Label value="Anomaly"/><Label value="Normal"/>
          </TimeSeriesLabels>
        </View>
        """;

    private readonly HttpClient _http;

    private EmulatorHarness(EmulatorServer server, string documentRoot)
    {
        Server = server;
        DocumentRoot = documentRoot;
        _http = new HttpClient(new HttpClientHandler { UseProxy = false, AllowAutoRedirect = false }) { BaseAddress = server.BaseUrl };
    }

    public EmulatorServer Server { get; }

    /// <summary>LOCAL_FILES_DOCUMENT_ROOT of this emulator: a fresh temp folder.</summary>
    public string DocumentRoot { get; }

    /// <summary>The Authorization header sent by <see cref="SendAsync"/> unless a request sets its own; null sends none.</summary>
    public AuthenticationHeaderValue? Auth { get; set; }

    public static async Task<EmulatorHarness> StartAsync(Func<EmulatorOptions, EmulatorOptions>? configure = null)
    {
        var root = Path.Combine(Path.GetTempPath(), "ls-emulator-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(root);
        var options = new EmulatorOptions { OpenApiSpecPath = Repository.OpenApiSpec, LocalFilesDocumentRoot = root };
        options = configure?.Invoke(options) ?? options;
        var server = await EmulatorServer.StartAsync(options, CancellationToken.None);
        return new EmulatorHarness(server, root) { Auth = new AuthenticationHeaderValue("Token", server.LegacyToken) };
    }

    /// <summary>Writes a file under the document root and returns its absolute path.</summary>
    public string WriteFile(string relativePath, string content = "timestamp,value\n0,1\n1,2\n")
    {
        var full = Path.Combine(DocumentRoot, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        File.WriteAllText(full, content);
        return full;
    }

    public Task<Reply> GetAsync(string path, Action<HttpRequestMessage>? configure = null) => SendAsync(HttpMethod.Get, path, null, configure);

    public Task<Reply> PostAsync(string path, object? body = null, Action<HttpRequestMessage>? configure = null) => SendAsync(HttpMethod.Post, path, body, configure);

    public Task<Reply> PatchAsync(string path, object body) => SendAsync(HttpMethod.Patch, path, body, null);

    public Task<Reply> DeleteAsync(string path) => SendAsync(HttpMethod.Delete, path, null, null);

    /// <summary>Sends JSON (a JsonNode, a string taken as raw JSON, or null for no body) and reads the whole reply.</summary>
    public async Task<Reply> SendAsync(HttpMethod method, string path, object? body, Action<HttpRequestMessage>? configure)
    {
        using var request = new HttpRequestMessage(method, path.TrimStart('/'));
        request.Headers.Authorization = Auth;
        if (body is not null)
        {
            var json = body is string raw ? raw : ((JsonNode)body).ToJsonString();
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        configure?.Invoke(request);
        using var response = await _http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return new Reply(response.StatusCode, response.Content.Headers.ContentType?.ToString(), text, response.Headers, response.Content.Headers);
    }

    /// <summary>Creates a project (TimeSeries config by default) and returns its id.</summary>
    public async Task<int> CreateProjectAsync(string title = "Series project", string? labelConfig = TimeSeriesConfig)
    {
        var body = new JsonObject { ["title"] = title };
        if (labelConfig is not null)
        {
            body["label_config"] = labelConfig;
        }

        var reply = await PostAsync("/api/projects/", body);
        Assert.Equal(HttpStatusCode.Created, reply.Status);
        return reply.Json["id"]!.GetValue<int>();
    }

    /// <summary>Creates a task through the API (data as given) and returns its id.</summary>
    public async Task<int> CreateTaskAsync(int projectId, JsonObject data)
    {
        var reply = await PostAsync("/api/tasks/", new JsonObject { ["project"] = projectId, ["data"] = data });
        Assert.Equal(HttpStatusCode.Created, reply.Status);
        return reply.Json["id"]!.GetValue<int>();
    }

    /// <summary>Every exchange so far satisfied the spec (with its errata).</summary>
    public void AssertNoContractViolations() =>
        Assert.True(Server.ContractViolations.Count == 0, "Contract violations:\n" + string.Join("\n", Server.ContractViolations));

    /// <summary>The violations seen are exactly the expected ones (each matched by a predicate), nothing else.</summary>
    public void AssertOnlyContractViolations(params Func<ContractViolation, bool>[] expected)
    {
        var unexpected = Server.ContractViolations.Where(v => !expected.Any(e => e(v))).ToList();
        Assert.True(unexpected.Count == 0, "Unexpected contract violations:\n" + string.Join("\n", unexpected));
        foreach (var e in expected)
        {
            Assert.Contains(Server.ContractViolations, v => e(v));
        }

        Server.ClearContractViolations(); // provoked on purpose and checked: disposing must not fail the test for them
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        try
        {
            await Server.DisposeAsync(); // throws for contract violations the test left behind
        }
        finally
        {
            try
            {
                Directory.Delete(DocumentRoot, recursive: true);
            }
            catch (IOException)
            {
                // Best effort.
            }
        }
    }
}

/// <summary>A whole HTTP reply.</summary>
public sealed record Reply(HttpStatusCode Status, string? ContentType, string Text, HttpResponseHeaders Headers, HttpContentHeaders ContentHeaders)
{
    public JsonNode Json => JsonNode.Parse(Text) ?? throw new InvalidOperationException("The body is JSON null.");

    public override string ToString() => $"{(int)Status} {ContentType}: {Text}";
}
