using LabelPipeline.Quality;

namespace LabelPipeline.Export;

/// <summary>What the report knows of one series before it draws anything: its table row, and what its chart is chosen by.</summary>
/// <param name="DisagreementRows">Rows two annotators disagree on, summed over annotator pairs and anomaly labels (quality/agreement.csv).</param>
public sealed record SeriesFigures(string Name, int Regions, int Annotations, long DisagreementRows);

/// <summary>Which series the report draws, and in what order: what a person reviewing the labels wants to look at first.</summary>
public static class ChartSelection
{
    /// <summary>
    /// The most charts one report draws. A person looks through a few dozen charts, not thousands; and a chart is at
    /// most about 100 KB (<see cref="HtmlReport.ChartPointBudget"/> points, ranges beyond
    /// <see cref="HtmlReport.MaxShapesOneByOne"/> shaded together), so report.html stays a few MB at any number of series.
    /// Every series stays in the series table, and all of its labels are in dense/ and intervals.csv.
    /// </summary>
    public const int MaxCharts = 50;

    /// <summary>The rule, as the report states it.</summary>
    public static string Rule(bool agreement) =>
        (agreement ? "the most rows annotators disagree on, then " : string.Empty) + "the most labeled regions, ties by name";

    /// <summary>
    /// The series to chart, best first: the most rows annotators disagree on (where labels most need a look), then the
    /// most regions, then by name (ordinal), so the same snapshot always charts the same series in the same order.
    /// </summary>
    public static IReadOnlyList<SeriesFigures> Choose(IEnumerable<SeriesFigures> series, int max = MaxCharts) =>
        series.OrderByDescending(s => s.DisagreementRows)
            .ThenByDescending(s => s.Regions)
            .ThenBy(s => s.Name, StringComparer.Ordinal)
            .Take(max)
            .ToList();

    /// <summary>Per series, the rows two annotators disagree on (both directions), summed over pairs and labels.</summary>
    public static IReadOnlyDictionary<string, long> DisagreementRows(QualityReport? quality) =>
        (quality?.Agreement ?? [])
            .GroupBy(r => r.Series, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Sum(r => r.Scores.OnlyA + r.Scores.OnlyB), StringComparer.Ordinal);
}
