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
    public static SnapshotSummary Convert(string exportFile, SnapshotRules rules, string labelConfig, string snapshotDirectory, CancellationToken ct) =>
        SnapshotBuilder.Build(exportFile, new SnapshotOptions(rules, labelConfig, new SnapshotSource("export-file", null, null, null, null)), snapshotDirectory, ct);
}
