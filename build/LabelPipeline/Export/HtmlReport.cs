using System.Globalization;
using System.Net;
using System.Text;
using LabelPipeline.Datasets;
using LabelPipeline.LabelConfig;

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

    public static void Write(string path, SnapshotOptions options, IReadOnlyList<LabeledRange> ranges)
    {
        var html = new StringBuilder();
        var title = $"Labels: {options.Dataset.Name} {options.Dataset.Version}";
        html.Append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>").Append(E(title)).Append("</title>\n<style>")
            .Append("body{font-family:system-ui,sans-serif;margin:24px;color:#222}table{border-collapse:collapse;margin:8px 0 24px}")
            .Append("td,th{border:1px solid #ccc;padding:4px 10px;text-align:right}th{background:#f4f4f4}td:first-child,th:first-child{text-align:left}")
            .Append("svg{border:1px solid #ddd;background:#fff}.legend span{display:inline-block;margin-right:14px}")
            .Append("</style></head><body>\n<h1>").Append(E(title)).Append("</h1>\n");

        var labels = ranges.SelectMany(r => r.Labels).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        html.Append("<h2>Regions per label</h2>\n<table><tr><th>label</th><th>regions</th><th>anomaly</th></tr>\n");
        foreach (var label in labels)
        {
            html.Append("<tr><td><span style=\"color:").Append(LabelColor(label, options)).Append("\">&#9632;</span> ").Append(E(label))
                .Append("</td><td>").Append(ranges.Count(r => r.Labels.Contains(label))).Append("</td><td>")
                .Append(options.AnomalyLabels.Contains(label) ? "yes" : "no").Append("</td></tr>\n");
        }

        html.Append("</table>\n<h2>Series</h2>\n<table><tr><th>series</th><th>regions</th><th>annotations</th></tr>\n");
        foreach (var file in options.Dataset.Files.Select(Path.GetFileName))
        {
            var mine = ranges.Where(r => r.SeriesFile == file).ToArray();
            html.Append("<tr><td>").Append(E(file!)).Append("</td><td>").Append(mine.Length).Append("</td><td>")
                .Append(mine.Select(r => r.AnnotationId).Distinct().Count()).Append("</td></tr>\n");
        }

        html.Append("</table>\n");
        foreach (var file in options.Dataset.Files)
        {
            var name = Path.GetFileName(file);
            html.Append("<h3>").Append(E(name)).Append("</h3>\n");
            AppendChart(html, file, options, ranges.Where(r => r.SeriesFile == name).ToArray());
        }

        html.Append("<p class=\"legend\">Shaded: labeled ranges (both ends inclusive). Channels scaled to their own range.</p>\n</body></html>\n");
        File.WriteAllText(path, html.ToString(), new UTF8Encoding(false));
    }

    private static void AppendChart(StringBuilder html, string file, SnapshotOptions options, IReadOnlyList<LabeledRange> ranges)
    {
        var schema = options.Schema;
        var timeIndex = schema.Columns.ToList().IndexOf(schema.TimeColumn);
        var channelIndexes = schema.Channels.Select(c => schema.Columns.ToList().IndexOf(c)).ToArray();
        var times = new List<double>();
        string? first = null, last = null;
        var values = channelIndexes.Select(_ => new List<double>()).ToArray();
        foreach (var line in File.ReadLines(file).Skip(1).Where(l => l.Length > 0))
        {
            var fields = Split(line, schema.Separator);
            first ??= fields[timeIndex];
            last = fields[timeIndex];
            times.Add(Axis(fields[timeIndex], schema.TimeFormat));
            for (var c = 0; c < channelIndexes.Length; c++)
            {
                values[c].Add(double.TryParse(fields[channelIndexes[c]], NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : double.NaN);
            }
        }

        if (times.Count == 0)
        {
            return;
        }

        double t0 = times[0], t1 = Math.Max(times[^1], t0 + 1);
        double X(double t) => Math.Round((t - t0) / (t1 - t0) * Width, 1);
        html.Append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").Append(Width).Append("\" height=\"").Append(PlotHeight)
            .Append("\" viewBox=\"0 0 ").Append(Width).Append(' ').Append(PlotHeight).Append("\">\n");
        foreach (var range in ranges)
        {
            var x0 = X(Bound(range.Start));
            var x1 = Math.Max(X(Bound(range.End)), x0 + 1);
            html.Append("<rect x=\"").Append(F(x0)).Append("\" y=\"0\" width=\"").Append(F(x1 - x0)).Append("\" height=\"").Append(PlotHeight)
                .Append("\" fill=\"").Append(LabelColor(range.Labels.FirstOrDefault() ?? string.Empty, options)).Append("\" fill-opacity=\"0.25\"><title>")
                .Append(E($"{string.Join(", ", range.Labels)}: {range.StartRaw} – {range.EndRaw} (annotation {range.AnnotationId})"))
                .Append("</title></rect>\n");
        }

        for (var c = 0; c < values.Length; c++)
        {
            var series = values[c];
            var finite = series.Where(double.IsFinite).ToArray();
            if (finite.Length == 0)
            {
                continue;
            }

            double min = finite.Min(), max = finite.Max(), span = max > min ? max - min : 1;
            double Y(double v) => Math.Round(PlotHeight - 4 - ((v - min) / span * (PlotHeight - 8)), 1);
            html.Append("<polyline fill=\"none\" stroke-width=\"0.8\" stroke=\"")
                .Append(LabelConfigGenerator.ChannelPalette[c % LabelConfigGenerator.ChannelPalette.Count]).Append("\" points=\"");

            // Min and max of each pixel bucket, in time order, keep spikes that plain striding would skip.
            var perBucket = Math.Max(1, (int)Math.Ceiling(series.Count / (double)Buckets));
            for (var start = 0; start < series.Count; start += perBucket)
            {
                var end = Math.Min(series.Count, start + perBucket);
                int lo = -1, hi = -1;
                for (var i = start; i < end; i++)
                {
                    if (!double.IsFinite(series[i]))
                    {
                        continue;
                    }

                    lo = lo < 0 || series[i] < series[lo] ? i : lo;
                    hi = hi < 0 || series[i] > series[hi] ? i : hi;
                }

                foreach (var i in lo < 0 ? [] : lo <= hi ? new[] { lo, hi } : [hi, lo])
                {
                    html.Append(F(X(times[i]))).Append(',').Append(F(Y(series[i]))).Append(' ');
                }
            }

            html.Append("\"><title>").Append(E(schema.Channels[c])).Append("</title></polyline>\n");
        }

        html.Append("</svg>\n<p>").Append(E(first!)).Append(" → ").Append(E(last!)).Append(" · ").Append(times.Count)
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
