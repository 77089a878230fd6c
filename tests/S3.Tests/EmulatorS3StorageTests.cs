using System.Text.Json.Nodes;
using LabelStudio.Emulator;
using S3.Tests.Support;

namespace S3.Tests;

/// <summary>The emulator's S3 import storage reading a real s3rver bucket, held to CONTRACT §4.2.</summary>
public sealed class EmulatorS3StorageTests(S3Server s3) : IClassFixture<S3Server>, IAsyncLifetime
{
    private EmulatorServer _ls = null!;
    private LabelStudioApi _api = null!;

    public async Task InitializeAsync()
    {
        _ls = await EmulatorServer.StartAsync(new EmulatorOptions { OpenApiSpecPath = Repository.OpenApiSpec, Host = "http://ls.example" }, CancellationToken.None);
        _api = new LabelStudioApi(_ls);
    }

    public async Task DisposeAsync()
    {
        _api.Dispose();
        await _ls.DisposeAsync();
    }

    private JsonObject Body(int project, string bucket, string? prefix = "p/ds/v1", string keyId = S3Server.AdminKeyId) => new()
    {
        ["project"] = project,
        ["title"] = "series",
        ["bucket"] = bucket,
        ["prefix"] = prefix,
        ["regex_filter"] = @".*\.csv$",
        ["use_blob_urls"] = true,
        ["presign"] = true,
        ["presign_ttl"] = 5,
        ["recursive_scan"] = false,
        ["region_name"] = "us-east-1",
        ["s3_endpoint"] = s3.Endpoint.ToString().TrimEnd('/'),
        ["aws_access_key_id"] = keyId,
        ["aws_secret_access_key"] = "very-secret-value",
        ["aws_session_token"] = "the-session-token",
    };

    [SkippableFact]
    public async Task Sync_creates_one_task_per_csv_under_the_prefix_and_hides_the_keys()
    {
        Skip.If(s3.SkipReason is not null, s3.SkipReason);
        var bucket = await s3.CreateBucketAsync();
        await s3.PutTextAsync(bucket, "p/ds/v1/a.csv", "timestamp,value\n0,1\n");
        await s3.PutTextAsync(bucket, "p/ds/v1/b.csv", "timestamp,value\n0,2\n");
        await s3.PutTextAsync(bucket, "p/ds/v1/notes.txt", "not a series");
        await s3.PutTextAsync(bucket, "p/ds/v1/sub/c.csv", "deeper: not scanned without recursive_scan");
        await s3.PutTextAsync(bucket, "p/ds/v10/x.csv", "a sibling prefix");
        var project = await _api.CreateProjectAsync();

        var created = (JsonObject)await _api.JsonAsync(HttpMethod.Post, "/api/storages/s3/", Body(project, bucket));
        Assert.False(created.ContainsKey("aws_access_key_id"));
        Assert.False(created.ContainsKey("aws_secret_access_key"));
        Assert.Equal("the-session-token", created["aws_session_token"]!.GetValue<string>());
        Assert.DoesNotContain("very-secret-value", (await _api.S3StoragesAsync(project)).ToJsonString());
        Assert.Empty(await _api.TasksAsync(project)); // creating does not sync

        var id = created["id"]!.GetValue<int>();
        var synced = await _api.JsonAsync(HttpMethod.Post, $"/api/storages/s3/{id}/sync");
        Assert.Equal("completed", synced["status"]!.GetValue<string>());
        Assert.Equal(2, synced["last_sync_count"]!.GetValue<int>());
        var tasks = await _api.TasksAsync(project);
        Assert.Equal([$"s3://{bucket}/p/ds/v1/a.csv", $"s3://{bucket}/p/ds/v1/b.csv"], tasks.Select(t => t!["data"]!["csv"]!.GetValue<string>()).Order());
        Assert.Contains("$undefined$", _ls.Inspect.StoredTaskData(tasks[0]!["id"]!.GetValue<int>()));

        var again = await _api.JsonAsync(HttpMethod.Post, $"/api/storages/s3/{id}/sync");
        Assert.Equal(0, again["last_sync_count"]!.GetValue<int>());
        Assert.Empty(_ls.ContractViolations);
    }

    [SkippableFact]
    public async Task Validation_speaks_Label_Studios_words()
    {
        Skip.If(s3.SkipReason is not null, s3.SkipReason);
        var bucket = await s3.CreateBucketAsync();
        await s3.PutTextAsync(bucket, "p/ds/v1/a.csv", "timestamp,value\n0,1\n");
        var project = await _api.CreateProjectAsync();

        var (status, text, _) = await _api.SendAsync(HttpMethod.Post, "/api/storages/s3/validate", Body(project, bucket, "p/empty"));
        Assert.Equal(400, status);
        Assert.Contains($"s3://{bucket}/p/empty not found.", text);

        (status, text, _) = await _api.SendAsync(HttpMethod.Post, "/api/storages/s3/validate", Body(project, "no-such-bucket-x"));
        Assert.Equal(400, status);
        Assert.Contains("Cannot find bucket no-such-bucket-x in S3", text);

        (status, text, _) = await _api.SendAsync(HttpMethod.Post, "/api/storages/s3/", Body(project, bucket, keyId: "AKIAREVOKEDKEY"));
        Assert.Equal(400, status);
        Assert.Contains($"Cannot connect to S3 {bucket} with specified AWS credentials", text);
        Assert.DoesNotContain("very-secret-value", text);

        (status, _, _) = await _api.SendAsync(HttpMethod.Post, "/api/storages/s3/validate", Body(project, bucket));
        Assert.Equal(200, status);
        Assert.Equal(0, _ls.Inspect.StorageCount("s3"));
    }

    [SkippableFact]
    public async Task Keys_that_go_stale_fail_the_next_sync_until_fresh_ones_are_patched_in()
    {
        Skip.If(s3.SkipReason is not null, s3.SkipReason);
        var bucket = await s3.CreateBucketAsync();
        await s3.PutTextAsync(bucket, "p/ds/v1/a.csv", "timestamp,value\n0,1\n");
        await s3.AddKeyAsync("ASIASOONSTALE", "s");
        await s3.AddKeyAsync("ASIAFRESH", "s");
        var project = await _api.CreateProjectAsync();
        var id = (await _api.JsonAsync(HttpMethod.Post, "/api/storages/s3/", Body(project, bucket, keyId: "ASIASOONSTALE")))["id"]!.GetValue<int>();

        await s3.RevokeKeyAsync("ASIASOONSTALE");
        var (status, text, _) = await _api.SendAsync(HttpMethod.Post, $"/api/storages/s3/{id}/sync");
        Assert.Equal(400, status);
        Assert.Contains("Cannot connect to S3", text);

        await _api.JsonAsync(HttpMethod.Patch, $"/api/storages/s3/{id}", new JsonObject { ["aws_access_key_id"] = "ASIAFRESH", ["aws_secret_access_key"] = "s", ["aws_session_token"] = "t2" });
        Assert.Equal("completed", (await _api.JsonAsync(HttpMethod.Post, $"/api/storages/s3/{id}/sync"))["status"]!.GetValue<string>());
    }

    [SkippableFact]
    public async Task Resolve_redirects_to_a_presigned_url_or_streams_when_presign_is_off()
    {
        Skip.If(s3.SkipReason is not null, s3.SkipReason);
        var bucket = await s3.CreateBucketAsync();
        await s3.PutTextAsync(bucket, "p/ds/v1/a.csv", "timestamp,value\n0,1\n");
        var project = await _api.CreateProjectAsync();
        var id = (await _api.JsonAsync(HttpMethod.Post, "/api/storages/s3/", Body(project, bucket)))["id"]!.GetValue<int>();
        await _api.JsonAsync(HttpMethod.Post, $"/api/storages/s3/{id}/sync");
        var task = (await _api.JsonAsync(HttpMethod.Get, $"/api/tasks?project={project}"))["tasks"]![0]!;
        var proxy = task["data"]!["csv"]!.GetValue<string>();
        Assert.StartsWith($"http://ls.example/tasks/{task["id"]}/resolve/?fileuri=", proxy, StringComparison.Ordinal);

        var path = proxy["http://ls.example".Length..];
        var (status, _, response) = await _api.SendAsync(HttpMethod.Get, path);
        Assert.Equal(303, status);
        var presigned = response.Headers.Location!;
        Assert.Contains("X-Amz-Signature=", presigned.Query, StringComparison.Ordinal);
        using var browser = new HttpClient();
        Assert.Equal("timestamp,value\n0,1\n", await browser.GetStringAsync(presigned));

        await _api.JsonAsync(HttpMethod.Patch, $"/api/storages/s3/{id}", new JsonObject { ["presign"] = false });
        var (streamed, body, _) = await _api.SendAsync(HttpMethod.Get, path);
        Assert.Equal((200, "timestamp,value\n0,1\n"), (streamed, body));
    }

    [SkippableFact]
    public async Task An_unreachable_endpoint_is_a_server_error_with_botocores_words()
    {
        Skip.If(s3.SkipReason is not null, s3.SkipReason);
        var project = await _api.CreateProjectAsync();
        var body = Body(project, "some-bucket");
        body["s3_endpoint"] = "http://127.0.0.1:9";
        var (status, text, _) = await _api.SendAsync(HttpMethod.Post, "/api/storages/s3/", body);
        Assert.Equal(500, status);
        Assert.Contains("Could not connect to the endpoint URL", text);

        // Label Studio's unhandled botocore error is a 500 the spec does not document: expected here, so checked and cleared.
        Assert.All(_ls.ContractViolations, v => Assert.True(v.Status == 500 && v.Direction == LabelStudio.Emulator.Contract.ContractDirection.Response, v.ToString()));
        _ls.ClearContractViolations();
    }
}
