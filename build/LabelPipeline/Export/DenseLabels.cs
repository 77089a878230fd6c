using System.Globalization;
using System.Text;
using LabelPipeline.Datasets;
using LabelPipeline.TimeSeries;

namespace LabelPipeline.Export;

/// <summary>
/// Per-timestamp labels aligned with a source series, TimeEval style: every source row, unchanged, plus
/// <c>is_anomaly</c> (0/1) and <c>label</c> (the labels covering the row, joined by '|'). Streams through the source
/// file, so memory does not depend on its length. A row at time t is covered by a region when start ≤ t ≤ end.
/// </summary>
public static class DenseLabels
{
    /// <param name="onRow">Also given each row's time, in file order (the quality files align regions to rows in the same pass).</param>
    /// <returns>The series' earliest and latest time (null for a series without rows), to tell regions that label no row.</returns>
    /// <param name="ranges">The series' regions: a collection, or a stream in start order (from disk, hundreds of thousands of them: read as the rows pass, never held; <see cref="LabelSweep"/>).</param>
    public static (RangeBound First, RangeBound Last)? Write(
        string sourceFile, SeriesSchema schema, IEnumerable<LabeledRange> ranges, IReadOnlySet<string> anomalyLabels, string destination, Action<RangeBound>? onRow = null)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
        var timeIndex = schema.Columns.ToList().IndexOf(schema.TimeColumn);
        var separator = schema.Separator;
        using var sweep = new LabelSweep(ranges);

        // 8 K buffers stay off the large object heap (64 K ones cost gen-2 collections for every small series).
        using var reader = new StreamReader(sourceFile, new UTF8Encoding(false), detectEncodingFromByteOrderMarks: true, bufferSize: 1 << 13);
        using var writer = new StreamWriter(destination, false, new UTF8Encoding(false), bufferSize: 1 << 13) { NewLine = "\n" };
        var header = reader.ReadLine() ?? string.Empty;
        writer.Write(header);
        writer.Write(separator);
        writer.Write("is_anomaly");
        writer.Write(separator);
        writer.WriteLine("label");

        var lineNumber = 1;
        RangeBound? first = null, last = null;
        var suffix = Suffix([], anomalyLabels, separator); // ",is_anomaly,label\n" for the active regions
        while (reader.ReadLine() is { } line)
        {
            lineNumber++;
            if (line.Length == 0)
            {
                continue;
            }

            var time = ReadTime(line, separator, timeIndex, schema, sourceFile, lineNumber);
            onRow?.Invoke(time);
            first = first is { } f && f <= time ? f : time;
            last = last is { } l && l >= time ? l : time;
            if (sweep.MoveTo(time)) // the suffix is rebuilt only when the labels covering the row change
            {
                suffix = Suffix(sweep.Labels, anomalyLabels, separator);
            }

            writer.Write(line);
            writer.Write(suffix);
        }

        return first is { } from && last is { } to ? (from, to) : null;
    }

    private static string Suffix(IReadOnlyCollection<string> labels, IReadOnlySet<string> anomalyLabels, char separator) =>
        $"{separator}{(labels.Any(anomalyLabels.Contains) ? '1' : '0')}{separator}{string.Join('|', labels)}\n";

    private static RangeBound ReadTime(string line, char separator, int timeIndex, SeriesSchema schema, string file, int lineNumber)
    {
        // Unquoted fields (the usual case) are read in place; quoted ones are unescaped first.
        var text = FieldSpan(line, separator, timeIndex, out var quoted);
        if (quoted)
        {
            text = Field(line, separator, timeIndex);
        }

        if (schema.TimeFormat is { } format)
        {
            return format.TryParse(text, out var time)
                ? RangeBound.At(time)
                : throw new ExportException($"{file} line {lineNumber}: time '{text}' does not match '{format.Pattern}'; the series changed since the project was created.");
        }

        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number)
            ? RangeBound.At(number)
            : throw new ExportException($"{file} line {lineNumber}: time '{text}' is not a number.");
    }

    /// <summary>The n-th field of a CSV line as a slice, when no double quote comes before its end.</summary>
    private static ReadOnlySpan<char> FieldSpan(string line, char separator, int index, out bool quoted)
    {
        var start = 0;
        for (var field = 0; field < index; field++)
        {
            var comma = line.AsSpan(start).IndexOfAny(separator, '"');
            if (comma < 0 || line[start + comma] == '"')
            {
                quoted = comma >= 0;
                return comma < 0 ? [] : default;
            }

            start += comma + 1;
        }

        var length = line.AsSpan(start).IndexOfAny(separator, '"');
        if (length >= 0 && line[start + length] == '"')
        {
            quoted = true;
            return default;
        }

        quoted = false;
        return length < 0 ? line.AsSpan(start) : line.AsSpan(start, length);
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
