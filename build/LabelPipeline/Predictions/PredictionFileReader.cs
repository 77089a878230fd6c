using System.Globalization;
using System.Text;
using CsvHelper;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace LabelPipeline.Predictions;

/// <summary>
/// Reads model output: a CSV file (header row) or JSON Lines (one object per line), either flagged intervals
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
            ".jsonl" or ".ndjson" or ".json" => ReadJsonLines(path),
            _ => throw new PredictionException($"{path}: unknown predictions format '{extension}'. Use a .csv file with a header row, or .jsonl (one JSON object per line)."),
        };
        return Interpret(path, rows);
    }

    /// <summary>One input row: its fields by lower-cased column name, and its line.</summary>
    private sealed record Row(IReadOnlyDictionary<string, string?> Fields, long Line);

    private static PredictionFile Interpret(string path, (IReadOnlyList<string> Columns, IReadOnlyList<Row> Rows) input)
    {
        var columns = input.Columns;
        var series = Find(columns, SeriesNames);
        var start = Find(columns, StartNames);
        var end = Find(columns, EndNames);
        var time = Find(columns, TimeNames);
        var label = Find(columns, ["label", "labels"]);
        var score = Find(columns, ["score", "anomaly_score"]);
        if (series is null)
        {
            throw new PredictionException(
                $"{path}: no series column (one of {string.Join(", ", SeriesNames)}); found {Describe(columns)}. Each row must name the series file it belongs to, e.g. 2021-01.csv.");
        }

        if (start is not null && end is not null)
        {
            var intervals = input.Rows.Select(r => new PredictedInterval(
                Required(r, series, path),
                Required(r, start, path),
                Required(r, end, path),
                label is null || string.IsNullOrWhiteSpace(r.Fields.GetValueOrDefault(label)) ? null : r.Fields[label]!.Trim(),
                score is null || string.IsNullOrWhiteSpace(r.Fields.GetValueOrDefault(score)) ? null : Number(r, score, path),
                new RowSource(path, r.Line))).ToList();
            return new PredictionFile(path, PredictionFileKind.Intervals, intervals, []);
        }

        if (time is not null && score is not null)
        {
            var samples = input.Rows.Select(r => new ScoreSample(
                Required(r, series, path),
                Required(r, time, path),
                Number(r, score, path, required: true)!.Value,
                new RowSource(path, r.Line))).ToList();
            return new PredictionFile(path, PredictionFileKind.Scores, [], samples);
        }

        throw new PredictionException(
            $"{path}: cannot tell what this file holds; found {Describe(columns)}. Intervals need the columns series,start,end (label and score optional); " +
            "per-timestamp scores need series,timestamp,score.");
    }

    private static string Describe(IReadOnlyList<string> columns) => columns.Count == 0 ? "no columns" : "columns " + string.Join(", ", columns);

    private static string? Find(IReadOnlyList<string> columns, string[] names) => names.FirstOrDefault(columns.Contains);

    private static string Required(Row row, string column, string path) =>
        row.Fields.GetValueOrDefault(column) is { } value && !string.IsNullOrWhiteSpace(value)
            ? value.Trim()
            : throw new PredictionException($"{path} line {row.Line}: '{column}' is empty; every row needs it.");

    private static double? Number(Row row, string column, string path, bool required = false)
    {
        var text = row.Fields.GetValueOrDefault(column);
        if (string.IsNullOrWhiteSpace(text))
        {
            return required ? throw new PredictionException($"{path} line {row.Line}: '{column}' is empty; every row needs a score.") : null;
        }

        return double.TryParse(text.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value)
            ? value
            : throw new PredictionException($"{path} line {row.Line}: {column} '{text}' is not a finite number (use '.' as the decimal point).");
    }

    private static (IReadOnlyList<string>, IReadOnlyList<Row>) ReadCsv(string path)
    {
        using var text = new StreamReader(path, new UTF8Encoding(false, throwOnInvalidBytes: true), detectEncodingFromByteOrderMarks: true);
        using var csv = CsvReader.Create(
            text,
            new CsvReaderOptions
            {
                Separator = ',',
                HasHeader = false,
                TrackLineNumbers = true,
                SkipEmptyLines = true,
                FieldCountMismatch = CsvFieldCountHandling.Allow,
                MissingField = CsvMissingFieldHandling.ReturnEmpty,
            },
            false);
        string[]? header = null;
        var rows = new List<Row>();
        try
        {
            while (csv.Read())
            {
                var fields = new string[csv.FieldCount];
                for (var i = 0; i < fields.Length; i++)
                {
                    fields[i] = csv.GetString(i);
                }

                if (header is null)
                {
                    header = fields.Select(f => f.Trim().ToLowerInvariant()).ToArray();
                    var duplicate = header.GroupBy(h => h).FirstOrDefault(g => g.Count() > 1);
                    if (duplicate is not null)
                    {
                        throw new PredictionException($"{path} line {csv.LineNumber}: the column '{duplicate.Key}' appears twice in the header.");
                    }

                    continue;
                }

                if (fields.Length != header.Length)
                {
                    throw new PredictionException(
                        $"{path} line {csv.LineNumber}: {fields.Length} fields where the header has {header.Length} ({string.Join(",", header)}). Quote fields that contain commas.");
                }

                var row = new Dictionary<string, string?>(StringComparer.Ordinal);
                for (var i = 0; i < fields.Length; i++)
                {
                    row[header[i]] = fields[i];
                }

                rows.Add(new Row(row, csv.LineNumber));
            }
        }
        catch (CsvFormatException e)
        {
            throw new PredictionException($"{path} after line {csv.LineNumber}: the file cannot be read as CSV ({e.Message}).");
        }
        catch (DecoderFallbackException)
        {
            throw new PredictionException($"{path}: the file is not valid UTF-8.");
        }

        if (header is null)
        {
            throw new PredictionException($"{path}: the file is empty; it needs a header row (series,start,end[,label][,score] or series,timestamp,score) and rows.");
        }

        return (header, rows);
    }

    private static (IReadOnlyList<string>, IReadOnlyList<Row>) ReadJsonLines(string path)
    {
        var columns = new List<string>();
        var rows = new List<Row>();
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
                token = JToken.Parse(text);
            }
            catch (JsonReaderException e)
            {
                throw new PredictionException($"{path} line {line}: not valid JSON ({e.Message}). JSON Lines hold one complete object per line.");
            }

            if (token is not JObject json)
            {
                throw new PredictionException($"{path} line {line}: expected a JSON object per line, not {token.Type}.");
            }

            var fields = new Dictionary<string, string?>(StringComparer.Ordinal);
            foreach (var property in json.Properties())
            {
                var name = property.Name.Trim().ToLowerInvariant();
                fields[name] = property.Value switch
                {
                    JValue { Type: JTokenType.Null } => null,
                    JValue { Type: JTokenType.String } v => (string)v!,
                    JValue { Type: JTokenType.Integer or JTokenType.Float } v => Convert.ToString(v.Value, CultureInfo.InvariantCulture),
                    JArray { Count: 1 } a when name is "label" or "labels" => a[0].ToString(),
                    var other => throw new PredictionException($"{path} line {line}: '{property.Name}' must be a string or a number, not {other.Type}."),
                };
                if (!columns.Contains(name))
                {
                    columns.Add(name);
                }
            }

            rows.Add(new Row(fields, line));
        }

        if (rows.Count == 0)
        {
            throw new PredictionException($"{path}: the file holds no rows; write one JSON object per line, e.g. {{\"series\": \"a.csv\", \"start\": \"...\", \"end\": \"...\"}}.");
        }

        return (columns, rows);
    }
}
