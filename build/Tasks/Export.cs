using Cake.Common.Diagnostics;
using Cake.Frosting;
using LabelPipeline.Export;

namespace Build.Tasks;

[TaskName(nameof(Export))]
[TaskDescription("Fetches every annotation and writes labels.csv (Lookout for Equipment / SiteWise format) for the dataset version")]
[IsDependentOn(typeof(Sync))]
public sealed class Export : AsyncFrostingTask<BuildContext>
{
    public override async Task RunAsync(BuildContext context)
    {
        var settings = context.Settings;
        var summary = await new LabelExporter(context.LabelStudioClient, context.Logger).ExportAsync(
            context.RequireProjectId(),
            settings.SnapshotDirectory,
            settings.AnomalyLabels.ToHashSet(StringComparer.Ordinal),
            context.CancellationToken);
        context.Information(
            "{0}: {1} ranges from {2} annotations on {3} tasks, {4} rows after merging",
            summary.LabelsFile,
            summary.Ranges,
            summary.Annotations,
            summary.Tasks,
            summary.Rows);
    }
}
