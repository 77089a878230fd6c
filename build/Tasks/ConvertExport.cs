using Cake.Common.Diagnostics;
using Cake.Frosting;
using LabelPipeline.Export;

namespace Build.Tasks;

[TaskName(nameof(ConvertExport))]
[TaskDescription("Builds the label snapshot from a saved Label Studio JSON export (--export-file), without a server")]
public sealed class ConvertExport : AsyncFrostingTask<BuildContext>
{
    public override async Task RunAsync(BuildContext context)
    {
        var settings = context.Settings;
        var exportFile = settings.ExportFile ?? throw new ArgumentException(
            $"--{Arguments.ExportFile}=<path> is required: a JSON export saved from Label Studio (Export > JSON) or a snapshot's source/export.json.");
        ExportReader.CheckFile(exportFile); // a folder gets its own message

        context.PrepareDataset();
        var config = settings.LabelConfigFile is { } file ? await File.ReadAllTextAsync(file, context.CancellationToken) : await context.GenerateLabelConfigAsync();
        var summary = SnapshotBuilder.Build(
            exportFile,
            context.SnapshotOptions(config, new SnapshotSource("export-file", null, null, null, null)),
            settings.SnapshotDirectory,
            context.CancellationToken);
        SnapshotReport.Log(context, summary);
        await SnapshotReport.UploadAsync(context, summary);
    }
}
