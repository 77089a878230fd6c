using System.Net;
using LabelPipeline.LabelStudio;
using LabelPipeline.Tests.Support;
using LabelStudio.Emulator;

namespace LabelPipeline.Tests.LabelStudio;

/// <summary>The typed client against the emulator, with every exchange checked against the upstream OpenAPI subset.</summary>
public sealed class LabelStudioClientTests : IAsyncLifetime
{
    private static readonly string Spec = Path.Combine(Repository.Shared, "label-studio", "openapi-pipeline-subset.yaml");
    private readonly HttpClient _http = new();
    private readonly MovableClock _clock = new();
    private EmulatorServer _server = null!;

    public async Task InitializeAsync() =>
        _server = await EmulatorServer.StartAsync(new EmulatorOptions { OpenApiSpecPath = Spec, Clock = _clock }, CancellationToken.None);

    public async Task DisposeAsync()
    {
        Assert.Empty(_server.ContractViolations);
        _http.Dispose();
        await _server.DisposeAsync();
    }

    private LabelStudioClient Client(string token) => new(_http, _server.BaseUrl, token);

    [Fact]
    public async Task Legacy_token_is_sent_as_Token()
    {
        var me = await Client(_server.LegacyToken).WhoAmIAsync(CancellationToken.None);
        Assert.Equal(_server.UserEmail, me.Email);
    }

    [Fact]
    public async Task Personal_access_token_is_exchanged_for_bearer_and_refreshed_when_the_server_expires_it()
    {
        _server.SetTokenSettings(legacyTokensEnabled: false);
        var client = Client(_server.CreatePersonalAccessToken());
        Assert.Equal(_server.UserEmail, (await client.WhoAmIAsync(CancellationToken.None)).Email);

        // The server's clock moves past the access token's lifetime; the client still holds it, gets 401, refreshes once.
        _clock.Advance(TimeSpan.FromMinutes(10));
        Assert.Equal(_server.UserEmail, (await client.WhoAmIAsync(CancellationToken.None)).Email);
    }

    [Fact]
    public async Task Disabled_legacy_tokens_give_the_servers_reason()
    {
        _server.SetTokenSettings(legacyTokensEnabled: false);
        var error = await Assert.ThrowsAsync<LabelStudioApiException>(() => Client(_server.LegacyToken).WhoAmIAsync(CancellationToken.None));
        Assert.Equal(HttpStatusCode.Unauthorized, error.StatusCode);
        Assert.Contains("legacy token authentication has been disabled", error.Message);
        Assert.DoesNotContain(_server.LegacyToken, error.Message);
    }

    [Fact]
    public async Task Validation_errors_carry_the_field_and_message()
    {
        var error = await Assert.ThrowsAsync<LabelStudioApiException>(() => Client(_server.LegacyToken).CreateProjectAsync(
            new ProjectRequest { Title = "Broken config", LabelConfig = "<View><Choices name=\"a\" toName=\"missing\"/></View>" },
            CancellationToken.None));
        Assert.Equal(HttpStatusCode.BadRequest, error.StatusCode);
        Assert.Contains("label_config", error.Message);
        Assert.Contains("missing", error.Message);
    }

    [Fact]
    public async Task Projects_are_listed_across_pages_and_filtered()
    {
        var client = Client(_server.LegacyToken);
        for (var i = 0; i < 105; i++)
        {
            await client.CreateProjectAsync(new ProjectRequest { Title = $"Series {i:000}" }, CancellationToken.None);
        }

        await client.CreateProjectAsync(new ProjectRequest { Title = "Other" }, CancellationToken.None);
        Assert.Equal(106, (await client.ListProjectsAsync(null, CancellationToken.None)).Count);
        Assert.Equal(105, (await client.ListProjectsAsync("series", CancellationToken.None)).Count);
        Assert.Equal(["Series 007"], (await client.ListProjectsAsync("Series 007", CancellationToken.None)).Select(p => p.Title));
    }

    [Fact]
    public async Task Base_url_with_or_without_trailing_slash_works()
    {
        var withoutSlash = new Uri(_server.BaseUrl.ToString().TrimEnd('/'));
        Assert.NotNull((await new LabelStudioClient(_http, withoutSlash, _server.LegacyToken).GetVersionAsync(CancellationToken.None)).Release);
        Assert.True(await Client(_server.LegacyToken).IsHealthyAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Unreachable_server_names_the_url()
    {
        var client = new LabelStudioClient(_http, new Uri("http://127.0.0.1:9/"), "x");
        var error = await Assert.ThrowsAsync<LabelStudioUnreachableException>(() => client.WhoAmIAsync(CancellationToken.None));
        Assert.Contains("http://127.0.0.1:9", error.Message);
    }

    [Theory]
    [InlineData("{\"id\":\"x\",\"status_code\":500,\"version\":\"1\",\"detail\":\"boom\",\"exc_info\":\"Traceback...\"}", "boom; server traceback: Traceback...")]
    [InlineData("{\"label_config\":[\"Label config contains non-unique names\"]}", "label_config: Label config contains non-unique names")]
    [InlineData("Export is not completed", "Export is not completed")]
    [InlineData("", "(no body)")]
    public void Error_detail_is_read_from_every_body_shape(string body, string expected) =>
        Assert.Equal(expected, LabelStudioClient.ErrorDetail(body));

    private sealed class MovableClock : TimeProvider
    {
        private TimeSpan _offset;

        public override DateTimeOffset GetUtcNow() => DateTimeOffset.UtcNow + _offset;

        public void Advance(TimeSpan by) => _offset += by;
    }
}
