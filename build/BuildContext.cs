using Build.Hosting;
using Cake.Common;
using Cake.Core;
using Cake.Frosting;
using LabelPipeline.Datasets;
using LabelPipeline.Deployment;
using LabelPipeline.Export;
using LabelPipeline.LabelStudio;
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

    public BuildContext(ICakeContext context)
        : base(context)
    {
        Settings = PipelineSettings.Read(
            name => ReadArgument(context, name),
            name => context.Arguments.HasArgument(name),
            context.Environment.WorkingDirectory.FullPath);
        Logger = new CakeLogger(context.Log);
        Http = new HttpClient { Timeout = Settings.SyncTimeout + TimeSpan.FromMinutes(1) };
        Console.CancelKeyPress += (_, e) =>
        {
            // First Ctrl-C cancels cleanly (tasks stop at their next await); a second one kills the process.
            e.Cancel = !_cancellation.IsCancellationRequested;
            _cancellation.Cancel();
        };
    }

    public PipelineSettings Settings { get; }

    public ILogger Logger { get; }

    public HttpClient Http { get; }

    /// <summary>Cancelled by Ctrl-C.</summary>
    public CancellationToken CancellationToken => _cancellation.Token;

    /// <summary>Where Label Studio answers and the token it accepts: set by Deploy, or from --label-studio-url.</summary>
    public LabelStudioConnection? LabelStudio { get; set; }

    public Dataset? Dataset { get; set; }

    public DatasetInspection? Inspection { get; set; }

    public int? ProjectId { get; set; }

    /// <summary>Reads the dataset version's files once per run (CreateProject and the snapshot tasks share it).</summary>
    public DatasetInspection InspectDataset()
    {
        if (Inspection is null)
        {
            Dataset = LabelPipeline.Datasets.Dataset.Open(Settings.Dataset, Settings.DatasetVersion, Settings.DatasetDirectory);
            Inspection = DatasetInspector.Inspect(Dataset, Settings.TimeColumn, Settings.TimeFormat);
        }

        return Inspection;
    }

    /// <summary>The labeling config for the dataset, from the template in templates/.</summary>
    public async Task<string> GenerateLabelConfigAsync()
    {
        var template = await File.ReadAllTextAsync(Paths.LabelConfigTemplate, CancellationToken);
        return LabelPipeline.LabelConfig.LabelConfigGenerator.Generate(template, InspectDataset().Schema, Settings.Labels);
    }

    /// <summary>The snapshot settings; the config and source are filled in by whoever knows them.</summary>
    public SnapshotOptions SnapshotOptions(string labelConfig, SnapshotSource source) => new()
    {
        Dataset = Dataset ?? throw new InvalidOperationException("InspectDataset first."),
        Schema = InspectDataset().Schema,
        LabelConfig = labelConfig,
        AnomalyLabels = Settings.AnomalyLabels.ToHashSet(StringComparer.Ordinal),
        Annotations = Settings.Annotations,
        InstantWidth = Settings.InstantWidth,
        Source = source,
    };

    public int? StorageId { get; set; }

    /// <summary>The Label Studio client for the connection Deploy (or the settings) established.</summary>
    public LabelStudioClient LabelStudioClient
    {
        get
        {
            var connection = LabelStudio ?? throw new InvalidOperationException(
                "No Label Studio to talk to: run the Deploy task (it runs by default before the others), or pass --label-studio-url and --label-studio-token.");
            return _client ??= new LabelStudioClient(Http, connection.Url, connection.Token);
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
    };

    public int RequireProjectId() => ProjectId ?? throw new InvalidOperationException("No project yet: CreateProject must run first (drop --exclusive).");

    private static string? ReadArgument(ICakeContext context, string name)
    {
        if (context.Arguments.HasArgument(name))
        {
            var value = context.Arguments.GetArgument(name);
            return string.IsNullOrEmpty(value) ? "true" : value; // a bare --flag means true
        }

        return context.EnvironmentVariable(Build.Arguments.EnvironmentVariable(name));
    }
}

/// <summary>A Label Studio server and the token for it (a secret: never logged).</summary>
public sealed record LabelStudioConnection(Uri Url, string Token)
{
    public override string ToString() => Url.ToString();
}
