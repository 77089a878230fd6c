using System.Globalization;
using CsCheck;
using LabelPipeline.Datasets;
using LabelPipeline.Export;
using LabelPipeline.Prepare;
using LabelPipeline.TimeSeries;
using Xunit.Abstractions;

namespace LabelPipeline.Tests.Properties;

/// <summary>
/// Window mapping: a series cut into windows of any size and overlap (UTC or a zone), and a region on any source rows
/// drawn the way an annotator can draw it on each window it crosses (a drag ends one point before a window's last):
/// the pieces map back to one range on exactly the source rows, whatever order they come in, and two annotators'
/// regions are never merged with each other.
/// </summary>
public sealed class WindowMappingProperties(ITestOutputHelper output)
{
    private static readonly DateTime T0 = new(2024, 1, 10, 0, 0, 0, DateTimeKind.Utc);

    public sealed record Case(int Rows, int RowsPerTask, int Overlap, bool Zoned, (int A, int B)[] Regions, int Shuffle)
    {
        public override string ToString() => $"{Rows} rows, {RowsPerTask} per task, overlap {Overlap}, zoned {Zoned}, regions {string.Join(" ", Regions.Select(r => $"[{r.A},{r.B}]"))}, shuffle {Shuffle}";
    }

    private static readonly Gen<Case> Cases =
        from rows in Gen.Int[4, 150]
        from perTask in Gen.Int[3, 40]
        from overlap in Gen.Int[0, perTask - 2]
        from zoned in Gen.Bool
        from regions in Gen.Select(Gen.Int[0, rows - 1], Gen.Int[0, rows - 1]).Select(p => (Math.Min(p.Item1, p.Item2), Math.Max(p.Item1, p.Item2))).Array[1, 2]
        from shuffle in Gen.Int[0, 1000]
        select new Case(rows, perTask, overlap, zoned, regions, shuffle);

    [Fact]
    public void A_region_on_any_windows_maps_back_to_the_same_source_rows_in_any_order()
    {
        var acrossWindows = 0;
        PropertyCheck.ForAll(Cases, c =>
        {
            using var temp = new TempDirectory();
            var folder = Path.Combine(temp.Path, "ds", "v1");
            temp.Write("ds/v1/s.csv", "time,v\n" + string.Concat(Enumerable.Range(0, c.Rows).Select(i => $"{T0.AddMinutes(i):yyyy-MM-dd HH:mm:ss},{i}\n")));
            var options = new PrepareOptions
            {
                MaxPointsPerTask = c.RowsPerTask,
                WindowOverlap = c.Overlap,
                TimeZone = c.Zoned ? PrepareOptions.ParseTimeZone("Europe/Berlin") : null,
            };
            var prepared = Path.Combine(temp.Path, "prepared");
            var manifest = DatasetPreparer.Run(Dataset.Open("ds", "v1", folder), options, prepared, CancellationToken.None).Manifest;
            var windows = manifest.Sources.Single().Tasks;
            var format = TimeFormat.Parse(manifest.Schema.TimeFormat!);

            // Each window's rows: the source row index (line - 2) and the task file's time (UTC) of each.
            var rowsOf = windows.Select(w => File.ReadLines(Path.Combine(prepared, w.File)).Skip(1)
                .Select((line, i) => (Row: (int)w.FirstLine - 2 + i, Time: Bound(format, line.Split(',')[0]))).ToArray()).ToArray();

            var pieces = new List<LabeledRange>();
            var expected = new List<(string Annotator, int A, int B)>();
            foreach (var (region, index) in c.Regions.Select((r, i) => (r, i)))
            {
                var annotator = $"annotator{index}";
                var drawn = new List<(int Window, int S, int E)>();
                for (var w = 0; w < windows.Count; w++)
                {
                    var (first, last) = (rowsOf[w][0].Row, rowsOf[w][^1].Row);
                    var (s, e) = (Math.Max(region.A, first), Math.Min(region.B, last));
                    if (region.B > last && w < windows.Count - 1)
                    {
                        e = Math.Min(e, last - 1); // a drag onto a window's very last point gives NaN: it reaches one before
                    }

                    if (s <= e)
                    {
                        drawn.Add((w, s, e));
                    }
                }

                if (drawn.Count == 0 || drawn.Min(d => d.S) != region.A || drawn.Max(d => d.E) != region.B)
                {
                    continue; // a row no drag can reach (the last of a window without overlap): not drawable as one region
                }

                expected.Add((annotator, region.A, region.B));
                acrossWindows += drawn.Count > 1 ? 1 : 0;
                pieces.AddRange(drawn.Select(d => Piece(windows[d.Window].File, annotator, index, rowsOf[d.Window], d.S, d.E)));
            }

            var shuffled = pieces.OrderBy(p => (p.RegionId.GetHashCode(StringComparison.Ordinal) ^ c.Shuffle) & 0xffff).ThenBy(p => p.RegionId, StringComparer.Ordinal).ToList();
            var mapped = WindowMapping.Apply(shuffled, manifest);
            Assert.Equal(Describe(WindowMapping.Apply(pieces, manifest)), Describe(mapped));
            Assert.Equal(
                expected.OrderBy(e => e.Annotator, StringComparer.Ordinal).Select(e => $"{e.Annotator} {SourceTime(e.A)}..{SourceTime(e.B)}"),
                mapped.OrderBy(r => r.Annotator, StringComparer.Ordinal).Select(r => $"{r.Annotator} {r.Start.ToText()}..{r.End.ToText()}"));
            Assert.All(mapped, r => Assert.Equal("s.csv", r.SeriesFile));
        }, output, cases: 80);
        output.WriteLine($"{acrossWindows} regions crossed a window boundary");
        Assert.True(acrossWindows >= 20, $"only {acrossWindows} regions crossed a window boundary: the generator no longer tests merging");
    }

    private static RangeBound Bound(TimeFormat format, string text) =>
        format.TryParse(text, out var t) ? RangeBound.At(t) : throw new InvalidOperationException(text);

    /// <summary>A source row's time as the source wrote it (the snapshot's time base), as a bound's text.</summary>
    private static string SourceTime(int row) => RangeBound.At(new DateTimeOffset(T0.AddMinutes(row))).ToText();

    private static IEnumerable<string> Describe(IEnumerable<LabeledRange> ranges) =>
        ranges.Select(r => $"{r.Annotator} {r.Start.ToText()}..{r.End.ToText()}").Order(StringComparer.Ordinal);

    private static LabeledRange Piece(string taskFile, string annotator, int index, (int Row, RangeBound Time)[] rows, int start, int end) => new()
    {
        TaskId = 1,
        SeriesFile = taskFile,
        RegionId = $"{annotator}-{taskFile}",
        Start = rows.First(r => r.Row == start).Time,
        End = rows.First(r => r.Row == end).Time,
        StartRaw = start.ToString(CultureInfo.InvariantCulture),
        EndRaw = end.ToString(CultureInfo.InvariantCulture),
        Instant = false,
        Labels = ["Anomaly"],
        AnnotationId = 100 + index,
        Annotator = annotator,
    };
}
