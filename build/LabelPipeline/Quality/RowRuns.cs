namespace LabelPipeline.Quality;

/// <summary>Consecutive source rows <c>First..Last</c> (0-based row numbers in file order, both ends inclusive).</summary>
public readonly record struct RowRun(long First, long Last)
{
    public long Length => Last - First + 1;
}

/// <summary>
/// Sets of rows as sorted runs. A normalized list is sorted, and no two runs overlap or touch (touching runs are one
/// run): exactly the maximal runs of positive rows of a 0/1 column, which is how both ranges and row counts are read.
/// </summary>
public static class RowRuns
{
    /// <summary>Sorts and merges overlapping and touching runs.</summary>
    public static IReadOnlyList<RowRun> Normalize(IEnumerable<RowRun> runs)
    {
        var sorted = runs.OrderBy(r => r.First).ThenBy(r => r.Last).ToList();
        var merged = new List<RowRun>(sorted.Count);
        foreach (var run in sorted)
        {
            if (merged.Count > 0 && run.First <= merged[^1].Last + 1)
            {
                merged[^1] = merged[^1] with { Last = Math.Max(merged[^1].Last, run.Last) };
            }
            else
            {
                merged.Add(run);
            }
        }

        return merged;
    }

    /// <summary>How many rows a normalized list holds.</summary>
    public static long Count(IReadOnlyList<RowRun> runs)
    {
        long rows = 0;
        foreach (var run in runs)
        {
            rows += run.Length;
        }

        return rows;
    }

    /// <summary>The rows in both normalized lists (normalized: the pieces of one run stay apart only where a gap is).</summary>
    public static IReadOnlyList<RowRun> Intersect(IReadOnlyList<RowRun> a, IReadOnlyList<RowRun> b)
    {
        var result = new List<RowRun>();
        int i = 0, j = 0;
        while (i < a.Count && j < b.Count)
        {
            var first = Math.Max(a[i].First, b[j].First);
            var last = Math.Min(a[i].Last, b[j].Last);
            if (first <= last)
            {
                if (result.Count > 0 && first == result[^1].Last + 1)
                {
                    result[^1] = result[^1] with { Last = last };
                }
                else
                {
                    result.Add(new RowRun(first, last));
                }
            }

            if (a[i].Last < b[j].Last)
            {
                i++;
            }
            else
            {
                j++;
            }
        }

        return result;
    }

    /// <summary>How many rows of <paramref name="run"/> lie in the normalized list <paramref name="set"/>.</summary>
    public static long Overlap(RowRun run, IReadOnlyList<RowRun> set)
    {
        // Binary search for the first run that may overlap, then walk.
        int lo = 0, hi = set.Count;
        while (lo < hi)
        {
            var mid = (lo + hi) / 2;
            if (set[mid].Last < run.First)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        long rows = 0;
        for (var k = lo; k < set.Count && set[k].First <= run.Last; k++)
        {
            rows += Math.Min(run.Last, set[k].Last) - Math.Max(run.First, set[k].First) + 1;
        }

        return rows;
    }

    /// <summary>
    /// Rows by how many of the normalized lists cover them, within <paramref name="span"/>: element k is the number of
    /// rows covered by exactly k lists (k = 0..lists.Count). A boundary sweep, so it costs the runs, not the rows.
    /// </summary>
    public static long[] CoverageHistogram(IReadOnlyList<IReadOnlyList<RowRun>> lists, IReadOnlyList<RowRun> span)
    {
        var histogram = new long[lists.Count + 1];
        var events = new List<(long Row, int Delta)>();
        foreach (var list in lists)
        {
            foreach (var run in Intersect(list, span))
            {
                events.Add((run.First, +1));
                events.Add((run.Last + 1, -1));
            }
        }

        events.Sort((x, y) => x.Row.CompareTo(y.Row));
        var spanRows = Count(span);
        long covered = 0;
        var depth = 0;
        var at = 0L;
        foreach (var (row, delta) in events)
        {
            if (depth > 0)
            {
                histogram[depth] += row - at;
                covered += row - at;
            }

            depth += delta;
            at = row;
        }

        histogram[0] = spanRows - covered;
        return histogram;
    }

    /// <summary>The rows of <paramref name="a"/> not in <paramref name="b"/> (both normalized).</summary>
    public static IReadOnlyList<RowRun> Subtract(IReadOnlyList<RowRun> a, IReadOnlyList<RowRun> b)
    {
        var result = new List<RowRun>();
        var j = 0;
        foreach (var run in a)
        {
            var from = run.First;
            while (j < b.Count && b[j].Last < from)
            {
                j++;
            }

            for (var k = j; k < b.Count && b[k].First <= run.Last; k++)
            {
                if (b[k].First > from)
                {
                    result.Add(new RowRun(from, b[k].First - 1));
                }

                from = Math.Max(from, b[k].Last + 1);
            }

            if (from <= run.Last)
            {
                result.Add(new RowRun(from, run.Last));
            }
        }

        return result;
    }
}
