using Cake.Common.Diagnostics;
using Cake.Frosting;
using LabelPipeline.Aws;

namespace Build.Tasks;

[TaskName(nameof(Teardown))]
[TaskDescription("Stops and removes Label Studio (container or process, and its PostgreSQL container); keeps the data unless --purge")]
public sealed class Teardown : AsyncFrostingTask<BuildContext>
{
    public override async Task RunAsync(BuildContext context)
    {
        var services = context.Services;
        var purge = context.Settings.Purge;
        var address = await services.LabelStudioAddressAsync();
        await services.Runtimes.TeardownAsync(context.Runtime.Runtime, context.DeploymentStage(address.ExternalUrl), purge, services.CancellationToken);
        context.Information(
            purge
                ? "Removed Label Studio, its data {0} and the saved credentials."
                : "Removed Label Studio; its data {0} stays (add --purge to delete it).",
            context.Settings.DataVolume);

        if (context.Settings.Storage == StorageKind.S3 && context.S3.Presign)
        {
            // Only our rule goes; the bucket's other rules stay, and the configuration is deleted only if nothing is left.
            var s3 = await services.Aws.GetS3Async(services.CancellationToken);
            var change = await new BucketCors(s3, services.Aws.Endpoints, services.Logger).RemoveRuleAsync(context.S3.Bucket!, context.S3.CorsRuleId, services.CancellationToken);
            context.Information("CORS rule '{0}' on s3://{1}: {2}", context.S3.CorsRuleId, context.S3.Bucket, change.ToString().ToLowerInvariant());
        }
    }
}
