using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using CsCheck;
using LabelPipeline.Datasets;
using LabelPipeline.Export;
using LabelPipeline.Quality;
using LabelPipeline.TimeSeries;
using LabelPipeline.Tests.Support;

namespace LabelPipeline.Tests.Export;

/// <summary>
/// report.html at scale: which series are charted and in what order, a size that does not grow with rows or regions,
/// every drawn coordinate inside its plot, and the one-pass reduction of a series (its extremes, its numbers) held to
/// the plain way of reading it.
/// </summary>
public sealed partial class HtmlReportTests : IDisposable
{
    private const string Seed = "0000000000017";
    private const int Width = 1100;
    private const int PlotHeight = 220;
    private static readonly DateTime Origin = new(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc);
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    // ---- which series are charted ----

    [Fact]
    public void Charts_go_to_the_most_disagreement_then_the_most_regions_then_by_name()
    {
        SeriesFigures[] series =
        [
            new("quiet.csv", 0, 0, 0), new("b.csv", 10, 2, 5), new("a.csv", 10, 2, 5), new("busy.csv", 90, 1, 0),
            new("argued.csv", 3, 3, 400), new("c.csv", 11, 2, 5),
        ];
        Assert.Equal(["argued.csv", "c.csv", "a.csv", "b.csv", "busy.csv", "quiet.csv"], ChartSelection.Choose(series, 10).Select(s => s.Name));
        Assert.Equal(["argued.csv", "c.csv", "a.csv"], ChartSelection.Choose(series, 3).Select(s => s.Name));
        Assert.Empty(ChartSelection.Choose(series, 0));
    }

    [Fact]
    public void The_charted_series_are_the_top_of_the_ranking_whatever_order_they_come_in()
    {
        var figures = Gen.Select(Gen.Int[0, 5], Gen.Int[0, 3], Gen.Long[0, 3]).Array[0, 40]
            .Select(xs => xs.Select((x, i) => new SeriesFigures($"s{i % 7}-{i}.csv", x.Item1, x.Item2, x.Item3)).ToArray());
        Gen.Select(figures, Gen.Int[0, 45], Gen.Int).Sample((series, max, shuffle) =>
        {
            var chosen = ChartSelection.Choose(series, max);
            var shuffled = ChartSelection.Choose(series.OrderBy(s => HashCode.Combine(s.Name, shuffle)).ToArray(), max);
            Assert.Equal(chosen, shuffled);
            Assert.Equal(Math.Min(max, series.Length), chosen.Count);
            Assert.Equal(chosen.Count, chosen.Select(s => s.Name).Distinct().Count());

            // Each charted series ranks before the next one, and before every series left out.
            static bool Before(SeriesFigures a, SeriesFigures b) =>
                a.DisagreementRows != b.DisagreementRows ? a.DisagreementRows > b.DisagreementRows
                : a.Regions != b.Regions ? a.Regions > b.Regions
                : string.CompareOrdinal(a.Name, b.Name) < 0;
            Assert.All(chosen.Zip(chosen.Skip(1)), p => Assert.True(Before(p.First, p.Second), $"{p.First} before {p.Second}"));
            Assert.All(series.Except(chosen), left => Assert.True(chosen.Count == 0 || Before(chosen[^1], left), $"{left} left out"));
        }, seed: Seed, iter: 500, threads: 1);
    }

    [Fact]
    public void Disagreement_per_series_sums_both_directions_over_pairs_and_labels()
    {
        var quality = Quality(
            [Pair(1, "a.csv", 100, 10, 3, 4), Pair(1, "a.csv", 100, 0, 1, 0), Pair(2, "b.csv", 50, 5, 0, 0), Pair(3, "a.csv", 20, 0, 0, 2)]);
        var rows = ChartSelection.DisagreementRows(quality);
        Assert.Equal(10, rows["a.csv"]);
        Assert.Equal(0, rows["b.csv"]);
        Assert.Empty(ChartSelection.DisagreementRows(null));
    }

    [Fact]
    public void A_report_of_many_series_charts_the_chosen_ones_and_lists_every_series()
    {
        const int series = ChartSelection.MaxCharts + 25;
        var (options, _) = Series(series, rows: 20, channels: 2);
        var names = options.Dataset.Files.Select(f => Path.GetFileName(f)).ToArray();

        // Series i has i % 7 regions; three series have disagreement, the most for the last one.
        var regions = names.Select((n, i) => (n, Enumerable.Range(0, i % 7).Select(r => Region(n, r, r + 1, "Anomaly", annotation: r % 2)).ToList()))
            .ToDictionary(x => x.n, x => x.Item2);
        var quality = Quality([Pair(1, names[^1], 20, 5, 4, 4), Pair(2, names[3], 20, 5, 1, 0), Pair(3, names[10], 20, 5, 2, 0)]);
        var html = Write(options, regions, quality);

        var expected = ChartSelection.Choose(names.Select(n => new SeriesFigures(n, regions[n].Count, regions[n].Select(r => r.AnnotationId).Distinct().Count(),
            ChartSelection.DisagreementRows(quality).GetValueOrDefault(n))));
        Assert.Equal([names[^1], names[10], names[3]], expected.Take(3).Select(s => s.Name));
        var headings = ChartHeading().Matches(html).Select(m => (Number: int.Parse(m.Groups["n"].Value, CultureInfo.InvariantCulture), Name: m.Groups["name"].Value)).ToList();
        Assert.Equal(expected.Select((s, i) => (i + 1, s.Name)), headings);
        Assert.Equal(ChartSelection.MaxCharts, Regex.Count(html, "<svg "));

        // Every series has its row, in the dataset's order, linked to its chart or marked as not charted.
        var rows = SeriesRow().Matches(html).Select(m => (Name: m.Groups["name"].Value, Chart: m.Groups["chart"].Value)).ToList();
        Assert.Equal(names, rows.Select(r => r.Name));
        Assert.All(rows, r => Assert.Equal(
            headings.FirstOrDefault(h => h.Name == r.Name) is { Name: not null } h ? $"<a href=\"#chart-{h.Number}\">{h.Number}</a>" : "&ndash;", r.Chart));
        Assert.Contains($"{ChartSelection.MaxCharts} of {series} series, chosen and ordered by the most rows annotators disagree on, then the most labeled regions, ties by name. The other 25 are not charted", html);
    }

    [Fact]
    public void A_report_with_few_series_charts_them_all_without_a_left_out_line()
    {
        var (options, _) = Series(3, rows: 10, channels: 1);
        var html = Write(options, new Dictionary<string, List<LabeledRange>>());
        Assert.Equal(3, Regex.Count(html, "<svg "));
        Assert.Contains("All 3 series, ordered by the most labeled regions, ties by name.", html);
        Assert.DoesNotContain("not charted", html);
    }

    // ---- size ----

    [Fact]
    public void A_chart_does_not_grow_with_the_rows_or_the_regions()
    {
        int ChartBytes(int rows, int regionCount, int channels)
        {
            var (options, _) = Series(1, rows, channels, name: $"{rows}-{regionCount}-{channels}");
            var file = Path.GetFileName(options.Dataset.Files[0]);
            var regions = Enumerable.Range(0, regionCount).Select(r => Region(file, (long)r * rows / regionCount, ((long)r * rows / regionCount) + 3, r % 3 == 0 ? "Normal" : "Anomaly")).ToList();
            var overlay = new SeriesOverlay(
                regions.Select(r => new OverlayRange("det", r.Start, r.End)).ToList(),
                regions.Where((_, i) => i % 2 == 0).Select(r => new OverlayRange("disagreement", r.Start, r.End)).ToList());
            var html = Write(options, new() { [file] = regions }, Quality([], new() { [file] = overlay }));
            return html.LastIndexOf("</svg>", StringComparison.Ordinal) - html.IndexOf("<svg ", StringComparison.Ordinal);
        }

        var small = ChartBytes(rows: 2_000, regionCount: 50, channels: 10);
        var large = ChartBytes(rows: 300_000, regionCount: 60_000, channels: 10);
        var wide = ChartBytes(rows: 20_000, regionCount: 60_000, channels: 60);

        // The point budget (10 channels x 550 columns x 2), ranges beyond 200 a layer shaded as one shape each colour:
        // under 100 KB a chart, so the 50 charts stay under 5 MB.
        Assert.True(large < 100_000, $"a chart of 300,000 rows and 60,000 regions is {large:N0} bytes");
        Assert.True(wide < 100_000, $"a chart of 60 channels is {wide:N0} bytes");
        Assert.True(small < 100_000, $"a chart of 2,000 rows and 50 regions is {small:N0} bytes");
    }

    [Fact]
    public void The_report_grows_by_one_table_row_per_series_beyond_the_charts()
    {
        // The charted series are the same in both (the extra series have no regions, so they rank last).
        long Bytes(int series)
        {
            var (options, _) = Series(series, rows: 600, channels: 10, name: $"n{series}");
            var names = options.Dataset.Files.Select(f => Path.GetFileName(f)).ToArray();
            var regions = names.Take(ChartSelection.MaxCharts).ToDictionary(n => n, n => Enumerable.Range(0, 30).Select(r => Region(n, r * 20, (r * 20) + 5, "Anomaly")).ToList());
            return Encoding.UTF8.GetByteCount(Write(options, regions));
        }

        var (two, six) = (Bytes(2 * ChartSelection.MaxCharts), Bytes(6 * ChartSelection.MaxCharts));
        Assert.True(six - two <= 4 * ChartSelection.MaxCharts * 100, $"{2 * ChartSelection.MaxCharts} series: {two:N0} bytes, {6 * ChartSelection.MaxCharts}: {six:N0}");
        Assert.True(six < 5_000_000, $"{six:N0} bytes");
    }

    [Fact]
    public void The_agreement_table_lists_the_worst_pairs_when_there_are_too_many()
    {
        var (options, _) = Series(1, rows: 10, channels: 1);
        var file = Path.GetFileName(options.Dataset.Files[0]);
        var pairs = Enumerable.Range(1, HtmlReport.MaxAgreementRows + 50).Select(task => Pair(task, file, 100, task, 5, 0)).ToList(); // F1 grows with the task
        var html = Write(options, new(), Quality(pairs));
        var tasks = Regex.Matches(html, $"<tr><td>(?<task>\\d+)</td><td>{Regex.Escape(file)}</td>").Select(m => int.Parse(m.Groups["task"].Value, CultureInfo.InvariantCulture));
        Assert.Equal(Enumerable.Range(1, HtmlReport.MaxAgreementRows), tasks);
        Assert.Contains($"The {HtmlReport.MaxAgreementRows} pairs with the lowest point F1, of {HtmlReport.MaxAgreementRows + 50}; every pair is in quality/agreement.csv.", html);
    }

    [Fact]
    public void The_same_inputs_give_the_same_bytes()
    {
        var (options, _) = Series(4, rows: 3_000, channels: 3);
        var regions = options.Dataset.Files.Select(f => Path.GetFileName(f)).ToDictionary(n => n, n => Enumerable.Range(0, 300).Select(r => Region(n, r * 9, (r * 9) + 4, "Anomaly", annotation: r % 3)).ToList());
        Assert.Equal(Write(options, regions), Write(options, regions));
    }

    // ---- what a person sees: everything inside its plot, spikes kept ----

    [Fact]
    public void Every_drawn_coordinate_is_inside_its_plot_and_a_one_row_spike_stays_visible()
    {
        // Unsorted times, regions past both ends of the series, a single-row spike among 100,000 rows, blank values.
        var lines = new List<string> { "time,a,b" };
        var random = new Random(5);
        for (var i = 0; i < 100_000; i++)
        {
            var minute = i < 50 ? 50 - i : i; // the first rows step back in time
            var a = i == 61_234 ? "9999" : (random.NextDouble() * 10).ToString("0.###", CultureInfo.InvariantCulture);
            lines.Add($"{T(minute)},{a},{(i % 10 == 0 ? string.Empty : "-" + (i % 13))}");
        }

        // Built by hand: the inspector refuses time that steps back, but Prepare (--on-unsorted=sort) takes such a source.
        var file = _temp.Write("spike/v1/s.csv", string.Join("\n", lines) + "\n");
        var options = new SnapshotOptions
        {
            Dataset = new Dataset("spike", "v1", Path.GetDirectoryName(file)!, [file]),
            Schema = new SeriesSchema(',', ["time", "a", "b"], "time", TimeFormat.Parse("%Y-%m-%d %H:%M:%S"), ["a", "b"]),
            LabelConfig = string.Empty,
            AnomalyLabels = new HashSet<string> { "Anomaly" },
            Source = new SnapshotSource("export-file", null, null, null, null),
        };
        var regions = new List<LabeledRange> { Region("s.csv", -500, 10, "Anomaly"), Region("s.csv", 99_990, 200_000, "Normal"), Region("s.csv", 300_000, 300_010, "Anomaly"), Region("s.csv", 500, 900, "Anomaly") };
        var overlay = new SeriesOverlay([new OverlayRange("det", At(-100), At(20))], [new OverlayRange("disagreement", At(99_000), At(400_000))]);
        var html = Write(options, new() { ["s.csv"] = regions }, Quality([], new() { ["s.csv"] = overlay }));

        Assert.Empty(OutsideThePlot(html));
        var spike = Line(Regex.Match(html, "d=\"(?<d>[^\"]*)\"><title>a</title>").Groups["d"].Value);
        Assert.Equal(4, spike.Min(p => p.Y)); // the top of the plot: the one row of 9999
        Assert.Equal(1, spike.Count(p => p.Y < 100));
        Assert.Equal(3, Regex.Count(html, "<rect [^>]*height=\"220\"")); // the region after the series labels nothing and is not drawn
        Assert.Contains("2024-01-01 00:50:00 → 2024-03-10 10:39:00 · 100000 rows", html); // the first and the last row
    }

    [Fact]
    public void The_plot_check_finds_a_point_or_a_shape_outside_the_plot()
    {
        const string Svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"1100\" height=\"234\" viewBox=\"0 0 1100 234\">\n{0}</svg>\n";
        Assert.Empty(OutsideThePlot(string.Format(CultureInfo.InvariantCulture, Svg, "<path fill=\"none\" d=\"M0 4l1100 212-3-2\"></path><rect x=\"3\" y=\"222\" width=\"5\" height=\"10\"></rect>")));
        Assert.NotEmpty(OutsideThePlot(string.Format(CultureInfo.InvariantCulture, Svg, "<path fill=\"none\" d=\"M0 4l1100 212 1-3\"></path>")));
        Assert.NotEmpty(OutsideThePlot(string.Format(CultureInfo.InvariantCulture, Svg, "<path fill=\"none\" d=\"M0 4l10 200 5 19\"></path>")));
        Assert.NotEmpty(OutsideThePlot(string.Format(CultureInfo.InvariantCulture, Svg, "<rect x=\"-3\" y=\"0\" width=\"5\" height=\"220\"></rect>")));
        Assert.NotEmpty(OutsideThePlot(string.Format(CultureInfo.InvariantCulture, Svg, "<path d=\"M1090 0H1104V220H1090Z\"></path>")));
    }

    /// <summary>Every coordinate drawn outside its place: lines within the plot band, shapes within the chart and across its width.</summary>
    private static List<string> OutsideThePlot(string html)
    {
        var outside = new List<string>();
        foreach (Match svg in Regex.Matches(html, "<svg [^>]*height=\"(?<h>\\d+)\"[^>]*>(?<body>.*?)</svg>", RegexOptions.Singleline))
        {
            var height = double.Parse(svg.Groups["h"].Value, CultureInfo.InvariantCulture);
            var body = svg.Groups["body"].Value;
            foreach (Match line in Regex.Matches(body, "<path fill=\"none\" [^>]*d=\"(?<d>[^\"]*)\""))
            {
                outside.AddRange(Line(line.Groups["d"].Value).Where(p => p.X is < 0 or > Width || p.Y is < 0 or > PlotHeight).Select(p => $"line point {p}"));
            }

            foreach (Match rect in Regex.Matches(body, "<rect x=\"(?<x>[-\\d.]+)\" y=\"(?<y>[-\\d.]+)\" width=\"(?<w>[-\\d.]+)\" height=\"(?<h>[-\\d.]+)\""))
            {
                var (x, y, w, h) = (Num(rect, "x"), Num(rect, "y"), Num(rect, "w"), Num(rect, "h"));
                if (x < 0 || w <= 0 || x + w > Width || y < 0 || y + h > height || (y < PlotHeight && y + h > PlotHeight))
                {
                    outside.Add(rect.Value);
                }
            }

            foreach (Match path in Regex.Matches(body, "<path d=\"(?<d>[^\"]*)\""))
            {
                foreach (Match shape in Regex.Matches(path.Groups["d"].Value, "M(?<x>[-\\d.]+) (?<y>[-\\d.]+)H(?<x1>[-\\d.]+)V(?<y1>[-\\d.]+)H[-\\d.]+Z"))
                {
                    var (x, y, x1, y1) = (Num(shape, "x"), Num(shape, "y"), Num(shape, "x1"), Num(shape, "y1"));
                    if (x < 0 || x1 > Width || x1 <= x || y < 0 || y1 > height)
                    {
                        outside.Add(shape.Value);
                    }
                }
            }
        }

        return outside;
    }

    /// <summary>A channel's line: "M x y" then relative steps "l dx dy dx dy ...", as absolute points.</summary>
    private static List<(int X, int Y)> Line(string d)
    {
        var numbers = Regex.Matches(d, "-?\\d+").Select(m => int.Parse(m.Value, CultureInfo.InvariantCulture)).ToArray();
        Assert.Matches("^M-?\\d+ -?\\d+(l-?\\d+( ?-?\\d+)*)?$", d);
        var points = new List<(int X, int Y)> { (numbers[0], numbers[1]) };
        for (var i = 2; i + 1 < numbers.Length; i += 2)
        {
            points.Add((points[^1].X + numbers[i], points[^1].Y + numbers[i + 1]));
        }

        return points;
    }

    private static double Num(Match m, string group) => double.Parse(m.Groups[group].Value, CultureInfo.InvariantCulture);

    // ---- one pass over a series ----

    [Fact]
    public void The_one_pass_keeps_every_channel_s_extremes_and_only_real_samples()
    {
        // Rows: a time (minutes, possibly out of order) and two channels (a number, blank, or quoted).
        var rows = Gen.Select(Gen.Int[0, 500], Gen.Int[-1000, 1000].Array[2], Gen.Int[0, 9].Array[2]).Array[1, 120];
        Gen.Select(rows, Gen.Int[1, 12], Gen.Int[1, 30], Gen.Bool).Sample((sample, slotPairs, columns, crlf) =>
        {
            var values = sample.Select(r => r.Item2.Select((v, c) => r.Item3[c] == 0 ? (double?)null : v / 8.0).ToArray()).ToArray();
            var text = new StringBuilder("time,a,b").Append(crlf ? "\r\n" : "\n");
            for (var i = 0; i < sample.Length; i++)
            {
                var fields = values[i].Select((v, c) => v is null ? string.Empty : sample[i].Item3[c] == 1 ? $"\"{v.Value.ToString(CultureInfo.InvariantCulture)}\"" : v.Value.ToString(CultureInfo.InvariantCulture));
                text.Append(T(sample[i].Item1)).Append(',').AppendJoin(',', fields).Append(crlf ? "\r\n" : "\n");
                if (i % 17 == 3)
                {
                    text.Append(crlf ? "\r\n" : "\n"); // a blank line
                }
            }

            var file = Path.Combine(_temp.Path, "one-pass.csv");
            File.WriteAllText(file, text.ToString());
            var schema = new SeriesSchema(',', ["time", "a", "b"], "time", TimeFormat.Parse("%Y-%m-%d %H:%M:%S"), ["a", "b"]);
            var envelope = SeriesEnvelope.Read(file, schema, 2 * slotPairs);
            var times = sample.Select(r => SeriesEnvelope.Seconds(new DateTimeOffset(Origin.AddMinutes(r.Item1)))).ToArray();

            Assert.Equal(sample.Length, envelope.Rows);
            Assert.Equal(times.Min(), envelope.MinTime);
            Assert.Equal(times.Max(), envelope.MaxTime);
            Assert.Equal(T(sample[0].Item1), envelope.FirstTimeText);
            Assert.Equal(T(sample[^1].Item1), envelope.LastTimeText);
            for (var c = 0; c < 2; c++)
            {
                var real = Enumerable.Range(0, sample.Length).Where(i => values[i][c] is not null).Select(i => (times[i], values[i][c]!.Value)).ToList();
                var outline = envelope.Outline(c, columns);
                Assert.Equal(real.Count == 0 ? null : (real.Min(p => p.Item2), real.Max(p => p.Item2)), envelope.Range(c));
                Assert.All(outline, p => Assert.Contains(p, real));
                Assert.True(outline.Count <= 2 * columns);
                if (real.Count > 0)
                {
                    Assert.Contains(outline, p => p.Value == real.Min(r => r.Item2));
                    Assert.Contains(outline, p => p.Value == real.Max(r => r.Item2));
                }

                if (sample.Length <= 2 * slotPairs)
                {
                    // No slot merged: each column's lowest and highest sample exactly.
                    var span = times.Max() - times.Min();
                    var expected = real.GroupBy(p => span > 0 ? (int)Math.Min(columns - 1, (p.Item1 - times.Min()) / span * columns) : 0).OrderBy(g => g.Key)
                        .SelectMany(g =>
                        {
                            var low = g.OrderBy(p => p.Item2).ThenBy(p => p.Item1).First();
                            var high = g.OrderByDescending(p => p.Item2).ThenBy(p => p.Item1).First();
                            return low == high ? [low] : low.Item1 <= high.Item1 ? new[] { low, high } : [high, low];
                        });
                    Assert.Equal(expected.Select(p => p.Item2), outline.Select(p => p.Value));
                }
            }
        }, seed: Seed, iter: 300, threads: 1);
    }

    [Fact]
    public void The_dense_pass_gives_a_chart_the_envelope_its_own_read_gives()
    {
        // Rows: a time (minutes, possibly out of order; dates or plain numbers, sometimes quoted) and two channels.
        var rows = Gen.Select(Gen.Int[0, 500], Gen.Int[-1000, 1000].Array[2], Gen.Int[0, 9].Array[2], Gen.Int[0, 5]).Array[1, 120];
        Gen.Select(rows, Gen.Int[1, 12], Gen.Bool, Gen.Bool).Sample((sample, slotPairs, crlf, dates) =>
        {
            var newline = crlf ? "\r\n" : "\n";
            var text = new StringBuilder("time,a,b").Append(newline);
            for (var i = 0; i < sample.Length; i++)
            {
                var (minute, channels, kinds, timeKind) = sample[i];
                var time = dates ? T(minute) : (minute * 60.5).ToString(CultureInfo.InvariantCulture);
                var fields = channels.Select((v, c) => kinds[c] == 0 ? string.Empty : kinds[c] == 1 ? $"\"{v / 8.0}\"" : (v / 8.0).ToString(CultureInfo.InvariantCulture));
                text.Append(timeKind == 0 ? $"\"{time}\"" : time).Append(',').AppendJoin(',', fields).Append(newline);
                if (i % 13 == 5)
                {
                    text.Append(newline); // a blank line
                }
            }

            var file = Path.Combine(_temp.Path, "fused.csv");
            File.WriteAllText(file, text.ToString());
            var schema = new SeriesSchema(',', ["time", "a", "b"], "time", dates ? TimeFormat.Parse("%Y-%m-%d %H:%M:%S") : null, ["a", "b"]);
            var read = SeriesEnvelope.Read(file, schema, 2 * slotPairs);
            var given = SeriesEnvelope.Begin(schema, 2 * slotPairs);
            var dense = Path.Combine(_temp.Path, "fused-dense.csv");
            File.Delete(dense);
            DenseLabels.Write(file, schema, [], new HashSet<string> { "Anomaly" }, dense, chart: given);

            Assert.Equal((read.Rows, read.MinTime, read.MaxTime, read.FirstTimeText, read.LastTimeText), (given.Rows, given.MinTime, given.MaxTime, given.FirstTimeText, given.LastTimeText));
            for (var c = 0; c < 2; c++)
            {
                Assert.Equal(read.Range(c), given.Range(c));
                Assert.Equal(read.Outline(c, 7), given.Outline(c, 7));
            }
        }, seed: Seed, iter: 300, threads: 1);
    }

    [Theory]
    [InlineData(1, 10, true)]
    [InlineData(50, 10, true)] // 50 charts of 10 channels: about 18 MB
    [InlineData(51, 1, false)] // not every series is charted
    [InlineData(1, 1000, true)]
    [InlineData(50, 1000, false)] // 160 MB held until the report: read again instead
    public void The_dense_pass_gathers_the_charts_only_when_every_series_is_charted_and_they_fit(int series, int channels, bool gathered)
    {
        var names = Enumerable.Range(0, channels).Select(c => $"c{c}").ToArray();
        var schema = new SeriesSchema(',', ["time", .. names], "time", TimeFormat.Parse("%Y-%m-%d %H:%M:%S"), names);
        Assert.Equal(gathered, HtmlReport.GatherAllCharts(series, schema));
    }

    [Fact]
    public void Numbers_are_read_as_the_general_parser_reads_them()
    {
        var doubles = Gen.Double.Select(d => new[] { d.ToString("R", CultureInfo.InvariantCulture), d.ToString("E3", CultureInfo.InvariantCulture), d.ToString("0.######", CultureInfo.InvariantCulture) });
        var decimals = Gen.Select(Gen.Long[-99_999_999_999, 99_999_999_999], Gen.Int[0, 25], Gen.Int[-30, 30])
            .Select((m, point, exponent) => new[] { m.ToString(CultureInfo.InvariantCulture).Insert(Math.Min(point, m.ToString(CultureInfo.InvariantCulture).Length), "."), $"{m}e{exponent}", $"{m}E+{exponent}", $"0.{Math.Abs(m)}" });
        string[] unusual = ["", ".", "-", "+", "1e", "e5", "1.2.3", " 4.5", "4.5 ", "NaN", "Infinity", "-0", "+7", "1,5", "12345678901234567890", "0.00000000000000000000001", "1e400", "٣", "9007199254740993", "9007199254740992", "-.5", "5.", "1e-22", "1e23"];
        var odd = Gen.Int[0, unusual.Length - 1].Select(i => new[] { unusual[i] });
        Gen.OneOf(doubles, decimals, odd).Sample(texts =>
        {
            foreach (var text in texts)
            {
                var expected = double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var reference);
                Assert.Equal(expected, SeriesEnvelope.TryParseNumber(Encoding.UTF8.GetBytes(text), out var value));
                Assert.True(!expected || BitConverter.DoubleToInt64Bits(reference) == BitConverter.DoubleToInt64Bits(value), $"'{text}': {value:R}, the general parser {reference:R}");
            }
        }, seed: Seed, iter: 20_000, threads: 1);
    }

    // ---- helpers ----

    private static string T(long minute) => Origin.AddMinutes(minute).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);

    private static RangeBound At(long minute) => RangeBound.At(new DateTimeOffset(Origin.AddMinutes(minute)));

    private static LabeledRange Region(string series, long from, long to, string label, int annotation = 1) => new()
    {
        TaskId = 1, SeriesFile = series, RegionId = $"r{from}-{to}", AnnotationId = annotation, Start = At(from), End = At(to),
        StartRaw = T(from), EndRaw = T(to), Instant = false, Labels = [label], Annotator = "a",
    };

    private static AgreementRow Pair(int task, string series, long rows, long both, long onlyA, long onlyB) =>
        new(task, series, "Anomaly", "alice", "bob", new PairScores(rows, both, onlyA, onlyB));

    private static QualityReport Quality(IReadOnlyList<AgreementRow> pairs, Dictionary<string, SeriesOverlay>? overlays = null) =>
        new(pairs.Count == 0 ? 0 : pairs.Select(p => p.TaskId).Distinct().Count(), pairs, new Dictionary<string, double?> { ["Anomaly"] = 0.5 }, [], overlays ?? []);

    /// <summary>A dataset of <paramref name="series"/> files (one row a minute, channels c0..), its options.</summary>
    private (SnapshotOptions Options, string Directory) Series(int series, int rows, int channels, string name = "ds")
    {
        var header = "time," + string.Join(',', Enumerable.Range(0, channels).Select(c => $"c{c}"));
        for (var s = 0; s < series; s++)
        {
            var text = new StringBuilder(header).Append('\n');
            for (var r = 0; r < rows; r++)
            {
                text.Append(T(r));
                for (var c = 0; c < channels; c++)
                {
                    text.Append(',').Append((((r * (c + 3)) + s) % 97 / 4.0).ToString(CultureInfo.InvariantCulture));
                }

                text.Append('\n');
            }

            _temp.Write($"{name}/v1/s{s:D4}.csv", text.ToString());
        }

        return (Options(name), Path.Combine(_temp.Path, name, "v1"));
    }

    private SnapshotOptions Options(string name)
    {
        var dataset = LabelPipeline.Datasets.Dataset.Open(name, "v1", Path.Combine(_temp.Path, name, "v1"));
        return new SnapshotOptions
        {
            Dataset = dataset,
            Schema = DatasetInspector.Inspect(dataset).Schema,
            LabelConfig = string.Empty,
            AnomalyLabels = new HashSet<string> { "Anomaly" },
            Source = new SnapshotSource("export-file", null, null, null, null),
        };
    }

    private string Write(SnapshotOptions options, Dictionary<string, List<LabeledRange>> regions, QualityReport? quality = null)
    {
        var path = Path.Combine(_temp.Path, $"report-{Guid.NewGuid():N}.html");
        HtmlReport.Write(path, options, name => regions.GetValueOrDefault(name) ?? [], quality);
        return File.ReadAllText(path);
    }

    [GeneratedRegex("<h3 id=\"chart-(?<n>\\d+)\">\\k<n>\\. (?<name>[^<]+)</h3>")]
    private static partial Regex ChartHeading();

    [GeneratedRegex("<tr><td>(?<name>s\\d+\\.csv)</td><td>\\d+</td><td>\\d+</td>(?:<td>\\d+</td>)?<td>(?<chart>[^\\n]*)</td></tr>")]
    private static partial Regex SeriesRow();
}
