using System.Globalization;
using System.Text.Json.Nodes;
using Amazon.S3.Model;
using LabelStudio.Emulator;
using S3.Tests.Support;

namespace S3.Tests;

/// <summary>
/// The whole graph in S3 mode through the real executable: s3rver for the bucket, the fake STS for identity and
/// AssumeRole, the emulator (contract-checked) whose S3 storage lists and reads the real bucket.
/// </summary>
public sealed class PipelineS3EndToEndTests(S3Server s3) : IClassFixture<S3Server>, IAsyncLifetime
{
    private const string Prefix = "team/labels";
    private const string Secret = "pipeline-secret-value";
    private const string RoleArn = "arn:aws:iam::123456789012:role/label-studio-read";

    private readonly TempDirectory _temp = new();
    private readonly FakeAws _aws = new();
    private EmulatorServer _ls = null!;
    private LabelStudioApi _api = null!;

    private string Origin => _ls.BaseUrl.GetLeftPart(UriPartial.Authority);

    private static string[] Files => Repository.SyntheticFiles;

    public async Task InitializeAsync()
    {
        _ls = await EmulatorServer.StartAsync(new EmulatorOptions { OpenApiSpecPath = Repository.OpenApiSpec }, CancellationToken.None);
        _api = new LabelStudioApi(_ls);
    }

    public async Task DisposeAsync()
    {
        _api.Dispose();
        await _ls.DisposeAsync();
        _aws.Dispose();
        _temp.Dispose();
    }

    /// <summary>The run's AWS environment: a session key s3rver knows, its token, and when it expires.</summary>
    private static Dictionary<string, string> Session(string keyId, string token) => new()
    {
        ["AWS_ACCESS_KEY_ID"] = keyId,
        ["AWS_SECRET_ACCESS_KEY"] = Secret,
        ["AWS_SESSION_TOKEN"] = token,
        ["AWS_CREDENTIAL_EXPIRATION"] = DateTimeOffset.UtcNow.AddHours(1).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
        ["AWS_REGION"] = "us-east-1",
    };

    private Task<PipelineRun> RunAsync(string bucket, Dictionary<string, string> aws, params string[] arguments)
    {
        aws["LABELPIPELINE_LABEL_STUDIO_TOKEN"] = EmulatorOptions.DefaultLegacyToken;
        return PipelineRunner.RunAsync(
            [
                "--target=Export",
                "--storage=s3",
                $"--bucket={bucket}",
                $"--prefix={Prefix}",
                $"--s3-endpoint={s3.Endpoint}",
                $"--sts-endpoint={_aws.Endpoint}",
                $"--label-studio-url={_ls.BaseUrl}",
                $"--datasets-dir={Repository.Datasets}",
                $"--output={Path.Combine(_temp.Path, "artifacts")}",
                $"--state-dir={Path.Combine(_temp.Path, "state")}",
                $"--sagemaker-metadata={Path.Combine(_temp.Path, "no-sagemaker.json")}",
                .. arguments,
            ],
            aws,
            TimeSpan.FromMinutes(3));
    }

    private async Task<(string Bucket, Dictionary<string, string> Aws)> ArrangeAsync(string keyId = "ASIAPIPELINE", string token = "pipeline-session-token-1")
    {
        Skip.If(s3.SkipReason is not null, s3.SkipReason);
        await s3.AddKeyAsync(keyId, Secret);
        return (await s3.CreateBucketAsync(), Session(keyId, token));
    }

    private async Task<JsonObject> StorageAsync() =>
        (JsonObject)(await _api.S3StoragesAsync((await _api.JsonAsync(HttpMethod.Get, "/api/projects/"))["results"]![0]!["id"]!.GetValue<int>())).Single()!;

    private static void AssertNoSecrets(PipelineRun run, params string[] secrets)
    {
        foreach (var secret in secrets.Append(Secret))
        {
            Assert.DoesNotContain(secret, run.Output, StringComparison.Ordinal);
        }
    }

    private static string Describe(IReadOnlyList<CORSRule> rules) =>
        string.Join("\n", rules.Select(r => $"{r.Id}|{string.Join(",", r.AllowedOrigins ?? [])}|{string.Join(",", r.AllowedMethods ?? [])}|{string.Join(",", r.AllowedHeaders ?? [])}|{string.Join(",", r.ExposeHeaders ?? [])}|{r.MaxAgeSeconds}"));

    [SkippableFact]
    public async Task Export_uploads_configures_cors_connects_syncs_and_exports_and_a_second_run_changes_nothing()
    {
        var (bucket, aws) = await ArrangeAsync();
        var foreign = new List<CORSRule>
        {
            new() { Id = "uploader", AllowedOrigins = ["https://upload.example.com"], AllowedMethods = ["PUT"], AllowedHeaders = ["*"], MaxAgeSeconds = 600 },
            new() { Id = "dashboard", AllowedOrigins = ["https://dash.example.com"], AllowedMethods = ["GET"], MaxAgeSeconds = 60 },
            new() { Id = "partner", AllowedOrigins = ["https://*.partner.example.com"], AllowedMethods = ["HEAD"], MaxAgeSeconds = 30 },
        };
        await s3.Admin.PutCORSConfigurationAsync(new PutCORSConfigurationRequest { BucketName = bucket, Configuration = new CORSConfiguration { Rules = foreign } });
        var firstKey = $"{Prefix}/synthetic/v1/{Path.GetFileName(Files[0])}";
        Assert.Equal(403, (await s3.PreflightAsync(bucket, firstKey, Origin)).Status);

        var first = await RunAsync(bucket, aws);
        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.Contains("AWS account 123456789012, identity arn:aws:iam::123456789012:user/ASIAPIPELINE", first.Output);
        Assert.Contains($"Upload to s3://{bucket}/{Prefix}/synthetic/v1/: {Files.Length} uploaded", first.Output);
        Assert.Contains("added after the bucket's other rules", first.Output);
        Assert.Contains("expire at", first.Output);
        Assert.Contains($"Sync completed: {Files.Length} tasks created", first.Output);
        AssertNoSecrets(first, "pipeline-session-token-1");

        // What is in the bucket is what is on disk, byte for byte.
        foreach (var file in Files)
        {
            Assert.Equal(await File.ReadAllBytesAsync(file), await s3.GetBytesAsync(bucket, $"{Prefix}/synthetic/v1/{Path.GetFileName(file)}"));
        }

        // CORS: foreign rules first and unchanged, ours last; real preflights agree.
        var rulesAfterFirst = await s3.CorsRulesAsync(bucket);
        Assert.Equal(["uploader", "dashboard", "partner", "labelpipeline-label-studio"], rulesAfterFirst.Select(r => r.Id));
        Assert.Equal(Describe(foreign), Describe(rulesAfterFirst.Take(3).ToList()));
        var preflight = await s3.PreflightAsync(bucket, firstKey, Origin);
        Assert.Equal((200, "GET, HEAD"), (preflight.Status, preflight.AllowMethods));
        Assert.Equal(200, (await s3.PreflightAsync(bucket, firstKey, Origin.Replace("127.0.0.1", "localhost", StringComparison.Ordinal))).Status);
        Assert.Equal(403, (await s3.PreflightAsync(bucket, firstKey, "https://evil.example.com")).Status);

        // One task per file, pointing at the uploaded object; the storage holds the run's session.
        var storage = await StorageAsync();
        Assert.Equal("pipeline-session-token-1", storage["aws_session_token"]!.GetValue<string>());
        Assert.False(storage.ContainsKey("aws_secret_access_key"));
        Assert.Equal((true, 15, s3.Endpoint.ToString().TrimEnd('/')), (storage["presign"]!.GetValue<bool>(), storage["presign_ttl"]!.GetValue<int>(), storage["s3_endpoint"]!.GetValue<string>()));
        var tasks = await _api.TasksAsync(storage["project"]!.GetValue<int>());
        Assert.Equal(
            Files.Select(f => $"s3://{bucket}/{Prefix}/synthetic/v1/{Path.GetFileName(f)}"),
            tasks.Select(t => t!["data"]!["csv"]!.GetValue<string>()).Order(StringComparer.Ordinal));
        Assert.True(Directory.EnumerateFiles(Path.Combine(_temp.Path, "artifacts", "synthetic", "v1"), "*", SearchOption.AllDirectories).Any(), first.ToString());

        var objectsAfterFirst = await s3.ListAsync(bucket);
        var second = await RunAsync(bucket, aws);
        Assert.True(second.ExitCode == 0, second.ToString());
        Assert.Contains($"0 uploaded (0.0 KiB), {Files.Length} already there with the same content", second.Output);
        Assert.Contains("already in place, unchanged", second.Output);
        Assert.Contains($"0 tasks created, {Files.Length} already there", second.Output);
        Assert.Equal(objectsAfterFirst, await s3.ListAsync(bucket));
        Assert.Equal(Describe(rulesAfterFirst), Describe(await s3.CorsRulesAsync(bucket)));
        Assert.Equal(Files.Length, (await _api.TasksAsync(storage["project"]!.GetValue<int>())).Count);
        Assert.True(_ls.ContractViolations.Count == 0, string.Join("\n", _ls.ContractViolations));
    }

    [SkippableFact]
    public async Task Upload_copies_the_label_snapshot_under_labels_and_a_rerun_copies_nothing()
    {
        var (bucket, aws) = await ArrangeAsync();
        var first = await RunAsync(bucket, aws, "--upload");
        Assert.True(first.ExitCode == 0, first.ToString());
        var snapshot = Path.Combine(_temp.Path, "artifacts", "synthetic", "v1");
        var files = Directory.GetFiles(snapshot, "*", SearchOption.AllDirectories);
        Assert.Contains($"Snapshot copied to s3://{bucket}/{Prefix}/labels/synthetic/v1/: {files.Length} files uploaded, 0 unchanged", first.Output);
        foreach (var file in files)
        {
            var key = $"{Prefix}/labels/synthetic/v1/{Path.GetRelativePath(snapshot, file).Replace('\\', '/')}";
            Assert.Equal(await File.ReadAllBytesAsync(file), await s3.GetBytesAsync(bucket, key));
        }

        var second = await RunAsync(bucket, aws, "--upload");
        Assert.True(second.ExitCode == 0, second.ToString());
        Assert.True(second.Output.Contains($"0 files uploaded, {files.Length} unchanged", StringComparison.Ordinal), second.Output);
        AssertNoSecrets(second, "pipeline-session-token-1");
    }

    [SkippableFact]
    public async Task Stale_keys_on_the_existing_storage_are_replaced_by_the_next_run()
    {
        var (bucket, aws) = await ArrangeAsync("ASIAFIRSTSESSION", "first-token");
        var first = await RunAsync(bucket, aws);
        Assert.True(first.ExitCode == 0, first.ToString());

        // The first session ends: Label Studio's copy of its keys is now refused by S3.
        await s3.RevokeKeyAsync("ASIAFIRSTSESSION");
        var storageId = (await StorageAsync())["id"]!.GetValue<int>();
        var (status, text, _) = await _api.SendAsync(HttpMethod.Post, $"/api/storages/s3/{storageId}/sync");
        Assert.Equal(400, status);
        Assert.Contains("Cannot connect to S3", text);

        await s3.AddKeyAsync("ASIASECONDSESSION", Secret);
        var second = await RunAsync(bucket, Session("ASIASECONDSESSION", "second-token"));
        Assert.True(second.ExitCode == 0, second.ToString());
        Assert.Contains($"S3 storage {storageId}: keys replaced", second.Output);
        Assert.Equal("second-token", (await StorageAsync())["aws_session_token"]!.GetValue<string>());
        Assert.Equal(200, (await _api.SendAsync(HttpMethod.Post, $"/api/storages/s3/{storageId}/sync")).Status);
        AssertNoSecrets(second, "second-token", "first-token");
    }

    [SkippableFact]
    public async Task With_assume_role_the_storage_holds_the_roles_keys()
    {
        var (bucket, aws) = await ArrangeAsync("ASIACALLER", "caller-token");
        await s3.AddKeyAsync("ASIAREADONLYROLE", "role-secret");
        _aws.Roles[RoleArn] = ("ASIAREADONLYROLE", "role-secret");

        var run = await RunAsync(bucket, aws, "--storage-credentials=assume-role", $"--storage-role-arn={RoleArn}", "--storage-credentials-duration=30m");
        Assert.True(run.ExitCode == 0, run.ToString());
        var call = Assert.Single(_aws.AssumeRoleCalls);
        Assert.Equal((RoleArn, 1800, "ASIACALLER"), (call.RoleArn, call.DurationSeconds, call.CallerKeyId));
        Assert.Contains($"role {RoleArn}", run.Output);
        Assert.Contains("expire at", run.Output);
        var storage = await StorageAsync();
        Assert.Equal(_aws.IssuedTokens.Single(), storage["aws_session_token"]!.GetValue<string>());
        AssertNoSecrets(run, "role-secret", _aws.IssuedTokens.Single(), "caller-token");

        // Proof that the storage reads with the role's key, not the caller's: without the caller's key it still syncs.
        await s3.RevokeKeyAsync("ASIACALLER");
        Assert.Equal(200, (await _api.SendAsync(HttpMethod.Post, $"/api/storages/s3/{storage["id"]}/sync")).Status);
    }

    [SkippableFact]
    public async Task With_none_the_storage_gets_no_keys_and_Label_Studio_reads_with_its_own_environment()
    {
        var (bucket, aws) = await ArrangeAsync();
        var run = await RunAsync(bucket, aws, "--storage-credentials=none");
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("Label Studio gets no AWS keys (--storage-credentials=none)", run.Output);
        Assert.Equal(string.Empty, (await StorageAsync())["aws_session_token"]!.GetValue<string>());

        // (s3rver accepts unsigned requests, so the emulator's anonymous fallback can read; real S3 needs Label Studio's own role.)
        Assert.Contains($"Sync completed: {Files.Length} tasks created", run.Output);
    }

    [SkippableFact]
    public async Task Presign_off_skips_cors_and_leaves_the_bucket_configuration_alone()
    {
        var (bucket, aws) = await ArrangeAsync();
        var run = await RunAsync(bucket, aws, "--presign=false");
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("Skipping ConfigureCors: --presign=false", run.Output);
        Assert.Empty(await s3.CorsRulesAsync(bucket));
        Assert.False((await StorageAsync())["presign"]!.GetValue<bool>());
    }

    [SkippableFact]
    public async Task On_a_SageMaker_notebook_instance_the_rule_allows_the_notebook_origin()
    {
        var (bucket, aws) = await ArrangeAsync();
        var metadata = _temp.Write("resource-metadata.json", """{"ResourceArn":"arn:aws:sagemaker:us-east-1:123456789012:notebook-instance/ts-labeling","ResourceName":"ts-labeling"}""");
        var run = await RunAsync(bucket, aws, $"--sagemaker-metadata={metadata}", "--target=ConfigureCors");
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("Label Studio's origin: https://ts-labeling.notebook.us-east-1.sagemaker.aws, from SageMaker notebook instance ts-labeling", run.Output);
        await s3.PutTextAsync(bucket, "k.csv", "x");
        Assert.Equal(200, (await s3.PreflightAsync(bucket, "k.csv", "https://ts-labeling.notebook.us-east-1.sagemaker.aws")).Status);
        Assert.Equal(403, (await s3.PreflightAsync(bucket, "k.csv", Origin)).Status);
    }

    [SkippableFact]
    public async Task A_missing_bucket_argument_is_reported()
    {
        Skip.If(s3.SkipReason is not null, s3.SkipReason);
        var run = await PipelineRunner.RunAsync(["--target=Export", "--storage=s3", $"--label-studio-url={_ls.BaseUrl}"], new Dictionary<string, string> { ["LABELPIPELINE_LABEL_STUDIO_TOKEN"] = EmulatorOptions.DefaultLegacyToken }, TimeSpan.FromMinutes(3));
        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains("--storage=s3 needs --bucket=<bucket name>", run.Output);
    }

    [SkippableFact]
    public async Task A_bucket_that_does_not_exist_is_reported_before_anything_is_created()
    {
        var (_, aws) = await ArrangeAsync();
        var run = await RunAsync("no-such-bucket-anywhere", aws);
        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains("Bucket 'no-such-bucket-anywhere' does not exist", run.Output);
        Assert.Equal(0, _ls.Inspect.ProjectCount);
        AssertNoSecrets(run, "pipeline-session-token-1");
    }

    [SkippableFact]
    public async Task Access_denied_names_the_permission()
    {
        var (bucket, _) = await ArrangeAsync();
        var run = await RunAsync(bucket, Session("AKIANOTALLOWED", "denied-token"));
        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains("Access denied", run.Output);
        Assert.Contains("s3:GetBucketCORS", run.Output);
        AssertNoSecrets(run, "denied-token");
    }

    [SkippableFact]
    public async Task No_files_under_the_prefix_is_reported()
    {
        var (bucket, aws) = await ArrangeAsync();
        var run = await RunAsync(bucket, aws, "--upload-dataset=false");
        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains($"No CSV files under s3://{bucket}/{Prefix}/synthetic/v1/", run.Output);
        Assert.Equal(0, _ls.Inspect.StorageCount("s3"));
    }

    [SkippableFact]
    public async Task A_bad_endpoint_is_reported()
    {
        var (bucket, aws) = await ArrangeAsync();
        var run = await RunAsync(bucket, aws, "--s3-endpoint=http://127.0.0.1:9");
        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains("Cannot reach S3 at http://127.0.0.1:9/", run.Output);

        var notUrl = await RunAsync(bucket, aws, "--s3-endpoint=minio:9000");
        Assert.NotEqual(0, notUrl.ExitCode);
        Assert.Contains("--s3-endpoint=minio:9000: expected an http(s) URL", notUrl.Output);
    }

    [SkippableFact]
    public async Task No_AWS_credentials_at_all_is_reported()
    {
        var (bucket, _) = await ArrangeAsync();
        var run = await RunAsync(bucket, new Dictionary<string, string> { ["AWS_REGION"] = "us-east-1" });
        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains("No AWS credentials found", run.Output);
        Assert.Equal(0, _aws.GetCallerIdentityCount);
    }

    [SkippableFact]
    public async Task An_origin_that_is_not_a_url_is_reported()
    {
        var (bucket, aws) = await ArrangeAsync();
        var run = await RunAsync(bucket, aws, "--label-studio-origin=labels.example.com");
        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains("--label-studio-origin=labels.example.com: expected an http(s) URL", run.Output);
        Assert.Empty(await s3.CorsRulesAsync(bucket));
    }
}
