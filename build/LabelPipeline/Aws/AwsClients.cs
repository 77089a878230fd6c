using Amazon;
using Amazon.Runtime;
using Amazon.Runtime.Internal;
using Amazon.S3;
using Amazon.SecurityToken;

namespace LabelPipeline.Aws;

/// <summary>
/// Where the AWS calls of a run go: one region, and explicit endpoints for S3-compatible stores (and for tests, which
/// point STS and SageMaker at loopback fakes). Null endpoints mean the service's regional AWS endpoint.
/// </summary>
public sealed record AwsEndpoints
{
    public required string Region { get; init; }

    /// <summary><c>--s3-endpoint</c>: an S3-compatible server (MinIO, s3rver, …); also handed to Label Studio.</summary>
    public Uri? S3 { get; init; }

    public Uri? Sts { get; init; }

    public Uri? SageMaker { get; init; }
}

/// <summary>
/// The one place AWS SDK clients are configured, so every S3 and STS call of the pipeline gets the same settings:
/// path-style addressing and no aws-chunked bodies for custom endpoints, retries in the SDK's standard mode, bounded timeouts.
/// </summary>
public static class AwsClients
{
    /// <summary>
    /// Retries per call (5 attempts in all). The standard mode retries throttling (503 SlowDown, 429), 5xx, timeouts and
    /// dropped or reset connections with exponential backoff and full jitter (at most 20 s apart), and never 4xx errors
    /// a retry cannot fix, so a wrong key or bucket still fails at once. At a 20 % error rate the SDK's default of 2
    /// retries leaves one call in 125 failing (a run makes about 15 S3 calls); 4 leaves one in 3,125.
    /// </summary>
    private const int MaxErrorRetry = 4;

    /// <summary>Attempts per call in all, for messages.</summary>
    public const int Attempts = MaxErrorRetry + 1;

    public static AmazonS3Client CreateS3(AWSCredentials credentials, AwsEndpoints endpoints)
    {
        NoChunkEncodingCustomizer.EnsureRegistered();
        var config = new AmazonS3Config { RetryMode = RequestRetryMode.Standard, MaxErrorRetry = MaxErrorRetry, Timeout = TimeSpan.FromMinutes(2) };
        if (endpoints.S3 is { } endpoint)
        {
            // S3-compatible servers rarely resolve virtual-hosted bucket names (bucket.127.0.0.1 does not exist), and many
            // (s3rver among them) know neither aws-chunked bodies nor the newer checksum trailers.
            config.ServiceURL = endpoint.ToString();
            config.ForcePathStyle = true;
            config.AuthenticationRegion = endpoints.Region;
            config.RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED;
            config.ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED;
        }
        else
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(endpoints.Region);
        }

        return new AmazonS3Client(credentials, config);
    }

    public static AmazonSecurityTokenServiceClient CreateSts(AWSCredentials credentials, AwsEndpoints endpoints)
    {
        var config = new AmazonSecurityTokenServiceConfig { RetryMode = RequestRetryMode.Standard, MaxErrorRetry = MaxErrorRetry, Timeout = TimeSpan.FromSeconds(30) };
        if (endpoints.Sts is { } endpoint)
        {
            config.ServiceURL = endpoint.ToString();
            config.AuthenticationRegion = endpoints.Region;
        }
        else
        {
            // The regional endpoint: works in opt-in regions and keeps the call in the region the run works in.
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(endpoints.Region);
        }

        return new AmazonSecurityTokenServiceClient(credentials, config);
    }

    /// <summary>
    /// The SDK signs PutObject/UploadPart bodies as <c>aws-chunked</c> even over plain HTTP; S3-compatible servers that do
    /// not decode it (s3rver) store the chunk framing as the object's content and still answer 200. TransferUtility does
    /// not expose <c>UseChunkEncoding</c>, so this pipeline handler turns it off for every request to a custom endpoint.
    /// It must run before <see cref="ChecksumHandler"/>: earlier handlers set the flag back.
    /// </summary>
    private sealed class NoChunkEncodingCustomizer : IRuntimePipelineCustomizer
    {
        private static int _registered;

        public string UniqueName => "LabelPipeline.Aws.NoChunkEncoding";

        public static void EnsureRegistered()
        {
            if (Interlocked.Exchange(ref _registered, 1) == 0)
            {
                RuntimePipelineCustomizerRegistry.Instance.Register(new NoChunkEncodingCustomizer());
            }
        }

        public void Customize(Type type, RuntimePipeline pipeline)
        {
            if (typeof(IAmazonS3).IsAssignableFrom(type))
            {
                pipeline.AddHandlerBefore<ChecksumHandler>(new NoChunkEncodingHandler());
            }
        }
    }

    private sealed class NoChunkEncodingHandler : PipelineHandler
    {
        public override void InvokeSync(IExecutionContext executionContext)
        {
            Apply(executionContext);
            base.InvokeSync(executionContext);
        }

        public override Task<T> InvokeAsync<T>(IExecutionContext executionContext)
        {
            Apply(executionContext);
            return base.InvokeAsync<T>(executionContext);
        }

        private static void Apply(IExecutionContext executionContext)
        {
            // Only custom endpoints: real S3 decodes aws-chunked, and streaming signatures avoid hashing large bodies twice.
            if (!string.IsNullOrEmpty(executionContext.RequestContext.ClientConfig.ServiceURL))
            {
                executionContext.RequestContext.Request.UseChunkEncoding = false;
            }
        }
    }
}
