using System.Globalization;

namespace LabelPipeline.Prepare;

/// <summary>The printed side of the prepare report: one line per kind of fix, only those that happened.</summary>
public static class PrepareSummary
{
    public static IReadOnlyList<string> Lines(PreparedDataset result)
    {
        var m = result.Manifest;
        var tasks = m.Sources.Sum(s => s.AllTasks.Count());
        var lines = new List<string>
        {
            string.Create(CultureInfo.InvariantCulture,
                $"Prepare: {m.Sources.Count} source files -> {tasks} task files in {result.TaskFiles.Directory} ({result.Unchanged.Count} sources unchanged since the last run; up to {m.Settings.RowsPerTask:N0} rows per task, overlap {m.Settings.WindowOverlap})"),
        };
        if (m.Schema.SourceTimeFormat is { } from && from != m.Schema.TimeFormat)
        {
            lines.Add($"  times: '{from}' ({m.Schema.TimeZone}) written as '{m.Schema.TimeFormat}' in UTC");
        }

        foreach (var column in m.Schema.Columns.Where(c => c.Prepared is not null && c.Prepared != c.Source))
        {
            lines.Add($"  column '{column.Source}' renamed '{column.Prepared}' (the editor cannot read the name as it is)");
        }

        foreach (var column in m.Schema.Columns.Where(c => c.Role == "dropped"))
        {
            lines.Add($"  column '{column.Source}' left out of the task files (not numeric: the editor draws numbers only; the snapshot's dense labels keep it)");
        }

        foreach (var source in m.Sources)
        {
            var f = source.Fixes;
            var fixes = new List<string>();
            void Add(long count, string one, string many)
            {
                if (count > 0)
                {
                    fixes.Add(string.Create(CultureInfo.InvariantCulture, $"{count:N0} {(count == 1 ? one : many)}"));
                }
            }

            var times = string.Create(CultureInfo.InvariantCulture, $"{f.DuplicateTimes:N0} time{(f.DuplicateTimes == 1 ? string.Empty : "s")}");
            Add(f.RowsReordered, "row out of time order sorted", "rows out of time order sorted");
            Add(f.DuplicateRowsDropped, $"row repeating a time dropped (kept the first; {times})", $"rows repeating a time dropped (kept the first; {times})");
            Add(f.DuplicateRowsAveraged, $"row repeating a time averaged ({times})", $"rows repeating a time averaged ({times})");
            Add(f.MissingCellsFilled, "missing cell (empty or nan) filled with the value before it (or the first value)", "missing cells (empty or nan) filled with the value before them (or the first value)");
            Add(f.RowsWithoutValuesDropped, "row without any value dropped", "rows without any value dropped");
            var unit = m.Schema.TimeFormat?.Contains("%L", StringComparison.Ordinal) == true ? "milliseconds" : "seconds";
            Add(f.TimesRounded, $"time rounded to {unit}", $"times rounded to {unit}");
            Add(f.TimesShiftedToUtc, $"time shifted from {m.Schema.TimeZone} to UTC", $"times shifted from {m.Schema.TimeZone} to UTC");
            if (f.SeparatorChanged)
            {
                fixes.Add($"separator '{m.Schema.SourceSeparator}' -> ','");
            }

            if (f.CarriageReturnsRemoved)
            {
                fixes.Add("CRLF -> LF");
            }

            if (f.ByteOrderMarkRemoved)
            {
                fixes.Add("byte order mark removed");
            }

            lines.Add(string.Create(CultureInfo.InvariantCulture,
                $"  {source.File}: {f.RowsRead:N0} rows -> {source.Tasks.Count} task file{(source.Tasks.Count == 1 ? string.Empty : "s")}{(source.Overview is { } o ? $" + overview ({o.Rows:N0} rows)" : string.Empty)}{(fixes.Count > 0 ? "; " + string.Join(", ", fixes) : string.Empty)}"));
        }

        foreach (var removed in result.Removed)
        {
            lines.Add($"  removed {removed}: no source makes it any more");
        }

        lines.Add($"  report: {result.ReportPath}");
        return lines;
    }
}
