using Build.Hosting;
using Cake.Core;
using LabelPipeline.Aws;
using LabelPipeline.Deployment;
using LabelPipeline.LabelStudio;
using LabelPipeline.Stages;
using Microsoft.Extensions.Logging;

namespace Build;

/// <summary>
/// What the stages talk through, made once per run: the logger (Cake's log), Ctrl-C's cancellation, the HTTP client,
/// the Label Studio client for the connection, the AWS session (created on first use: local mode never touches AWS)
/// and Label Studio's browser address. No run state: that is <see cref="BuildContext"/>'s results.
/// </summary>
public sealed class RunServices : IDisposable
{
    private readonly CancellationTokenSource _cancellation = new();
    private readonly ICakeContext _cake;
    private readonly PipelineSettings _settings;
    private readonly S3Settings _s3;
    private LabelStudioClient? _client;
    private Uri? _clientUrl;
    private AwsSession? _aws;
    private LabelStudioAddress? _labelStudioAddress;

    public RunServices(ICakeContext cake, PipelineSettings settings, S3Settings s3)
    {
        _cake = cake;
        _settings = settings;
        _s3 = s3;
        Logger = new CakeLogger(cake.Log);
        Retries = new LabelStudioRetryOptions() with
        {
            RequestTimeout = settings.RequestTimeout,
            MaxRetries = settings.Retries,
            MaxRetriesWhenRefused = Math.Min(settings.Retries, new LabelStudioRetryOptions().MaxRetriesWhenRefused),
            LongRequestTimeout = settings.SyncTimeout,
        };

        // The outer cap on any one exchange; the resilience layer's per-attempt timeouts are shorter and fire first.
        Http = new HttpClient { Timeout = Retries.LongRequestTimeout + TimeSpan.FromMinutes(1) };
        Console.CancelKeyPress += (_, e) =>
        {
            // First Ctrl-C cancels cleanly (tasks stop at their next await, retries and polls included, and a snapshot
            // being built is discarded, never half written); a second one kills the process.
            if (!_cancellation.IsCancellationRequested)
            {
                Logger.LogWarning("Ctrl-C: cancelling; nothing half-done is kept. Press Ctrl-C again to stop at once.");
            }

            e.Cancel = !_cancellation.IsCancellationRequested;
            _cancellation.Cancel();
        };
    }

    public ILogger Logger { get; }

    /// <summary>Retries and timeouts for Label Studio: --request-timeout and --retries; long calls get --sync-timeout.</summary>
    public LabelStudioRetryOptions Retries { get; }

    public HttpClient Http { get; }

    /// <summary>Cancelled by Ctrl-C.</summary>
    public CancellationToken CancellationToken => _cancellation.Token;

    /// <summary>The run's AWS side (credentials, identity, S3 client), created on first use.</summary>
    public AwsSession Aws => _aws ??= new AwsSession(
        new AwsEndpoints
        {
            Region = AwsRegion.Resolve(_s3.Region, _s3.SageMakerMetadataPath, _s3.S3Endpoint is not null),
            S3 = _s3.S3Endpoint,
            Sts = _s3.StsEndpoint,
            SageMaker = _s3.SageMakerEndpoint,
        },
        Logger);

    /// <summary>
    /// Label Studio's browser origin(s) and external URL: --label-studio-origin, else SageMaker (notebook instance or
    /// Studio space), else the local URL. Resolved once, on first use (Deploy, ConfigureCors).
    /// </summary>
    public async Task<LabelStudioAddress> LabelStudioAddressAsync() => _labelStudioAddress ??= await ResolveLabelStudioAddressAsync();

    /// <summary>The Label Studio client for a connection (Deploy's result, or --label-studio-url).</summary>
    public LabelStudioClient LabelStudio(LabelStudioConnection? connection)
    {
        var to = connection ?? throw new InvalidOperationException(
            "No Label Studio to talk to: run the Deploy task (it runs by default before the others), or pass --label-studio-url and --label-studio-token.");
        if (_client is null || _clientUrl != to.Url)
        {
            _client = new LabelStudioClient(Http, to.Url, to.Token, new LabelStudioResilience(Retries, Logger));
            _clientUrl = to.Url;
        }

        return _client;
    }

    /// <summary>Deploy's and Teardown's side: Docker (and its PostgreSQL) or a local process.</summary>
    public LabelStudioRuntimes Runtimes =>
        new(new DockerCli(new CakeCommandRunner(_cake.ProcessRunner), Logger), new CakeCommandRunner(_cake.ProcessRunner), Http, Logger);

    public void Dispose()
    {
        Http.Dispose();
        _cancellation.Dispose();
    }

    private async Task<LabelStudioAddress> ResolveLabelStudioAddressAsync()
    {
        var request = new LabelStudioAddressRequest
        {
            ExplicitOrigin = _s3.LabelStudioOrigin,
            SageMakerMetadataPath = _s3.SageMakerMetadataPath,
            Port = _settings.LabelStudioPort,
            LocalUrl = _settings.LabelStudioUrl ?? new Uri($"http://127.0.0.1:{_settings.LabelStudioPort}/"),
            FallbackRegion = _s3.Region ?? Environment.GetEnvironmentVariable("AWS_REGION"),
        };
        try
        {
            var address = await new LabelStudioAddressResolver(Logger).ResolveAsync(request, DescribeSpaceUrlAsync, CancellationToken);
            Logger.LogInformation("Label Studio's origin: {Origins}, from {Source}", string.Join(", ", address.CorsOrigins), address.Source);
            return address;
        }
        catch (AwsException e) when (_settings.Storage == StorageKind.Local)
        {
            // Local files need no CORS rule: a failed detection only costs the external URL.
            Logger.LogWarning("{Message} Using the local URL.", e.Message);
            return new LabelStudioAddress([], null, "the local URL (detection failed)");
        }
    }

    private async Task<Uri> DescribeSpaceUrlAsync(SageMakerResource space, CancellationToken ct)
    {
        var credentials = await Aws.GetCredentialsAsync(ct);
        using var api = new SageMakerApi(credentials, Aws.Endpoints with { Region = space.Region });
        return await api.DescribeSpaceUrlAsync(
            space.DomainId!,
            space.SpaceName ?? throw new AwsException($"SageMaker's metadata file {_s3.SageMakerMetadataPath} names no SpaceName. Pass --label-studio-origin."),
            ct);
    }
}
