using Cake.Common.Diagnostics;
using Cake.Frosting;

namespace Build.Tasks;

[TaskName(nameof(ConfigureCors))]
[TaskDescription("Allows Label Studio's origin to read the series from the S3 bucket (S3 storage only)")]
[IsDependentOn(typeof(Deploy))]
public sealed class ConfigureCors : FrostingTask<BuildContext>
{
    public override bool ShouldRun(BuildContext context)
    {
        if (context.Settings.Storage == StorageKind.Local)
        {
            context.Information("Skipping ConfigureCors: storage is local files, which Label Studio serves itself, so no bucket CORS rule is needed.");
            return false;
        }

        return true;
    }

    public override void Run(BuildContext context) =>
        throw new NotSupportedException("S3 CORS configuration is not available in this version; use --storage=local.");
}
