using LabelPipeline.Aws;
using LabelPipeline.Export;
using Microsoft.Extensions.Logging;

namespace LabelPipeline.Stages;

/// <summary>Stage 7 (<c>--upload</c>): the label snapshot copied to the bucket, files already there unchanged skipped.</summary>
public sealed class PublishSnapshotStage(AwsSession aws, ILogger logger)
{
    public async Task<PublishedSnapshot> RunAsync(SnapshotSummary snapshot, PublishSettings settings, CancellationToken ct)
    {
        await aws.EnsureIdentityAsync(ct).ConfigureAwait(false);
        var uploader = new DatasetUploader(await aws.GetS3Async(ct).ConfigureAwait(false), aws.Endpoints, logger) { Parallelism = settings.Parallelism };
        await uploader.EnsureBucketAsync(settings.Target.Bucket, ct).ConfigureAwait(false);
        var files = Directory.GetFiles(snapshot.Directory, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToArray();
        var result = await uploader.UploadAsync(files, settings.Target, ct, file => Path.GetRelativePath(snapshot.Directory, file).Replace('\\', '/')).ConfigureAwait(false);
        return new PublishedSnapshot(settings.Target, result.Uploaded, result.Skipped);
    }
}
