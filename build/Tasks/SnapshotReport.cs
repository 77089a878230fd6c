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

        // Under GitHub Actions, the labels also go to the job's summary page.
        if (Environment.GetEnvironmentVariable("GITHUB_STEP_SUMMARY") is { Length: > 0 } stepSummary)
        {
            File.AppendAllText(stepSummary, StepSummary(context.Settings, summary));
        }
    }

    internal static string StepSummary(PipelineSettings settings, SnapshotSummary summary)
    {
        var text = new System.Text.StringBuilder()
            .Append($"### Labels: {settings.Dataset} {settings.DatasetVersion}\n\n")
            .Append($"{summary.Regions} regions from {summary.Annotations} annotations on {summary.Tasks} tasks; ")
            .Append($"{summary.LookoutRows} anomalous ranges in `{SnapshotLayout.LookoutLabels}`.\n\n")
            .Append("| label | regions |\n|---|---:|\n");
        foreach (var (label, count) in summary.RegionsPerLabel)
        {
            text.Append($"| {label.Replace("|", "\\|", StringComparison.Ordinal)} | {count} |\n");
        }

        return text.Append('\n').ToString();
    }
}
