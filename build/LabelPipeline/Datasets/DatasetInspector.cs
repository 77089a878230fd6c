using System.Buffers;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using CsvHelper;

namespace LabelPipeline.Datasets;

/// <summary>
/// Reads a dataset's CSV files once, detects the separator, time column, time format and numeric channels, and checks
/// what Label Studio's editor needs but does not report clearly: UTF-8 text, parsable, never-decreasing timestamps,
/// numbers in the numeric columns and the same columns in every file; and warns ahead of the sizes the editor handles
/// badly (<see cref="InputLimits"/>).
/// </summary>
public static class DatasetInspector
{
    private static readonly char[] SeparatorCandidates = [',', ';', '\t', '|'];

    // Control characters a column name cannot carry into the labeling config (XML); tab and line breaks inside quotes
    // are valid CSV and become '_' (ColumnNames).
    private static readonly System.Buffers.SearchValues<char> ControlCharacters =
        System.Buffers.SearchValues.Create([.. Enumerable.Range(0, 32).Select(c => (char)c).Where(c => c is not ('\t' or '\r' or '\n')), '\u007f']);
    private const int DetectionSampleRows = 200;

    /// <param name="timeColumn">Column name to use as time; null = the first column.</param>
    /// <param name="timeFormat">strftime format; null = detect from the data.</param>
    /// <param name="limits">Size limits and warning thresholds; null = <see cref="InputLimits.Default"/>.</param>
    public static DatasetInspection Inspect(Dataset dataset, string? timeColumn = null, string? timeFormat = null, InputLimits? limits = null)
    {
        limits ??= InputLimits.Default;
        var warnings = new List<string>();
        var summaries = new List<SeriesFileSummary>();
        var schema = ReadSchema(dataset, timeColumn, timeFormat, limits, warnings, editorWarnings: true, (file, fileSchema) =>
        {
            var summary = CheckRows(file, fileSchema, limits, warnings);
            WarnAboutSize(summary, fileSchema, limits, warnings);
            summaries.Add(summary);
        });
        return new DatasetInspection(schema, summaries, warnings);
    }

    /// <summary>
    /// The dataset's schema from each file's header and first rows only, without checking every row: Prepare reads the
    /// rows itself (and fixes what the editor mishandles, so the warnings about quoted names and '|' are left out).
    /// </summary>
    /// <param name="cache">What the detection gave for files whose bytes are known to be unchanged (Prepare's file stamps); null: every file is read.</param>
    public static (SeriesSchema Schema, IReadOnlyList<string> Warnings) DetectSchema(
        Dataset dataset, string? timeColumn, string? timeFormat, InputLimits? limits = null, ISchemaDetectionCache? cache = null)
    {
        var warnings = new List<string>();
        var schema = ReadSchema(dataset, timeColumn, timeFormat, limits ?? InputLimits.Default, warnings, editorWarnings: false, afterFile: null, cache);
        return (schema, warnings);
    }

    /// <summary>Every file's schema, which must be the same; <paramref name="afterFile"/> runs on each file once its header is checked.</summary>
    private static SeriesSchema ReadSchema(
        Dataset dataset, string? timeColumn, string? timeFormat, InputLimits limits, List<string> warnings, bool editorWarnings, Action<string, SeriesSchema>? afterFile,
        ISchemaDetectionCache? cache = null)
    {
        SeriesSchema? schema = null;
        var fileWarnings = new List<string>();
        var inputsByFolder = new Dictionary<(string?, bool), string>();
        foreach (var file in dataset.Files)
        {
            try
            {
                var first = schema is null;
                var inputs = cache is null ? null
                    : CollectionsMarshal.GetValueRefOrAddDefault(inputsByFolder, (Path.GetDirectoryName(file), first), out _)
                        ??= DetectionInputs(file, timeColumn, timeFormat, limits, first, editorWarnings);
                if (inputs is null || !cache!.TryGet(file, inputs, out var fileSchema, out var cachedWarnings))
                {
                    fileWarnings.Clear();
                    fileSchema = DetectSchema(file, timeColumn, timeFormat, limits, fileWarnings, first, editorWarnings);
                    cache?.Remember(file, inputs!, fileSchema, fileWarnings);
                    cachedWarnings = fileWarnings;
                }

                warnings.AddRange(cachedWarnings);
                if (schema is null)
                {
                    schema = fileSchema;
                    if (schema.Channels.Count > limits.WarnChannels)
                    {
                        warnings.Add(
                            $"{file}: {schema.Channels.Count} numeric columns, more than the {limits.WarnChannels} the editor draws comfortably (one chart each). " +
                            "Labeling will be slow; consider splitting the columns into several datasets.");
                    }
                }
                else if (!schema.Columns.SequenceEqual(fileSchema.Columns, StringComparer.Ordinal) || schema.Separator != fileSchema.Separator)
                {
                    throw new DatasetException(
                        $"{file} line 1: the header differs from {dataset.Files[0]} ({Describe(fileSchema)} vs {Describe(schema)}). " +
                        "Every file of a dataset must have the same columns and separator, because one labeling config serves all of them.");
                }

                afterFile?.Invoke(file, schema);
            }
            catch (Exception e) when (IsInvalidUtf8(e))
            {
                throw NotUtf8(file);
            }
        }

        return schema!;
    }

    /// <summary>
    /// The detection's inputs besides the file's bytes, as one text: this build of the code (a changed detection must
    /// not be answered from an old cache), the options, the limits, whether the file is the first, and its folder (the
    /// warnings name the file; the cache knows files by name within one folder).
    /// </summary>
    private static string DetectionInputs(string file, string? timeColumn, string? timeFormat, InputLimits limits, bool first, bool editorWarnings) =>
        string.Join('\n', CodeVersion, timeColumn is null ? "-" : "=" + timeColumn, timeFormat is null ? "-" : "=" + timeFormat, limits, first, editorWarnings, Path.GetDirectoryName(file));

    /// <summary>This build of the program's code (its assembly's id): what a cache keyed by it holds is redone by a new build.</summary>
    internal static readonly string CodeVersion = typeof(DatasetInspector).Assembly.ManifestModule.ModuleVersionId.ToString();

    private static void WarnAboutSize(SeriesFileSummary summary, SeriesSchema schema, InputLimits limits, List<string> warnings)
    {
        var file = summary.Path;
        var bytes = new FileInfo(file).Length;
        if (bytes > limits.WarnFileBytes)
        {
            static string Megabytes(long n) => $"{n / (1024.0 * 1024.0):0.#} MB";
            warnings.Add(
                $"{file}: {Megabytes(bytes)}, over {Megabytes(limits.WarnFileBytes)}. The editor downloads and parses the whole file " +
                "for every task it opens; split the series into shorter files (one task each).");
        }

        var values = summary.Rows * schema.Channels.Count;
        if (summary.Rows > limits.WarnRowsPerFile)
        {
            warnings.Add(
                $"{file}: {summary.Rows:N0} rows, over {limits.WarnRowsPerFile:N0}. Label Studio's editor has been reported to lose the line at 100,000 rows: " +
                "split the series into shorter files, or downsample it.");
        }
        else if (values > limits.WarnValuesPerFile)
        {
            warnings.Add(
                $"{file}: {values:N0} values ({summary.Rows:N0} rows × {schema.Channels.Count} channels), over {limits.WarnValuesPerFile:N0}. " +
                "Label Studio's editor has been reported to drop points beyond that: split the series or its columns.");
        }
    }

    private static string Describe(SeriesSchema s) => $"'{string.Join(s.Separator, s.Columns)}'";

    private static SeriesSchema DetectSchema(string file, string? timeColumn, string? timeFormat, InputLimits limits, List<string> warnings, bool first, bool editorWarnings = true)
    {
        var headerLine = ReadHeaderLine(file, limits);
        if (headerLine.Trim().Length == 0)
        {
            throw OnlyWhitespace(file) ?? new DatasetException(
                $"{file} line 1: the first line is blank. The header row (column names) must be the first line: delete the blank lines above it.");
        }

        var separator = DetectSeparator(headerLine, FirstDataLines(file, limits));
        using var csv = OpenCsv(file, separator, limits);
        if (!csv.Read())
        {
            throw new DatasetException($"{file}: the file is empty. Add a header row and data rows.");
        }

        var header = csv.Record.Select(h => h.Trim()).ToArray();
        if (header.Length > limits.MaxColumns)
        {
            throw new DatasetException(
                $"{file} line 1: {header.Length} columns, more than the {limits.MaxColumns} LabelPipeline accepts (each numeric column becomes a chart " +
                "in the editor). Split the columns into several datasets.");
        }

        // Both are valid CSV that the pipeline reads, but Label Studio's editor does not (seen with LSF 1.4.0 in tests/Editor.Tests).
        if (first && editorWarnings && QuotedNames(headerLine, separator) is { Count: > 0 } quoted)
        {
            warnings.Add(
                $"{file} line 1: column names {string.Join(", ", quoted.Select(q => $"'{q}'"))} are in quotes. Label Studio's editor keeps the quotes as part " +
                "of the name (Label Studio issue #3459), so it will not find these columns and draws no chart: remove the quotes from the header row.");
        }

        if (first && editorWarnings && separator == '|')
        {
            warnings.Add(
                $"{file}: the separator is '|'. Label Studio's editor splits such lines wrongly (an empty column after every '|'): " +
                "re-save the files with ',', ';' or tab as the separator.");
        }

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

        // A first row that starts with a time is data too: read as a header it would name a column "2021-01-01 00:00:00".
        if (header.FirstOrDefault(LooksLikeTime) is { } time)
        {
            throw new DatasetException(
                $"{file} line 1: the first row holds data ('{Clip(time)}' is a time), not column names. Add a header row (e.g. timestamp,signal_00,...).");
        }

        // A NUL or another control character in a name is a damaged or UTF-16 file; it would break the labeling config (XML).
        for (var i = 0; i < header.Length; i++)
        {
            var at = header[i].AsSpan().IndexOfAny(ControlCharacters);
            if (at >= 0)
            {
                var control = header[i][at];
                throw new DatasetException(
                    $"{file} line 1: the name of column {i + 1} ('{Printable(header[i])}') holds " +
                    (control == '\0' ? "a NUL byte" : $"the control character U+{(int)control:X4}") +
                    ". Column names must be text: is the file UTF-16 or damaged? Re-save it as UTF-8 CSV, or fix the header row.");
            }
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

        var sample = new List<(long Line, string[] Record)>();
        while (sample.Count < DetectionSampleRows && csv.Read())
        {
            CheckLineLength(file, csv, limits);
            sample.Add((csv.Line, csv.Record));
        }

        if (sample.Count == 0)
        {
            throw new DatasetException($"{file}: the file has a header but no data rows.");
        }

        var timeValues = sample
            .Where(r => r.Record.Length > timeIndex)
            .Select(r => (r.Line, Value: r.Record[timeIndex].Trim()))
            .Where(v => v.Value.Length > 0)
            .ToArray();
        var format = timeFormat is not null ? ParseFormatOption(timeFormat) : DetectTimeFormat(file, header[timeIndex], timeValues);
        if (format is not null)
        {
            var bad = timeValues.FirstOrDefault(v => !format.TryParse(v.Value, out _));
            if (bad.Value is not null)
            {
                throw new DatasetException(
                    $"{file} line {bad.Line}: time column '{header[timeIndex]}' value '{Clip(bad.Value)}' does not match the time format '{format.Pattern}'." +
                    TimeFormat.Hint(bad.Value) + " Pass --time-format with the strftime pattern of your timestamps (e.g. %Y-%m-%d %H:%M:%S), or --time-column.");
            }

            // %Q on seconds reads 1.7e9 as 1970-01-20: valid, but surely not meant.
            if (first && format.Epoch == EpochUnit.Milliseconds && timeValues.Length > 0
                && double.TryParse(timeValues[0].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var epoch) && Math.Abs(epoch) < 1e11)
            {
                format.TryParse(timeValues[0].Value, out var instant);
                warnings.Add(
                    $"{file} line {timeValues[0].Line}: --time-format=%Q reads '{timeValues[0].Value}' as milliseconds since 1970, which is " +
                    $"{instant.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)} UTC (1970). If the times are seconds since 1970, pass --time-format=%s.");
            }
        }

        var channels = new List<string>();
        var decimalCommaColumns = new List<string>();
        for (var i = 0; i < header.Length; i++)
        {
            if (i == timeIndex)
            {
                continue;
            }

            var cells = sample.Select(r => i < r.Record.Length ? r.Record[i].Trim() : string.Empty).Where(c => c.Length > 0).ToArray();

            // A column is numeric when most of its first cells are numbers: a stray text cell further on is then
            // reported by line (CheckRows) instead of silently costing the column its chart.
            if (cells.Length > 0 && cells.Count(IsNumber) * 2 > cells.Length)
            {
                channels.Add(header[i]);
            }
            else if (cells.Length > 0 && cells.All(IsDecimalCommaNumber))
            {
                decimalCommaColumns.Add(header[i]);
                warnings.Add(
                    $"{file}: column '{header[i]}' is not numeric, so it gets no chart: its values use a decimal comma (first value '{Clip(cells[0])}'). " +
                    "Label Studio reads numbers with a decimal point only: re-save the file with '.' as the decimal separator.");
            }
            else
            {
                warnings.Add($"{file}: column '{header[i]}' is not numeric, so it gets no chart (first value '{Clip(cells.FirstOrDefault() ?? string.Empty)}').");
            }
        }

        if (channels.Count == 0)
        {
            throw new DatasetException(
                $"{file}: no numeric column besides the time column '{header[timeIndex]}'. Label Studio needs at least one numeric channel to draw." +
                (decimalCommaColumns.Count > 0
                    ? $" {(decimalCommaColumns.Count == 1 ? "Column" : "Columns")} {string.Join(", ", decimalCommaColumns.Select(c => $"'{c}'"))} " +
                      $"{(decimalCommaColumns.Count == 1 ? "uses" : "use")} a decimal comma ('1,5'); Label Studio reads only a decimal point ('1.5'): re-save the file that way."
                    : string.Empty));
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

    private static TimeFormat? DetectTimeFormat(string file, string column, (long Line, string Value)[] timeValues)
    {
        if (timeValues.Length == 0)
        {
            throw new DatasetException($"{file}: time column '{column}' is empty in the first rows. Pass --time-column to choose the time column.");
        }

        var values = timeValues.Select(v => v.Value).ToArray();
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

        var candidates = TimeFormat.Candidates.Where(c => c is not "%s" and not "%Q").Select(TimeFormat.Parse).ToArray();
        foreach (var format in candidates)
        {
            if (values.All(v => format.TryParse(v, out _)))
            {
                // '12/09/2024' is 12 September or 9 December: when another format reads every value too, but as other
                // times, taking either would be a guess that can be silently wrong.
                var rival = candidates.FirstOrDefault(other => other != format && values.All(v => other.TryParse(v, out _)) && values.Any(v => Differ(format, other, v)));
                if (rival is not null)
                {
                    var example = timeValues.First(v => Differ(format, rival, v.Value));
                    throw new DatasetException(
                        $"{file} line {example.Line}: time '{example.Value}' can be read as '{format.Pattern}' or as '{rival.Pattern}' " +
                        $"(day and month are both 12 or less in the first {values.Length} rows). Pass the one the file uses: " +
                        $"--time-format=\"{format.Pattern}\" or --time-format=\"{rival.Pattern}\".");
                }

                return format;
            }
        }

        // The first time parses, a later one does not: the file mixes formats. Name the first row that breaks ranks.
        if (candidates.FirstOrDefault(f => f.TryParse(values[0], out _)) is { } firstFormat)
        {
            var odd = timeValues.First(v => !firstFormat.TryParse(v.Value, out _));
            throw new DatasetException(
                $"{file} line {odd.Line}: time '{Clip(odd.Value)}' is not in the format of the rows before it ('{firstFormat.Pattern}', e.g. '{values[0]}' " +
                $"on line {timeValues[0].Line}).{TimeFormat.Hint(odd.Value)} One time axis needs one format: write every time the same way, or pass --time-format.");
        }

        throw new DatasetException(
            $"{file} line {timeValues[0].Line}: cannot parse time column '{column}' value '{Clip(values[0])}' with any known format.{TimeFormat.Hint(values[0])} " +
            "Pass --time-format with its strftime pattern (e.g. --time-format=\"%d/%m/%Y %H:%M:%S\"), or --time-column if time is in another column.");
    }

    private static bool Differ(TimeFormat a, TimeFormat b, string value) =>
        a.TryParse(value, out var x) && b.TryParse(value, out var y) && x != y;

    private static SeriesFileSummary CheckRows(string file, SeriesSchema schema, InputLimits limits, List<string> warnings)
    {
        var timeIndex = schema.Columns.ToList().IndexOf(schema.TimeColumn);
        var channelIndexes = schema.Channels.Select(c => schema.Columns.ToList().IndexOf(c)).ToArray();
        var missing = 0L;
        (long Line, string Column, string Value)? firstMissing = null;
        using var csv = OpenCsv(file, schema.Separator, limits);
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

            CheckLineLength(file, csv, limits);
            if (record.Length != schema.Columns.Count)
            {
                throw new DatasetException(
                    $"{file} line {line}: {record.Length} fields, but the header has {schema.Columns.Count}. Fix the row or the separator.");
            }

            foreach (var channel in channelIndexes)
            {
                var cell = record[channel].Trim();
                if (cell.Length == 0 || cell.Equals("nan", StringComparison.OrdinalIgnoreCase))
                {
                    missing++;
                    firstMissing ??= (line, schema.Columns[channel], cell);
                }
                else if (!IsNumber(cell))
                {
                    throw new DatasetException(
                        $"{file} line {line}: column '{schema.Columns[channel]}' value '{Clip(cell)}' is not a number, unlike the rest of the column. " +
                        "Leave the cell empty (or write NaN) for a missing value, or correct it.");
                }
            }

            var text = record[timeIndex].Trim();
            if (text.Length == 0)
            {
                throw new DatasetException(
                    $"{file} line {line}: the time cell (column '{schema.TimeColumn}') is empty. Every row needs a time: fill it in or delete the row.");
            }

            double time;
            if (schema.TimeFormat is { } format)
            {
                if (!format.TryParse(text, out var instant))
                {
                    throw TimeMismatch(file, line, text, format);
                }

                time = instant.UtcTicks;
            }
            else if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out time))
            {
                throw new DatasetException($"{file} line {line}: time '{Clip(text)}' is not a number, unlike the rows before it.");
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

        if (firstMissing is { } gap)
        {
            // Kept: missing samples are normal in sensor data and the snapshot carries every row. But the editor draws badly over them.
            warnings.Add(
                $"{file} line {gap.Line}: column '{gap.Column}' has a missing value ({(gap.Value.Length == 0 ? "an empty cell" : $"'{gap.Value}'")}); " +
                $"{missing:N0} in the file. Label Studio's editor stops drawing a line at a 'nan' and may draw an empty cell as 0: " +
                "fill the gaps (e.g. interpolate) if the labelers need to see past them.");
        }

        return new SeriesFileSummary(file, rows, first!, previousText!);
    }

    /// <summary>A time that does not parse in the file's format: where, and (a leap second, the other epoch unit) why.</summary>
    internal static DatasetException TimeMismatch(string file, long line, string text, TimeFormat format) => new(
        $"{file} line {line}: time '{Clip(text)}' does not match the time format '{format.Pattern}' of the rows before it.{TimeFormat.Hint(text)} " +
        "One time axis needs one format: fix the value, or pass --time-format.");

    /// <summary>The error for a file of only spaces, tabs and line breaks; null when it holds anything else.</summary>
    private static DatasetException? OnlyWhitespace(string file)
    {
        using var reader = OpenText(file);
        var buffer = new char[8192];
        int read;
        while ((read = reader.Read(buffer, 0, buffer.Length)) > 0)
        {
            if (buffer.AsSpan(0, read).ContainsAnyExcept(" \t\r\n\f\v"))
            {
                return null;
            }
        }

        return new DatasetException(
            $"{file}: the file holds only whitespace ({new FileInfo(file).Length:N0} bytes of spaces, tabs or blank lines), no header and no rows: " +
            "it is empty. Write the series into it (a header row, then one row per time) or delete it.");
    }

    private static string Printable(string name) => new(name.Select(c => char.IsControl(c) ? '?' : c).ToArray());

    private static bool IsNumber(string cell) =>
        double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out _)
        || cell.Equals("nan", StringComparison.OrdinalIgnoreCase);

    /// <summary>Built on first use: a re-run whose detections all come from the cache never needs them (the parser's JIT was ~15 ms).</summary>
    private static readonly Lazy<TimeFormat[]> DateFormats =
        new(() => TimeFormat.Candidates.Where(c => c is not "%s" and not "%Q").Select(TimeFormat.Parse).ToArray());

    private static bool LooksLikeTime(string cell) => DateFormats.Value.Any(f => f.TryParse(cell, out _));

    /// <summary>'1,5' or '-0,25': a number written with a decimal comma (German, French … spreadsheets).</summary>
    private static bool IsDecimalCommaNumber(string cell) =>
        cell.Count(c => c == ',') == 1 && !cell.Contains('.', StringComparison.Ordinal) && IsNumber(cell.Replace(',', '.'));

    /// <summary>The header names written in double quotes in the raw header line.</summary>
    private static List<string> QuotedNames(string headerLine, char separator)
    {
        var names = new List<string>();
        var start = 0;
        var quoted = false;
        for (var i = 0; i <= headerLine.Length; i++)
        {
            if (i < headerLine.Length && headerLine[i] == '"')
            {
                quoted = !quoted;
            }
            else if (i == headerLine.Length || (headerLine[i] == separator && !quoted))
            {
                var field = headerLine[start..i].Trim();
                if (field.Length >= 2 && field[0] == '"')
                {
                    names.Add(field[1..^1].Replace("\"\"", "\"", StringComparison.Ordinal));
                }

                start = i + 1;
            }
        }

        return names;
    }

    /// <summary>A cell as it goes into a message: long values (a 10 MB blob) are cut.</summary>
    private static string Clip(string value) => value.Length <= 60 ? value : value[..60] + $"… ({value.Length:N0} characters)";

    private static string ReadHeaderLine(string file, InputLimits limits)
    {
        // Read the first line by blocks, so a file without line breaks is refused without holding all of it.
        using var reader = OpenText(file);
        var header = new StringBuilder();
        var buffer = new char[8192];
        int read;
        while ((read = reader.Read(buffer, 0, buffer.Length)) > 0)
        {
            var end = Array.FindIndex(buffer, 0, read, c => c is '\n' or '\r');
            header.Append(buffer, 0, end < 0 ? read : end);
            if (header.Length > limits.MaxLineCharacters)
            {
                throw LineTooLong(file, 1, header.Length, limits, atLeast: true);
            }

            if (end >= 0)
            {
                break;
            }
        }

        return header.Length == 0 && read == 0 // no characters at all (a byte order mark alone is not one)
            ? throw new DatasetException($"{file}: the file is empty. Add a header row and data rows.")
            : header.ToString();
    }

    internal static void CheckLineLength(string file, CsvRecords csv, InputLimits limits)
    {
        if (csv.Characters > limits.MaxLineCharacters)
        {
            throw LineTooLong(file, csv.Line, csv.Characters, limits, atLeast: false);
        }
    }

    /// <param name="atLeast">The line was not read to its end: <paramref name="characters"/> is only where reading stopped.</param>
    private static DatasetException LineTooLong(string file, long line, long characters, InputLimits limits, bool atLeast) =>
        new(
            $"{file} line {line}: the line is " +
            (atLeast ? $"longer than {limits.MaxLineCharacters:N0} characters, the most" : $"{characters:N0} characters long; at most {limits.MaxLineCharacters:N0} per line is what") +
            " LabelPipeline accepts. Is a line break missing, or did a binary or text blob end up in a cell? Fix the file.");

    internal static bool IsInvalidUtf8(Exception e)
    {
        for (Exception? cause = e; cause is not null; cause = cause.InnerException)
        {
            if (cause is DecoderFallbackException)
            {
                return true;
            }
        }

        return false;
    }

    internal static DatasetException NotUtf8(string file)
    {
        var where = FindInvalidUtf8(file);
        var at = where is { } w ? $" line {w.Line}, character {w.Column}: byte 0x{w.Byte:X2}" : string.Empty;
        return new DatasetException(
            $"{file}{at} is not UTF-8 text. LabelPipeline and Label Studio's editor read CSV files as UTF-8: re-save the file as UTF-8 " +
            "(e.g. iconv -f windows-1252 -t utf-8 old.csv > new.csv, or 'CSV UTF-8' in Excel).");
    }

    /// <summary>The first byte of <paramref name="file"/> that is not part of a UTF-8 sequence, with its line and character; null if none.</summary>
    internal static (long Line, long Column, byte Byte)? FindInvalidUtf8(string file)
    {
        using var stream = File.OpenRead(file);
        var buffer = new byte[1 << 16];
        var carried = 0;
        long line = 1, column = 1;
        while (true)
        {
            var read = stream.Read(buffer, carried, buffer.Length - carried);
            var length = carried + read;
            var final = read == 0;
            var i = 0;
            while (i < length)
            {
                var status = System.Text.Rune.DecodeFromUtf8(buffer.AsSpan(i, length - i), out var rune, out var consumed);
                if (status == OperationStatus.NeedMoreData && !final)
                {
                    break; // the sequence continues in the next block
                }

                if (status != OperationStatus.Done)
                {
                    return (line, column, buffer[i]);
                }

                (line, column) = rune.Value == '\n' ? (line + 1, 1) : (line, column + 1);
                i += consumed;
            }

            if (final)
            {
                return null;
            }

            carried = length - i;
            buffer.AsSpan(i, carried).CopyTo(buffer);
        }
    }

    /// <summary>Up to five non-blank lines after the header (each cut at the line limit), to confirm the separator.</summary>
    private static List<string> FirstDataLines(string file, InputLimits limits)
    {
        var lines = new List<string>();
        using var reader = OpenText(file);
        reader.ReadLine();
        while (lines.Count < 5 && reader.ReadLine() is { } line)
        {
            if (line.Length > limits.MaxLineCharacters)
            {
                break; // CheckLineLength reports it with its line
            }

            if (line.Trim().Length > 0)
            {
                lines.Add(line);
            }
        }

        return lines;
    }

    /// <summary>
    /// The separator: of ',' ';' tab '|', the one that splits the header and the first data lines into the same number
    /// of fields (a name like 'pressure (bar, abs)' in a ';' file must not make it ','), then the one used most.
    /// </summary>
    internal static char DetectSeparator(string headerLine, IReadOnlyList<string> dataLines)
    {
        var best = DetectSeparator(headerLine);
        var bestScore = (Consistent: false, Count: 0);
        foreach (var candidate in SeparatorCandidates)
        {
            var count = CountUnquoted(headerLine, candidate);
            var score = (Consistent: count > 0 && dataLines.Count > 0 && dataLines.All(l => CountUnquoted(l, candidate) == count), Count: count);
            if (score.Consistent && (!bestScore.Consistent || score.Count > bestScore.Count))
            {
                best = candidate;
                bestScore = score;
            }
        }

        return best;
    }

    private static int CountUnquoted(string line, char separator)
    {
        var count = 0;
        var quoted = false;
        foreach (var c in line)
        {
            if (c == '"')
            {
                quoted = !quoted;
            }
            else if (c == separator && !quoted)
            {
                count++;
            }
        }

        return count;
    }

    internal static char DetectSeparator(string headerLine)
    {
        var best = ',';
        var bestCount = 0;
        foreach (var candidate in SeparatorCandidates)
        {
            var count = CountUnquoted(headerLine, candidate);
            if (count > bestCount)
            {
                best = candidate;
                bestCount = count;
            }
        }

        return best;
    }

    // Invalid bytes throw instead of becoming U+FFFD, so a non-UTF-8 file is reported rather than silently mangled.
    private static StreamReader OpenText(string file) =>
        new(file, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true), detectEncodingFromByteOrderMarks: true);

    internal static CsvRecords OpenCsv(string file, char separator, InputLimits limits) => new(file, OpenText(file), separator, limits);

    /// <summary>CsvHelper's reader over a file, one record at a time as strings, with its line number.</summary>
    internal sealed class CsvRecords(string file, StreamReader text, char separator, InputLimits limits) : IDisposable
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

                // A memory guard for a record without line breaks; up to it, CheckLineLength reports the exact line.
                MaxRecordSize = MaxRecordBytes(limits),
            },
            false);

        /// <summary>The current record's fields.</summary>
        public string[] Record { get; private set; } = [];

        /// <summary>The 1-based line the current record starts on.</summary>
        public long Line => _reader.LineNumber;

        /// <summary>How far into the file the reader is, in bytes (ahead by at most one buffer): for progress only.</summary>
        public long BytesRead => text.BaseStream.Position;

        /// <summary>The current record's length in characters, separators included (its line's length, quotes aside).</summary>
        public long Characters { get; private set; }

        public bool Read()
        {
            try
            {
                if (!_reader.Read())
                {
                    return false;
                }
            }
            catch (CsvFormatException e) when (e.InnerException is null or not DecoderFallbackException)
            {
                throw new DatasetException(
                    $"{file} after line {Line}: the file cannot be read as CSV ({e.Message}). LabelPipeline accepts lines of at most " +
                    $"{limits.MaxLineCharacters:N0} characters: is a line break or a closing quote missing?");
            }

            var fields = new string[_reader.FieldCount];
            long characters = Math.Max(0, fields.Length - 1);
            for (var i = 0; i < fields.Length; i++)
            {
                fields[i] = _reader.GetString(i);
                characters += fields[i].Length;
            }

            Record = fields;
            Characters = characters;
            return true;
        }

        public void Dispose() => _reader.Dispose();

        private static int MaxRecordBytes(InputLimits limits) => (int)Math.Min(int.MaxValue / 2, Math.Max(64L << 20, limits.MaxLineCharacters * 16L));
    }
}
