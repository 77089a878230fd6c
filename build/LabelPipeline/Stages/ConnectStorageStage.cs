using LabelPipeline.Aws;
using LabelPipeline.Datasets;
using LabelPipeline.LabelStudio;
using Microsoft.Extensions.Logging;

namespace LabelPipeline.Stages;

/// <summary>Stage 3: the task files (a local folder or an S3 prefix) connected to the project as import storage, reused by title.</summary>
public sealed class ConnectStorageStage(LabelStudioClient client, ILogger logger)
{
    public async Task<StorageRef> ConnectLocalAsync(ProjectRef project, LocalStorageSettings settings, CancellationToken ct)
    {
        var (storage, action) = await new LabelStudioProvisioner(client, logger).EnsureLocalFilesStorageAsync(
            project.Id,
            settings.Title,
            new LocalFilesStorageRequest { Path = settings.ServerPath, RegexFilter = Dataset.CsvRegex, UseBlobUrls = true, RecursiveScan = false },
            ct).ConfigureAwait(false);
        return new StorageRef(storage.Id, settings.Title, StorageKind.Local, settings.ServerPath, action, KeysFresh: true);
    }

    public async Task<StorageRef> ConnectS3Async(ProjectRef project, S3StorageSettings settings, AwsSession aws, CancellationToken ct)
    {
        var keys = await aws.GetStorageCredentialsAsync(settings.Credentials, ct).ConfigureAwait(false);
        var (storage, action) = await new LabelStudioProvisioner(client, logger).EnsureS3StorageAsync(
            project.Id,
            settings.Title,
            new S3StorageRequest
            {
                Bucket = settings.Location.Bucket,
                Prefix = settings.Location.Prefix.TrimEnd('/'),
                RegexFilter = Dataset.CsvRegex, // re.match on the full key: '.*' spans the prefix
                UseBlobUrls = true, // one task per CSV file, the file's URL under the config's $csv
                Presign = settings.Presign,
                PresignTtl = settings.PresignTtlMinutes,
                RegionName = aws.Endpoints.Region,
                S3Endpoint = settings.Endpoint?.ToString().TrimEnd('/'),
                RecursiveScan = false,
                AwsAccessKeyId = keys?.AccessKeyId ?? string.Empty,
                AwsSecretAccessKey = keys?.SecretAccessKey ?? string.Empty,
                AwsSessionToken = keys?.SessionToken ?? string.Empty,
            },
            ct).ConfigureAwait(false);

        // Created or updated: it holds this run's keys already.
        return new StorageRef(storage.Id, settings.Title, StorageKind.S3, settings.Location.ToString(), action, KeysFresh: action != Provisioned.Reused);
    }
}
