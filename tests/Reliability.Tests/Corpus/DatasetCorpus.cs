using System.Text;

namespace Reliability.Tests.Corpus;

/// <summary>One broken (or merely unusual) dataset and what the pipeline must do with it.</summary>
/// <param name="Name">The dataset's folder under tests/corpus/datasets (or made at test time), also its --dataset.</param>
/// <param name="Accepted">True when users would expect it to work: it must then label end to end.</param>
/// <param name="Expect">Text the output must contain: the error (file and line) when rejected, the warning when accepted.</param>
/// <param name="Why">Why this outcome: the README's corpus table says the same.</param>
public sealed record DatasetCase(string Name, bool Accepted, string[] Expect, string Why)
{
    /// <summary>Made at test time (too large to commit), by <see cref="DatasetCorpus.Generate"/>.</summary>
    public bool Generated { get; init; }
}

/// <summary>The bad-input corpus of datasets: tests/corpus/datasets/&lt;case&gt;/v1/*.csv, plus three made at test time.</summary>
public static class DatasetCorpus
{
    public static IReadOnlyList<DatasetCase> Cases { get; } =
    [
        // Rejected: nothing could be labeled, or it would be labeled wrongly.
        new("empty", false, ["a.csv: the file is empty"], "nothing to label"),
        new("header-only", false, ["a.csv: the file has a header but no data rows"], "nothing to label"),
        new("no-header", false, ["a.csv line 1: the first row holds data", "is a time), not column names"], "the first row would become column names"),
        new("only-time-column", false, ["a.csv line 1: found a single column 'timestamp'"], "no channel to draw"),
        new("unparsable-time", false, ["a.csv line 2: cannot parse time column 'when' value 'yesterday'", "--time-format"], "no time axis"),
        new("mixed-time-formats", false, ["a.csv line 4: time '01/01/2021 00:20' is not in the format of the rows before it", "%Y-%m-%d %H:%M:%S"], "one axis needs one format"),
        new("time-backwards", false, ["a.csv line 4: time '2021-01-01 00:05:00' goes backwards (line 3 has '2021-01-01 00:10:00')"], "the editor needs sorted time"),
        new("non-numeric-cell", false, ["a.csv line 5: column 'value' value 'ERR' is not a number", "Leave the cell empty (or write NaN)"], "a stray text cell is a data error"),
        new("text-only-values", false, ["a.csv: no numeric column besides the time column 'timestamp'"], "no channel to draw"),
        new("ragged-row", false, ["a.csv line 3: 3 fields, but the header has 2"], "the row cannot be read"),
        new("duplicate-column-names", false, ["a.csv line 1: column name 'value' appears more than once"], "Label Studio compares names case-insensitively"),
        new("empty-column-name", false, ["a.csv line 1: column 2 has no name"], "a channel needs a name"),
        new("different-headers", false, ["b.csv line 1: the header differs from", "a.csv"], "one labeling config serves all files"),
        new("empty-time-cell", false, ["a.csv line 3: the time cell (column 'timestamp') is empty"], "a row needs a time"),
        new("decimal-comma", false, ["a.csv: no numeric column", "Column 'value' uses a decimal comma"], "Label Studio reads only a decimal point"),
        new("not-utf8", false, ["a.csv line 1, character 22: byte 0xB0 is not UTF-8 text", "iconv"], "Label Studio's editor reads UTF-8"),
        new("long-line", false, ["a.csv line 3: the line is 10,485,782 characters long; at most 1,048,576 per line"], "no series row is 10 MB; a missing line break is") { Generated = true },
        new("too-many-columns", false, ["a.csv line 1: 1002 columns, more than the 1000"], "a thousand charts cannot be labeled") { Generated = true },

        // Accepted: valid data users expect to work; where Label Studio's editor has trouble, Prepare fixes the task files
        // (never the source) and its report says what it did.
        new("duplicate-timestamps", true, ["1 row repeating a time dropped (kept the first; 1 time)"], "--on-duplicate=keep-first (the default) keeps one row per time: reported"),
        new("nan-and-empty-cells", true, ["3 missing cells (empty or nan) filled with the value before them"], "missing samples are normal; the task files carry the value before so the editor's line goes on: reported"),
        new("bom", true, [], "Excel writes it; fetch() drops it"),
        new("crlf", true, [], "Windows line ends"),
        new("semicolon", true, [], "European CSV"),
        new("tab", true, [], "TSV"),
        new("pipe", true, ["separator '|' -> ','"], "valid CSV the editor splits wrongly: the task files use ','"),
        new("blank-lines", true, [], "blank lines are skipped"),
        new("header-special-characters", true, [], "names go into the labeling config as escaped XML attributes"),
        new("header-quoted", true, ["column 'say \"hi\"' renamed 'say hi'"], "valid CSV; the editor keeps quotes in names (LS #3459): the task files' names have none"),
        new("Kühlturm Süd", true, [], "spaces and non-ASCII in dataset, file and column names"),
        new("500-columns", true, ["500 numeric columns, more than the 50"], "wide sensor tables exist; slow to label: warned") { Generated = true },
    ];

    public static DatasetCase Get(string name) => Cases.Single(c => c.Name == name);

    /// <summary>Writes the large cases into <paramref name="datasetsDir"/>: a 10 MB line, 500 and 1001 columns.</summary>
    public static void Generate(string datasetsDir)
    {
        static string Times(int i) => $"2021-01-01 {i / 6:00}:{i % 6 * 10:00}:00";

        var longLine = new StringBuilder("timestamp,value,note\n");
        longLine.Append(Times(0)).Append(",1,short\n");
        longLine.Append(Times(1)).Append(",2,").Append('x', 10 * 1024 * 1024).Append('\n'); // a 10 MB blob in a cell
        longLine.Append(Times(2)).Append(",3,short\n");
        Write(datasetsDir, "long-line", longLine.ToString());

        Write(datasetsDir, "500-columns", Wide(500));
        Write(datasetsDir, "too-many-columns", Wide(1001));

        static string Wide(int channels)
        {
            var text = new StringBuilder("timestamp");
            for (var c = 0; c < channels; c++)
            {
                text.Append(",sensor_").Append(c.ToString("000", System.Globalization.CultureInfo.InvariantCulture));
            }

            text.Append('\n');
            for (var i = 0; i < 6; i++)
            {
                text.Append(Times(i));
                for (var c = 0; c < channels; c++)
                {
                    text.Append(',').Append((c + i) % 17);
                }

                text.Append('\n');
            }

            return text.ToString();
        }
    }

    private static void Write(string datasetsDir, string name, string content)
    {
        var folder = Path.Combine(datasetsDir, name, "v1");
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "a.csv"), content);
    }
}
