using LabelPipeline.Export;
using LabelPipeline.LabelStudio;
using Microsoft.Extensions.Logging;

namespace LabelPipeline.Stages;

/// <summary>
/// Stage 6: the project's annotations fetched (a Label Studio export, streamed to disk) and turned into the label
/// snapshot; also offline, from a saved export (ConvertExport), and checked again from its own inputs (Verify).
/// </summary>
public sealed class ExportLabelsStage(LabelStudioClient client, ILogger logger)
{
    public Task<SnapshotSummary> RunAsync(ProjectRef project, SnapshotRules rules, string snapshotDirectory, TimeSpan timeout, CancellationToken ct) =>
        new LabelExporter(client, logger).ExportAsync(project.Id, rules, snapshotDirectory, timeout, ct);

    /// <summary>The same snapshot from a saved Label Studio JSON export, without a server.</summary>
    /// <param name="generatedFromLabels">The labels the config was generated from; null when the user gave the config.</param>
    public static SnapshotSummary Convert(
        string exportFile, SnapshotRules rules, string labelConfig, string snapshotDirectory, ILogger logger, CancellationToken ct, IReadOnlyList<string>? generatedFromLabels = null)
    {
        try
        {
            var options = new SnapshotOptions(rules, labelConfig, new SnapshotSource("export-file", null, null, null, null))
            {
                Progress = new SnapshotProgress(logger, TimeSpan.FromSeconds(5)).Report,
            };
            return SnapshotBuilder.Build(exportFile, options, snapshotDirectory, ct);
        }
        catch (ExportException e) when (generatedFromLabels is not null && e.Message.Contains("label '", StringComparison.Ordinal))
        {
            // Offline there is no project to read the config from: it was generated here, from --labels.
            throw new ExportException(
                $"{e.Message} The labeling config was generated from the dataset with --labels={string.Join(',', generatedFromLabels)}: pass the labels " +
                "the export was made with (--labels=...), or the project's own config (--label-config-file=<file.xml>).");
        }
    }
}
