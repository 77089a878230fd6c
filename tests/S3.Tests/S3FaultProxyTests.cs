using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using LabelPipeline.Aws;
using S3.Tests.Support;

namespace S3.Tests;

/// <summary>
/// The fault proxy does what it says (S3's own 503 SlowDown, resets, per operation), and the pipeline's S3 client,
/// configured by AwsClients, retries each kind the bounded number of times and then fails with a clear message.
/// </summary>
public sealed class S3FaultProxyTests(S3Server s3) : IClassFixture<S3Server>
{
    private async Task<(S3FaultProxy Proxy, AmazonS3Client Client, string Bucket)> ArrangeAsync(string operation, S3FaultKind kind)
    {
        Skip.If(s3.SkipReason is not null, s3.SkipReason);
        var bucket = await s3.CreateBucketAsync();
        await s3.PutTextAsync(bucket, "data/present.csv", "t,v\n1,2\n");
        var proxy = await S3FaultProxy.StartAsync(s3.Endpoint, new S3FaultPlan { RateByOperation = new Dictionary<string, double> { [operation] = 1 }, Kinds = [kind] });
        var client = AwsClients.CreateS3(new BasicAWSCredentials(S3Server.AdminKeyId, S3Server.AdminKeyId), new AwsEndpoints { Region = "us-east-1", S3 = proxy.Endpoint });
        return (proxy, client, bucket);
    }

    /// <summary>
    /// A reset costs more than one request per SDK attempt: measured 15 requests for the 5 attempts, as the HTTP stack
    /// under the SDK resends a request whose connection broke before any answer. Still bounded, which is what counts.
    /// </summary>
    private static void AssertBoundedAttempts(int requests) => Assert.InRange(requests, AwsClients.Attempts, 3 * AwsClients.Attempts);

    [SkippableFact]
    public async Task SlowDown_is_S3s_503_with_its_XML_body_and_is_retried_four_times_then_reported_as_throttling()
    {
        var (proxy, client, bucket) = await ArrangeAsync("PutObject", S3FaultKind.SlowDown);
        await using var _ = proxy;
        using var __ = client;

        var error = await Assert.ThrowsAsync<AmazonS3Exception>(() => client.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "data/new.csv", ContentBody = "x" }));
        Assert.Equal(("SlowDown", 503, "Please reduce your request rate."), (error.ErrorCode, (int)error.StatusCode, error.Message));
        Assert.Equal(AwsClients.Attempts, proxy.RequestsByOperation["PutObject"]);
        Assert.Equal(5, AwsClients.Attempts);
        Assert.Equal(AwsClients.Attempts - 1, proxy.Retries);

        // Other operations pass untouched (the rate is per operation), and nothing was written.
        var listed = await client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket });
        Assert.Equal(["data/present.csv"], listed.S3Objects.Select(o => o.Key));
        Assert.Equal(0, proxy.FaultsByOperation.GetValueOrDefault("ListObjectsV2"));

        var message = AwsFailures.S3(error, "uploading to", $"s3://{bucket}/data/new.csv", "s3:PutObject", new AwsEndpoints { Region = "us-east-1", S3 = proxy.Endpoint }).Message;
        Assert.Equal(
            $"S3 at {proxy.Endpoint} was throttling or failing while uploading to s3://{bucket}/data/new.csv (503 SlowDown), still after 5 attempts. "
            + "Nothing is left half-done: run again later (every step skips what is already in place).",
            message);
    }

    [SkippableFact]
    public async Task A_reset_connection_is_retried_and_a_passing_one_succeeds()
    {
        var (proxy, client, bucket) = await ArrangeAsync("GetObject", S3FaultKind.ResetBefore);
        await using var _ = proxy;
        using var __ = client;

        var error = await Assert.ThrowsAnyAsync<Exception>(() => client.GetObjectAsync(bucket, "data/present.csv"));
        AssertBoundedAttempts(proxy.RequestsByOperation["GetObject"]);
        Assert.StartsWith($"Cannot reach S3 at {proxy.Endpoint} while reading", AwsFailures.S3(error, "reading", $"s3://{bucket}/data/present.csv", "s3:GetObject", new AwsEndpoints { Region = "us-east-1", S3 = proxy.Endpoint }).Message);

        // At a rate below 1 the retries get through: 60 % of GETs reset, each still answered.
        await using var flaky = await S3FaultProxy.StartAsync(s3.Endpoint, new S3FaultPlan { RateByOperation = new Dictionary<string, double> { ["GetObject"] = 0.6 }, Kinds = [S3FaultKind.ResetBefore, S3FaultKind.SlowDown], Seed = 7 });
        using var flakyClient = AwsClients.CreateS3(new BasicAWSCredentials(S3Server.AdminKeyId, S3Server.AdminKeyId), new AwsEndpoints { Region = "us-east-1", S3 = flaky.Endpoint });
        for (var i = 0; i < 5; i++)
        {
            using var response = await flakyClient.GetObjectAsync(bucket, "data/present.csv");
            using var reader = new StreamReader(response.ResponseStream);
            Assert.Equal("t,v\n1,2\n", await reader.ReadToEndAsync());
        }

        Assert.True(flaky.Errors > 0 && flaky.Retries == flaky.Errors, flaky.ToString());
    }

    [SkippableFact]
    public async Task A_reset_after_forwarding_leaves_the_store_changed_and_the_retry_makes_the_same_change()
    {
        var (proxy, client, bucket) = await ArrangeAsync("PutObject", S3FaultKind.ResetAfter);
        await using var _ = proxy;
        using var __ = client;

        await Assert.ThrowsAnyAsync<Exception>(() => client.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "data/written.csv", ContentBody = "a,b\n", UseChunkEncoding = false }));
        Assert.Equal("a,b\n", await s3.GetTextAsync(bucket, "data/written.csv")); // the store acted each time; the client never heard
        AssertBoundedAttempts(proxy.RequestsByOperation["PutObject"]);
    }
}
