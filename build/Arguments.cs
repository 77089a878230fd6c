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
    public const string AnomalyLabels = "anomaly-labels";
    public const string Output = "output";
    public const string StateDir = "state-dir";
    public const string SyncTimeout = "sync-timeout";
    public const string HealthTimeout = "health-timeout";
    public const string Purge = "purge";
    public const string Annotations = "annotations";
    public const string InstantWidth = "instant-width";
    public const string ExportFile = "export-file";
    public const string LabelConfigFile = "label-config-file";

    /// <summary>The environment variable that can carry a setting instead of the command line.</summary>
    public static string EnvironmentVariable(string name) => "LABELPIPELINE_" + name.ToUpperInvariant().Replace('-', '_');
}
