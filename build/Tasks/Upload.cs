using Cake.Common.Diagnostics;
using Cake.Frosting;
using LabelPipeline.Datasets;
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
        var settings = context.Settings;
        var ct = context.CancellationToken;
        await context.Aws.EnsureIdentityAsync(ct);
        var dataset = context.PrepareDataset().Prepared; // the task files, never the sources
        var target = S3Location.ForDataset(context.S3.Bucket!, context.S3.Prefix, dataset.Name, dataset.Version);
        var uploader = new DatasetUploader(await context.Aws.GetS3Async(ct), context.Aws.Endpoints, context.Logger) { Parallelism = context.S3.UploadParallelism };
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
