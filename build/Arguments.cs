namespace Build;

/// <summary>
/// Every setting's name, one name everywhere: <c>--name=value</c> on the command line, or the environment variable
/// <c>LABELPIPELINE_NAME</c> (upper case, '-' as '_'). The README's argument table lists the same names.
/// </summary>
public static class Arguments
{
    public const string Dataset = "dataset";
    public const string DatasetVersion = "dataset-version";
    public const string DatasetsDir = "datasets-dir";
    public const string Storage = "storage";
    public const string LabelStudioUrl = "label-studio-url";
    public const string LabelStudioToken = "label-studio-token";
    public const string LabelStudioImage = "label-studio-image";
    public const string LabelStudioPort = "label-studio-port";
    public const string LabelStudioPull = "label-studio-pull";
    public const string ContainerName = "container-name";
    public const string DataVolume = "data-volume";
    public const string LocalFilesRoot = "local-files-root";
    public const string TimeColumn = "time-column";
    public const string TimeFormat = "time-format";
    public const string Labels = "labels";

    // Prepare (the task files Label Studio imports).
    public const string PreparedDir = "prepared-dir";
    public const string TimeZone = "time-zone";
    public const string MaxPointsPerTask = "max-points-per-task";
    public const string WindowOverlap = "window-overlap";
    public const string OnUnsorted = "on-unsorted";
    public const string OnDuplicate = "on-duplicate";
    public const string Overview = "overview";

    public const string AnomalyLabels = "anomaly-labels";
    public const string Output = "output";
    public const string StateDir = "state-dir";
    public const string SyncTimeout = "sync-timeout";
    public const string HealthTimeout = "health-timeout";
    public const string Purge = "purge";

    // S3 mode (S3Settings).
    public const string Bucket = "bucket";
    public const string Prefix = "prefix";
    public const string Region = "region";
    public const string S3Endpoint = "s3-endpoint";
    public const string StsEndpoint = "sts-endpoint";
    public const string SageMakerEndpoint = "sagemaker-endpoint";
    public const string SageMakerMetadata = "sagemaker-metadata";
    public const string LabelStudioOrigin = "label-studio-origin";
    public const string Presign = "presign";
    public const string PresignTtl = "presign-ttl";
    public const string StorageCredentials = "storage-credentials";
    public const string StorageRoleArn = "storage-role-arn";
    public const string StorageCredentialsDuration = "storage-credentials-duration";
    public const string CorsRuleId = "cors-rule-id";
    public const string UploadDataset = "upload-dataset";

    /// <summary>Copies the label snapshot to s3://&lt;bucket&gt;/&lt;prefix&gt;/labels/&lt;dataset&gt;/&lt;version&gt;/.</summary>
    public const string UploadSnapshot = "upload";
    public const string UploadParallelism = "upload-parallelism";
    public const string Annotations = "annotations";

    /// <summary>Seconds one ordinary request to Label Studio may take before it is retried.</summary>
    public const string RequestTimeout = "request-timeout";

    /// <summary>Retries of a failed request to Label Studio (0 turns retrying off).</summary>
    public const string Retries = "retries";
    public const string InstantWidth = "instant-width";
    public const string ExportFile = "export-file";
    public const string LabelConfigFile = "label-config-file";

    // Model-assisted labeling (ImportPredictions and the snapshot's prediction review).

    /// <summary>A model output file (CSV or JSONL: intervals, or per-timestamp scores) to attach to the tasks as predictions.</summary>
    public const string Predictions = "predictions";

    /// <summary>The predictions' model_version; default: the predictions file name without extension.</summary>
    public const string ModelVersion = "model-version";

    /// <summary>The label of predicted intervals that name none (and of all intervals found in scores).</summary>
    public const string PredictionLabel = "prediction-label";
    public const string ScoreThreshold = "score-threshold";

    /// <summary>Seconds (or time-axis units): shorter intervals found in scores are dropped.</summary>
    public const string MinDuration = "min-duration";

    /// <summary>Seconds (or time-axis units): flagged runs at most this far apart are merged.</summary>
    public const string MergeGap = "merge-gap";

    // Label-quality gates (Export, ConvertExport): off unless given.

    /// <summary>The lowest mean point F1 between annotators; below it the run fails.</summary>
    public const string MinAgreement = "min-agreement";

    /// <summary>The lowest point F1 of a model version against the expert labels; below it the run fails.</summary>
    public const string MinDetectorF1 = "min-detector-f1";

    /// <summary>The environment variable that can carry a setting instead of the command line.</summary>
    public static string EnvironmentVariable(string name) => "LABELPIPELINE_" + name.ToUpperInvariant().Replace('-', '_');
}
