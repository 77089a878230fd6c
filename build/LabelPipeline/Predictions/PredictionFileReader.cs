using System.Globalization;
using System.Text;
using CsvHelper;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace LabelPipeline.Predictions;

/// <summary>
/// Reads model output: a CSV file (header row), JSON Lines (one object per line) or a JSON array, either flagged intervals
/// (<c>series,start,end[,label][,score]</c>) or per-timestamp scores (<c>series,timestamp,score</c>). The shape is told
/// by the columns. Every malformed row fails with the file and line; nothing is checked against the dataset here.
/// </summary>
public static class PredictionFileReader
{
    private static readonly string[] SeriesNames = ["series", "file", "series_file", "task"];
    private static readonly string[] StartNames = ["start", "start_time", "begin"];
    private static readonly string[] EndNames = ["end", "end_time", "stop"];
    private static readonly string[] TimeNames = ["timestamp", "time", "t"];

    public static PredictionFile Read(string path)
    {
        if (!File.Exists(path))
        {
            throw new PredictionException($"--predictions: the file '{path}' does not exist.");
        }

        var extension = Path.GetExtension(path).ToLowerInvariant();
        var rows = extension switch
        {
            ".csv" => ReadCsv(path),
            ".jsonl" or ".ndjson" => ReadJsonLines(path),
            ".json" => ReadJsonArray(path),
            _ => throw new PredictionException($"{path}: unknown predictions format '{extension}'. Use a .csv file with a header row, .jsonl (one JSON object per line) or .json (an array of objects)."),
        };
        return Interpret(path, rows);
    }

    /// <summary>One input row: its fields in column order (null when absent), and its line. Arrays, not dictionaries: score files run to millions of rows.</summary>
    /// <param name="Error">Set when the row cannot be read at all (e.g. a field too many): reported with the others.</param>
    private sealed record Row(string?[] Fields, long Line, string? Error = null);

    /// <summary>At most this many problems are listed; the count says how many there were.</summary>
    private const int MaxProblemsShown = 20;

    /// <summary>The file's columns (lower-cased) and rows.</summary>
    private sealed record Table(IReadOnlyList<string> Columns, IEnumerable<Row> Rows);

    private static PredictionFile Interpret(string path, Table input)
    {
        var columns = input.Columns;
        var series = Find(columns, SeriesNames);
        var start = Find(columns, StartNames);
        var end = Find(columns, EndNames);
        var time = Find(columns, TimeNames);
        var label = Find(columns, ["label", "labels"]);
        var score = Find(columns, ["score", "anomaly_score"]);
        var names = new Dictionary<string, string>(StringComparer.Ordinal); // one string per series name, however many rows
        if (series is null)
        {
            throw new PredictionException(
                $"{path}: no series column (one of {string.Join(", ", SeriesNames)}); found {Describe(columns)}. Each row must name the series file it belongs to, e.g. 2021-01.csv.");
        }

        // Every row's problems are collected, so one run lists them all (as the dataset and the plan checks do).
        var problems = new List<string>();
        long problemCount = 0;
        void Problem(string message)
        {
            if (++problemCount <= MaxProblemsShown)
            {
                problems.Add(message);
            }
        }

        IEnumerable<Row> Readable() => input.Rows.Where(r =>
        {
            if (r.Error is not null)
            {
                Problem(r.Error);
            }

            return r.Error is null;
        });

        PredictionFile Checked(PredictionFile file) => problemCount == 0
            ? file
            : throw new PredictionException(
                $"{path}: {problemCount} problem(s); nothing was imported:\n  " + string.Join("\n  ", problems) +
                (problemCount > problems.Count ? $"\n  ... and {problemCount - problems.Count} more." : string.Empty));

        if (start is not null && end is not null)
        {
            var intervals = new List<PredictedInterval>();
            foreach (var r in Readable())
            {
                var (s, b, e) = (Required(r, series, path, Problem), Required(r, start, path, Problem), Required(r, end, path, Problem));
                var sc = score is null || string.IsNullOrWhiteSpace(Field(r, score)) ? null : Number(r, score, path, Problem);
                if (s is not null && b is not null && e is not null && (score is null || string.IsNullOrWhiteSpace(Field(r, score)) || sc is not null))
                {
                    intervals.Add(new PredictedInterval(s, b, e, label is null || string.IsNullOrWhiteSpace(Field(r, label)) ? null : Field(r, label)!.Trim(), sc, new RowSource(path, r.Line)));
                }
            }

            return Checked(new PredictionFile(path, PredictionFileKind.Intervals, intervals, []));
        }

        if (time is not null && score is not null)
        {
            foreach (var r in Readable())
            {
                Required(r, series, path, Problem);
                Required(r, time, path, Problem);
                Number(r, score, path, Problem, required: true);
            }

            // A score file runs to millions of rows: every row was checked above (file and line), none is held; whoever
            // plans it streams the file again.
            var streamed = input.Rows.Select(r => new ScoreSample(
                Intern(names, Field(r, series)!.Trim()),
                Field(r, time)!.Trim(),
                Number(r, score, path, Problem, required: true)!.Value,
                new RowSource(path, r.Line)));
            return Checked(new PredictionFile(path, PredictionFileKind.Scores, [], streamed));
        }

        throw new PredictionException(
            $"{path}: cannot tell what this file holds; found {Describe(columns)}. Intervals need the columns series,start,end (label and score optional); " +
            "per-timestamp scores need series,timestamp,score.");
    }

    private static string Describe(IReadOnlyList<string> columns) => columns.Count == 0 ? "no columns" : "columns " + string.Join(", ", columns);

    /// <summary>A column by one of its accepted names, as its index and name.</summary>
    private static Column? Find(IReadOnlyList<string> columns, string[] names) =>
        names.Select(n => new Column(n, IndexOf(columns, n))).FirstOrDefault(c => c.Index >= 0);

    private static int IndexOf(IReadOnlyList<string> columns, string name)
    {
        for (var i = 0; i < columns.Count; i++)
        {
            if (columns[i] == name)
            {
                return i;
            }
        }

        return -1;
    }

    private sealed record Column(string Name, int Index)
    {
        public override string ToString() => Name;
    }

    private static string? Field(Row row, Column column) => column.Index < row.Fields.Length ? row.Fields[column.Index] : null;

    private static string Intern(Dictionary<string, string> names, string name)
    {
        if (!names.TryGetValue(name, out var shared))
        {
            names[name] = shared = name;
        }

        return shared;
    }

    private static string? Required(Row row, Column column, string path, Action<string> problem)
    {
        if (Field(row, column) is { } value && !string.IsNullOrWhiteSpace(value))
        {
            return value.Trim();
        }

        problem($"{path} line {row.Line}: '{column}' is empty; every row needs it.");
        return null;
    }

    private static double? Number(Row row, Column column, string path, Action<string> problem, bool required = false)
    {
        var text = Field(row, column);
        if (string.IsNullOrWhiteSpace(text))
        {
            if (required)
            {
                problem($"{path} line {row.Line}: '{column}' is empty; every row needs a score.");
            }

            return null;
        }

        if (double.TryParse(text.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value))
        {
            return value;
        }

        problem($"{path} line {row.Line}: {column} '{text}' is not a finite number (use '.' as the decimal point).");
        return null;
    }

    /// <summary>The header now; the rows lazily, one pass, so a file of millions of scores is never held as text.</summary>
    private static Table ReadCsv(string path)
    {
        string[]? header = null;
        foreach (var (fields, line) in CsvRecords(path))
        {
            header = fields.Select(f => f.Trim().ToLowerInvariant()).ToArray();
            var duplicate = header.GroupBy(h => h).FirstOrDefault(g => g.Count() > 1);
            if (duplicate is not null)
            {
                throw new PredictionException($"{path} line {line}: the column '{duplicate.Key}' appears twice in the header.");
            }

            break;
        }

        if (header is null)
        {
            throw new PredictionException($"{path}: the file is empty; it needs a header row (series,start,end[,label][,score] or series,timestamp,score) and rows.");
        }

        return new Table(header, CsvRows(path, header));
    }

    private static IEnumerable<Row> CsvRows(string path, string[] header)
    {
        foreach (var (fields, line) in CsvRecords(path).Skip(1))
        {
            yield return fields.Length == header.Length
                ? new Row(fields, line)
                : new Row(fields, line, $"{path} line {line}: {fields.Length} fields where the header has {header.Length} ({string.Join(",", header)}). Quote fields that contain the separator.");
        }
    }

    private static IEnumerable<(string[] Fields, long Line)> CsvRecords(string path)
    {
        // The separator as for datasets: the one of ',' ';' tab '|' the header line uses most (a spreadsheet's ';').
        var separator = DetectSeparator(path);
        using var text = new StreamReader(path, new UTF8Encoding(false, throwOnInvalidBytes: true), detectEncodingFromByteOrderMarks: true);
        using var csv = CsvReader.Create(
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
        while (Next(csv, path))
        {
            var fields = new string[csv.FieldCount];
            for (var i = 0; i < fields.Length; i++)
            {
                fields[i] = csv.GetString(i);
            }

            yield return (fields, csv.LineNumber);
        }
    }

    private static char DetectSeparator(string path)
    {
        try
        {
            using var reader = new StreamReader(path, new UTF8Encoding(false, throwOnInvalidBytes: true), detectEncodingFromByteOrderMarks: true);
            string? first;
            while ((first = reader.ReadLine()) is not null && first.Trim().Length == 0)
            {
            }

            return first is null ? ',' : Datasets.DatasetInspector.DetectSeparator(first);
        }
        catch (DecoderFallbackException)
        {
            throw new PredictionException($"{path}: the file is not valid UTF-8.");
        }
    }

    private static bool Next(CsvReader csv, string path)
    {
        try
        {
            return csv.Read();
        }
        catch (CsvFormatException e)
        {
            throw new PredictionException($"{path} after line {csv.LineNumber}: the file cannot be read as CSV ({e.Message}).");
        }
        catch (DecoderFallbackException)
        {
            throw new PredictionException($"{path}: the file is not valid UTF-8.");
        }
    }

    /// <summary>A JSON array of row objects (what <c>json.dump(list_of_dicts)</c> writes); lines are the objects' first lines.</summary>
    private static Table ReadJsonArray(string path)
    {
        IEnumerable<(long Line, JToken Token)> Objects()
        {
            using var text = new StreamReader(path, new UTF8Encoding(false, throwOnInvalidBytes: true), detectEncodingFromByteOrderMarks: true);
            using var reader = new JsonTextReader(text) { DateParseHandling = DateParseHandling.None }; // times stay text, as written
            var settings = new JsonLoadSettings { LineInfoHandling = LineInfoHandling.Load };
            if (!Next(reader, path) || reader.TokenType != JsonToken.StartArray)
            {
                var document = Whole(path);
                throw new PredictionException($"{path}: a .json predictions file is an array of objects ([{{\"series\": ..., \"start\": ..., \"end\": ...}}, ...]), not {document.Type}.");
            }

            // One item at a time: a score file runs to millions of objects.
            while (Next(reader, path) && reader.TokenType != JsonToken.EndArray)
            {
                JToken item;
                try
                {
                    item = JToken.ReadFrom(reader, settings);
                }
                catch (JsonReaderException)
                {
                    item = Whole(path); // fails as reading the whole file fails, with its message
                }

                yield return (((IJsonLineInfo)item).LineNumber, item);
            }

            if (reader.TokenType != JsonToken.EndArray)
            {
                Whole(path);
            }
        }

        return Streamed(path, Objects, "array item");
    }

    private static bool Next(JsonTextReader reader, string path)
    {
        try
        {
            return reader.Read();
        }
        catch (JsonReaderException)
        {
            Whole(path);
            throw;
        }
    }

    /// <summary>The whole document, read as one: only where the streamed reading found a problem, to report it as reading the whole file does.</summary>
    private static JToken Whole(string path)
    {
        try
        {
            using var text = new StreamReader(path, new UTF8Encoding(false, throwOnInvalidBytes: true), detectEncodingFromByteOrderMarks: true);
            using var reader = new JsonTextReader(text) { DateParseHandling = DateParseHandling.None };
            return JToken.ReadFrom(reader, new JsonLoadSettings { LineInfoHandling = LineInfoHandling.Load });
        }
        catch (JsonReaderException e)
        {
            throw new PredictionException($"{path} line {e.LineNumber}: not valid JSON ({e.Message}).");
        }
    }

    private static Table ReadJsonLines(string path)
    {
        IEnumerable<(long Line, JToken Token)> Objects()
        {
            long line = 0;
            foreach (var text in File.ReadLines(path, new UTF8Encoding(false, throwOnInvalidBytes: true)))
            {
                line++;
                if (string.IsNullOrWhiteSpace(text))
                {
                    continue;
                }

                JToken token;
                try
                {
                    using var reader = new JsonTextReader(new StringReader(text)) { DateParseHandling = DateParseHandling.None };
                    token = JToken.ReadFrom(reader);
                }
                catch (JsonReaderException e)
                {
                    throw new PredictionException($"{path} line {line}: not valid JSON ({e.Message}). JSON Lines hold one complete object per line.");
                }

                yield return (line, token);
            }
        }

        return Streamed(path, Objects, "line");
    }

    /// <summary>
    /// The objects as rows, never all held (a score file runs to millions): a first pass checks every object and finds
    /// the columns (a JSON syntax error anywhere fails first, then the first object that is no row); the rows are parsed
    /// again from the file on each enumeration, like a CSV file's.
    /// </summary>
    private static Table Streamed(string path, Func<IEnumerable<(long Line, JToken Token)>> objects, string unit)
    {
        var columns = new List<string>();
        string? problem = null;
        var rows = 0L;
        foreach (var (line, token) in objects())
        {
            rows++;
            problem ??= token is JObject json ? Fields(path, json, line, columns, grow: true).Problem : $"{path} line {line}: expected a JSON object per {unit}, not {token.Type}.";
        }

        if (problem is not null)
        {
            throw new PredictionException(problem);
        }

        if (rows == 0)
        {
            throw new PredictionException($"{path}: the file holds no rows; write one JSON object per line, e.g. {{\"series\": \"a.csv\", \"start\": \"...\", \"end\": \"...\"}}.");
        }

        return new Table(columns, objects().Select(o => new Row(Fields(path, (JObject)o.Token, o.Line, columns, grow: false).Fields, o.Line)));
    }

    /// <summary>One object's fields in column order (<paramref name="grow"/>: a new name becomes the next column), or the problem it has.</summary>
    private static (string?[] Fields, string? Problem) Fields(string path, JObject json, long line, List<string> columns, bool grow)
    {
        var fields = new string?[columns.Count + (grow ? json.Count : 0)];
        foreach (var property in json.Properties())
        {
            var name = property.Name.Trim().ToLowerInvariant();
            var index = IndexOf(columns, name);
            if (index < 0)
            {
                columns.Add(name);
                index = columns.Count - 1;
            }

            switch (property.Value)
            {
                case JValue { Type: JTokenType.Null }:
                    fields[index] = null;
                    break;
                case JValue { Type: JTokenType.String } v:
                    fields[index] = (string)v!;
                    break;
                case JValue { Type: JTokenType.Integer or JTokenType.Float } v:
                    fields[index] = Convert.ToString(v.Value, CultureInfo.InvariantCulture);
                    break;
                case JArray { Count: 1 } a when name is "label" or "labels":
                    fields[index] = a[0].ToString();
                    break;
                default:
                    return (fields, $"{path} line {line}: '{property.Name}' must be a string or a number, not {property.Value.Type}.");
            }
        }

        return (fields, null);
    }
}
