using Cake.Common.Diagnostics;
using Cake.Frosting;
using LabelPipeline.Aws;

namespace Build.Tasks;

[TaskName(nameof(Upload))]
[TaskDescription("Uploads the dataset version's prepared task files to s3://<bucket>/<prefix>/<dataset>/<version>/ (S3 storage only; files already there unchanged are skipped)")]
[IsDependentOn(typeof(Prepare))]
public sealed class Upload : AsyncFrostingTask<BuildContext>
{
    public override bool ShouldRun(BuildContext context)
    {
        if (context.Settings.Storage == StorageKind.Local)
        {
            context.Information("Skipping Upload: storage is local files, which Label Studio reads from the mounted datasets folder.");
            return false;
        }

        return true;
    }

    public override async Task RunAsync(BuildContext context)
    {
        var aws = context.Services.Aws;
        var ct = context.Services.CancellationToken;
        await aws.EnsureIdentityAsync(ct);
        var dataset = BuildContext.Need(context.Prepared, nameof(Prepare)).TaskFiles; // the task files, never the sources
        var target = context.S3.DatasetLocation(context.Settings);
        var uploader = new DatasetUploader(await aws.GetS3Async(ct), aws.Endpoints, context.Services.Logger) { Parallelism = context.S3.UploadParallelism };
        await uploader.EnsureBucketAsync(target.Bucket, ct);

        if (!context.S3.UploadDataset)
        {
            var present = (await uploader.ListAsync(target, ct)).Keys.Count(k => k.EndsWith(".csv", StringComparison.OrdinalIgnoreCase));
            context.Information("Not uploading (--upload-dataset=false): {0} CSV files are under {1}", present, target);
            if (present == 0)
            {
                throw new AwsException($"No CSV files under {target}: Label Studio would have nothing to import. Drop --upload-dataset=false to upload the dataset, or fix --bucket/--prefix.");
            }

            return;
        }

        var summary = await uploader.UploadAsync(dataset.Files, target, ct);
        context.Information("Upload to {0}: {1} uploaded ({2}), {3} already there with the same content", target, summary.Uploaded, FormatSize(summary.BytesUploaded), summary.Skipped);
        if (summary.ForeignKeys.Count > 0)
        {
            context.Warning(
                "{0} objects under {1} are not in the dataset folder (e.g. {2}); they are left alone, and Label Studio imports the CSV ones too.",
                summary.ForeignKeys.Count,
                target,
                summary.ForeignKeys[0]);
        }
    }

    private static string FormatSize(long bytes) => bytes < 1024 * 1024 ? $"{bytes / 1024.0:0.0} KiB" : $"{bytes / (1024.0 * 1024):0.0} MiB";
}
