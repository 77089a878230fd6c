using Cake.Frosting;

namespace Build.Tasks;

[TaskName(nameof(ConvertExport))]
[TaskDescription("Builds the label snapshot from a saved Label Studio JSON export (--export-file), without a server; with --upload, copies it like PublishSnapshot")]
[IsDependentOn(typeof(Prepare))]
public sealed class ConvertExport : AsyncFrostingTask<BuildContext>
{
    public override async Task RunAsync(BuildContext context)
    {
        var settings = context.Settings;
        var ct = context.Services.CancellationToken;
        var exportFile = settings.ExportFile ?? throw new ArgumentException(
            $"--{Arguments.ExportFile}=<path> is required: a JSON export saved from Label Studio (Export > JSON) or a snapshot's source/export.json.");
        var config = settings.LabelConfigFile is { } file
            ? await File.ReadAllTextAsync(file, ct)
            : await ProvisionProjectStage.GenerateLabelConfigAsync(BuildContext.Need(context.Prepared, nameof(Prepare)), settings.ProjectStage, ct);
        context.Snapshot = ExportLabelsStage.Convert(
            exportFile, context.SnapshotRules(), config, settings.SnapshotDirectory, context.Services.Logger, ct, generatedFromLabels: settings.LabelConfigFile is null ? settings.Labels : null);
        SnapshotReport.Log(context, context.Snapshot);
        SnapshotReport.Gate(context, context.Snapshot); // below a quality gate: written here, not published
        if (context.S3.UploadSnapshot)
        {
            await PublishSnapshot.RunAsync(context, context.Snapshot);
        }
    }
}
