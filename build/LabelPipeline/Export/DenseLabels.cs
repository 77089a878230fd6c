using System.Globalization;
using System.Text;
using LabelPipeline.Datasets;

namespace LabelPipeline.Export;

/// <summary>
/// Per-timestamp labels aligned with a source series, TimeEval style: every source row, unchanged, plus
/// <c>is_anomaly</c> (0/1) and <c>label</c> (the labels covering the row, joined by '|'). Streams through the source
/// file, so memory does not depend on its length. A row at time t is covered by a region when start ≤ t ≤ end.
/// </summary>
public static class DenseLabels
{
    /// <returns>The series' earliest and latest time (null for a series without rows), to tell regions that label no row.</returns>
    public static (RangeBound First, RangeBound Last)? Write(string sourceFile, SeriesSchema schema, IReadOnlyList<LabeledRange> ranges, IReadOnlySet<string> anomalyLabels, string destination)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
        var timeIndex = schema.Columns.ToList().IndexOf(schema.TimeColumn);
        var separator = schema.Separator;
        var byStart = ranges.OrderBy(r => r.Start).ToArray();
        var next = 0;
        var active = new List<LabeledRange>();

        using var reader = new StreamReader(sourceFile, new UTF8Encoding(false), detectEncodingFromByteOrderMarks: true, bufferSize: 1 << 16);
        using var writer = new StreamWriter(destination, false, new UTF8Encoding(false), bufferSize: 1 << 16) { NewLine = "\n" };
        var header = reader.ReadLine() ?? string.Empty;
        writer.Write(header);
        writer.Write(separator);
        writer.Write("is_anomaly");
        writer.Write(separator);
        writer.WriteLine("label");

        var lineNumber = 1;
        RangeBound? first = null, last = null, previous = null;
        var labels = new SortedSet<string>(StringComparer.Ordinal);
        while (reader.ReadLine() is { } line)
        {
            lineNumber++;
            if (line.Length == 0)
            {
                continue;
            }

            var time = ReadTime(Field(line, separator, timeIndex), schema, sourceFile, lineNumber);
            first = first is { } f && f <= time ? f : time;
            last = last is { } l && l >= time ? l : time;
            if (previous is { } p && time < p)
            {
                // A source Prepare sorted (--on-unsorted=sort) steps back here: sweep again from the first region.
                next = 0;
                active.Clear();
            }

            previous = time;

            // Sweep: admit regions that started, drop those that ended; rows are sorted by time (CreateProject checks it).
            while (next < byStart.Length && byStart[next].Start <= time)
            {
                active.Add(byStart[next++]);
            }

            active.RemoveAll(r => r.End < time);
            labels.Clear();
            foreach (var range in active)
            {
                labels.UnionWith(range.Labels);
            }

            writer.Write(line);
            writer.Write(separator);
            writer.Write(labels.Any(anomalyLabels.Contains) ? '1' : '0');
            writer.Write(separator);
            writer.WriteLine(string.Join('|', labels));
        }

        return first is { } from && last is { } to ? (from, to) : null;
    }

    private static RangeBound ReadTime(string text, SeriesSchema schema, string file, int line)
    {
        if (schema.TimeFormat is { } format)
        {
            return format.TryParse(text, out var time)
                ? RangeBound.At(time)
                : throw new ExportException($"{file} line {line}: time '{text}' does not match '{format.Pattern}'; the series changed since the project was created.");
        }

        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number)
            ? RangeBound.At(number)
            : throw new ExportException($"{file} line {line}: time '{text}' is not a number.");
    }

    /// <summary>The n-th field of a CSV line, honouring double quotes.</summary>
    internal static string Field(string line, char separator, int index)
    {
        var field = 0;
        var quoted = false;
        var value = new StringBuilder();
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (c == '"')
            {
                if (quoted && i + 1 < line.Length && line[i + 1] == '"')
                {
                    if (field == index)
                    {
                        value.Append('"');
                    }

                    i++;
                }
                else
                {
                    quoted = !quoted;
                }
            }
            else if (c == separator && !quoted)
            {
                if (field == index)
                {
                    return value.ToString();
                }

                field++;
            }
            else if (field == index)
            {
                value.Append(c);
            }
        }

        return field == index ? value.ToString() : string.Empty;
    }
}
