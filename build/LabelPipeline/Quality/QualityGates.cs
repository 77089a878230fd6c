using System.Globalization;

namespace LabelPipeline.Quality;

/// <summary>
/// The label-quality gates of a CI job (<c>--min-agreement</c>, <c>--min-detector-f1</c>): what falls below, one line
/// each. A gate that cannot be judged fails too (no task two annotators labeled; no expert range for any model
/// version), so a gate never passes on nothing. They judge the figures as the manifest keeps them (6 decimals), so a
/// reused snapshot is judged exactly as the run that built it.
/// </summary>
public static class QualityGates
{
    /// <param name="minAgreement">The lowest mean point F1 between annotators (all pairs, all anomaly labels); null: off.</param>
    /// <param name="minDetectorF1">The lowest point F1 of every model version × anomaly label with expert ranges; null: off.</param>
    public static IReadOnlyList<string> Check(QualityFigures? figures, double? minAgreement, double? minDetectorF1)
    {
        var failures = new List<string>();
        if (minAgreement is { } agreement)
        {
            var gate = $"--min-agreement={N(agreement)}";
            if (figures?.Agreement is not { } pairs)
            {
                failures.Add($"{gate}: no task was labeled by two or more annotators, so agreement cannot be judged. Have a second annotator label some tasks, or drop the gate.");
            }
            else if (pairs.MeanPointF1 is not { } f1)
            {
                failures.Add($"{gate}: in none of the {pairs.Pairs} annotator pairs did either annotator mark an anomaly, so agreement cannot be judged.");
            }
            else if (f1 < agreement)
            {
                failures.Add($"{gate}: the mean point F1 between annotators is {N(f1)} ({pairs.PairsWithPositiveRows} pairs on {pairs.Tasks} tasks), below {N(agreement)}; see {QualityReport.AgreementFile}.");
            }
        }

        if (minDetectorF1 is { } detector)
        {
            var gate = $"--min-detector-f1={N(detector)}";
            var judged = figures?.Detector.Where(d => d.ExpertRanges > 0).ToList() ?? [];
            if (judged.Count == 0)
            {
                failures.Add(figures is null || figures.Detector.Count == 0
                    ? $"{gate}: the export has no predictions to judge. Import them with --predictions, or drop the gate."
                    : $"{gate}: no annotated task has an expert range, so no model version can be judged.");
            }

            foreach (var row in judged)
            {
                // Nothing predicted where experts marked ranges: F1 is undefined in the file, and 0 for the gate.
                var f1 = row.PointF1 ?? 0;
                if (f1 < detector)
                {
                    failures.Add($"{gate}: model version '{row.ModelVersion}', label '{row.Label}': point F1 {N(f1)} is below {N(detector)} "
                        + $"({row.ExpertRanges} expert ranges, {row.PredictedRanges} predicted); see {QualityReport.DetectorFile}.");
                }
            }
        }

        return failures;
    }

    private static string N(double value) => QualityReport.Number(value) is { Length: > 0 } text ? text : value.ToString(CultureInfo.InvariantCulture);
}
