using System.Net;
using System.Text.Json.Nodes;
using LabelStudio.Emulator.Tests.Support;
using Xunit;

namespace LabelStudio.Emulator.Tests;

/// <summary>
/// The S3 import storage's fields and checks that need no bucket (CONTRACT §4.2). Reading a real bucket is tested
/// against s3rver in tests/S3.Tests (EmulatorS3StorageTests).
/// </summary>
public sealed class S3StorageTests
{
    private static JsonObject Storage(int project, string? bucket = null)
    {
        var body = Body(project);
        if (bucket is not null)
        {
            body["bucket"] = bucket;
        }

        return body;
    }

    // recursive_scan is not sent: Label Studio's model default (false, never null) must show in the answers.
    private static JsonObject Body(int project) => new()
    {
        ["project"] = project,
        ["title"] = "series",
        ["prefix"] = "p",
        ["use_blob_urls"] = true,
        ["aws_access_key_id"] = "AKIAEXAMPLEKEY",
        ["aws_secret_access_key"] = "secret-never-returned",
        ["aws_session_token"] = "session-token-returned",
        ["s3_endpoint"] = "http://127.0.0.1:9",
    };

    [Fact]
    public async Task Without_a_bucket_nothing_is_checked_and_the_key_id_and_secret_are_never_returned()
    {
        await using var ls = await EmulatorHarness.StartAsync();
        var project = await ls.CreateProjectAsync();
        var created = await ls.PostAsync("/api/storages/s3/", Storage(project));
        Assert.Equal(HttpStatusCode.Created, created.Status);
        Assert.Equal("s3", created.Json["type"]!.GetValue<string>());
        Assert.Equal((true, 1), (created.Json["presign"]!.GetValue<bool>(), created.Json["presign_ttl"]!.GetValue<int>())); // model defaults
        Assert.False(created.Json["recursive_scan"]!.GetValue<bool>()); // BooleanField(default=False), as the real server answers
        Assert.Equal("session-token-returned", created.Json["aws_session_token"]!.GetValue<string>());

        var id = created.Json["id"]!.GetValue<int>();
        foreach (var reply in new[] { created, await ls.GetAsync($"/api/storages/s3/{id}"), await ls.GetAsync($"/api/storages/s3/?project={project}") })
        {
            Assert.DoesNotContain("aws_access_key_id", reply.Text);
            Assert.DoesNotContain("aws_secret_access_key", reply.Text);
            Assert.DoesNotContain("secret-never-returned", reply.Text);
            Assert.DoesNotContain("AKIAEXAMPLEKEY", reply.Text);
        }

        ls.AssertNoContractViolations();
    }

    [Fact]
    public async Task An_unreachable_endpoint_fails_validation_with_botocores_words()
    {
        await using var ls = await EmulatorHarness.StartAsync();
        var project = await ls.CreateProjectAsync();
        var reply = await ls.PostAsync("/api/storages/s3/validate", Storage(project, "some-bucket"));
        Assert.Equal(HttpStatusCode.InternalServerError, reply.Status);
        Assert.Contains("Could not connect to the endpoint URL: \\u0022http://127.0.0.1:9/some-bucket\\u0022", reply.Text.Replace("\"", "\\u0022", StringComparison.Ordinal).Replace("\\\\u0022", "\\u0022", StringComparison.Ordinal));
        Assert.DoesNotContain("secret-never-returned", reply.Text);

        // Label Studio answers botocore's error as an unhandled 500, which the spec does not document for this operation.
        ls.AssertOnlyContractViolations(v => v.Direction == Contract.ContractDirection.Response && v.Status == 500);
    }

    [Fact]
    public async Task List_needs_the_project_and_presign_ttl_is_range_checked()
    {
        await using var ls = await EmulatorHarness.StartAsync();
        var project = await ls.CreateProjectAsync();
        var list = await ls.GetAsync("/api/storages/s3/");
        Assert.Equal(HttpStatusCode.BadRequest, list.Status);
        Assert.Contains("query parameter \\\"project\\\" is required", list.Text);

        var body = Storage(project);
        body["presign_ttl"] = -1;
        var bad = await ls.PostAsync("/api/storages/s3/", body);
        Assert.Equal(HttpStatusCode.BadRequest, bad.Status);
        Assert.Contains("presign_ttl", bad.Json["validation_errors"]!.AsObject().Select(p => p.Key));
        ls.AssertOnlyContractViolations(v => v.Direction == Contract.ContractDirection.Request && v.Message.Contains("'project' is missing", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Resolve_needs_a_user_and_an_owning_storage()
    {
        await using var ls = await EmulatorHarness.StartAsync();
        var project = await ls.CreateProjectAsync();
        var task = await ls.CreateTaskAsync(project, new JsonObject { ["csv"] = "s3://b/p/a.csv" });
        var fileuri = Convert.ToBase64String("s3://b/p/a.csv"u8.ToArray()).Replace('+', '-').Replace('/', '_');
        Assert.Equal(HttpStatusCode.NotFound, (await ls.GetAsync($"/tasks/{task}/resolve/?fileuri={fileuri}")).Status);
        ls.Auth = null;
        Assert.Equal(HttpStatusCode.Forbidden, (await ls.GetAsync($"/tasks/{task}/resolve/?fileuri={fileuri}")).Status);
    }
}
