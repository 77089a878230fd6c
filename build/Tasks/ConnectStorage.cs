using Cake.Common.Diagnostics;
using Cake.Frosting;
using LabelPipeline.Datasets;
using LabelPipeline.LabelStudio;
using LabelPipeline.Aws;

namespace Build.Tasks;

[TaskName(nameof(ConnectStorage))]
[TaskDescription("Connects the dataset (local folder or S3 prefix) to the project as Label Studio import storage (reused by title)")]
[IsDependentOn(typeof(CreateProject))]
[IsDependentOn(typeof(Upload))]
public sealed class ConnectStorage : AsyncFrostingTask<BuildContext>
{
    public override async Task RunAsync(BuildContext context)
    {
        if (context.Settings.Storage == StorageKind.S3)
        {
            await ConnectS3Async(context);
            return;
        }

        var settings = context.Settings;
        var projectId = context.RequireProjectId();

        // Label Studio sees the datasets folder at --local-files-root (Deploy mounts it there read-only); the task files
        // Prepare wrote are below it (<datasets-dir>/.prepared/<dataset>/<version> by default).
        var serverPath = settings.PreparedServerPath ?? throw new ArgumentException(
            $"--{Arguments.PreparedDir}={settings.PreparedRoot} is outside --{Arguments.DatasetsDir}={settings.DatasetsDirectory}: with local storage Label Studio " +
            $"serves files only below the datasets folder (mounted at --{Arguments.LocalFilesRoot}). Drop --{Arguments.PreparedDir} or put it inside the datasets folder.");
        var title = $"{settings.Dataset} {settings.DatasetVersion} (local files)";
        var (storage, action) = await new LabelStudioProvisioner(context.LabelStudioClient, context.Logger).EnsureLocalFilesStorageAsync(
            projectId,
            title,
            new LocalFilesStorageRequest { Path = serverPath, RegexFilter = Dataset.CsvRegex, UseBlobUrls = true, RecursiveScan = false },
            context.CancellationToken);
        context.Information("Local-files storage '{0}' (id {1}) over {2}: {3}", title, storage.Id, serverPath, action.ToString().ToLowerInvariant());
        context.StorageId = storage.Id;
    }

    private static async Task ConnectS3Async(BuildContext context)
    {
        var settings = context.Settings;
        var s3 = context.S3;
        var projectId = context.RequireProjectId();
        var location = S3Location.ForDataset(s3.Bucket!, s3.Prefix, settings.Dataset, settings.DatasetVersion);
        var keys = await context.Aws.GetStorageCredentialsAsync(s3.CredentialsOptions, context.CancellationToken);
        var title = $"{settings.Dataset} {settings.DatasetVersion} (s3)";
        var (storage, action) = await new LabelStudioProvisioner(context.LabelStudioClient, context.Logger).EnsureS3StorageAsync(
            projectId,
            title,
            new S3StorageRequest
            {
                Bucket = location.Bucket,
                Prefix = location.Prefix.TrimEnd('/'),
                RegexFilter = Dataset.CsvRegex, // re.match on the full key: '.*' spans the prefix
                UseBlobUrls = true, // one task per CSV file, the file's URL under the config's $csv
                Presign = s3.Presign,
                PresignTtl = s3.PresignTtlMinutes,
                RegionName = context.Aws.Endpoints.Region,
                S3Endpoint = s3.S3Endpoint?.ToString().TrimEnd('/'),
                RecursiveScan = false,
                AwsAccessKeyId = keys?.AccessKeyId ?? string.Empty,
                AwsSecretAccessKey = keys?.SecretAccessKey ?? string.Empty,
                AwsSessionToken = keys?.SessionToken ?? string.Empty,
            },
            context.CancellationToken);
        context.Information("S3 storage '{0}' (id {1}) over {2}: {3}", title, storage.Id, location, action.ToString().ToLowerInvariant());
        context.StorageId = storage.Id;
        context.StorageKeysApplied = action != Provisioned.Reused; // created or updated: it holds this run's keys already
    }
}
