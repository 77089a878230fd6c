using Build.Hosting;
using Cake.Core;
using Cake.Frosting;
using LabelPipeline.Datasets;
using LabelPipeline.Deployment;
using LabelPipeline.Export;
using LabelPipeline.LabelStudio;
using LabelPipeline.Prepare;
using LabelPipeline.Aws;
using Microsoft.Extensions.Logging;

namespace Build;

/// <summary>
/// The one context every task shares: the settings, read once here, and what earlier tasks leave for later ones
/// (the Label Studio endpoint, the dataset's schema, the project and storage ids).
/// </summary>
public sealed class BuildContext : FrostingContext
{
    private readonly CancellationTokenSource _cancellation = new();
    private LabelStudioClient? _client;
    private AwsSession? _aws;
    private LabelStudioAddress? _labelStudioAddress;

    public BuildContext(ICakeContext context)
        : base(context)
    {
        var arguments = new ArgumentReader(
            context.Arguments.GetArguments().ToDictionary(a => a.Key, a => a.Value.LastOrDefault() ?? string.Empty),
            context.Environment.GetEnvironmentVariable);
        Settings = PipelineSettings.Read(arguments, context.Environment.WorkingDirectory.FullPath);
        S3 = S3Settings.Read(arguments, Settings.Storage);
        arguments.ThrowIfInvalid();
        Logger = new CakeLogger(context.Log);
        LabelStudioRetries = RetryOptions(Settings);

        // The outer cap on any one exchange; the resilience layer's per-attempt timeouts are shorter and fire first.
        Http = new HttpClient { Timeout = LabelStudioRetries.LongRequestTimeout + TimeSpan.FromMinutes(1) };
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

    /// <summary>Retries and timeouts for Label Studio: --request-timeout and --retries; long calls get --sync-timeout.</summary>
    public LabelStudioRetryOptions LabelStudioRetries { get; }

    public PipelineSettings Settings { get; }

    /// <summary>The S3 mode's settings (bucket, prefix, endpoints, credentials mode, CORS, origin).</summary>
    public S3Settings S3 { get; }

    public ILogger Logger { get; }

    public HttpClient Http { get; }

    /// <summary>Cancelled by Ctrl-C.</summary>
    public CancellationToken CancellationToken => _cancellation.Token;

    /// <summary>Where Label Studio answers and the token it accepts: set by Deploy, or from --label-studio-url.</summary>
    public LabelStudioConnection? LabelStudio { get; set; }

    public Dataset? Dataset { get; set; }

    public int? ProjectId { get; set; }

    /// <summary>Prepare's result: the task files Label Studio imports and the manifest mapping them back to the sources.</summary>
    public PrepareResult? Prepared { get; set; }

    /// <summary>
    /// Prepares the dataset version's files once per run (the Prepare task, and the snapshot tasks when run alone). Cheap
    /// when nothing changed: unchanged sources are recognised by sha256 and no task file is rewritten.
    /// </summary>
    public PrepareResult PrepareDataset()
    {
        if (Prepared is null)
        {
            Dataset = LabelPipeline.Datasets.Dataset.Open(Settings.Dataset, Settings.DatasetVersion, Settings.DatasetDirectory);
            Prepared = DatasetPreparer.Run(Dataset, Settings.Prepare, Settings.PreparedDirectory, CancellationToken, progress: new PrepareProgress(Logger, TimeSpan.FromSeconds(5)));
        }

        return Prepared;
    }

    /// <summary>The labeling config for the dataset, from the template in templates/.</summary>
    public async Task<string> GenerateLabelConfigAsync()
    {
        var template = await File.ReadAllTextAsync(Paths.LabelConfigTemplate, CancellationToken);
        return LabelPipeline.LabelConfig.LabelConfigGenerator.Generate(template, PrepareDataset().PreparedSchema, Settings.Labels);
    }

    /// <summary>The snapshot settings; the config and source are filled in by whoever knows them.</summary>
    public SnapshotOptions SnapshotOptions(string labelConfig, SnapshotSource source) => new()
    {
        Dataset = PrepareDataset().Source,
        Schema = PrepareDataset().SourceSchema,
        Prepared = PrepareDataset().Manifest,
        LabelConfig = labelConfig,
        AnomalyLabels = Settings.AnomalyLabels.ToHashSet(StringComparer.Ordinal),
        Annotations = Settings.Annotations,
        InstantWidth = Settings.InstantWidth,
        PredictionModelVersion = Settings.ModelVersion,
        Source = source,
    };

    public int? StorageId { get; set; }

    /// <summary>Set once the S3 storage got this run's keys, so Sync and Export re-apply them once per run, not twice.</summary>
    public bool StorageKeysApplied { get; set; }

    /// <summary>The run's AWS side (credentials, identity, S3 client), created on first use: local mode never touches AWS.</summary>
    public AwsSession Aws => _aws ??= new AwsSession(
        new AwsEndpoints
        {
            Region = AwsRegion.Resolve(S3.Region, S3.SageMakerMetadataPath, S3.S3Endpoint is not null),
            S3 = S3.S3Endpoint,
            Sts = S3.StsEndpoint,
            SageMaker = S3.SageMakerEndpoint,
        },
        Logger);

    /// <summary>
    /// Label Studio's browser origin(s) and external URL: --label-studio-origin, else SageMaker (notebook instance or
    /// Studio space), else the local URL. Resolved once, on first use (Deploy's options, ConfigureCors).
    /// </summary>
    public LabelStudioAddress LabelStudioAddress => _labelStudioAddress ??= ResolveLabelStudioAddress();

    /// <summary>The Label Studio client for the connection Deploy (or the settings) established.</summary>
    public LabelStudioClient LabelStudioClient
    {
        get
        {
            var connection = LabelStudio ?? throw new InvalidOperationException(
                "No Label Studio to talk to: run the Deploy task (it runs by default before the others), or pass --label-studio-url and --label-studio-token.");
            return _client ??= new LabelStudioClient(Http, connection.Url, connection.Token, new LabelStudioResilience(LabelStudioRetries, Logger));
        }
    }

    /// <summary>Deploy's and Teardown's view of the settings.</summary>
    public LabelStudioDeployment Deployment =>
        new(new DockerCli(new CakeCommandRunner(ProcessRunner), Logger), Http, Logger);

    public LabelStudioDeploymentOptions DeploymentOptions => new()
    {
        Image = Settings.LabelStudioImage,
        Pull = DockerPolicies.ParsePullPolicy(Settings.LabelStudioPull),
        ContainerName = Settings.ContainerName,
        HostPort = Settings.LabelStudioPort,
        DataVolume = Settings.DataVolume,
        DatasetsDirectory = Settings.DatasetsDirectory,
        LocalFilesRoot = Settings.LocalFilesRoot,
        StateDirectory = Settings.StateDirectory,
        HealthTimeout = Settings.HealthTimeout,
        Token = Settings.LabelStudioToken,
        ExternalUrl = LabelStudioAddress.ExternalUrl,
    };

    public int RequireProjectId() => ProjectId ?? throw new InvalidOperationException("No project yet: CreateProject must run first (drop --exclusive).");

    private LabelStudioAddress ResolveLabelStudioAddress()
    {
        var request = new LabelStudioAddressRequest
        {
            ExplicitOrigin = S3.LabelStudioOrigin,
            SageMakerMetadataPath = S3.SageMakerMetadataPath,
            Port = Settings.LabelStudioPort,
            LocalUrl = Settings.LabelStudioUrl ?? new Uri($"http://127.0.0.1:{Settings.LabelStudioPort}/"),
            FallbackRegion = S3.Region ?? Environment.GetEnvironmentVariable("AWS_REGION"),
        };
        try
        {
            // Synchronous on purpose: Deploy reads it through the DeploymentOptions property. Only a Studio space makes a
            // network call here (DescribeSpace), and a console host has no synchronization context to deadlock on.
            var address = new LabelStudioAddressResolver(Logger).ResolveAsync(request, DescribeSpaceUrlAsync, CancellationToken).GetAwaiter().GetResult();
            Logger.LogInformation("Label Studio's origin: {Origins}, from {Source}", string.Join(", ", address.CorsOrigins), address.Source);
            return address;
        }
        catch (AwsException e) when (Settings.Storage == StorageKind.Local)
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
            space.SpaceName ?? throw new AwsException($"SageMaker's metadata file {S3.SageMakerMetadataPath} names no SpaceName. Pass --label-studio-origin."),
            ct);
    }

    private static LabelStudioRetryOptions RetryOptions(PipelineSettings settings) => new LabelStudioRetryOptions() with
    {
        RequestTimeout = settings.RequestTimeout,
        MaxRetries = settings.Retries,
        MaxRetriesWhenRefused = Math.Min(settings.Retries, new LabelStudioRetryOptions().MaxRetriesWhenRefused),
        LongRequestTimeout = settings.SyncTimeout,
    };
}

/// <summary>A Label Studio server and the token for it (a secret: never logged).</summary>
public sealed record LabelStudioConnection(Uri Url, string Token)
{
    public override string ToString() => Url.ToString();
}
