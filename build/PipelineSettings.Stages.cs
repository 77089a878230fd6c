using LabelPipeline.Aws;
using LabelPipeline.Deployment;
using LabelPipeline.Export;
using LabelPipeline.Prepare;

namespace Build;

/// <summary>Each stage's settings record, cut from the run's settings (one place, so a task only passes them on).</summary>
public sealed partial record PipelineSettings
{
    public DatasetSettings DatasetStage => new(Dataset, DatasetVersion, DatasetDirectory, PreparedDirectory, Prepare);

    public ProjectSettings ProjectStage => new(Paths.LabelConfigTemplate, Labels);

    /// <summary>Local-files storage: the task files' folder as the server sees it (it must be below --datasets-dir).</summary>
    public LocalStorageSettings LocalStorageStage => new(
        $"{Dataset} {DatasetVersion} (local files)",
        PreparedServerPath ?? throw new ArgumentException(
            $"--{Arguments.PreparedDir}={PreparedRoot} is outside --{Arguments.DatasetsDir}={DatasetsDirectory}: with local storage Label Studio " +
            $"serves files only below the datasets folder (mounted at --{Arguments.LocalFilesRoot}). Drop --{Arguments.PreparedDir} or put it inside the datasets folder."));

    /// <summary>Null without --predictions (ImportPredictions is skipped).</summary>
    public PredictionSettings? PredictionStage => PredictionsFile is null ? null : new(PredictionsFile, ModelVersion!, PredictionLabel, ScoreIntervals);

    public SnapshotRules SnapshotRules(PreparedDataset prepared) => new()
    {
        Dataset = prepared.Source,
        Schema = prepared.SourceSchema,
        Prepared = prepared.Manifest,
        AnomalyLabels = AnomalyLabels.ToHashSet(StringComparer.Ordinal),
        Annotations = Annotations,
        InstantWidth = InstantWidth,
        PredictionModelVersion = ModelVersion,
    };

    /// <summary>Deploy's and Teardown's view of the settings; the external URL is Label Studio's detected address.</summary>
    public LabelStudioDeploymentOptions DeploymentStage(Uri? externalUrl) => new()
    {
        Image = LabelStudioImage,
        Pull = DockerPolicies.ParsePullPolicy(LabelStudioPull),
        ContainerName = ContainerName,
        HostPort = LabelStudioPort,
        DataVolume = DataVolume,
        DatasetsDirectory = DatasetsDirectory,
        LocalFilesRoot = LocalFilesRoot,
        StateDirectory = StateDirectory,
        HealthTimeout = HealthTimeout,
        Token = LabelStudioToken,
        ExternalUrl = externalUrl,
    };
}

/// <summary>S3 mode's stage settings.</summary>
public sealed partial record S3Settings
{
    /// <summary>Where the dataset version's task files go: <c>&lt;prefix&gt;&lt;dataset&gt;/&lt;version&gt;/</c>.</summary>
    public S3Location DatasetLocation(PipelineSettings settings) => S3Location.ForDataset(Bucket!, Prefix, settings.Dataset, settings.DatasetVersion);

    public S3StorageSettings StorageStage(PipelineSettings settings) =>
        new($"{settings.Dataset} {settings.DatasetVersion} (s3)", DatasetLocation(settings), Presign, PresignTtlMinutes, S3Endpoint, CredentialsOptions);

    /// <summary>Where --upload copies the label snapshot: <c>&lt;prefix&gt;/labels/&lt;dataset&gt;/&lt;version&gt;/</c>.</summary>
    public PublishSettings PublishStage(PipelineSettings settings) =>
        new(new S3Location(Bucket!, $"{Prefix.TrimEnd('/')}/labels/{settings.Dataset}/{settings.DatasetVersion}"), UploadParallelism);
}
