using System.Globalization;
using System.Text;
using CsCheck;
using LabelPipeline.Datasets;
using LabelPipeline.Prepare;
using Xunit.Abstractions;

namespace LabelPipeline.Tests.Properties;

/// <summary>
/// Dataset reading and Prepare over generated CSV files (any separator, quoting, line ending, BOM, header names,
/// repeated times, empty and nan cells, empty columns): the task file holds exactly the rows and values a simple
/// reference model says (keep-first, gaps carried forward, leading gaps take the first value), or Prepare refuses the
/// file with a message naming it.
/// </summary>
public sealed class PrepareProperties(ITestOutputHelper output)
{
    private static readonly string[] NamePool = ["v", "motor A", "p;q", "x,y", "quote\"d", "Ä-strom", "a<b&c", "  padded ", "tab\there", "pipe|d", "V"];
    private static readonly DateTime T0 = new(2024, 3, 1, 0, 0, 0, DateTimeKind.Utc);

    /// <summary>One generated source file: its separator, line ending, BOM, channel names, and rows (seconds after T0, cells; null = empty).</summary>
    public sealed record Source(char Separator, string NewLine, bool Bom, bool Epoch, string[] Names, (int Seconds, string?[] Cells)[] Rows)
    {
        public override string ToString() => $"sep '{Separator}', {Names.Length} channels [{string.Join("|", Names)}], {Rows.Length} rows: " +
            string.Join("; ", Rows.Select(r => $"{r.Seconds}:{string.Join(",", r.Cells.Select(c => c ?? "_"))}"));
    }

    private static readonly Gen<string?> Cell = Gen.Frequency(
        (6, Gen.Int[-1000, 1000].Select(i => (string?)i.ToString(CultureInfo.InvariantCulture))),
        (2, Gen.Double[-1e6, 1e6].Select(d => (string?)d.ToString("R", CultureInfo.InvariantCulture))),
        (2, Gen.Const((string?)null)),
        (1, Gen.Const((string?)"nan")),
        (1, Gen.Const((string?)"1e-7")));

    private static readonly Gen<Source> Sources =
        from separator in Gen.Int[0, 3].Select(i => ",;\t|"[i])
        from newLine in Gen.Bool.Select(b => b ? "\n" : "\r\n")
        from bom in Gen.Bool
        from epoch in Gen.Frequency((4, Gen.Const(false)), (1, Gen.Const(true)))
        from channels in Gen.Int[1, 3]
        from names in Gen.Int[0, NamePool.Length - 1].Array[channels]
        from steps in Gen.Frequency((3, Gen.Int[1, 90]), (1, Gen.Const(0))).Array[1, 40]
        from cells in Cell.Array[channels].Array[steps.Length]
        select new Source(separator, newLine, bom, epoch, names.Select(i => NamePool[i]).ToArray(), Rows(steps, cells));

    private static (int, string?[])[] Rows(int[] steps, string?[][] cells)
    {
        var t = 0;
        return steps.Select((step, i) => (t += step, cells[i])).ToArray();
    }

    private static string Quote(string field, char separator) =>
        field.IndexOfAny([separator, '"', '\n', '\r']) >= 0 || field != field.Trim() ? "\"" + field.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : field;

    private static string Csv(Source s)
    {
        var text = new StringBuilder();
        text.Append(string.Join(s.Separator, new[] { "time" }.Concat(s.Names).Select(n => Quote(n, s.Separator)))).Append(s.NewLine);
        foreach (var (seconds, cells) in s.Rows)
        {
            var time = s.Epoch
                ? (1_700_000_000 + seconds).ToString(CultureInfo.InvariantCulture)
                : T0.AddSeconds(seconds).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
            text.Append(string.Join(s.Separator, new[] { time }.Concat(cells.Select(c => c ?? string.Empty)))).Append(s.NewLine);
        }

        return text.ToString();
    }

    /// <summary>The task file's data lines by the rules in the README, computed the slow, obvious way; null when Prepare must refuse.</summary>
    private static List<string>? Expected(Source s)
    {
        // Column names must be unique (case-insensitive, as the editor compares them).
        if (s.Names.Select(n => n.Trim()).Distinct(StringComparer.OrdinalIgnoreCase).Count() != s.Names.Length)
        {
            return null;
        }

        // A column with no cell at all in the first rows is not numeric: it is dropped (a text column).
        var kept = Enumerable.Range(0, s.Names.Length).Where(c => s.Rows.Any(r => r.Cells[c] is not null)).ToArray();
        if (kept.Length == 0)
        {
            return null;
        }

        // Keep-first per time; 'nan' is a gap; a row without any value is left out.
        var rows = s.Rows.GroupBy(r => r.Seconds).Select(g => (g.Key, Cells: kept.Select(c => g.First().Cells[c] is "nan" ? null : g.First().Cells[c]).ToArray()))
            .Where(r => r.Cells.Any(c => c is not null)).ToList();
        if (rows.Count == 0)
        {
            return null;
        }

        var first = kept.Select((_, c) => rows.Select(r => r.Cells[c]).FirstOrDefault(v => v is not null) ?? "0").ToArray();
        var last = new string?[kept.Length];
        var lines = new List<string>();
        foreach (var (seconds, cells) in rows)
        {
            var values = cells.Select((v, c) => last[c] = v ?? last[c] ?? first[c]).ToArray();
            var time = (s.Epoch ? DateTimeOffset.FromUnixTimeSeconds(1_700_000_000 + seconds).UtcDateTime : T0.AddSeconds(seconds))
                .ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
            lines.Add(time + "," + string.Join(',', values));
        }

        return lines;
    }

    [Fact]
    public void Prepare_writes_the_rows_and_values_of_the_source_or_refuses_it_clearly() =>
        PropertyCheck.ForAll(Sources, source =>
        {
            using var temp = new TempDirectory();
            var folder = Path.Combine(temp.Path, "ds", "v1");
            Directory.CreateDirectory(folder);
            File.WriteAllText(Path.Combine(folder, "s.csv"), Csv(source), new UTF8Encoding(source.Bom));
            var expected = Expected(source);
            PreparedDataset result;
            try
            {
                result = DatasetPreparer.Run(Dataset.Open("ds", "v1", folder), new PrepareOptions(), Path.Combine(temp.Path, "prepared"), CancellationToken.None);
            }
            catch (DatasetException e)
            {
                Assert.True(expected is null, $"refused a file the rules accept: {e.Message}");
                Assert.Contains("s.csv", e.Message, StringComparison.Ordinal);
                return;
            }

            Assert.NotNull(expected);
            var lines = File.ReadAllLines(Path.Combine(temp.Path, "prepared", "s.csv"));
            Assert.Equal(expected, lines.Skip(1));
            Assert.Equal(result.TaskSchema.Columns.Count, lines[0].Split(',').Length); // every name is one field
            Assert.Equal(source.Rows.Length, result.Manifest.Sources.Single().Fixes.RowsRead);
        }, output, cases: 100);
}
