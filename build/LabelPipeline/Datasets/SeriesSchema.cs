namespace LabelPipeline.Datasets;

/// <summary>What the labeling config needs to know about a dataset's CSV files: they all share it.</summary>
/// <param name="Separator">The field separator of every file.</param>
/// <param name="Columns">The header, in file order.</param>
/// <param name="TimeColumn">The name of the time column.</param>
/// <param name="TimeFormat">The strftime format of the time column; null when time is a plain number axis.</param>
/// <param name="Channels">The numeric columns, one chart each.</param>
public sealed record SeriesSchema(
    char Separator,
    IReadOnlyList<string> Columns,
    string TimeColumn,
    TimeFormat? TimeFormat,
    IReadOnlyList<string> Channels);

/// <summary>The result of reading every file of a dataset.</summary>
public sealed record DatasetInspection(SeriesSchema Schema, IReadOnlyList<SeriesFileSummary> Files, IReadOnlyList<string> Warnings);

/// <summary>One file's extent.</summary>
public sealed record SeriesFileSummary(string Path, long Rows, string FirstTime, string LastTime);
