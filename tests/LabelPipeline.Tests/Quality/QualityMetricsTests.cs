using CsCheck;
using LabelPipeline.Export;
using LabelPipeline.Quality;
using LabelPipeline.TimeSeries;

namespace LabelPipeline.Tests.Quality;

/// <summary>The pure scores over row runs: hand-computed cases from the papers' definitions, and properties against <see cref="BruteForce"/>.</summary>
public sealed class QualityMetricsTests
{
    private static bool[] Rows(string pattern) => pattern.Select(c => c == '1').ToArray();

    private static IReadOnlyList<RowRun> Runs(bool[] rows) => BruteForce.Ranges(rows).Select(r => new RowRun(r.First, r.Last)).ToList();

    private static DetectorTally Detector(string expert, string predicted)
    {
        var tally = new DetectorTally();
        tally.Add(expert.Length, Runs(Rows(expert)), Runs(Rows(predicted)));
        return tally;
    }

    private static void Near(double? expected, double? actual)
    {
        Assert.Equal(expected is null, actual is null);
        if (expected is { } e)
        {
            Assert.InRange(actual!.Value, e - 1e-9, e + 1e-9);
        }
    }

    // Tatbul et al. 2018, written out for alpha = 0, flat bias, cardinality 1 (prts: ts_recall(real, pred, alpha=0,
    // cardinality="one", bias="flat")): Recall_T = mean_i |R_i ∩ P| / |R_i|, Precision_T = mean_j |P_j ∩ R| / |P_j|.
    [Theory]
    //          rows 0123456789012345                               recall   precision event
    [InlineData("1111111111000000", "0000011111111110", 0.5, 0.5, 1.0)] // one range each, half overlapping
    [InlineData("1111000000111100", "0011111111110000", 0.5, 0.4, 1.0)] // one prediction across two expert ranges: (2/4 + 2/4)/2; 4/10
    [InlineData("1111111111000000", "1100000011000000", 0.4, 1.0, 1.0)] // two predictions in one range: cardinality 1, no penalty
    [InlineData("1100000000000011", "1000000000000000", 0.25, 1.0, 0.5)] // second range missed: (1/2 + 0)/2
    [InlineData("0000000000000000", "1110000000000000", null, 0.0, null)] // no expert range: recall undefined, precision 0
    [InlineData("1110000000000000", "0000000000000000", 0.0, null, 0.0)] // nothing predicted: precision undefined
    public void Range_scores_follow_Tatbul_for_hand_computed_cases(string expert, string predicted, double? recall, double? precision, double? eventRecall)
    {
        var tally = Detector(expert, predicted);
        Near(recall, tally.RangeRecall);
        Near(precision, tally.RangePrecision);
        Near(eventRecall, tally.EventRecall);
        Near(recall is { } r && precision is { } p ? (r + p == 0 ? 0 : 2 * r * p / (r + p)) : null, tally.RangeF1);
    }

    [Fact]
    public void Point_scores_count_rows()
    {
        var tally = Detector("1111000000111100", "0011111111110000");
        Assert.Equal(4, tally.BothRows);
        Near(4.0 / 10, tally.PointPrecision);
        Near(4.0 / 8, tally.PointRecall);
        Near(2 * 0.4 * 0.5 / 0.9, tally.PointF1);
        Assert.Equal((2, 1), (tally.ExpertRanges, tally.PredictedRanges));
    }

    [Fact]
    public void Cohen_kappa_matches_the_textbook_table()
    {
        // 20 both yes, 5 only A, 10 only B, 15 both no: p_o = 0.7, p_e = 0.5, kappa = 0.4.
        var scores = new PairScores(50, 20, 5, 10);
        Near(0.4, scores.CohenKappa);
        Near(40.0 / 55, scores.PointF1);
        Near(20.0 / 35, scores.OverlapIou);
    }

    [Fact]
    public void A_pair_where_neither_marked_anything_is_undefined_not_NaN()
    {
        var scores = new PairScores(10, 0, 0, 0);
        Assert.Null(scores.PointF1);
        Assert.Null(scores.OverlapIou);
        Assert.Null(scores.CohenKappa);
        Assert.Equal(string.Empty, QualityReport.Number(scores.PointF1));
        Assert.Equal("0", QualityReport.Number(-0.0));
        Assert.Equal("0.333333", QualityReport.Number(1.0 / 3));
    }

    [Fact]
    public void Krippendorff_alpha_matches_his_binary_example()
    {
        // Krippendorff, "Computing Krippendorff's Alpha-Reliability" (2011), binary data, two observers, ten units: alpha = 0.095.
        var a = Rows("0100000010");
        var b = Rows("1110010000");
        var tally = new AlphaTally();
        tally.Add(RowRuns.CoverageHistogram([Runs(a), Runs(b)], [new RowRun(0, 9)]));
        Assert.Equal(0.095, Math.Round(tally.Alpha!.Value, 3));
        Near(BruteForce.Alpha(a.Zip(b, (x, y) => new[] { x ? 1 : 0, y ? 1 : 0 })), tally.Alpha);
    }

    private static readonly Gen<bool[][]> Labelings = Gen.Int[1, 40].SelectMany(n => Gen.Int[2, 4].SelectMany(k => Gen.Bool.Array[n].Array[k]));

    [Fact]
    public void Pair_scores_equal_brute_force() =>
        Labelings.Sample(columns =>
        {
            var (a, b) = (columns[0], columns[1]);
            var both = RowRuns.Count(RowRuns.Intersect(Runs(a), Runs(b)));
            var scores = new PairScores(a.Length, both, a.Count(x => x) - both, b.Count(x => x) - both);
            Near(BruteForce.F1(a, b), scores.PointF1);
            Near(BruteForce.Iou(a, b), scores.OverlapIou);
            Near(BruteForce.Kappa(a, b), scores.CohenKappa);
        });

    [Fact]
    public void Detector_scores_equal_brute_force() =>
        Labelings.Sample(columns =>
        {
            var (real, predicted) = (columns[0], columns[1]);
            var tally = new DetectorTally();
            tally.Add(real.Length, Runs(real), Runs(predicted));
            Near(BruteForce.PointPrecision(real, predicted), tally.PointPrecision);
            Near(BruteForce.PointRecall(real, predicted), tally.PointRecall);
            Near(BruteForce.F1(BruteForce.PointPrecision(real, predicted), BruteForce.PointRecall(real, predicted)), tally.PointF1);
            Near(BruteForce.TatbulRecall(real, predicted), tally.RangeRecall);
            Near(BruteForce.TatbulPrecision(real, predicted), tally.RangePrecision);
            Near(BruteForce.EventRecall(real, predicted), tally.EventRecall);
        });

    [Fact]
    public void Alpha_over_several_tasks_equals_the_coincidence_matrix() =>
        Labelings.Array[1, 4].Sample(tasks =>
        {
            var tally = new AlphaTally();
            foreach (var coders in tasks)
            {
                tally.Add(RowRuns.CoverageHistogram(coders.Select(Runs).ToArray(), [new RowRun(0, coders[0].Length - 1)]));
            }

            var units = tasks.SelectMany(coders => Enumerable.Range(0, coders[0].Length).Select(row => coders.Select(c => c[row] ? 1 : 0).ToArray()));
            Near(BruteForce.Alpha(units), tally.Alpha);
        });

    [Fact]
    public void Run_set_operations_equal_row_sets() =>
        Gen.Int[1, 50].SelectMany(n => Gen.Select(Gen.Int[0, n - 1], Gen.Int[0, 6]).Array[0, 6].Array[2].Select(r => (n, r))).Sample(x =>
        {
            // Unsorted, overlapping, touching runs in; the row sets they stand for compared as bools.
            var (n, raw) = x;
            var lists = raw.Select(list => list.Select(r => new RowRun(r.Item1, Math.Min(n - 1, r.Item1 + r.Item2))).ToList()).ToArray();
            var bools = lists.Select(list => Enumerable.Range(0, n).Select(i => list.Any(r => r.First <= i && i <= r.Last)).ToArray()).ToArray();
            var (a, b) = (RowRuns.Normalize(lists[0]), RowRuns.Normalize(lists[1]));
            Assert.Equal(Runs(bools[0]), a); // normalized = the maximal runs
            Assert.Equal(Runs(bools[0].Zip(bools[1], (p, q) => p && q).ToArray()), RowRuns.Intersect(a, b));
            Assert.Equal(Runs(bools[0].Zip(bools[1], (p, q) => p && !q).ToArray()), RowRuns.Subtract(a, b));
            foreach (var run in b)
            {
                Assert.Equal(Enumerable.Range((int)run.First, (int)run.Length).Count(i => bools[0][i]), RowRuns.Overlap(run, a));
            }

            var span = new RowRun(n / 4, n - 1);
            var histogram = RowRuns.CoverageHistogram([a, b], [span]);
            for (var k = 0; k <= 2; k++)
            {
                Assert.Equal(Enumerable.Range((int)span.First, (int)span.Length).Count(i => (bools[0][i] ? 1 : 0) + (bools[1][i] ? 1 : 0) == k), histogram[k]);
            }
        });

    [Fact]
    public void Row_sweep_puts_a_row_in_a_track_when_start_le_t_le_end() =>
        Gen.Select(Gen.Int[0, 20].Array[1, 40], Gen.Select(Gen.Int[0, 3], Gen.Int[-1, 21], Gen.Int[0, 6]).Array[0, 8]).Sample(x =>
        {
            // Times may repeat and step back (a source Prepare sorted); intervals may be instants.
            var (times, raw) = x;
            var intervals = raw.Select(r => new TrackInterval(r.Item1, RangeBound.At(r.Item2), RangeBound.At(r.Item2 + r.Item3))).ToList();
            var sweep = new RowSweep(intervals, 4);
            foreach (var t in times)
            {
                sweep.Observe(RangeBound.At(t));
            }

            var runs = sweep.Finish();
            for (var track = 0; track < 4; track++)
            {
                var expected = times.Select(t => raw.Any(r => r.Item1 == track && r.Item2 <= t && t <= r.Item2 + r.Item3)).ToArray();
                Assert.Equal(Runs(expected), runs[track]);
                foreach (var run in runs[track])
                {
                    Assert.Equal(times[run.First], sweep.TimeOf(run.First)!.Value.Number);
                    Assert.Equal(times[run.Last], sweep.TimeOf(run.Last)!.Value.Number);
                }
            }
        });

    [Fact]
    public void Bound_sort_keys_order_as_bounds_do_and_give_the_bounds_back() =>
        Gen.Select(Gen.Double, Gen.Double, Gen.Long[0, DateTimeOffset.MaxValue.UtcTicks].Array[2]).Sample(x =>
        {
            var (a, b, ticks) = x;
            if (double.IsNaN(a) || double.IsNaN(b))
            {
                return;
            }

            Assert.Equal(Math.Sign(RangeBound.At(a).CompareTo(RangeBound.At(b))), Math.Sign(RangeBound.At(a).SortKey().CompareTo(RangeBound.At(b).SortKey())));
            var (s, t) = (RangeBound.At(new DateTimeOffset(ticks[0], TimeSpan.Zero)), RangeBound.At(new DateTimeOffset(ticks[1], TimeSpan.Zero)));
            Assert.Equal(Math.Sign(s.CompareTo(t)), Math.Sign(s.SortKey().CompareTo(t.SortKey())));
            Assert.Equal(RangeBound.At(a == 0 ? 0.0 : a), RangeBound.FromSortKey(RangeBound.At(a).SortKey(), time: false));
            Assert.Equal(s, RangeBound.FromSortKey(s.SortKey(), time: true));
        });
}
