using LabelPipeline.Aws;
using LabelPipeline.LabelStudio;
using LabelPipeline.Predictions;
using LabelPipeline.Prepare;

namespace LabelPipeline.Stages;

// The settings each stage takes and the results it hands to the next one (README: Architecture). Settings are built
// from the argument table once per run; results are what a later stage needs, nothing more.

/// <summary>Where the series live for Label Studio.</summary>
public enum StorageKind
{
    Local,
    S3,
}

/// <summary>A Label Studio server and the token for it (a secret: never logged). Deploy's result, or --label-studio-url.</summary>
public sealed record LabelStudioConnection(Uri Url, string Token)
{
    public override string ToString() => Url.ToString();
}

/// <summary>Which dataset version to prepare, and how.</summary>
/// <param name="DatasetDirectory">The version's folder of source CSVs.</param>
/// <param name="TaskFilesDirectory">Where its task files go.</param>
public sealed record DatasetSettings(string Name, string Version, string DatasetDirectory, string TaskFilesDirectory, PrepareOptions Prepare);

/// <summary>The project's labeling config: the template in templates/ and the labels offered.</summary>
public sealed record ProjectSettings(string LabelConfigTemplate, IReadOnlyList<string> Labels);

/// <summary>The project in Label Studio: <see cref="ProvisionProjectStage"/>'s result.</summary>
public sealed record ProjectRef(int Id, string Title, Provisioned Action);

/// <summary>Local-files storage: the task files' folder as the Label Studio server sees it.</summary>
public sealed record LocalStorageSettings(string Title, string ServerPath);

/// <summary>S3 storage: where the task files are, how Label Studio reads them, and which keys it gets.</summary>
public sealed record S3StorageSettings(string Title, S3Location Location, bool Presign, int PresignTtlMinutes, Uri? Endpoint, StorageCredentialsOptions Credentials);

/// <summary>The storage connected to the project: <see cref="ConnectStorageStage"/>'s result.</summary>
/// <param name="KeysFresh">S3: the storage holds this run's keys already (created or updated now, or keys re-applied).</param>
public sealed record StorageRef(int Id, string Title, StorageKind Kind, string Location, Provisioned Action, bool KeysFresh);

/// <summary>A finished sync: <see cref="SyncTasksStage"/>'s result.</summary>
/// <param name="Existed">Tasks that were there already, as Label Studio reports it ("?" when it does not).</param>
public sealed record SyncResult(StorageRef Storage, string Status, int Created, string Existed);

/// <summary>The model output to import and how scores become intervals.</summary>
public sealed record PredictionSettings(string File, string ModelVersion, string DefaultLabel, ScoreIntervalOptions Scores);

/// <summary>The predictions attached: <see cref="ImportPredictionsStage"/>'s result.</summary>
public sealed record ImportResult(PredictionFileKind Kind, int Regions, int Tasks, PredictionImportSummary Summary);

/// <summary>Where the label snapshot is copied (<c>--upload</c>).</summary>
public sealed record PublishSettings(S3Location Target, int Parallelism);

/// <summary>The snapshot copied to the bucket: <see cref="PublishSnapshotStage"/>'s result.</summary>
public sealed record PublishedSnapshot(S3Location Target, int Uploaded, int Skipped);
