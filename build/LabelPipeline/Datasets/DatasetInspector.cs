using System.Globalization;
using CsvHelper;

namespace LabelPipeline.Datasets;

/// <summary>
/// Reads a dataset's CSV files once, detects the separator, time column, time format and numeric channels, and checks
/// what Label Studio's editor needs but does not report clearly: parsable, never-decreasing timestamps and the same
/// columns in every file.
/// </summary>
public static class DatasetInspector
{
    private static readonly char[] SeparatorCandidates = [',', ';', '\t', '|'];
    private const int DetectionSampleRows = 200;

    /// <param name="timeColumn">Column name to use as time; null = the first column.</param>
    /// <param name="timeFormat">strftime format; null = detect from the data.</param>
    public static DatasetInspection Inspect(Dataset dataset, string? timeColumn = null, string? timeFormat = null)
    {
        var warnings = new List<string>();
        SeriesSchema? schema = null;
        var summaries = new List<SeriesFileSummary>();
        foreach (var file in dataset.Files)
        {
            var fileSchema = DetectSchema(file, timeColumn, timeFormat, warnings);
            if (schema is null)
            {
                schema = fileSchema;
            }
            else if (!schema.Columns.SequenceEqual(fileSchema.Columns, StringComparer.Ordinal) || schema.Separator != fileSchema.Separator)
            {
                throw new DatasetException(
                    $"{file} line 1: the header differs from {dataset.Files[0]} ({Describe(fileSchema)} vs {Describe(schema)}). " +
                    "Every file of a dataset must have the same columns and separator, because one labeling config serves all of them.");
            }

            summaries.Add(CheckRows(file, schema, warnings));
        }

        return new DatasetInspection(schema!, summaries, warnings);
    }

    private static string Describe(SeriesSchema s) => $"'{string.Join(s.Separator, s.Columns)}'";

    private static SeriesSchema DetectSchema(string file, string? timeColumn, string? timeFormat, List<string> warnings)
    {
        string headerLine;
        using (var reader = OpenText(file))
        {
            headerLine = reader.ReadLine() ?? throw new DatasetException($"{file}: the file is empty. Add a header row and data rows.");
        }

        var separator = DetectSeparator(headerLine);
        using var csv = OpenCsv(file, separator);
        if (!csv.Read())
        {
            throw new DatasetException($"{file}: the file is empty. Add a header row and data rows.");
        }

        var header = csv.Record.Select(h => h.Trim()).ToArray();
        if (header.Length < 2)
        {
            throw new DatasetException(
                $"{file} line 1: found a single column '{headerLine.Trim()}'. A series needs a time column and at least one numeric column, " +
                "separated by ',' ';' tab or '|'.");
        }

        if (header.All(h => double.TryParse(h, NumberStyles.Float, CultureInfo.InvariantCulture, out _)))
        {
            throw new DatasetException($"{file} line 1: the first row holds numbers, not column names. Add a header row (e.g. timestamp,signal_00,...).");
        }

        var duplicate = header.GroupBy(h => h, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new DatasetException(
                $"{file} line 1: column name '{duplicate.Key}' appears more than once (Label Studio compares names case-insensitively). Rename the columns so each is unique.");
        }

        if (header.Any(string.IsNullOrEmpty))
        {
            throw new DatasetException($"{file} line 1: column {Array.IndexOf(header, string.Empty) + 1} has no name. Give every column a name.");
        }

        var timeIndex = 0;
        if (timeColumn is not null)
        {
            timeIndex = Array.FindIndex(header, h => h == timeColumn);
            if (timeIndex < 0)
            {
                timeIndex = Array.FindIndex(header, h => string.Equals(h, timeColumn, StringComparison.OrdinalIgnoreCase));
            }

            if (timeIndex < 0)
            {
                throw new DatasetException($"{file} line 1: --time-column '{timeColumn}' is not a column. Columns: {string.Join(", ", header)}.");
            }
        }

        var sample = new List<string[]>();
        while (sample.Count < DetectionSampleRows && csv.Read())
        {
            sample.Add(csv.Record);
        }

        if (sample.Count == 0)
        {
            throw new DatasetException($"{file}: the file has a header but no data rows.");
        }

        var timeValues = sample.Where(r => r.Length > timeIndex).Select(r => r[timeIndex].Trim()).Where(v => v.Length > 0).ToArray();
        var format = timeFormat is not null ? ParseFormatOption(timeFormat) : DetectTimeFormat(file, header[timeIndex], timeValues);
        if (format is not null)
        {
            var bad = timeValues.FirstOrDefault(v => !format.TryParse(v, out _));
            if (bad is not null)
            {
                throw new DatasetException(
                    $"{file}: time column '{header[timeIndex]}' value '{bad}' does not match the time format '{format.Pattern}'. " +
                    "Pass --time-format with the strftime pattern of your timestamps (e.g. %Y-%m-%d %H:%M:%S), or --time-column.");
            }
        }

        var channels = new List<string>();
        for (var i = 0; i < header.Length; i++)
        {
            if (i == timeIndex)
            {
                continue;
            }

            var cells = sample.Select(r => i < r.Length ? r[i].Trim() : string.Empty).Where(c => c.Length > 0).ToArray();
            if (cells.Length > 0 && cells.All(IsNumber))
            {
                channels.Add(header[i]);
            }
            else
            {
                warnings.Add($"{file}: column '{header[i]}' is not numeric, so it gets no chart (first value '{cells.FirstOrDefault()}').");
            }
        }

        if (channels.Count == 0)
        {
            throw new DatasetException(
                $"{file}: no numeric column besides the time column '{header[timeIndex]}'. Label Studio needs at least one numeric channel to draw.");
        }

        return new SeriesSchema(separator, header, header[timeIndex], format, channels);
    }

    private static TimeFormat? ParseFormatOption(string pattern)
    {
        try
        {
            return TimeFormat.Parse(pattern);
        }
        catch (FormatException e)
        {
            throw new DatasetException($"--time-format: {e.Message}");
        }
    }

    private static TimeFormat? DetectTimeFormat(string file, string column, string[] values)
    {
        if (values.Length == 0)
        {
            throw new DatasetException($"{file}: time column '{column}' is empty in the first rows. Pass --time-column to choose the time column.");
        }

        if (values.All(IsNumber))
        {
            var first = double.Parse(values[0], CultureInfo.InvariantCulture);
            // Unix seconds for 1973..2286 or milliseconds for the same span become dates; anything else stays a number axis.
            return first switch
            {
                >= 1e8 and < 1e10 => TimeFormat.Parse("%s"),
                >= 1e11 and < 1e13 => TimeFormat.Parse("%Q"),
                _ => null,
            };
        }

        foreach (var candidate in TimeFormat.Candidates.Where(c => c is not "%s" and not "%Q"))
        {
            var format = TimeFormat.Parse(candidate);
            if (values.All(v => format.TryParse(v, out _)))
            {
                return format;
            }
        }

        throw new DatasetException(
            $"{file} line 2: cannot parse time column '{column}' value '{values[0]}' with any known format. " +
            "Pass --time-format with its strftime pattern (e.g. --time-format=\"%d/%m/%Y %H:%M:%S\"), or --time-column if time is in another column.");
    }

    private static SeriesFileSummary CheckRows(string file, SeriesSchema schema, List<string> warnings)
    {
        var timeIndex = schema.Columns.ToList().IndexOf(schema.TimeColumn);
        using var csv = OpenCsv(file, schema.Separator);
        csv.Read(); // header
        long rows = 0;
        var duplicates = 0;
        double previous = double.NegativeInfinity;
        string? previousText = null;
        long previousLine = 0;
        string? first = null;
        while (csv.Read())
        {
            var record = csv.Record;
            var line = csv.Line;
            if (record.Length == 1 && record[0].Length == 0)
            {
                continue; // a blank line
            }

            if (record.Length != schema.Columns.Count)
            {
                throw new DatasetException(
                    $"{file} line {line}: {record.Length} fields, but the header has {schema.Columns.Count}. Fix the row or the separator.");
            }

            var text = record[timeIndex].Trim();
            double time;
            if (schema.TimeFormat is { } format)
            {
                if (!format.TryParse(text, out var instant))
                {
                    throw new DatasetException(
                        $"{file} line {line}: time '{text}' does not match the time format '{format.Pattern}'. Fix the value or pass --time-format.");
                }

                time = instant.UtcTicks;
            }
            else if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out time))
            {
                throw new DatasetException($"{file} line {line}: time '{text}' is not a number, unlike the rows before it.");
            }

            if (time < previous)
            {
                throw new DatasetException(
                    $"{file} line {line}: time '{text}' goes backwards (line {previousLine} has '{previousText}'). " +
                    "Label Studio's editor needs time sorted ascending: sort the file by its time column.");
            }

            if (time == previous)
            {
                duplicates++;
            }

            first ??= text;
            previous = time;
            previousText = text;
            previousLine = line;
            rows++;
        }

        if (rows == 0)
        {
            throw new DatasetException($"{file}: the file has a header but no data rows.");
        }

        if (duplicates > 0)
        {
            warnings.Add($"{file}: {duplicates} rows repeat the previous timestamp; Label Studio accepts this, but labels at those times are ambiguous.");
        }

        return new SeriesFileSummary(file, rows, first!, previousText!);
    }

    private static bool IsNumber(string cell) =>
        double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out _)
        || cell.Equals("nan", StringComparison.OrdinalIgnoreCase);

    internal static char DetectSeparator(string headerLine)
    {
        var best = ',';
        var bestCount = 0;
        foreach (var candidate in SeparatorCandidates)
        {
            var count = 0;
            var quoted = false;
            foreach (var c in headerLine)
            {
                if (c == '"')
                {
                    quoted = !quoted;
                }
                else if (c == candidate && !quoted)
                {
                    count++;
                }
            }

            if (count > bestCount)
            {
                best = candidate;
                bestCount = count;
            }
        }

        return best;
    }

    private static StreamReader OpenText(string file) =>
        new(file, new System.Text.UTF8Encoding(false), detectEncodingFromByteOrderMarks: true);

    private static CsvRecords OpenCsv(string file, char separator) => new(OpenText(file), separator);

    /// <summary>CsvHelper's reader over a file, one record at a time as strings, with its line number.</summary>
    private sealed class CsvRecords(StreamReader text, char separator) : IDisposable
    {
        private readonly CsvReader _reader = CsvReader.Create(
            text,
            new CsvReaderOptions
            {
                Separator = separator,
                HasHeader = false,
                TrackLineNumbers = true,
                SkipEmptyLines = true,
                FieldCountMismatch = CsvFieldCountHandling.Allow,
                MissingField = CsvMissingFieldHandling.ReturnEmpty,
            },
            false);

        /// <summary>The current record's fields.</summary>
        public string[] Record { get; private set; } = [];

        /// <summary>The 1-based line the current record starts on.</summary>
        public long Line => _reader.LineNumber;

        public bool Read()
        {
            if (!_reader.Read())
            {
                return false;
            }

            var fields = new string[_reader.FieldCount];
            for (var i = 0; i < fields.Length; i++)
            {
                fields[i] = _reader.GetString(i);
            }

            Record = fields;
            return true;
        }

        public void Dispose() => _reader.Dispose();
    }
}
