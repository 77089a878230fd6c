using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using LabelStudio.Emulator;
using LabelStudio.Emulator.CommandLine;
using LabelStudio.Emulator.Faults;
using Reliability.Tests.Support;

namespace Reliability.Tests.Faults;

/// <summary>The emulator's fault injection, seen from a plain HTTP client: each kind, rates, seeds, rules, and the contract log.</summary>
public sealed class FaultInjectionTests
{
    private static async Task<EmulatorServer> StartAsync(FaultPlan plan, bool withSpec = false) =>
        await EmulatorServer.StartAsync(
            new EmulatorOptions
            {
                Faults = new RateFaultInjector(plan),
                OpenApiSpecPath = withSpec ? Repository.OpenApiSpec : null,
            },
            CancellationToken.None);

    private static HttpClient Client(EmulatorServer server, TimeSpan timeout)
    {
        var http = new HttpClient { BaseAddress = server.BaseUrl, Timeout = timeout };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Token", server.LegacyToken);
        return http;
    }

    private static FaultPlan Once(FaultKind kind, string method = "GET", string path = "^/api/version$") => new()
    {
        Rules = [new FaultRule { Method = method, Path = path, Rate = 1, Kinds = [kind], Limit = 1 }],
        HangFor = TimeSpan.FromSeconds(5),
        SlowBy = TimeSpan.FromMilliseconds(300),
        RetryAfter = TimeSpan.FromSeconds(2),
    };

    [Theory]
    [InlineData(FaultKind.InternalServerError, 500, "Injected fault")]
    [InlineData(FaultKind.BadGateway, 502, "502 Bad Gateway")]
    [InlineData(FaultKind.ServiceUnavailable, 503, "503 Service Temporarily Unavailable")]
    [InlineData(FaultKind.TooManyRequests, 429, "throttled")]
    public async Task Error_answers_arrive_as_a_proxy_or_Label_Studio_would_send_them(FaultKind kind, int status, string body)
    {
        await using var server = await StartAsync(Once(kind));
        using var http = Client(server, TimeSpan.FromSeconds(5));
        using var faulty = await http.GetAsync("api/version");
        Assert.Equal(status, (int)faulty.StatusCode);
        Assert.Contains(body, await faulty.Content.ReadAsStringAsync());
        if (kind == FaultKind.TooManyRequests)
        {
            Assert.Equal(TimeSpan.FromSeconds(2), faulty.Headers.RetryAfter?.Delta);
        }

        using var next = await http.GetAsync("api/version"); // the rule's limit is spent: the server answers again
        Assert.Equal(HttpStatusCode.OK, next.StatusCode);
    }

    [Fact]
    public async Task A_timeout_hangs_past_the_clients_patience()
    {
        await using var server = await StartAsync(Once(FaultKind.Timeout));
        using var http = Client(server, TimeSpan.FromSeconds(1));
        var clock = Stopwatch.StartNew();
        await Assert.ThrowsAsync<TaskCanceledException>(() => http.GetAsync("api/version"));
        Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(0.9), clock.Elapsed.ToString()); // hung until the client gave up (no upper bound: a busy machine is slower)
    }

    [Theory]
    [InlineData(FaultKind.DropConnection)]
    [InlineData(FaultKind.ResponseLost)]
    public async Task A_dropped_connection_is_a_transport_error(FaultKind kind)
    {
        await using var server = await StartAsync(Once(kind));
        using var http = Client(server, TimeSpan.FromSeconds(5));
        await Assert.ThrowsAsync<HttpRequestException>(() => http.GetAsync("api/version"));
    }

    [Fact]
    public async Task A_slow_answer_is_late_but_complete()
    {
        await using var server = await StartAsync(Once(FaultKind.Slow));
        using var http = Client(server, TimeSpan.FromSeconds(5));
        var clock = Stopwatch.StartNew();
        using var response = await http.GetAsync("api/version");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(290), clock.Elapsed.ToString());
    }

    [Fact]
    public async Task A_lost_answer_still_did_the_work_but_a_dropped_request_did_not()
    {
        await using var lost = await StartAsync(Once(FaultKind.ResponseLost, "POST", "^/api/projects/?$"));
        using (var http = Client(lost, TimeSpan.FromSeconds(5)))
        {
            await Assert.ThrowsAsync<HttpRequestException>(() => http.PostAsync("api/projects/", Json("{\"title\":\"lost answer\"}")));
        }

        Assert.Equal(1, lost.Inspect.ProjectCount);

        await using var dropped = await StartAsync(Once(FaultKind.DropConnection, "POST", "^/api/projects/?$"));
        using (var http = Client(dropped, TimeSpan.FromSeconds(5)))
        {
            await Assert.ThrowsAsync<HttpRequestException>(() => http.PostAsync("api/projects/", Json("{\"title\":\"dropped\"}")));
        }

        Assert.Equal(0, dropped.Inspect.ProjectCount);
    }

    [Fact]
    public async Task The_rate_holds_and_the_same_seed_gives_the_same_faults()
    {
        var plan = FaultPlan.Everywhere(0.2, seed: 42, FaultKind.InternalServerError, FaultKind.ServiceUnavailable);
        async Task<(string Statuses, FaultCounts Counts)> RunAsync()
        {
            await using var server = await StartAsync(plan);
            using var http = Client(server, TimeSpan.FromSeconds(5));
            var statuses = new StringBuilder();
            for (var i = 0; i < 400; i++)
            {
                using var response = await http.GetAsync("api/version");
                statuses.Append((int)response.StatusCode).Append(' ');
            }

            return (statuses.ToString(), ((RateFaultInjector)server.Options.Faults!).Counts);
        }

        var first = await RunAsync();
        var second = await RunAsync();
        Assert.Equal(first.Statuses, second.Statuses);
        Assert.Equal(400, first.Counts.Requests);
        Assert.InRange(first.Counts.Total, 50, 110); // 80 expected; the bounds are far outside chance
        Assert.Equal(first.Counts.Total, first.Statuses.Split(' ').Count(s => s is "500" or "503"));
        Assert.Equal(first.Counts.Total, first.Counts.ByEndpoint["GET /api/version"]);
    }

    [Fact]
    public async Task Rules_apply_per_endpoint_and_count_by_endpoint()
    {
        var plan = new FaultPlan
        {
            Rules =
            [
                new FaultRule { Method = "POST", Path = "^/api/projects/?$", Rate = 1, Kinds = [FaultKind.ServiceUnavailable] },
                new FaultRule { Method = "GET", Path = "^/api/version", Rate = 0 },
            ],
        };
        await using var server = await StartAsync(plan);
        using var http = Client(server, TimeSpan.FromSeconds(5));
        for (var i = 0; i < 3; i++)
        {
            using var read = await http.GetAsync("api/projects/");
            Assert.Equal(HttpStatusCode.OK, read.StatusCode);
            using var create = await http.PostAsync("api/projects/", Json("{\"title\":\"never\"}"));
            Assert.Equal(HttpStatusCode.ServiceUnavailable, create.StatusCode);
        }

        var counts = ((RateFaultInjector)server.Options.Faults!).Counts;
        Assert.Equal(3, counts.ByEndpoint["POST /api/projects/"]);
        Assert.Single(counts.ByEndpoint);
        Assert.Equal(0, server.Inspect.ProjectCount);
    }

    [Fact]
    public async Task Injected_faults_are_not_contract_violations()
    {
        var plan = FaultPlan.Everywhere(0.5, seed: 3) with { HangFor = TimeSpan.FromMilliseconds(200), SlowBy = TimeSpan.FromMilliseconds(10) };
        await using var server = await StartAsync(plan, withSpec: true);
        using var http = Client(server, TimeSpan.FromSeconds(5));
        for (var i = 0; i < 60; i++)
        {
            try
            {
                using var response = i % 3 == 0
                    ? await http.PostAsync("api/projects/", Json($"{{\"title\":\"project {i}\"}}"))
                    : await http.GetAsync("api/projects/?page=1&page_size=100");
            }
            catch (HttpRequestException)
            {
                // drop, lost, timeout: expected
            }
        }

        Assert.True(((RateFaultInjector)server.Options.Faults!).Counts.Total > 10);
        Assert.Empty(server.ContractViolations);
    }

    [Fact]
    public void The_standalone_emulator_takes_fault_flags()
    {
        var options = EmulatorCommandLine.Parse(["--port", "0", "--fault-rate", "0.2", "--fault-kinds", "500,429,timeout", "--fault-seed", "7", "--fault-path", "^/api/projects"]);
        var injector = Assert.IsType<RateFaultInjector>(options.Faults);
        Assert.Equal(7, injector.Plan.Seed);
        var rule = Assert.Single(injector.Plan.Rules);
        Assert.Equal(0.2, rule.Rate);
        Assert.Equal("^/api/projects", rule.Path);
        Assert.Equal([FaultKind.InternalServerError, FaultKind.TooManyRequests, FaultKind.Timeout], rule.Kinds);
        Assert.Null(EmulatorCommandLine.Parse(["--port", "0"]).Faults);
        Assert.Contains("Unknown fault kind 'teapot'", Assert.Throws<ArgumentException>(() => EmulatorCommandLine.Parse(["--fault-kinds", "teapot"])).Message);
        Assert.Contains("--fault-rate", Assert.Throws<ArgumentException>(() => EmulatorCommandLine.Parse(["--fault-rate", "20"])).Message);
    }

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");
}
