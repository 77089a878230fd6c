namespace LabelPipeline.Quality;

/// <summary>
/// Two annotators on the same rows: a 2×2 table of rows (both positive, only A, only B, neither). Every score is
/// undefined (null) rather than NaN when its denominator is 0: F1 and IoU when neither marked a row, kappa when the
/// chance agreement is 1 (both marked nothing, or both everything).
/// </summary>
public sealed record PairScores(long Rows, long Both, long OnlyA, long OnlyB)
{
    public long Neither => Rows - Both - OnlyA - OnlyB;

    public double? PointF1 => 2 * Both + OnlyA + OnlyB is var d and > 0 ? 2.0 * Both / d : null;

    public double? OverlapIou => Both + OnlyA + OnlyB is var d and > 0 ? (double)Both / d : null;

    /// <summary>Cohen's kappa: (p_o − p_e) / (1 − p_e), written with counts: 2(TP·TN − FP·FN) / ((TP+FP)(FP+TN) + (TP+FN)(FN+TN)).</summary>
    public double? CohenKappa
    {
        get
        {
            double tp = Both, fa = OnlyA, fb = OnlyB, tn = Neither;
            var denominator = ((tp + fa) * (fa + tn)) + ((tp + fb) * (fb + tn));
            return denominator > 0 ? 2 * ((tp * tn) - (fa * fb)) / denominator : null;
        }
    }
}

/// <summary>Krippendorff's alpha (nominal, two values) accumulated unit by unit: each row of a task is a unit, its annotators the coders.</summary>
public sealed class AlphaTally
{
    private double _disagreeingPairs; // Σ_u n0u·n1u / (m_u − 1): the coincidence o_01
    private long _zeros;
    private long _ones;

    /// <param name="histogram">Rows by how many of the <c>histogram.Length − 1</c> coders marked them positive (<see cref="RowRuns.CoverageHistogram"/>).</param>
    public void Add(long[] histogram)
    {
        var coders = histogram.Length - 1;
        if (coders < 2)
        {
            return; // a unit with one value is not pairable
        }

        for (var k = 0; k <= coders; k++)
        {
            _disagreeingPairs += histogram[k] * (double)k * (coders - k) / (coders - 1);
            _ones += histogram[k] * k;
            _zeros += histogram[k] * (coders - k);
        }
    }

    /// <summary>α = 1 − D_o / D_e = 1 − (n − 1)·o_01 / (n_0·n_1); undefined when every value is the same.</summary>
    public double? Alpha
    {
        get
        {
            double n = _zeros + _ones;
            return _zeros > 0 && _ones > 0 ? 1 - ((n - 1) * _disagreeingPairs / ((double)_zeros * _ones)) : null;
        }
    }
}

/// <summary>
/// A detector's predicted rows against expert rows, summed over series. Point scores count rows; range scores follow
/// Tatbul et al., "Precision and Recall for Time Series" (NeurIPS 2018) with existence weight α = 0, flat positional
/// bias and cardinality factor 1: recall is the mean over expert ranges of the share of the range's rows that predicted
/// ranges cover, precision the mean over predicted ranges of the share that expert ranges cover. A range is a maximal
/// run of positive rows. Event recall: the share of expert ranges that at least one predicted row touches.
/// </summary>
public sealed class DetectorTally
{
    public long Rows { get; private set; }
    public long ExpertRows { get; private set; }
    public long PredictedRows { get; private set; }
    public long BothRows { get; private set; }
    public int ExpertRanges { get; private set; }
    public int PredictedRanges { get; private set; }
    public int ExpertRangesTouched { get; private set; }
    private double _recallShares;
    private double _precisionShares;

    /// <summary>One series: the rows that count, and the expert and predicted rows among them (normalized lists).</summary>
    public void Add(long rows, IReadOnlyList<RowRun> expert, IReadOnlyList<RowRun> predicted)
    {
        Rows += rows;
        ExpertRows += RowRuns.Count(expert);
        PredictedRows += RowRuns.Count(predicted);
        BothRows += RowRuns.Count(RowRuns.Intersect(expert, predicted));
        foreach (var range in expert)
        {
            var covered = RowRuns.Overlap(range, predicted);
            _recallShares += (double)covered / range.Length;
            ExpertRangesTouched += covered > 0 ? 1 : 0;
        }

        foreach (var range in predicted)
        {
            _precisionShares += (double)RowRuns.Overlap(range, expert) / range.Length;
        }

        ExpertRanges += expert.Count;
        PredictedRanges += predicted.Count;
    }

    public double? PointPrecision => PredictedRows > 0 ? (double)BothRows / PredictedRows : null;
    public double? PointRecall => ExpertRows > 0 ? (double)BothRows / ExpertRows : null;
    public double? PointF1 => F1(PointPrecision, PointRecall);
    public double? RangePrecision => PredictedRanges > 0 ? _precisionShares / PredictedRanges : null;
    public double? RangeRecall => ExpertRanges > 0 ? _recallShares / ExpertRanges : null;
    public double? RangeF1 => F1(RangePrecision, RangeRecall);
    public double? EventRecall => ExpertRanges > 0 ? (double)ExpertRangesTouched / ExpertRanges : null;

    /// <summary>The harmonic mean; 0 when both are 0, undefined when either is.</summary>
    public static double? F1(double? precision, double? recall) =>
        precision is { } p && recall is { } r ? (p + r > 0 ? 2 * p * r / (p + r) : 0) : null;
}
