namespace LabelPipeline.Datasets;

/// <summary>
/// How large a dataset may be. Label Studio's editor downloads and parses a task's whole CSV in the browser and draws
/// every channel (CONTRACT.md §7.5): it slows down and drops points well before anything refuses the file, so the
/// pipeline warns ahead of the sizes where Label Studio users reported trouble, and refuses only what cannot work.
/// The README's "Input limits" table lists the same numbers.
/// </summary>
public sealed record InputLimits
{
    public static InputLimits Default { get; } = new();

    /// <summary>
    /// Hard: a longer line is refused. No real series row is this long; a file without line breaks or a stray
    /// binary blob is, and reading on would hold the whole of it in memory.
    /// </summary>
    public int MaxLineCharacters { get; init; } = 1 << 20;

    /// <summary>Hard: more columns are refused. Each numeric column becomes a chart in the editor; a thousand cannot be labeled.</summary>
    public int MaxColumns { get; init; } = 1_000;

    /// <summary>Warning above this many numeric channels: one chart each, stacked, and the editor page grows slow to draw and scroll.</summary>
    public int WarnChannels { get; init; } = 50;

    /// <summary>Warning above this many rows in one file: Label Studio issue #2900 saw the line vanish at 100,000 rows.</summary>
    public long WarnRowsPerFile { get; init; } = 50_000;

    /// <summary>Warning above this many values (rows × channels) in one file: issue #6751 lost points at 700,000.</summary>
    public long WarnValuesPerFile { get; init; } = 500_000;

    /// <summary>
    /// Warning above this file size: the browser downloads and parses it whole for every task it opens, and Label
    /// Studio's own upload limit (DATA_UPLOAD_MAX_MEMORY_SIZE) is 250 MB.
    /// </summary>
    public long WarnFileBytes { get; init; } = 100L * 1024 * 1024;
}
