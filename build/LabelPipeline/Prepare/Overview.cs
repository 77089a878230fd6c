using System.Globalization;
using System.Text;

namespace LabelPipeline.Prepare;

/// <summary>
/// The overview task of a long series: the whole series in one task file, cut into buckets of consecutive rows; each
/// bucket keeps, per channel, the row with the smallest and the row with the largest value (whole rows, in time
/// order). Label Studio's editor decimates by stride (CONTRACT.md §7.5) and drops short spikes; these rows keep every
/// spike visible, so an annotator can see where to look and which window to open. Its rows are real source rows, so
/// regions drawn on it map back like any task's.
/// </summary>
internal static class Overview
{
    /// <summary>Writes the overview of <paramref name="windows"/> (their rows without the repeated overlap) to <paramref name="path"/>.</summary>
    public static WrittenWindow Write(IReadOnlyList<WrittenWindow> windows, string header, int channels, int maxRows, string path)
    {
        var total = windows.Sum(w => w.Rows - w.OverlapRows);
        var perBucket = Math.Max(1, 2 * channels);
        var buckets = Math.Max(1, maxRows / perBucket);
        var bucketSize = (long)Math.Ceiling(total / (double)buckets);
        using var writer = new StreamWriter(path, false, new UTF8Encoding(false), 1 << 14) { NewLine = "\n" };
        writer.WriteLine(header);
        var min = new (double Value, long Index, string Line)[channels];
        var max = new (double Value, long Index, string Line)[channels];
        long index = 0, rows = 0, inBucket = 0;
        string start = string.Empty, end = string.Empty, beforeEnd = string.Empty;
        var picked = new SortedDictionary<long, string>();

        void Flush()
        {
            if (inBucket == 0)
            {
                return;
            }

            picked.Clear();
            for (var c = 0; c < channels; c++)
            {
                picked[min[c].Index] = min[c].Line;
                picked[max[c].Index] = max[c].Line;
            }

            foreach (var line in picked.Values)
            {
                writer.WriteLine(line);
                var time = line[..line.IndexOf(',', StringComparison.Ordinal)];
                start = rows == 0 ? time : start;
                beforeEnd = rows == 0 ? time : end;
                end = time;
                rows++;
            }

            inBucket = 0;
        }

        foreach (var window in windows)
        {
            var skip = window.OverlapRows;
            foreach (var line in File.ReadLines(window.TempPath).Skip(1))
            {
                if (skip-- > 0)
                {
                    continue; // the window before has these rows
                }

                var cells = line.Split(',');
                for (var c = 0; c < channels; c++)
                {
                    var value = double.Parse(cells[c + 1], NumberStyles.Float, CultureInfo.InvariantCulture);
                    if (inBucket == 0 || value < min[c].Value)
                    {
                        min[c] = (value, index, line);
                    }

                    if (inBucket == 0 || value > max[c].Value)
                    {
                        max[c] = (value, index, line);
                    }
                }

                index++;
                if (++inBucket == bucketSize)
                {
                    Flush();
                }
            }
        }

        Flush();
        return new WrittenWindow(path, 0, rows, windows.Min(w => w.FirstLine), windows.Max(w => w.LastLine), start, end, 0, beforeEnd);
    }
}
