using System.Globalization;
using System.Net;
using System.Text;
using LabelPipeline.LabelConfig;
using LabelPipeline.Quality;
using LabelPipeline.TimeSeries;

namespace LabelPipeline.Export;

/// <summary>
/// The picture of a snapshot: one self-contained HTML page (inline SVG, no scripts, no CDN) with per-label and
/// per-series counts and the charts of the series most worth a look (<see cref="ChartSelection"/>): their channels,
/// the labeled ranges shaded. Channels are drawn min/max per column of two pixels, so short spikes stay visible (the
/// editor's own decimation drops them). Its size does not grow with the rows or the regions, only by one table row per series.
/// Deterministic, like every snapshot file.
/// </summary>
public static class HtmlReport
{
    public const string FileName = "report.html";
    private const int Width = 1100;
    private const int PlotHeight = 220;
    private const int StripHeight = 14;

    /// <summary>Time columns of a chart at most: one per two pixels.</summary>
    private const int MaxColumns = Width / 2;

    /// <summary>Time columns of a chart at least, however many channels share it.</summary>
    private const int MinColumns = 50;

    /// <summary>Line points one chart draws over all its channels (a low and a high per column): ten channels at full width; more channels get fewer columns each.</summary>
    internal const int ChartPointBudget = 10 * 2 * MaxColumns;

    /// <summary>Regions (and strip ranges) drawn one by one, each with its tooltip, per chart and layer; beyond, ranges of one colour are shaded as one shape.</summary>
    internal const int MaxShapesOneByOne = 200;

    /// <summary>Annotator pairs listed at most (the file has them all): the worst ones are what a person looks for.</summary>
    internal const int MaxAgreementRows = 100;

    /// <summary>Charts gathered by the dense pass are held until the report is written: at most this many bytes of them.</summary>
    private const long GatheredChartsBudget = 32L << 20;

    /// <param name="rangesOf">One series' regions, by file name (enumerated once per call, so they can stream from disk).</param>
    /// <param name="quality">Agreement and detector tables, and per series the predicted rows and the rows annotators disagree on.</param>
    /// <param name="envelopes">Charts already gathered by a pass over the series (<see cref="BeginEnvelope"/>), by file name; others are read here.</param>
    public static void Write(string path, SnapshotOptions options, Func<string, IEnumerable<LabeledRange>> rangesOf, QualityReport? quality = null, IReadOnlyDictionary<string, SeriesEnvelope>? envelopes = null)
    {
        // One pass over each series' regions: the counts per label and per series, and what the charts are chosen by.
        var disagreement = ChartSelection.DisagreementRows(quality);
        var regionsPerLabel = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var figures = new List<SeriesFigures>();
        foreach (var name in options.Dataset.Files.Select(f => Path.GetFileName(f)))
        {
            var (regions, annotations) = (0, new HashSet<int>());
            foreach (var range in rangesOf(name))
            {
                regions++;
                annotations.Add(range.AnnotationId);
                foreach (var label in range.Labels.Distinct(StringComparer.Ordinal))
                {
                    regionsPerLabel[label] = regionsPerLabel.GetValueOrDefault(label) + 1;
                }
            }

            figures.Add(new SeriesFigures(name, regions, annotations.Count, disagreement.GetValueOrDefault(name)));
        }

        var charted = ChartSelection.Choose(figures);
        var chartOf = charted.Select((s, i) => (s.Name, Number: i + 1)).ToDictionary(c => c.Name, c => c.Number, StringComparer.Ordinal);
        var agreement = quality is { MultiplyLabeledTasks: > 0 };

        // What a person reads first comes first: the counts, the headline scores, the charts; the tables with a row per
        // series or per annotator pair (thousands of rows) come last.
        using var writer = new StreamWriter(path, false, new UTF8Encoding(false), 1 << 13);
        var html = new StringBuilder();
        var title = $"Labels: {options.Dataset.Name} {options.Dataset.Version}";
        html.Append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>").Append(E(title)).Append("</title>\n<style>")
            .Append("body{font-family:system-ui,sans-serif;margin:24px;color:#222}table{border-collapse:collapse;margin:8px 0 24px}")
            .Append("td,th{border:1px solid #ccc;padding:4px 10px;text-align:right}th{background:#f4f4f4}td:first-child,th:first-child{text-align:left}")
            .Append("svg{border:1px solid #ddd;background:#fff}")
            .Append("</style></head><body>\n<h1>").Append(E(title)).Append("</h1>\n<p><a href=\"#charts\">Charts</a> · <a href=\"#series\">Series</a>")
            .Append(agreement ? " · <a href=\"#agreement\">Annotator agreement</a>" : string.Empty).Append("</p>\n");

        html.Append("<h2>Regions per label</h2>\n<table><tr><th>label</th><th>regions</th><th>anomaly</th></tr>\n");
        foreach (var (label, regions) in regionsPerLabel)
        {
            html.Append("<tr><td><span style=\"color:").Append(LabelColor(label, options)).Append("\">&#9632;</span> ").Append(E(label))
                .Append("</td><td>").Append(I(regions)).Append("</td><td>")
                .Append(options.AnomalyLabels.Contains(label) ? "yes" : "no").Append("</td></tr>\n");
        }

        html.Append("</table>\n");
        if (agreement)
        {
            html.Append("<p>").Append(N(quality!.MultiplyLabeledTasks)).Append(quality.MultiplyLabeledTasks == 1 ? " task" : " tasks").Append(" labeled by two or more annotators; mean point F1 ")
                .Append(Cell(quality.MeanPointF1)).Append("; Krippendorff's alpha ")
                .Append(E(string.Join(", ", quality.AlphaPerLabel.Select(a => $"{a.Key} {Cell(a.Value)}")))).Append(" (<a href=\"#agreement\">per pair</a>).</p>\n");
        }

        if (quality is { Detector.Count: > 0 })
        {
            html.Append("<h2>Detector against the expert labels</h2>\n");
            AppendCsvTable(html, QualityReport.RenderDetectorCsv(quality.Detector));
        }

        // Written chart by chart, so memory does not grow with the number of charts.
        html.Append("<h2 id=\"charts\">Charts</h2>\n<p>").Append(ChartsSentence(figures.Count, charted.Count, agreement)).Append("</p>\n")
            .Append("<p>Shaded: labeled ranges (both ends inclusive). Channels scaled to their own range, each column of two pixels showing its lowest and highest sample.")
            .Append(quality is null ? string.Empty : " Strips under a chart: each model version's predicted rows (purple), and the rows where annotators disagree (orange).")
            .Append("</p>\n");
        var files = options.Dataset.Files.ToDictionary(f => Path.GetFileName(f), StringComparer.Ordinal);
        for (var i = 0; i < charted.Count; i++)
        {
            var series = charted[i];
            html.Append("<h3 id=\"chart-").Append(I(i + 1)).Append("\">").Append(I(i + 1)).Append(". ").Append(E(series.Name)).Append("</h3>\n<p>")
                .Append(I(series.Regions)).Append(series.Regions == 1 ? " region" : " regions").Append(" · ")
                .Append(I(series.Annotations)).Append(series.Annotations == 1 ? " annotation" : " annotations")
                .Append(agreement ? $" · {I(series.DisagreementRows)} rows annotators disagree on" : string.Empty).Append("</p>\n");
            var envelope = envelopes?.GetValueOrDefault(series.Name) ?? SeriesEnvelope.Read(files[series.Name], options.Schema, EnvelopeSlots(options.Schema));
            AppendChart(html, writer, envelope, options, rangesOf(series.Name), series.Regions, quality?.Overlays.GetValueOrDefault(series.Name));
            Flush(html, writer, force: true);
        }

        html.Append("<h2 id=\"series\">Series</h2>\n<table><tr><th>series</th><th>regions</th><th>annotations</th>")
            .Append(agreement ? "<th>rows annotators disagree on</th>" : string.Empty).Append("<th>chart</th></tr>\n");
        foreach (var series in figures)
        {
            html.Append("<tr><td>").Append(E(series.Name)).Append("</td><td>").Append(I(series.Regions)).Append("</td><td>").Append(I(series.Annotations));
            if (agreement)
            {
                html.Append("</td><td>").Append(I(series.DisagreementRows));
            }

            html.Append("</td><td>");
            if (chartOf.TryGetValue(series.Name, out var number))
            {
                html.Append("<a href=\"#chart-").Append(I(number)).Append("\">").Append(I(number)).Append("</a>");
            }
            else
            {
                html.Append("&ndash;");
            }

            html.Append("</td></tr>\n");
            Flush(html, writer);
        }

        html.Append("</table>\n");
        if (agreement)
        {
            AppendAgreementPairs(html, quality!.Agreement);
        }

        html.Append("</body></html>\n");
        Flush(html, writer, force: true);
    }

    /// <summary>How many series are charted, and which: said above the charts, so a left-out series is never a surprise.</summary>
    private static string ChartsSentence(int series, int charted, bool agreement)
    {
        var rule = ChartSelection.Rule(agreement);
        return series == charted
            ? series switch
            {
                0 => "The dataset has no series.",
                1 => "One series.",
                _ => $"All {N(series)} series, ordered by {rule}.",
            }
            : $"{N(charted)} of {N(series)} series, chosen and ordered by {rule}. The other {N(series - charted)} are not charted "
              + $"(at most {N(ChartSelection.MaxCharts)} charts a page); each is in the <a href=\"#series\">series table</a>, and its labels are in dense/ and intervals.csv.";
    }

    private static void Flush(StringBuilder html, TextWriter writer, bool force = false)
    {
        if (force || html.Length > 1 << 15)
        {
            writer.Write(html);
            html.Clear();
        }
    }

    /// <summary>
    /// The annotator pairs of quality/agreement.csv, one per task, label and pair: all of them up to
    /// <see cref="MaxAgreementRows"/>; beyond, those with the lowest point F1 (in the file's order), the rest left to the file.
    /// </summary>
    private static void AppendAgreementPairs(StringBuilder html, IReadOnlyList<AgreementRow> pairs)
    {
        html.Append("<h2 id=\"agreement\">Annotator agreement</h2>\n");
        var shown = pairs;
        if (pairs.Count > MaxAgreementRows)
        {
            shown = pairs.Select((r, i) => (r, i)).OrderBy(p => p.r.Scores.PointF1 ?? double.PositiveInfinity).ThenBy(p => p.i)
                .Take(MaxAgreementRows).OrderBy(p => p.i).Select(p => p.r).ToList();
            html.Append("<p>The ").Append(N(MaxAgreementRows)).Append(" pairs with the lowest point F1, of ").Append(N(pairs.Count))
                .Append("; every pair is in ").Append(QualityReport.AgreementFile).Append(".</p>\n");
        }

        AppendCsvTable(html, QualityReport.RenderAgreementCsv(shown));
    }

    /// <summary>A table of one of the quality files, as written (an empty cell: undefined).</summary>
    private static void AppendCsvTable(StringBuilder html, string csv)
    {
        var lines = csv.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        html.Append("<table>");
        for (var i = 0; i < lines.Length; i++)
        {
            var cell = i == 0 ? "th" : "td";
            html.Append("<tr>");
            var fields = lines[i].Contains('"') ? Enumerable.Range(0, lines[i].Count(ch => ch == ',') + 1).Select(f => DenseLabels.Field(lines[i], ',', f)).ToArray() : lines[i].Split(',');
            foreach (var field in fields)
            {
                html.Append('<').Append(cell).Append('>').Append(E(field)).Append("</").Append(cell).Append('>');
            }

            html.Append("</tr>\n");
        }

        html.Append("</table>\n");
    }

    private static string Cell(double? value) => value is null ? "undefined" : QualityReport.Number(value);

    /// <summary>Time columns per channel: the full width while the channels fit <see cref="ChartPointBudget"/>, fewer beyond.</summary>
    internal static int ColumnsFor(int channels) => Math.Clamp(ChartPointBudget / (2 * Math.Max(1, channels)), MinColumns, MaxColumns);

    /// <summary>An empty chart of a series, for a pass that reads the series anyway to give its rows to.</summary>
    public static SeriesEnvelope BeginEnvelope(Datasets.SeriesSchema schema) => SeriesEnvelope.Begin(schema, EnvelopeSlots(schema));

    /// <summary>
    /// Whether a pass over all <paramref name="series"/> series may gather every chart (<see cref="BeginEnvelope"/>):
    /// each one is charted (no more than <see cref="ChartSelection.MaxCharts"/>), and held together until the report
    /// they stay within <see cref="GatheredChartsBudget"/> (50 series of 1,000 channels would not).
    /// </summary>
    public static bool GatherAllCharts(int series, Datasets.SeriesSchema schema) =>
        series <= ChartSelection.MaxCharts && series * SeriesEnvelope.HeldBytes(schema.Channels.Count, EnvelopeSlots(schema)) <= GatheredChartsBudget;

    private static int EnvelopeSlots(Datasets.SeriesSchema schema) => 2 * ColumnsFor(schema.Channels.Count);

    /// <param name="writer">Where <paramref name="html"/> goes: written out now and then while a series with many regions is drawn.</param>
    /// <param name="regionCount">How many <paramref name="ranges"/> there are: beyond <see cref="MaxShapesOneByOne"/> they are shaded together.</param>
    private static void AppendChart(StringBuilder html, TextWriter writer, SeriesEnvelope envelope, SnapshotOptions options, IEnumerable<LabeledRange> ranges, int regionCount, SeriesOverlay? overlay)
    {
        var schema = options.Schema;
        var columns = ColumnsFor(schema.Channels.Count);
        if (envelope.Rows == 0)
        {
            html.Append("<p>No rows.</p>\n");
            return;
        }

        double t0 = envelope.MinTime, t1 = Math.Max(envelope.MaxTime, envelope.MinTime + 1);
        double X(double t) => Math.Round((t - t0) / (t1 - t0) * Width, 1);

        // A range's place on the chart, cut to the series' span (null: it lies outside, labeling no row).
        (double X0, double X1)? Place(RangeBound start, RangeBound end)
        {
            double x0 = X(Bound(start)), x1 = X(Bound(end));
            if (x1 < 0 || x0 > Width)
            {
                return null;
            }

            x0 = Math.Clamp(x0, 0, Width - 1);
            return (x0, Math.Clamp(Math.Max(x1, x0 + 1), x0 + 1, Width));
        }

        var strips = overlay is null ? [] : overlay.Predicted.Select(p => p.Name).Distinct().Append("disagreement").ToList();
        var height = PlotHeight + (strips.Count * StripHeight);
        html.Append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").Append(Width).Append("\" height=\"").Append(height)
            .Append("\" viewBox=\"0 0 ").Append(Width).Append(' ').Append(height).Append("\">\n");
        for (var i = 0; overlay is not null && i < strips.Count; i++)
        {
            // One strip per model version, then the disagreement strip; each range at least a pixel wide.
            var y = PlotHeight + (i * StripHeight);
            var isDisagreement = i == strips.Count - 1;
            var what = isDisagreement ? "annotators disagree" : "predicted by " + strips[i];
            html.Append("<text x=\"2\" y=\"").Append(y + StripHeight - 3).Append("\" font-size=\"9\" fill=\"#666\">").Append(E(isDisagreement ? "annotators disagree" : strips[i])).Append("</text>\n");
            var stripRanges = isDisagreement ? overlay.Disagreement : overlay.Predicted.Where(p => p.Name == strips[i]).ToList();
            AppendShapes(html, writer, stripRanges, stripRanges.Count, r => Place(r.Start, r.End), _ => isDisagreement ? "#fb8c00" : "#8e24aa", 1, y + 2, StripHeight - 4,
                r => $"{what}: {r.Start.ToText()} – {r.End.ToText()}", count => $"{what}: {count} ranges");
        }

        AppendShapes(html, writer, ranges, regionCount, r => Place(r.Start, r.End), r => LabelColor(r.Labels.FirstOrDefault() ?? string.Empty, options), 0.25, 0, PlotHeight,
            r => $"{string.Join(", ", r.Labels)}: {r.StartRaw} – {r.EndRaw} (annotation {r.AnnotationId})",
            count => $"{count} labeled regions, too many to draw one by one here (intervals.csv lists them)");

        for (var c = 0; c < envelope.ChannelColumns.Count; c++)
        {
            if (envelope.Range(c) is not var (lo, hi))
            {
                continue;
            }

            var span = hi > lo ? hi - lo : 1;
            // One path per channel in whole pixels (finer steps do not show on a 1100 × 220 chart), each point relative
            // to the one before ("l1-3 1 5"): about half the bytes of absolute pairs.
            html.Append("<path fill=\"none\" stroke-width=\"0.8\" stroke=\"")
                .Append(LabelConfigGenerator.ChannelPalette[c % LabelConfigGenerator.ChannelPalette.Count]).Append("\" d=\"");
            (int X, int Y)? previous = null;
            var relative = false;
            foreach (var (time, value) in envelope.Outline(c, columns))
            {
                var point = ((int)Math.Round((time - t0) / (t1 - t0) * Width), (int)Math.Round(PlotHeight - 4 - ((value - lo) / span * (PlotHeight - 8))));
                if (previous is not { } p)
                {
                    html.Append('M').Append(I(point.Item1)).Append(' ').Append(I(point.Item2));
                }
                else if (point != p)
                {
                    var (dx, dy) = (point.Item1 - p.X, point.Item2 - p.Y);
                    html.Append(!relative ? "l" : dx < 0 ? string.Empty : " ").Append(I(dx)).Append(dy < 0 ? string.Empty : " ").Append(I(dy));
                    relative = true;
                }
                else
                {
                    continue;
                }

                previous = point;
            }

            html.Append("\"><title>").Append(E(schema.Columns[envelope.ChannelColumns[c]])).Append("</title></path>\n");
        }

        html.Append("</svg>\n<p>").Append(E(envelope.FirstTimeText)).Append(" → ").Append(E(envelope.LastTimeText)).Append(" · ").Append(I(envelope.Rows))
            .Append(" rows · ").Append(I(envelope.ChannelColumns.Count)).Append(" channels</p>\n");
    }

    /// <summary>
    /// Ranges as rectangles between <paramref name="y"/> and <paramref name="y"/> + <paramref name="height"/>: one each,
    /// with its tooltip, up to <see cref="MaxShapesOneByOne"/>; beyond, per colour one path of the ranges merged where
    /// they meet, so a series with hundreds of thousands of regions still costs a few KB.
    /// </summary>
    private static void AppendShapes<T>(
        StringBuilder html, TextWriter writer, IEnumerable<T> ranges, int count, Func<T, (double X0, double X1)?> place, Func<T, string> fill, double opacity,
        int y, int height, Func<T, string> title, Func<int, string> mergedTitle)
    {
        var oneByOne = count <= MaxShapesOneByOne;
        var merged = new SortedDictionary<string, (StringBuilder Path, int Count, double X0, double X1)>(StringComparer.Ordinal);
        void Close(StringBuilder path, double x0, double x1) =>
            path.Append('M').Append(F(x0)).Append(' ').Append(y).Append('H').Append(F(x1)).Append('V').Append(y + height).Append('H').Append(F(x0)).Append('Z');
        foreach (var range in ranges)
        {
            if (place(range) is not var (x0, x1))
            {
                continue;
            }

            var colour = fill(range);
            if (oneByOne)
            {
                html.Append("<rect x=\"").Append(F(x0)).Append("\" y=\"").Append(y).Append("\" width=\"").Append(F(Math.Round(x1 - x0, 1))).Append("\" height=\"").Append(height)
                    .Append("\" fill=\"").Append(colour).Append(Opacity(opacity)).Append("><title>").Append(E(title(range))).Append("</title></rect>\n");
                Flush(html, writer);
                continue;
            }

            if (!merged.TryGetValue(colour, out var run))
            {
                merged[colour] = (new StringBuilder(), 1, x0, x1);
            }
            else if (x0 <= run.X1 && x1 >= run.X0)
            {
                merged[colour] = (run.Path, run.Count + 1, Math.Min(run.X0, x0), Math.Max(run.X1, x1));
            }
            else
            {
                Close(run.Path, run.X0, run.X1);
                merged[colour] = (run.Path, run.Count + 1, x0, x1);
            }
        }

        foreach (var (colour, run) in merged)
        {
            Close(run.Path, run.X0, run.X1);
            html.Append("<path d=\"").Append(run.Path).Append("\" fill=\"").Append(colour).Append(Opacity(opacity)).Append("><title>").Append(E(mergedTitle(run.Count))).Append("</title></path>\n");
            Flush(html, writer);
        }
    }

    private static string Opacity(double opacity) => opacity < 1 ? $"\" fill-opacity=\"{F(opacity)}\"" : "\"";

    private static double Bound(RangeBound bound) => bound.Time is { } t ? SeriesEnvelope.Seconds(t) : bound.Number!.Value;

    private static string LabelColor(string label, SnapshotOptions options) =>
        options.AnomalyLabels.Contains(label) ? "#e53935" : "#1e88e5";

    /// <summary>A coordinate, already rounded to tenths, as "0.#" writes it; whole and one-decimal values without the general formatter.</summary>
    internal static string F(double value)
    {
        var tenths = Math.Round(value * 10);
        if (Math.Abs(tenths) < 1e9 && tenths / 10 == value && (tenths != 0 || !double.IsNegative(value)))
        {
            var whole = (long)tenths / 10;
            var fraction = Math.Abs((long)tenths % 10);
            return fraction == 0
                ? (tenths < 0 && whole == 0 ? "-0" : whole.ToString(CultureInfo.InvariantCulture))
                : (tenths < 0 && whole == 0 ? "-0." : whole.ToString(CultureInfo.InvariantCulture) + ".") + (char)('0' + fraction);
        }

        return value.ToString("0.#", CultureInfo.InvariantCulture);
    }

    private static string I(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string N(int value) => value.ToString("N0", CultureInfo.InvariantCulture);

    private static string E(string text) => WebUtility.HtmlEncode(text);
}
