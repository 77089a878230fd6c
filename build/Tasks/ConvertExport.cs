using Cake.Common.Diagnostics;
using Cake.Frosting;
using LabelPipeline.Export;

namespace Build.Tasks;

[TaskName(nameof(ConvertExport))]
[TaskDescription("Builds the label snapshot from a saved Label Studio JSON export (--export-file), without a server")]
[IsDependentOn(typeof(Prepare))] // the snapshot maps regions on task files back to the sources through Prepare's manifest
public sealed class ConvertExport : AsyncFrostingTask<BuildContext>
{
    public override async Task RunAsync(BuildContext context)
    {
        var settings = context.Settings;
        var exportFile = settings.ExportFile ?? throw new ArgumentException(
            $"--{Arguments.ExportFile}=<path> is required: a JSON export saved from Label Studio (Export > JSON) or a snapshot's source/export.json.");
        if (!File.Exists(exportFile))
        {
            throw new FileNotFoundException($"--{Arguments.ExportFile}: {exportFile} does not exist.");
        }

        context.PrepareDataset();
        var config = settings.LabelConfigFile is { } file ? await File.ReadAllTextAsync(file, context.CancellationToken) : await context.GenerateLabelConfigAsync();
        SnapshotSummary summary;
        try
        {
            summary = SnapshotBuilder.Build(
                exportFile,
                context.SnapshotOptions(config, new SnapshotSource("export-file", null, null, null, null)),
                settings.SnapshotDirectory,
                context.CancellationToken);
        }
        catch (ExportException e) when (settings.LabelConfigFile is null && e.Message.Contains("label '", StringComparison.Ordinal))
        {
            // Offline there is no project to read the config from: it was generated here, from --labels.
            throw new ExportException(
                $"{e.Message} The labeling config was generated from the dataset with --{Arguments.Labels}={string.Join(',', settings.Labels)}: " +
                $"pass the labels the export was made with (--{Arguments.Labels}=...), or the project's own config (--{Arguments.LabelConfigFile}=<file.xml>).");
        }

        SnapshotReport.Log(context, summary);
        await SnapshotReport.UploadAsync(context, summary);
    }
}
