using Cake.Core;
using Cake.Frosting;
using LabelPipeline.Export;
using LabelPipeline.Predictions;
using LabelPipeline.Prepare;
using LabelPipeline.Stages;

namespace Build;

/// <summary>
/// The one context every task shares: the settings (read once, from the argument table) and each stage's result,
/// which the later stages take. A task's place in the graph is the results it needs; <see cref="Need{T}"/> says which
/// task to run when one is missing (<c>--exclusive</c>). The services the stages talk through are in <see cref="Services"/>.
/// </summary>
public sealed class BuildContext : FrostingContext
{
    public BuildContext(ICakeContext context)
        : base(context)
    {
        var arguments = new ArgumentReader(
            context.Arguments.GetArguments().ToDictionary(a => a.Key, a => a.Value.LastOrDefault() ?? string.Empty),
            context.Environment.GetEnvironmentVariable);
        Settings = PipelineSettings.Read(arguments, context.Environment.WorkingDirectory.FullPath);
        S3 = S3Settings.Read(arguments, Settings.Storage);
        Runtime = RuntimeSettings.Read(arguments);
        arguments.ThrowIfInvalid();
        Services = new RunServices(context, Settings, S3);
    }

    public PipelineSettings Settings { get; private set; }

    /// <summary>How Deploy runs Label Studio (Docker or a local process) and on which database.</summary>
    public RuntimeSettings Runtime { get; }

    /// <summary>The S3 mode's settings (bucket, prefix, endpoints, credentials mode, CORS, origin).</summary>
    public S3Settings S3 { get; }

    /// <summary>Logger, Ctrl-C, HTTP, the Label Studio and AWS clients: what the stages talk through, no run state.</summary>
    public RunServices Services { get; }

    // The stages' results, in graph order.

    /// <summary>Deploy's result, or --label-studio-url (BuildLifetime).</summary>
    public LabelStudioConnection? LabelStudio { get; set; }

    /// <summary>Prepare's result: the task files Label Studio imports and the manifest mapping them back to the sources.</summary>
    public PreparedDataset? Prepared { get; set; }

    /// <summary>CreateProject's result.</summary>
    public ProjectRef? Project { get; set; }

    /// <summary>ConnectStorage's result; Sync and Export renew it (fresh S3 keys).</summary>
    public StorageRef? Storage { get; set; }

    /// <summary>Sync's result.</summary>
    public SyncResult? Synced { get; set; }

    /// <summary>ImportPredictions' result (null when skipped).</summary>
    public ImportResult? Imported { get; set; }

    /// <summary>Export's (or ConvertExport's) result: the label snapshot written.</summary>
    public SnapshotSummary? Snapshot { get; set; }

    /// <summary>PublishSnapshot's result (null without --upload).</summary>
    public PublishedSnapshot? Published { get; set; }

    /// <summary>A result an earlier task leaves; missing only when that task was left out (<c>--exclusive</c>).</summary>
    public static T Need<T>(T? result, string task)
        where T : class =>
        result ?? throw new InvalidOperationException($"{task} has not run: it must run first (drop --exclusive).");

    /// <summary>A Label Studio process reads the datasets where they are: local-files storage paths name the host folder.</summary>
    public void ServeDatasetsFromHost() => Settings = Settings with { LocalFilesRoot = Settings.DatasetsDirectory.TrimEnd('/') };

    /// <summary>Deploy's and Teardown's settings: the general ones, the runtime's and the database's.</summary>
    public LabelPipeline.Deployment.LabelStudioDeploymentOptions DeploymentStage(Uri? externalUrl) =>
        Settings.DeploymentStage(externalUrl) with { Postgres = Runtime.Postgres, Command = Runtime.Command };

    /// <summary>The snapshot rules for the prepared dataset (Export, ConvertExport, Verify).</summary>
    public SnapshotRules SnapshotRules() => Settings.SnapshotRules(Need(Prepared, nameof(Tasks.Prepare)));
}
