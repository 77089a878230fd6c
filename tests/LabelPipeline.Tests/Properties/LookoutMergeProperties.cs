using System.Runtime.CompilerServices;
using CsCheck;
using LabelPipeline.Export;
using LabelPipeline.TimeSeries;
using Xunit.Abstractions;

namespace LabelPipeline.Tests.Properties;

/// <summary>
/// The Lookout file's merge against a brute-force union: every anomalous range is painted onto a grid of half
/// seconds (bounds are whole seconds, ends inclusive, so two ranges touch exactly when no half second lies between
/// them), and the grid's runs are the expected ranges. Sometimes more ranges than one merge batch (65,536), so the
/// batched folding is covered too.
/// </summary>
public sealed class LookoutMergeProperties(ITestOutputHelper output)
{
    private const int Span = 300;
    private static readonly DateTimeOffset T0 = new(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static readonly Gen<(int Start, int Length, bool Anomaly)> Range = Gen.Select(Gen.Int[0, Span], Gen.Frequency((3, Gen.Int[0, 3]), (1, Gen.Int[0, 40])), Gen.Frequency((3, Gen.Const(true)), (1, Gen.Const(false))));

    private static readonly Gen<(int Start, int Length, bool Anomaly)[]> Ranges = Gen.Frequency((30, Range.Array[0, 60]), (1, Range.Array[65_536, 70_000]));

    [Fact]
    public void Merged_ranges_equal_the_union_painted_on_a_grid() =>
        Check(seconds => RangeBound.At(T0.AddSeconds(seconds)), bound => $"{bound.Time:O}");

    /// <summary>Bounds on a numeric time axis take the merger's general path (instants are merged as UTC ticks).</summary>
    [Fact]
    public void Merged_numeric_ranges_equal_the_union_painted_on_a_grid() =>
        Check(seconds => RangeBound.At(1_000.0 + seconds), bound => $"{bound.Number:R}");

    private void Check(Func<double, RangeBound> bound, Func<RangeBound, string> text, [CallerMemberName] string name = "") =>
        PropertyCheck.ForAll(Ranges, ranges =>
        {
            var labeled = ranges.Select((r, i) => new LabeledRange
            {
                TaskId = i, SeriesFile = $"s{i % 3}.csv", RegionId = $"r{i}", AnnotationId = i,
                Start = bound(r.Start), End = bound(Math.Min(Span, r.Start + r.Length)),
                StartRaw = string.Empty, EndRaw = string.Empty, Instant = r.Length == 0,
                Labels = r.Anomaly ? ["Anomaly"] : ["Normal"],
            });
            var merged = LookoutLabels.Merge(labeled, new HashSet<string> { "Anomaly" });

            // Brute force: paint each anomalous range's half-second points (difference array), then read off the runs.
            var paint = new int[(2 * Span) + 2];
            foreach (var r in ranges.Where(r => r.Anomaly))
            {
                paint[2 * r.Start]++;
                paint[(2 * Math.Min(Span, r.Start + r.Length)) + 1]--;
            }

            var expected = new List<string>();
            for (int i = 0, depth = 0, runStart = -1; i < paint.Length; i++)
            {
                depth += paint[i];
                if (depth > 0 && runStart < 0)
                {
                    runStart = i;
                }
                else if (depth == 0 && runStart >= 0)
                {
                    expected.Add($"{text(bound(runStart / 2.0))}..{text(bound((i - 1) / 2.0))}");
                    runStart = -1;
                }
            }

            Assert.Equal(expected, merged.Select(m => $"{text(m.Start)}..{text(m.End)}"));
        }, output, cases: 300, name);
}
