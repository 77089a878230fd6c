using Cake.Common.Diagnostics;
using LabelPipeline.Export;

namespace Build.Tasks;

/// <summary>How Export and ConvertExport describe the snapshot they wrote.</summary>
internal static class SnapshotReport
{
    public static void Log(BuildContext context, SnapshotSummary summary)
    {
        context.Information(
            "Snapshot {0}: {1} regions from {2} annotations on {3} tasks; {4} rows in {5}",
            summary.Directory,
            summary.Regions,
            summary.Annotations,
            summary.Tasks,
            summary.LookoutRows,
            SnapshotLayout.LookoutLabels);
        foreach (var (label, count) in summary.RegionsPerLabel)
        {
            context.Information("  {0}: {1}", label, count);
        }
    }
}
