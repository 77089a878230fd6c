using System.Globalization;
using System.Text;
using CsvHelper;
using LabelPipeline.IO;

namespace LabelPipeline.Export;

/// <summary>
/// intervals.csv and intervals.jsonl: one row per region, the same columns in both, written in one pass over the
/// regions (they stream from disk). Each JSON line is written field by field, with Newtonsoft's default escaping (so
/// the bytes are what a JObject would render), not built as a tree per region: at hundreds of thousands of regions
/// the trees cost more than everything else in the file.
/// </summary>
internal static class IntervalFiles
{
    private static readonly string[] Columns =
    [
        "dataset", "dataset_version", "series", "task_id", "annotation_id", "region_id", "start_utc", "end_utc", "start_raw", "end_raw",
        "instant", "labels", "is_anomaly", "choices", "text", "annotator", "created_at", "updated_at", "origin", "ground_truth",
        "review", "prediction_region_id",
    ];

    public static void Write(string csvPath, string jsonlPath, IEnumerable<LabeledRange> ranges, SnapshotRules rules, HashedFiles? hashes = null)
    {
        using var csvText = HashedFiles.CreateText(csvPath, hashes);
        using var csv = CsvWriter.Create(csvText, new CsvWriterOptions { NewLine = "\n", Separator = ',' }, true);
        using var jsonl = HashedFiles.CreateText(jsonlPath, hashes);
        csv.WriteRecord(Columns);
        var row = new string[Columns.Length];
        foreach (var r in ranges)
        {
            var anomaly = r.Labels.Any(rules.AnomalyLabels.Contains);
            row[0] = rules.Dataset.Name;
            row[1] = rules.Dataset.Version;
            row[2] = r.SeriesFile;
            row[3] = Invariant(r.TaskId);
            row[4] = Invariant(r.AnnotationId);
            row[5] = r.RegionId;
            row[6] = r.Start.ToText();
            row[7] = r.End.ToText();
            row[8] = r.StartRaw;
            row[9] = r.EndRaw;
            row[10] = r.Instant ? "true" : "false";
            row[11] = string.Join('|', r.Labels);
            row[12] = anomaly ? "1" : "0";
            row[13] = string.Join('|', r.Choices);
            row[14] = r.Text ?? string.Empty;
            row[15] = r.Annotator ?? string.Empty;
            row[16] = r.CreatedAt ?? string.Empty;
            row[17] = r.UpdatedAt ?? string.Empty;
            row[18] = r.Origin;
            row[19] = r.GroundTruth ? "true" : "false";
            row[20] = r.Review ?? string.Empty;
            row[21] = r.PredictionRegionId ?? string.Empty;
            csv.WriteRecord(row);

            jsonl.Write('{');
            for (var i = 0; i < Columns.Length; i++)
            {
                if (i > 0)
                {
                    jsonl.Write(',');
                }

                jsonl.Write('"');
                jsonl.Write(Columns[i]);
                jsonl.Write("\":");
                switch (i)
                {
                    case 3 or 4 or 10 or 19: // task_id, annotation_id (numbers), instant, ground_truth (true/false): as written in the CSV
                        jsonl.Write(row[i]);
                        break;
                    case 12: // is_anomaly
                        jsonl.Write(anomaly ? "true" : "false");
                        break;
                    case 11:
                        JsonText.WriteArray(jsonl, r.Labels);
                        break;
                    case 13:
                        JsonText.WriteArray(jsonl, r.Choices);
                        break;
                    case 14 or 15 or 16 or 17 or 20 or 21 when row[i].Length == 0: // text ... prediction_region_id: null when empty
                        jsonl.Write("null");
                        break;
                    default:
                        JsonText.WriteString(jsonl, row[i]);
                        break;
                }
            }

            jsonl.Write("}\n");
        }
    }

    private static string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);
}

/// <summary>JSON strings and string arrays written straight to a text writer, escaped as Newtonsoft.Json does by default.</summary>
internal static class JsonText
{
    public static void WriteArray(TextWriter writer, IReadOnlyList<string> values)
    {
        writer.Write('[');
        for (var i = 0; i < values.Count; i++)
        {
            if (i > 0)
            {
                writer.Write(',');
            }

            WriteString(writer, values[i]);
        }

        writer.Write(']');
    }

    /// <summary>
    /// A quoted JSON string. Escaped like <c>JsonConvert.ToString</c>: <c>"</c>, <c>\</c>, the control characters
    /// (<c>\b \t \n \f \r</c> short, the others as <c>\u00xx</c>) and U+0085, U+2028, U+2029; everything else as is.
    /// </summary>
    public static void WriteString(TextWriter writer, string value)
    {
        writer.Write('"');
        var text = value.AsSpan();
        while (true)
        {
            var next = text.IndexOfAny(Escaped);
            if (next < 0)
            {
                writer.Write(text);
                break;
            }

            writer.Write(text[..next]);
            var c = text[next];
            switch (c)
            {
                case '"': writer.Write("\\\""); break;
                case '\\': writer.Write("\\\\"); break;
                case '\b': writer.Write("\\b"); break;
                case '\t': writer.Write("\\t"); break;
                case '\n': writer.Write("\\n"); break;
                case '\f': writer.Write("\\f"); break;
                case '\r': writer.Write("\\r"); break;
                default:
                    writer.Write("\\u");
                    writer.Write(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    break;
            }

            text = text[(next + 1)..];
        }

        writer.Write('"');
    }

    private static readonly System.Buffers.SearchValues<char> Escaped = System.Buffers.SearchValues.Create(
        "\"\\\u0000\u0001\u0002\u0003\u0004\u0005\u0006\u0007\b\t\n\u000b\f\r\u000e\u000f\u0010\u0011\u0012\u0013\u0014\u0015\u0016\u0017\u0018\u0019\u001a\u001b\u001c\u001d\u001e\u001f\u0085\u2028\u2029");
}
