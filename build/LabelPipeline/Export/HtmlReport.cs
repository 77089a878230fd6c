using System.Globalization;
using System.Net;
using System.Text;
using LabelPipeline.Datasets;
using LabelPipeline.LabelConfig;
using LabelPipeline.Quality;
using LabelPipeline.TimeSeries;

namespace LabelPipeline.Export;

/// <summary>
/// The picture of a snapshot: one self-contained HTML page (inline SVG, no scripts, no CDN) with each series' channels,
/// the labeled ranges shaded, and per-label and per-series counts. Channels are drawn min/max per pixel column, so
/// short spikes stay visible (the editor's own decimation drops them). Deterministic, like every snapshot file.
/// </summary>
public static class HtmlReport
{
    public const string FileName = "report.html";
    private const int Width = 1100;
    private const int PlotHeight = 220;
    private const int Buckets = 550;
    private const int StripHeight = 14;

    /// <param name="ranges">Every region (enumerated once, so it can stream from disk).</param>
    /// <param name="rangesOf">One series' regions, by file name.</param>
    /// <param name="quality">Agreement and detector tables, and per series the predicted rows and the rows annotators disagree on.</param>
    public static void Write(string path, SnapshotOptions options, IEnumerable<LabeledRange> ranges, Func<string, IReadOnlyList<LabeledRange>> rangesOf, QualityReport? quality = null)
    {
        var html = new StringBuilder();
        var title = $"Labels: {options.Dataset.Name} {options.Dataset.Version}";
        html.Append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>").Append(E(title)).Append("</title>\n<style>")
            .Append("body{font-family:system-ui,sans-serif;margin:24px;color:#222}table{border-collapse:collapse;margin:8px 0 24px}")
            .Append("td,th{border:1px solid #ccc;padding:4px 10px;text-align:right}th{background:#f4f4f4}td:first-child,th:first-child{text-align:left}")
            .Append("svg{border:1px solid #ddd;background:#fff}.legend span{display:inline-block;margin-right:14px}")
            .Append("</style></head><body>\n<h1>").Append(E(title)).Append("</h1>\n");

        var regionsPerLabel = new SortedDictionary<string, int>(StringComparer.Ordinal);
        foreach (var label in ranges.SelectMany(r => r.Labels.Distinct(StringComparer.Ordinal)))
        {
            regionsPerLabel[label] = regionsPerLabel.GetValueOrDefault(label) + 1;
        }

        html.Append("<h2>Regions per label</h2>\n<table><tr><th>label</th><th>regions</th><th>anomaly</th></tr>\n");
        foreach (var (label, regions) in regionsPerLabel)
        {
            html.Append("<tr><td><span style=\"color:").Append(LabelColor(label, options)).Append("\">&#9632;</span> ").Append(E(label))
                .Append("</td><td>").Append(regions).Append("</td><td>")
                .Append(options.AnomalyLabels.Contains(label) ? "yes" : "no").Append("</td></tr>\n");
        }

        html.Append("</table>\n<h2>Series</h2>\n<table><tr><th>series</th><th>regions</th><th>annotations</th></tr>\n");
        foreach (var file in options.Dataset.Files.Select(Path.GetFileName))
        {
            var mine = rangesOf(file!);
            html.Append("<tr><td>").Append(E(file!)).Append("</td><td>").Append(mine.Count).Append("</td><td>")
                .Append(mine.Select(r => r.AnnotationId).Distinct().Count()).Append("</td></tr>\n");
        }

        html.Append("</table>\n");
        AppendQualityTables(html, quality);

        // Written chart by chart, so memory does not grow with the number of series.
        using var writer = new StreamWriter(path, false, new UTF8Encoding(false), 1 << 13);
        foreach (var file in options.Dataset.Files)
        {
            var name = Path.GetFileName(file);
            html.Append("<h3>").Append(E(name)).Append("</h3>\n");
            AppendChart(html, file, options, rangesOf(name), quality?.Overlays.GetValueOrDefault(name));
            writer.Write(html);
            html.Clear();
        }

        html.Append("<p class=\"legend\">Shaded: labeled ranges (both ends inclusive). Channels scaled to their own range.")
            .Append(quality is null ? string.Empty : " Strips under a chart: each model version's predicted rows (purple), and the rows where annotators disagree (orange).")
            .Append("</p>\n</body></html>\n");
        writer.Write(html);
    }

    private static void AppendQualityTables(StringBuilder html, QualityReport? quality)
    {
        if (quality is null)
        {
            return;
        }

        if (quality.MultiplyLabeledTasks > 0)
        {
            html.Append("<h2>Annotator agreement</h2>\n<p>").Append(quality.MultiplyLabeledTasks).Append(" tasks labeled by two or more annotators; mean point F1 ")
                .Append(Cell(quality.MeanPointF1)).Append("; Krippendorff's alpha ")
                .Append(E(string.Join(", ", quality.AlphaPerLabel.Select(a => $"{a.Key} {Cell(a.Value)}")))).Append(".</p>\n");
            AppendCsvTable(html, QualityReport.RenderAgreementCsv(quality.Agreement));
        }

        if (quality.Detector.Count > 0)
        {
            html.Append("<h2>Detector against the expert labels</h2>\n");
            AppendCsvTable(html, QualityReport.RenderDetectorCsv(quality.Detector));
        }
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

    private static void AppendChart(StringBuilder html, string file, SnapshotOptions options, IReadOnlyList<LabeledRange> ranges, SeriesOverlay? overlay = null)
    {
        var schema = options.Schema;
        var timeIndex = schema.Columns.ToList().IndexOf(schema.TimeColumn);
        var channelIndexes = schema.Columns.Select((c, i) => (c, i)).Where(x => schema.Channels.Contains(x.c)).Select(x => x.i).ToArray();

        // Two streaming passes keep memory independent of the series length: count the rows, then keep only the
        // minimum and maximum of each channel per pixel bucket (which also keeps spikes that plain striding would skip).
        var rows = File.ReadLines(file).Skip(1).LongCount(l => l.Length > 0);
        if (rows == 0)
        {
            return;
        }

        var perBucket = Math.Max(1L, (rows + Buckets - 1) / Buckets);
        var points = channelIndexes.Select(_ => new List<(double Time, double Value)>()).ToArray();
        var low = new (double Time, double Value)?[channelIndexes.Length];
        var high = new (double Time, double Value)?[channelIndexes.Length];
        var min = Enumerable.Repeat(double.PositiveInfinity, channelIndexes.Length).ToArray();
        var max = Enumerable.Repeat(double.NegativeInfinity, channelIndexes.Length).ToArray();
        string? first = null, last = null;
        double t0 = double.NaN, t1 = double.NaN;
        long row = 0;
        foreach (var line in File.ReadLines(file).Skip(1).Where(l => l.Length > 0))
        {
            var fields = Split(line, schema.Separator);
            first ??= fields[timeIndex];
            last = fields[timeIndex];
            var time = Axis(fields[timeIndex], schema.TimeFormat);
            t0 = double.IsNaN(t0) ? time : t0;
            t1 = time;
            for (var c = 0; c < channelIndexes.Length; c++)
            {
                if (!double.TryParse(fields[channelIndexes[c]], NumberStyles.Float, CultureInfo.InvariantCulture, out var v) || !double.IsFinite(v))
                {
                    continue;
                }

                min[c] = Math.Min(min[c], v);
                max[c] = Math.Max(max[c], v);
                low[c] = low[c] is { } l && l.Value <= v ? l : (time, v);
                high[c] = high[c] is { } h && h.Value >= v ? h : (time, v);
            }

            if (++row % perBucket == 0 || row == rows)
            {
                for (var c = 0; c < channelIndexes.Length; c++)
                {
                    if (low[c] is { } l && high[c] is { } h)
                    {
                        points[c].AddRange(l.Time <= h.Time ? [l, h] : [h, l]);
                    }

                    low[c] = high[c] = null;
                }
            }
        }

        t1 = Math.Max(t1, t0 + 1);
        double X(double t) => Math.Round((t - t0) / (t1 - t0) * Width, 1);
        var strips = overlay is null ? [] : overlay.Predicted.Select(p => p.Name).Distinct().Append("disagreement").ToList();
        var height = PlotHeight + (strips.Count * StripHeight);
        html.Append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").Append(Width).Append("\" height=\"").Append(height)
            .Append("\" viewBox=\"0 0 ").Append(Width).Append(' ').Append(height).Append("\">\n");
        for (var i = 0; overlay is not null && i < strips.Count; i++)
        {
            // One strip per model version, then the disagreement strip; each range at least a pixel wide.
            var y = PlotHeight + (i * StripHeight);
            var isDisagreement = i == strips.Count - 1;
            html.Append("<text x=\"2\" y=\"").Append(y + StripHeight - 3).Append("\" font-size=\"9\" fill=\"#666\">").Append(E(isDisagreement ? "annotators disagree" : strips[i])).Append("</text>\n");
            foreach (var range in isDisagreement ? overlay.Disagreement : overlay.Predicted.Where(p => p.Name == strips[i]))
            {
                var x0 = X(Bound(range.Start));
                var x1 = Math.Max(X(Bound(range.End)), x0 + 1);
                html.Append("<rect x=\"").Append(F(x0)).Append("\" y=\"").Append(y + 2).Append("\" width=\"").Append(F(x1 - x0)).Append("\" height=\"").Append(StripHeight - 4)
                    .Append("\" fill=\"").Append(isDisagreement ? "#fb8c00" : "#8e24aa").Append("\"><title>")
                    .Append(E($"{(isDisagreement ? "annotators disagree" : "predicted by " + range.Name)}: {range.Start.ToText()} – {range.End.ToText()}"))
                    .Append("</title></rect>\n");
            }
        }

        foreach (var range in ranges)
        {
            var x0 = X(Bound(range.Start));
            var x1 = Math.Max(X(Bound(range.End)), x0 + 1);
            html.Append("<rect x=\"").Append(F(x0)).Append("\" y=\"0\" width=\"").Append(F(x1 - x0)).Append("\" height=\"").Append(PlotHeight)
                .Append("\" fill=\"").Append(LabelColor(range.Labels.FirstOrDefault() ?? string.Empty, options)).Append("\" fill-opacity=\"0.25\"><title>")
                .Append(E($"{string.Join(", ", range.Labels)}: {range.StartRaw} – {range.EndRaw} (annotation {range.AnnotationId})"))
                .Append("</title></rect>\n");
        }

        for (var c = 0; c < channelIndexes.Length; c++)
        {
            if (points[c].Count == 0)
            {
                continue;
            }

            double lo = min[c], span = max[c] > min[c] ? max[c] - min[c] : 1;
            double Y(double v) => Math.Round(PlotHeight - 4 - ((v - lo) / span * (PlotHeight - 8)), 1);
            html.Append("<polyline fill=\"none\" stroke-width=\"0.8\" stroke=\"")
                .Append(LabelConfigGenerator.ChannelPalette[c % LabelConfigGenerator.ChannelPalette.Count]).Append("\" points=\"");
            foreach (var (time, value) in points[c])
            {
                html.Append(F(X(time))).Append(',').Append(F(Y(value))).Append(' ');
            }

            html.Append("\"><title>").Append(E(schema.Columns[channelIndexes[c]])).Append("</title></polyline>\n");
        }

        html.Append("</svg>\n<p>").Append(E(first!)).Append(" → ").Append(E(last!)).Append(" · ").Append(rows)
            .Append(" rows · ").Append(channelIndexes.Length).Append(" channels</p>\n");
    }

    private static double Bound(RangeBound bound) => bound.Time is { } t ? t.ToUnixTimeMilliseconds() / 1000.0 : bound.Number!.Value;

    private static double Axis(string text, TimeFormat? format) =>
        format is not null && format.TryParse(text, out var time)
            ? time.ToUnixTimeMilliseconds() / 1000.0
            : double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var n) ? n : double.NaN;

    private static string LabelColor(string label, SnapshotOptions options) =>
        options.AnomalyLabels.Contains(label) ? "#e53935" : "#1e88e5";

    private static string[] Split(string line, char separator) =>
        line.Contains('"') ? Enumerable.Range(0, line.Count(ch => ch == separator) + 1).Select(i => DenseLabels.Field(line, separator, i)).ToArray() : line.Split(separator);

    private static string F(double value) => value.ToString("0.#", CultureInfo.InvariantCulture);

    private static string E(string text) => WebUtility.HtmlEncode(text);
}
