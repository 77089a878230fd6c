using Amazon.S3.Model;
using LabelPipeline.Aws;
using S3.Tests.Support;

namespace S3.Tests;

/// <summary>CORS against a real s3rver, checked with real preflight requests (OPTIONS with Origin).</summary>
public sealed class BucketCorsTests(S3Server s3) : IClassFixture<S3Server>
{
    private const string LabelStudio = "https://nb.notebook.us-east-1.sagemaker.aws";
    private const string Key = "series/a.csv";

    private static List<CORSRule> ForeignRules() =>
    [
        new() { Id = "uploader-app", AllowedOrigins = ["https://upload.example.com"], AllowedMethods = ["PUT", "POST"], AllowedHeaders = ["*"], MaxAgeSeconds = 600 },
        new() { Id = "dashboard", AllowedOrigins = ["https://dash.example.com"], AllowedMethods = ["GET"], ExposeHeaders = ["x-amz-request-id"], MaxAgeSeconds = 120 },
        new() { Id = "partner", AllowedOrigins = ["https://*.partner.example.com"], AllowedMethods = ["GET", "HEAD"], AllowedHeaders = ["Authorization"], MaxAgeSeconds = 30 },
    ];

    private async Task<(string Bucket, BucketCors Cors, ListLogger Log)> ArrangeAsync(bool foreignRules)
    {
        Skip.If(s3.SkipReason is not null, s3.SkipReason);
        var bucket = await s3.CreateBucketAsync();
        await s3.PutTextAsync(bucket, Key, "timestamp,value\n0,1\n");
        if (foreignRules)
        {
            await s3.Admin.PutCORSConfigurationAsync(new PutCORSConfigurationRequest { BucketName = bucket, Configuration = new CORSConfiguration { Rules = ForeignRules() } });
        }

        var log = new ListLogger();
        return (bucket, new BucketCors(s3.Admin, s3.Endpoints, log), log);
    }

    [SkippableFact]
    public async Task Preflight_is_refused_before_and_allowed_after_only_for_the_Label_Studio_origin()
    {
        var (bucket, cors, _) = await ArrangeAsync(foreignRules: false);
        var before = await s3.PreflightAsync(bucket, Key, LabelStudio);
        Assert.Equal(403, before.Status);
        Assert.Contains("CORS is not enabled for this bucket", before.Body);

        Assert.Equal(CorsChange.Added, await cors.EnsureRuleAsync(bucket, LabelStudioCorsRule.Create("lp", [LabelStudio]), CancellationToken.None));

        var allowed = await s3.PreflightAsync(bucket, Key, LabelStudio);
        Assert.Equal(200, allowed.Status);
        Assert.Equal("GET, HEAD", allowed.AllowMethods);
        var head = await s3.PreflightAsync(bucket, Key, LabelStudio, "HEAD");
        Assert.Equal(200, head.Status);

        var evil = await s3.PreflightAsync(bucket, Key, "https://evil.example.com");
        Assert.Equal(403, evil.Status);
        Assert.Contains("This CORS request is not allowed", evil.Body);
        var put = await s3.PreflightAsync(bucket, Key, LabelStudio, "PUT");
        Assert.Equal(403, put.Status);

        // Teardown with nothing else left deletes the configuration: back to "not enabled".
        Assert.Equal(CorsChange.Deleted, await cors.RemoveRuleAsync(bucket, "lp", CancellationToken.None));
        Assert.Contains("CORS is not enabled for this bucket", (await s3.PreflightAsync(bucket, Key, LabelStudio)).Body);
        Assert.Equal(CorsChange.Absent, await cors.RemoveRuleAsync(bucket, "lp", CancellationToken.None));
    }

    [SkippableFact]
    public async Task Three_foreign_rules_survive_configure_a_second_run_and_teardown_in_order()
    {
        var (bucket, cors, _) = await ArrangeAsync(foreignRules: true);
        var foreignIds = new[] { "uploader-app", "dashboard", "partner" };
        Assert.Equal(403, (await s3.PreflightAsync(bucket, Key, LabelStudio)).Status);

        var ours = LabelStudioCorsRule.Create("lp", [LabelStudio]);
        Assert.Equal(CorsChange.Added, await cors.EnsureRuleAsync(bucket, ours, CancellationToken.None));
        var afterFirst = await s3.CorsRulesAsync(bucket);
        Assert.Equal([.. foreignIds, "lp"], afterFirst.Select(r => r.Id));
        AssertSameForeignRules(afterFirst);
        Assert.Equal(200, (await s3.PreflightAsync(bucket, Key, LabelStudio)).Status);
        Assert.Equal(200, (await s3.PreflightAsync(bucket, Key, "https://dash.example.com")).Status); // foreign rules still work

        Assert.Equal(CorsChange.Unchanged, await cors.EnsureRuleAsync(bucket, LabelStudioCorsRule.Create("lp", [LabelStudio]), CancellationToken.None));
        var afterSecond = await s3.CorsRulesAsync(bucket);
        Assert.Equal(afterFirst.Select(Describe), afterSecond.Select(Describe));

        Assert.Equal(CorsChange.Removed, await cors.RemoveRuleAsync(bucket, "lp", CancellationToken.None));
        var afterTeardown = await s3.CorsRulesAsync(bucket);
        Assert.Equal(foreignIds, afterTeardown.Select(r => r.Id));
        AssertSameForeignRules(afterTeardown);
        Assert.Equal(403, (await s3.PreflightAsync(bucket, Key, LabelStudio)).Status);
        Assert.Equal(200, (await s3.PreflightAsync(bucket, Key, "https://x.partner.example.com")).Status);
    }

    [SkippableFact]
    public async Task A_new_origin_updates_our_rule_in_place()
    {
        var (bucket, cors, _) = await ArrangeAsync(foreignRules: true);
        await cors.EnsureRuleAsync(bucket, LabelStudioCorsRule.Create("lp", ["https://old.example.com"]), CancellationToken.None);
        Assert.Equal(CorsChange.Updated, await cors.EnsureRuleAsync(bucket, LabelStudioCorsRule.Create("lp", [LabelStudio]), CancellationToken.None));
        var rules = await s3.CorsRulesAsync(bucket);
        Assert.Equal(["uploader-app", "dashboard", "partner", "lp"], rules.Select(r => r.Id));
        Assert.Equal(403, (await s3.PreflightAsync(bucket, Key, "https://old.example.com")).Status);
        Assert.Equal(200, (await s3.PreflightAsync(bucket, Key, LabelStudio)).Status);
    }

    [SkippableFact]
    public async Task An_earlier_foreign_rule_matching_our_origin_is_reported()
    {
        var (bucket, cors, log) = await ArrangeAsync(foreignRules: true);
        await cors.EnsureRuleAsync(bucket, LabelStudioCorsRule.Create("lp", ["https://team.partner.example.com"]), CancellationToken.None);
        Assert.Contains(log.Messages, l => l.StartsWith("Warning:", StringComparison.Ordinal) && l.Contains("'partner'", StringComparison.Ordinal));
    }

    [SkippableFact]
    public async Task A_missing_bucket_is_named_with_a_fix()
    {
        Skip.If(s3.SkipReason is not null, s3.SkipReason);
        var cors = new BucketCors(s3.Admin, s3.Endpoints, new ListLogger());
        var error = await Assert.ThrowsAsync<AwsException>(() => cors.EnsureRuleAsync("no-such-bucket-here", LabelStudioCorsRule.Create("lp", [LabelStudio]), CancellationToken.None));
        Assert.Contains("Bucket 'no-such-bucket-here' does not exist", error.Message);
    }

    private static void AssertSameForeignRules(IReadOnlyList<CORSRule> rules)
    {
        foreach (var expected in ForeignRules())
        {
            Assert.Equal(Describe(expected), Describe(rules.Single(r => r.Id == expected.Id)));
        }
    }

    private static string Describe(CORSRule r) =>
        $"{r.Id}|{string.Join(",", r.AllowedOrigins ?? [])}|{string.Join(",", r.AllowedMethods ?? [])}|{string.Join(",", r.AllowedHeaders ?? [])}|{string.Join(",", r.ExposeHeaders ?? [])}|{r.MaxAgeSeconds}";
}
