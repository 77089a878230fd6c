using Cake.Common.Diagnostics;
using Cake.Frosting;
using LabelPipeline.Export;

namespace Build.Tasks;

[TaskName(nameof(Export))]
[TaskDescription("Fetches every annotation and writes the label snapshot: lookout/labels.csv, intervals, dense labels, manifest")]
[IsDependentOn(typeof(ImportPredictions))]
public sealed class Export : AsyncFrostingTask<BuildContext>
{
    public override async Task RunAsync(BuildContext context)
    {
        var settings = context.Settings;
        await Sync.ReapplyS3KeysAsync(context); // S3: fresh keys, so the exported s3:// links stay readable
        context.PrepareDataset();
        var summary = await new LabelExporter(context.LabelStudioClient, context.Logger).ExportAsync(
            context.RequireProjectId(),
            context.SnapshotOptions(string.Empty, new SnapshotSource("label-studio", null, null, null, null)),
            settings.SnapshotDirectory,
            settings.SyncTimeout,
            context.CancellationToken);
        SnapshotReport.Log(context, summary);
        await SnapshotReport.UploadAsync(context, summary);
        SnapshotReport.Gate(context, summary);
    }
}
