using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using System.Text.RegularExpressions;
using LabelPipeline.Datasets;
using LabelPipeline.Export;
using LabelPipeline.Quality;
using LabelPipeline.TimeSeries;

namespace LabelPipeline.Tests.Export;

/// <summary>
/// report.html's chart as Chromium draws it: the chart is rendered with a margin around it (its viewBox widened), so
/// whatever the page would draw outside the plot shows up as pixels there instead of being clipped away unseen. The
/// channel lines must stay inside the plot, the shaded ranges inside the chart, and a one-row spike must reach the top.
/// Skips without Chromium, unless LABELPIPELINE_REQUIRE_BROWSER=1 (CI), then fails.
/// </summary>
public sealed class ReportPixelTests : IDisposable
{
    private const int Margin = 50;
    private const int Width = 1100;
    private const int PlotHeight = 220;
    private static readonly DateTime Origin = new(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc);
    private static readonly string[] Chromiums = ["/usr/bin/chromium", "/usr/lib/chromium/chromium", "/usr/bin/chromium-browser"];
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [SkippableFact]
    public async Task The_lines_stay_in_the_plot_the_shading_in_the_chart_and_a_spike_reaches_the_top()
    {
        var svg = Chart();
        var height = int.Parse(Regex.Match(svg, "height=\"(\\d+)\"").Groups[1].Value, CultureInfo.InvariantCulture);

        var lines = await RenderAsync(Only(svg, lines: true), height);
        Assert.Empty(Outside(lines, Width, PlotHeight));
        Assert.True(Inked(lines).Count() > 2_000, "the channel lines are drawn");

        // Channel a alone: its one row of 9999, among 100,000 rows of at most 10, reaches the top of the plot.
        var a = await RenderAsync(Regex.Replace(Only(svg, lines: true), "<path fill=\"none\"[^>]*><title>b</title></path>\n?", string.Empty), height);
        Assert.Contains(Inked(a), p => p.Y <= Margin + 5);
        Assert.DoesNotContain(Inked(a), p => p.Y is > Margin + 5 and < Margin + 200 && p.X < Margin + 600); // nothing else high before the spike

        var shapes = await RenderAsync(Only(svg, lines: false), height);
        Assert.Empty(Outside(shapes, Width, height));
        Assert.Contains(Inked(shapes), p => p.X <= Margin + 1); // the region before the series starts, cut at its start
    }

    [SkippableFact]
    public async Task A_line_drawn_past_the_plot_is_seen()
    {
        var svg = Chart();
        var height = int.Parse(Regex.Match(svg, "height=\"(\\d+)\"").Groups[1].Value, CultureInfo.InvariantCulture);
        var doctored = Only(svg, lines: true).Replace("</svg>", "<path fill=\"none\" stroke=\"#1f77b4\" d=\"M1000 100l130 0\"></path></svg>", StringComparison.Ordinal);
        var outside = Outside(await RenderAsync(doctored, height), Width, PlotHeight);
        Assert.NotEmpty(outside);
        Assert.All(outside, p => Assert.InRange(p.X, Margin + Width, Margin + 1130 + 1));
    }

    /// <summary>
    /// One chart of a 100,000-row series (a spike, blank values, regions past both ends), as the report draws it: the
    /// same page whether the report reads the series itself or the dense pass gathered its chart (as a snapshot of at
    /// most 50 series does).
    /// </summary>
    private string Chart()
    {
        var rows = new List<string> { "time,a,b" };
        var random = new Random(5);
        for (var i = 0; i < 100_000; i++)
        {
            var a = i == 61_234 ? "9999" : (random.NextDouble() * 10).ToString("0.###", CultureInfo.InvariantCulture);
            rows.Add($"{T(i)},{a},{(i % 10 == 0 ? string.Empty : "-" + (i % 13))}");
        }

        var file = _temp.Write("ds/v1/s.csv", string.Join("\n", rows) + "\n");
        var dataset = LabelPipeline.Datasets.Dataset.Open("ds", "v1", Path.GetDirectoryName(file)!);
        var options = new SnapshotOptions
        {
            Dataset = dataset,
            Schema = DatasetInspector.Inspect(dataset).Schema,
            LabelConfig = string.Empty,
            AnomalyLabels = new HashSet<string> { "Anomaly" },
            Source = new SnapshotSource("export-file", null, null, null, null),
        };
        LabeledRange[] regions = [Region(-500, 10, "Anomaly"), Region(500, 900, "Normal"), Region(99_990, 200_000, "Anomaly")];
        var overlay = new SeriesOverlay([new OverlayRange("det", At(-100), At(20))], [new OverlayRange("disagreement", At(99_000), At(400_000))]);
        var quality = new QualityReport(0, [], new Dictionary<string, double?>(), [], new Dictionary<string, SeriesOverlay> { ["s.csv"] = overlay });
        var report = Path.Combine(_temp.Path, "report.html");
        HtmlReport.Write(report, options, _ => regions, quality);

        var gathered = HtmlReport.BeginEnvelope(options.Schema);
        DenseLabels.Write(file, options.Schema, [], options.AnomalyLabels, Path.Combine(_temp.Path, "dense.csv"), chart: gathered);
        var fromDensePass = Path.Combine(_temp.Path, "report-gathered.html");
        HtmlReport.Write(fromDensePass, options, _ => regions, quality, new Dictionary<string, SeriesEnvelope> { ["s.csv"] = gathered });
        Assert.Equal(File.ReadAllText(report), File.ReadAllText(fromDensePass));
        return Regex.Match(File.ReadAllText(report), "<svg .*?</svg>", RegexOptions.Singleline).Value;
    }

    /// <summary>The chart with only its channel lines, or only its shapes (shaded ranges and strips; labels dropped).</summary>
    private static string Only(string svg, bool lines)
    {
        svg = Regex.Replace(svg, "<text [^>]*>[^<]*</text>\n?", string.Empty);
        return lines
            ? Regex.Replace(svg, "<(rect|path d=)[^>]*>.*?</(rect|path)>\n?", string.Empty)
            : Regex.Replace(svg, "<path fill=\"none\"[^>]*>.*?</path>\n?", string.Empty);
    }

    /// <summary>Chromium's screenshot of the chart, its viewBox widened by <see cref="Margin"/> on every side (one unit a pixel).</summary>
    private async Task<Image> RenderAsync(string svg, int height)
    {
        var chromium = Chromiums.FirstOrDefault(File.Exists);
        if (chromium is null)
        {
            Skip.If(Environment.GetEnvironmentVariable("LABELPIPELINE_REQUIRE_BROWSER") != "1", $"Chromium is missing (none of {string.Join(", ", Chromiums)}).");
            throw new InvalidOperationException($"LABELPIPELINE_REQUIRE_BROWSER=1, but Chromium is missing (none of {string.Join(", ", Chromiums)}).");
        }

        var (w, h) = (Width + (2 * Margin), height + (2 * Margin));
        var widened = Regex.Replace(svg, "<svg [^>]*>", $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{h}\" viewBox=\"{-Margin} {-Margin} {w} {h}\">");
        var page = _temp.Write($"page-{Guid.NewGuid():N}.html", $"<!DOCTYPE html><html><head><style>html,body{{margin:0;background:#fff}}svg{{display:block}}</style></head><body>{widened}</body></html>");
        var png = Path.ChangeExtension(page, ".png");
        var start = new ProcessStartInfo(chromium);
        foreach (var argument in new[]
                 {
                     "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--force-device-scale-factor=1", $"--user-data-dir={Path.Combine(_temp.Path, "profile")}",
                     $"--window-size={w},{h}", $"--screenshot={png}", new Uri(page).AbsoluteUri,
                 })
        {
            start.ArgumentList.Add(argument);
        }

        var run = await ChildProcess.RunAsync(start, TimeSpan.FromMinutes(3));
        Assert.True(File.Exists(png), $"Chromium wrote no screenshot (exit {run.ExitCode}): {run.Output}");
        return Image.Decode(await File.ReadAllBytesAsync(png));
    }

    /// <summary>Every pixel that is not white.</summary>
    private static IEnumerable<(int X, int Y)> Inked(Image image)
    {
        for (var y = 0; y < image.Height; y++)
        {
            for (var x = 0; x < image.Width; x++)
            {
                if (image.Red(x, y) < 250 || image.Green(x, y) < 250 || image.Blue(x, y) < 250)
                {
                    yield return (x, y);
                }
            }
        }
    }

    /// <summary>Inked pixels outside the box (0, 0)–(width, height) of the chart, a pixel of anti-aliasing allowed.</summary>
    private static List<(int X, int Y)> Outside(Image image, int width, int height) =>
        Inked(image).Where(p => p.X < Margin - 1 || p.X > Margin + width || p.Y < Margin - 1 || p.Y > Margin + height).ToList();

    private static string T(long minute) => Origin.AddMinutes(minute).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);

    private static RangeBound At(long minute) => RangeBound.At(new DateTimeOffset(Origin.AddMinutes(minute)));

    private static LabeledRange Region(long from, long to, string label) => new()
    {
        TaskId = 1, SeriesFile = "s.csv", RegionId = $"r{from}", AnnotationId = 1, Start = At(from), End = At(to),
        StartRaw = T(from), EndRaw = T(to), Instant = false, Labels = [label], Annotator = "a",
    };

    /// <summary>An 8-bit RGB or RGBA, non-interlaced PNG (what Chromium's screenshot writes), decoded.</summary>
    private sealed class Image(int width, int height, int channels, byte[] pixels)
    {
        public int Width => width;

        public int Height => height;

        public byte Red(int x, int y) => pixels[(((y * width) + x) * channels) + 0];

        public byte Green(int x, int y) => pixels[(((y * width) + x) * channels) + 1];

        public byte Blue(int x, int y) => pixels[(((y * width) + x) * channels) + 2];

        public static Image Decode(byte[] png)
        {
            int width = 0, height = 0, channels = 0;
            using var compressed = new MemoryStream();
            for (var at = 8; at < png.Length;)
            {
                var length = (png[at] << 24) | (png[at + 1] << 16) | (png[at + 2] << 8) | png[at + 3];
                var type = System.Text.Encoding.ASCII.GetString(png, at + 4, 4);
                var data = png.AsSpan(at + 8, length);
                if (type == "IHDR")
                {
                    width = (data[0] << 24) | (data[1] << 16) | (data[2] << 8) | data[3];
                    height = (data[4] << 24) | (data[5] << 16) | (data[6] << 8) | data[7];
                    Assert.True(data[8] == 8 && data[9] is 2 or 6 && data[12] == 0, "an 8-bit RGB(A), non-interlaced PNG");
                    channels = data[9] == 6 ? 4 : 3;
                }
                else if (type == "IDAT")
                {
                    compressed.Write(data);
                }

                at += 12 + length;
            }

            compressed.Position = 0;
            using var inflated = new MemoryStream();
            using (var zlib = new ZLibStream(compressed, CompressionMode.Decompress))
            {
                zlib.CopyTo(inflated);
            }

            var raw = inflated.ToArray();
            var stride = width * channels;
            var pixels = new byte[height * stride];
            for (var y = 0; y < height; y++)
            {
                var filter = raw[y * (stride + 1)];
                for (var i = 0; i < stride; i++)
                {
                    int a = i >= channels ? pixels[(y * stride) + i - channels] : 0, b = y > 0 ? pixels[((y - 1) * stride) + i] : 0;
                    int c = i >= channels && y > 0 ? pixels[((y - 1) * stride) + i - channels] : 0;
                    var predictor = filter switch
                    {
                        0 => 0,
                        1 => a,
                        2 => b,
                        3 => (a + b) / 2,
                        4 => Paeth(a, b, c),
                        _ => throw new InvalidDataException($"PNG filter {filter}"),
                    };
                    pixels[(y * stride) + i] = (byte)(raw[(y * (stride + 1)) + 1 + i] + predictor);
                }
            }

            return new Image(width, height, channels, pixels);
        }

        private static int Paeth(int a, int b, int c)
        {
            int p = a + b - c, pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
            return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
        }
    }
}
