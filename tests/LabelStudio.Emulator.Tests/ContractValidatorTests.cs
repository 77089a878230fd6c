using System.Net;
using System.Text.Json.Nodes;
using LabelStudio.Emulator.Contract;
using LabelStudio.Emulator.Tests.Support;
using Xunit;

namespace LabelStudio.Emulator.Tests;

/// <summary>The contract validator bites: bad bodies, missing fields, undocumented statuses and bad requests are recorded.</summary>
public sealed class ContractValidatorTests
{
    private const string Json = "application/json";

    private static Task<ContractValidator> LoadAsync() => ContractValidator.LoadAsync(Repository.OpenApiSpec, CancellationToken.None);

    [Fact]
    public async Task Spec_loads_with_every_erratum_applied_and_explained()
    {
        var validator = await LoadAsync();

        Assert.Contains("GET /api/projects/", validator.Operations);
        Assert.Contains("POST /api/storages/localfiles/{id}/sync", validator.Operations);
        Assert.All(SpecErrata.All, e => Assert.False(string.IsNullOrWhiteSpace(e.Reason)));
    }

    [Fact]
    public async Task A_response_with_a_wrong_type_is_a_violation()
    {
        var validator = await LoadAsync();
        const string token = """{"access": 42}""";

        var violations = validator.ValidateResponse("POST", "/api/token/refresh/", 200, Json, token);

        var violation = Assert.Single(violations);
        Assert.Equal(ContractDirection.Response, violation.Direction);
        Assert.Contains("access", violation.Message, StringComparison.Ordinal);
        Assert.Empty(validator.ValidateResponse("POST", "/api/token/refresh", 200, Json, """{"access": "a.b.c"}"""));
    }

    [Fact]
    public async Task A_response_missing_a_required_field_is_a_violation()
    {
        var validator = await LoadAsync();
        const string storage = """[{"id": 1, "type": "localfiles", "created_at": "2025-01-01T00:00:00.000000Z"}]""";

        var violations = validator.ValidateResponse("GET", "/api/storages/localfiles/", 200, Json, storage);

        Assert.Contains(violations, v => v.Message.Contains("PropertyRequired", StringComparison.Ordinal) && v.Message.Contains("project", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Nullable_is_honoured_and_enums_bite()
    {
        var validator = await LoadAsync();
        const string ok = """[{"id": 1, "type": "localfiles", "project": 2, "created_at": "2025-01-01T00:00:00.000000Z", "last_sync": null, "traceback": null, "status": "completed"}]""";
        const string nullStatus = """[{"id": 1, "type": "localfiles", "project": 2, "created_at": "2025-01-01T00:00:00.000000Z", "status": null}]""";
        const string badStatus = """[{"id": 1, "type": "localfiles", "project": 2, "created_at": "2025-01-01T00:00:00.000000Z", "status": "done"}]""";

        Assert.Empty(validator.ValidateResponse("GET", "/api/storages/localfiles", 200, Json, ok));
        Assert.NotEmpty(validator.ValidateResponse("GET", "/api/storages/localfiles", 200, Json, nullStatus));
        Assert.NotEmpty(validator.ValidateResponse("GET", "/api/storages/localfiles", 200, Json, badStatus));
    }

    [Fact]
    public async Task An_undocumented_status_is_a_violation_unless_it_is_an_enveloped_DRF_error()
    {
        var validator = await LoadAsync();
        const string envelope = """{"id": "x", "status_code": 404, "version": "1.23.0", "detail": "Not found.", "exc_info": null}""";

        Assert.Single(validator.ValidateResponse("GET", "/api/projects/", 500, Json, """{"detail": "boom"}"""));
        Assert.Single(validator.ValidateResponse("GET", "/api/projects/", 429, "text/html", "slow down"));
        Assert.Single(validator.ValidateResponse("GET", "/api/projects/1/", 404, "text/html", "<h1>Not Found</h1>"));
        Assert.NotEmpty(validator.ValidateResponse("GET", "/api/projects/1/", 404, Json, """{"detail": "Not found."}""")); // not the envelope
        Assert.Single(validator.ValidateResponse("GET", "/api/projects/1/", 400, Json, envelope)); // status_code disagrees
        Assert.Empty(validator.ValidateResponse("GET", "/api/projects/1/", 404, Json, envelope));
    }

    [Fact]
    public async Task Request_bodies_and_parameters_are_checked()
    {
        var validator = await LoadAsync();

        Assert.NotEmpty(validator.ValidateRequest("POST", "/api/token/refresh/", null, Json, """{"refresh": 7}"""));
        Assert.NotEmpty(validator.ValidateRequest("POST", "/api/token/refresh/", null, Json, string.Empty)); // required body
        Assert.NotEmpty(validator.ValidateRequest("POST", "/api/projects/1/import/predictions", null, Json, """[{"task": 1}]""")); // result required
        Assert.NotEmpty(validator.ValidateRequest("GET", "/api/storages/localfiles/", "?project=abc", null, null));
        Assert.NotEmpty(validator.ValidateRequest("GET", "/api/no-such-thing/", null, null, null));
        Assert.NotEmpty(validator.ValidateRequest("PUT", "/api/projects/1/", null, Json, "{}"));
        Assert.Empty(validator.ValidateRequest("POST", "/api/predictions", null, Json, """{"task": 1, "result": []}"""));
    }

    [Fact]
    public async Task The_emulator_records_a_clients_bad_request_body()
    {
        await using var ls = await EmulatorHarness.StartAsync();

        // DRF's CharField would take a number, but the spec says title is a string: the client is wrong.
        var reply = await ls.PostAsync("/api/projects/", new JsonObject { ["title"] = 12345, ["show_skip_button"] = "yes" });

        Assert.Equal(HttpStatusCode.Created, reply.Status);
        var violations = ls.Server.ContractViolations;
        Assert.All(violations, v => Assert.Equal(ContractDirection.Request, v.Direction));
        Assert.Contains(violations, v => v.Message.Contains("title", StringComparison.Ordinal));
        Assert.Contains(violations, v => v.Message.Contains("show_skip_button", StringComparison.Ordinal));
        Assert.Equal("POST", violations[0].Method);
        Assert.Equal("/api/projects/", violations[0].Path);
        Assert.Equal(201, violations[0].Status);

        ls.Server.ClearContractViolations();
        Assert.Empty(ls.Server.ContractViolations);
    }

    [Fact]
    public async Task The_emulator_records_its_own_undocumented_responses()
    {
        await using var ls = await EmulatorHarness.StartAsync();

        // Django's HTML 404 for a URL with a non-numeric id: not the envelope, and 404 is undocumented for this operation.
        var reply = await ls.GetAsync("/api/projects/abc/");

        Assert.Equal(HttpStatusCode.NotFound, reply.Status);

        // A method the path does not have: DRF's 405 envelope (valid as an envelope), but the request is not in the spec.
        var wrongMethod = await ls.SendAsync(HttpMethod.Put, "/api/version/", null, null);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, wrongMethod.Status);
        Assert.Equal("Method \"PUT\" not allowed.", wrongMethod.Json["detail"]!.GetValue<string>());

        ls.AssertOnlyContractViolations(
            v => v.Direction == ContractDirection.Response && v.Status == 404 && v.Message.Contains("not documented", StringComparison.Ordinal),
            v => v.Direction == ContractDirection.Request && v.Status == 405 && v.Message.Contains("no PUT operation", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_violation_nobody_cleared_fails_the_test_when_the_emulator_is_disposed()
    {
        var ls = await EmulatorHarness.StartAsync();
        Assert.Equal(HttpStatusCode.Created, (await ls.PostAsync("/api/projects/", new JsonObject { ["title"] = 12345 })).Status);

        var failure = await Assert.ThrowsAsync<ContractViolationException>(async () => await ls.DisposeAsync());
        Assert.Contains(failure.Violations, v => v.Direction == ContractDirection.Request && v.Message.Contains("title", StringComparison.Ordinal));
    }
}
