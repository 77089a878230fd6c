using Cake.Common.Diagnostics;
using Cake.Frosting;
using LabelPipeline.Aws;

namespace Build.Tasks;

[TaskName(nameof(ConfigureCors))]
[TaskDescription("Allows Label Studio's origin to read the series from the S3 bucket (S3 storage with presigned URLs only)")]
[IsDependentOn(typeof(Deploy))]
public sealed class ConfigureCors : AsyncFrostingTask<BuildContext>
{
    public override bool ShouldRun(BuildContext context)
    {
        if (context.Settings.Storage == StorageKind.Local)
        {
            context.Information("Skipping ConfigureCors: storage is local files, which Label Studio serves itself, so no bucket CORS rule is needed.");
            return false;
        }

        if (!context.S3.Presign)
        {
            context.Information("Skipping ConfigureCors: --presign=false, so Label Studio streams the files itself and browsers never read the bucket.");
            return false;
        }

        return true;
    }

    public override async Task RunAsync(BuildContext context)
    {
        var aws = context.Services.Aws;
        var ct = context.Services.CancellationToken;
        await aws.EnsureIdentityAsync(ct);
        var origins = (await context.Services.LabelStudioAddressAsync()).CorsOrigins;
        var rule = LabelStudioCorsRule.Create(context.S3.CorsRuleId, origins);
        var cors = new BucketCors(await aws.GetS3Async(ct), aws.Endpoints, context.Services.Logger);
        var change = await cors.EnsureRuleAsync(context.S3.Bucket!, rule, ct);
        context.Information("CORS rule '{0}' on s3://{1} (GET, HEAD from {2}): {3}", rule.Id, context.S3.Bucket, string.Join(", ", origins), change switch
        {
            CorsChange.Added => "added after the bucket's other rules",
            CorsChange.Updated => "updated in place",
            _ => "already in place, unchanged",
        });
    }
}
