namespace LabelPipeline.Tests.Quality;

/// <summary>
/// The quality scores the slow, obvious way: one bool per row, every count a loop, ranges found by scanning. Written
/// separately from build/LabelPipeline/Quality (which works on row runs and never on rows), calling none of it.
/// </summary>
internal static class BruteForce
{
    /// <summary>Maximal runs of true rows, as (first, last) row numbers.</summary>
    public static List<(int First, int Last)> Ranges(bool[] rows)
    {
        var ranges = new List<(int, int)>();
        for (var i = 0; i < rows.Length; i++)
        {
            if (rows[i] && (i == 0 || !rows[i - 1]))
            {
                var j = i;
                while (j + 1 < rows.Length && rows[j + 1])
                {
                    j++;
                }

                ranges.Add((i, j));
            }
        }

        return ranges;
    }

    public static (int Both, int OnlyA, int OnlyB, int Neither) Table(bool[] a, bool[] b)
    {
        int both = 0, onlyA = 0, onlyB = 0, neither = 0;
        for (var i = 0; i < a.Length; i++)
        {
            if (a[i] && b[i]) both++;
            else if (a[i]) onlyA++;
            else if (b[i]) onlyB++;
            else neither++;
        }

        return (both, onlyA, onlyB, neither);
    }

    public static double? F1(bool[] a, bool[] b)
    {
        var t = Table(a, b);
        return t.Both + t.OnlyA + t.OnlyB == 0 ? null : 2.0 * t.Both / ((2.0 * t.Both) + t.OnlyA + t.OnlyB);
    }

    public static double? Iou(bool[] a, bool[] b)
    {
        var t = Table(a, b);
        return t.Both + t.OnlyA + t.OnlyB == 0 ? null : (double)t.Both / (t.Both + t.OnlyA + t.OnlyB);
    }

    /// <summary>Cohen's kappa from observed and chance agreement, the textbook way.</summary>
    public static double? Kappa(bool[] a, bool[] b)
    {
        double n = a.Length;
        var t = Table(a, b);
        var observed = (t.Both + t.Neither) / n;
        var pa = a.Count(x => x) / n;
        var pb = b.Count(x => x) / n;
        var chance = (pa * pb) + ((1 - pa) * (1 - pb));
        return Math.Abs(1 - chance) < 1e-12 ? null : (observed - chance) / (1 - chance);
    }

    /// <summary>
    /// Krippendorff's alpha, nominal, from the coincidence matrix: units are rows (of possibly several tasks), each
    /// unit's values are its coders' 0/1.
    /// </summary>
    public static double? Alpha(IEnumerable<int[]> units)
    {
        var o = new double[2, 2];
        foreach (var values in units.Where(u => u.Length >= 2))
        {
            for (var i = 0; i < values.Length; i++)
            {
                for (var j = 0; j < values.Length; j++)
                {
                    if (i != j)
                    {
                        o[values[i], values[j]] += 1.0 / (values.Length - 1);
                    }
                }
            }
        }

        var n0 = o[0, 0] + o[0, 1];
        var n1 = o[1, 0] + o[1, 1];
        var n = n0 + n1;
        if (n0 < 1e-12 || n1 < 1e-12)
        {
            return null;
        }

        var observed = (o[0, 1] + o[1, 0]) / n;
        var expected = 2 * n0 * n1 / (n * (n - 1));
        return 1 - (observed / expected);
    }

    /// <summary>Tatbul et al. recall with α = 0, flat bias, cardinality 1: mean over real ranges of the covered share.</summary>
    public static double? TatbulRecall(bool[] real, bool[] predicted)
    {
        var ranges = Ranges(real);
        if (ranges.Count == 0)
        {
            return null;
        }

        return ranges.Average(r =>
        {
            var hit = 0;
            for (var i = r.First; i <= r.Last; i++)
            {
                hit += predicted[i] ? 1 : 0;
            }

            return (double)hit / (r.Last - r.First + 1);
        });
    }

    public static double? TatbulPrecision(bool[] real, bool[] predicted) => TatbulRecall(predicted, real);

    public static double? EventRecall(bool[] real, bool[] predicted)
    {
        var ranges = Ranges(real);
        return ranges.Count == 0 ? null : ranges.Count(r => Enumerable.Range(r.First, r.Last - r.First + 1).Any(i => predicted[i])) / (double)ranges.Count;
    }

    public static double? PointPrecision(bool[] real, bool[] predicted)
    {
        var t = Table(real, predicted);
        return t.Both + t.OnlyB == 0 ? null : (double)t.Both / (t.Both + t.OnlyB);
    }

    public static double? PointRecall(bool[] real, bool[] predicted)
    {
        var t = Table(real, predicted);
        return t.Both + t.OnlyA == 0 ? null : (double)t.Both / (t.Both + t.OnlyA);
    }

    public static double? F1(double? precision, double? recall) =>
        precision is null || recall is null ? null : precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
}
