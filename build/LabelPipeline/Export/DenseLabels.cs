using System.Globalization;
using System.Text;
using LabelPipeline.Datasets;
using LabelPipeline.IO;
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
    /// <param name="hashes">Where the written file's SHA-256 is recorded, hashed on the way to disk.</param>
    /// <param name="chart">Given each row with its time, so the report's chart needs no read of its own.</param>
    /// <remarks>
    /// Works on the file's bytes: a row is copied as it is (lines end in "\n", "\r\n" or "\r", as a text reader reads
    /// them; they are written with "\n"), and only its time field is decoded. A line that is not valid UTF-8 is written
    /// with U+FFFD for each bad sequence, as a text reader would decode it.
    /// </remarks>
    public static (RangeBound First, RangeBound Last)? Write(
        string sourceFile, SeriesSchema schema, IEnumerable<LabeledRange> ranges, IReadOnlySet<string> anomalyLabels, string destination,
        Action<RangeBound>? onRow = null, HashedFiles? hashes = null, SeriesEnvelope? chart = null)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
        var timeIndex = schema.Columns.ToList().IndexOf(schema.TimeColumn);
        var separator = schema.Separator;
        if (separator > 0x7F)
        {
            throw new ExportException($"{sourceFile}: the separator '{separator}' is not an ASCII character; use ',', ';', tab or '|'.");
        }

        using var sweep = new LabelSweep(ranges);

        using var lines = new LineReader(sourceFile);
        using var output = new ByteWriter(HashedFiles.Create(destination, hashes));
        output.WriteLine(lines.Next(out var header) ? header : default, Encoding.UTF8.GetBytes($"{separator}is_anomaly{separator}label\n"));
        var lineNumber = 1;
        RangeBound? first = null, last = null;
        var suffix = Suffix([], anomalyLabels, separator); // ",is_anomaly,label\n" for the active regions
        while (lines.Next(out var line))
        {
            lineNumber++;
            if (line.IsEmpty)
            {
                continue;
            }

            var time = ReadTime(line, (byte)separator, timeIndex, schema, sourceFile, lineNumber);
            onRow?.Invoke(time);
            chart?.Row(line, time.Time is { } instant ? SeriesEnvelope.Seconds(instant) : time.Number!.Value);
            first = first is { } f && f <= time ? f : time;
            last = last is { } l && l >= time ? l : time;
            if (sweep.MoveTo(time)) // the suffix is rebuilt only when the labels covering the row change
            {
                suffix = Suffix(sweep.Labels, anomalyLabels, separator);
            }

            output.WriteLine(line, suffix);
        }

        return first is { } from && last is { } to ? (from, to) : null;
    }

    private static byte[] Suffix(IReadOnlyCollection<string> labels, IReadOnlySet<string> anomalyLabels, char separator) =>
        Encoding.UTF8.GetBytes($"{separator}{(labels.Any(anomalyLabels.Contains) ? '1' : '0')}{separator}{string.Join('|', labels)}\n");

    private static RangeBound ReadTime(ReadOnlySpan<byte> line, byte separator, int timeIndex, SeriesSchema schema, string file, int lineNumber)
    {
        // Unquoted ASCII fields (the usual case) are read in place; others are decoded, quoted ones unescaped.
        Span<char> chars = stackalloc char[64];
        scoped ReadOnlySpan<char> text;
        var field = FieldSpan(line, separator, timeIndex, out var quoted);
        if (!quoted && field.Length <= chars.Length && Ascii.ToUtf16(field, chars, out var written) == System.Buffers.OperationStatus.Done)
        {
            text = chars[..written];
        }
        else
        {
            var decoded = Encoding.UTF8.GetString(line);
            text = quoted ? Field(decoded, (char)separator, timeIndex) : Encoding.UTF8.GetString(field);
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
    private static ReadOnlySpan<byte> FieldSpan(ReadOnlySpan<byte> line, byte separator, int index, out bool quoted)
    {
        var start = 0;
        for (var field = 0; field < index; field++)
        {
            var comma = line[start..].IndexOfAny(separator, (byte)'"');
            if (comma < 0 || line[start + comma] == '"')
            {
                quoted = comma >= 0;
                return [];
            }

            start += comma + 1;
        }

        var length = line[start..].IndexOfAny(separator, (byte)'"');
        if (length >= 0 && line[start + length] == '"')
        {
            quoted = true;
            return [];
        }

        quoted = false;
        return length < 0 ? line[start..] : line.Slice(start, length);
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
