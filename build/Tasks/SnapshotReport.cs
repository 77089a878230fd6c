using Cake.Common.Diagnostics;
using LabelPipeline.Export;

namespace Build.Tasks;

/// <summary>How ExportLabels and ConvertExport describe the snapshot they wrote.</summary>
internal static class SnapshotReport
{
    /// <summary>--min-agreement and --min-detector-f1: fails the run (after the snapshot is written) with one line per shortfall.</summary>
    public static void Gate(BuildContext context, SnapshotSummary summary)
    {
        var failures = LabelPipeline.Quality.QualityGates.Check(summary.Quality, context.Settings.MinAgreement, context.Settings.MinDetectorF1);
        if (failures.Count > 0)
        {
            throw new LabelPipeline.Export.ExportException(
                $"The snapshot ({summary.Directory}) is written, but its label quality is below the gate: " + string.Join(" ", failures));
        }
    }

    public static void Log(BuildContext context, SnapshotSummary summary)
    {
        if (summary.Unchanged)
        {
            context.Information("Snapshot {0} is up to date: its manifest records the same export, labeling config, series and rules; nothing rebuilt, no file touched.", summary.Directory);
        }

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

        foreach (var warning in summary.Warnings)
        {
            context.Warning("{0}", warning); // as an argument: file names may hold braces
        }

        if (summary.PredictionReview is { } review)
        {
            context.Information(
                "  predictions: {0} predicted regions on {1} tasks, reviewed in {2} annotations: {3} confirmed, {4} adjusted, {5} rejected; {6} added by hand",
                review.PredictedRegions,
                review.TasksReviewed,
                review.AnnotationsReviewed,
                review.Confirmed,
                review.Adjusted,
                review.Rejected,
                review.Added);
        }

        if (summary.Quality is { } quality)
        {
            foreach (var line in QualityLines(quality))
            {
                context.Information("  {0}", line);
            }
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

        if (summary.PredictionReview is { } review)
        {
            text.Append($"\nPredictions: {review.PredictedRegions} predicted regions reviewed in {review.AnnotationsReviewed} annotations: ")
                .Append($"{review.Confirmed} confirmed, {review.Adjusted} adjusted, {review.Rejected} rejected; {review.Added} added by hand.\n");
        }

        if (summary.Quality is { } quality)
        {
            text.Append('\n');
            foreach (var line in QualityLines(quality))
            {
                text.Append("- ").Append(line).Append('\n');
            }
        }

        return text.Append('\n').ToString();
    }

    /// <summary>The headline numbers of the quality files, for the log and the step summary.</summary>
    private static IEnumerable<string> QualityLines(LabelPipeline.Quality.QualityFigures quality)
    {
        static string N(double? value) => value is null ? "undefined" : LabelPipeline.Quality.QualityReport.Number(value);
        if (quality.Agreement is { } agreement)
        {
            yield return $"agreement: {agreement.Pairs} annotator pairs on {agreement.Tasks} tasks, mean point F1 {N(agreement.MeanPointF1)}; "
                + $"Krippendorff's alpha {string.Join(", ", agreement.AlphaPerLabel.Select(a => $"{a.Key} {N(a.Value)}"))}";
        }

        foreach (var row in quality.Detector)
        {
            yield return $"detector '{row.ModelVersion}' on {row.Label}: point F1 {N(row.PointF1)}, range F1 {N(row.RangeF1)}, "
                + $"event recall {N(row.EventRecall)} ({row.ExpertRanges} expert ranges, {row.PredictedRanges} predicted)";
        }
    }
}
