using System.Text;
using Newtonsoft.Json;
using Newtonsoft.Json.Serialization;

namespace LabelPipeline.Prepare;

/// <summary>
/// <c>prepare.json</c> beside the task files: which source file, rows and times each task file holds, the column mapping,
/// the formats and the settings. Export reads it to map regions back to the source; re-runs read it to skip unchanged
/// sources. Its JSON is written in a fixed order with no clock, so unchanged data gives the same bytes.
/// </summary>
public sealed record PreparedManifest
{
    public const string FileName = "prepare.json";
    public const string CurrentFormat = "labelpipeline-prepare/1";

    public string Format { get; init; } = CurrentFormat;

    /// <summary>sha256 of the settings and column mapping: a source is only reused when this and its own sha256 match.</summary>
    public required string Fingerprint { get; init; }

    public required PreparedSchema Schema { get; init; }

    public required PreparedSettings Settings { get; init; }

    public required IReadOnlyList<PreparedSource> Sources { get; init; }

    // Json.NET is only started for writing (reading is PreparedManifestJson): an unchanged re-run writes nothing.
    private static readonly Lazy<JsonSerializerSettings> Json = new(() => new()
    {
        ContractResolver = new DefaultContractResolver { NamingStrategy = new SnakeCaseNamingStrategy() },
        Formatting = Formatting.Indented,
        NullValueHandling = NullValueHandling.Include,
    });

    public string ToJson() => JsonConvert.SerializeObject(this, Json.Value).Replace("\r\n", "\n", StringComparison.Ordinal) + "\n";

    /// <summary>Reads a manifest; null when the file is missing or from another format version.</summary>
    public static PreparedManifest? TryRead(string path)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        // Damaged or another shape: null, and everything is prepared again.
        var manifest = PreparedManifestJson.Read(File.ReadAllBytes(path));
        return manifest?.Format == CurrentFormat ? manifest : null;
    }

    /// <summary>The task file's entry and its source, by task file name; Index is the window (0-based), -1 for an overview.</summary>
    public (PreparedSource Source, PreparedTask Task, int Index)? FindTask(string taskFile) =>
        TasksByFile.TryGetValue(taskFile, out var found) ? found : null;

    // Built on first use, per instance (kept outside the record, so equality and `with` copies are unaffected):
    // Export looks a task file up for every region, and a scan of every source was quadratic.
    private Dictionary<string, (PreparedSource Source, PreparedTask Task, int Index)> TasksByFile => TaskIndexes.GetValue(this, m => IndexTasks(m.Sources));

    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<PreparedManifest, Dictionary<string, (PreparedSource Source, PreparedTask Task, int Index)>> TaskIndexes = new();

    private static Dictionary<string, (PreparedSource Source, PreparedTask Task, int Index)> IndexTasks(IReadOnlyList<PreparedSource> sources)
    {
        var index = new Dictionary<string, (PreparedSource, PreparedTask, int)>(StringComparer.Ordinal);
        foreach (var source in sources)
        {
            for (var i = 0; i < source.Tasks.Count; i++)
            {
                index.TryAdd(source.Tasks[i].File, (source, source.Tasks[i], i)); // the first wins, as the scan did
            }

            if (source.Overview is { } overview)
            {
                index.TryAdd(overview.File, (source, overview, -1)); // not a window: never merged with one
            }
        }

        return index;
    }
}

/// <summary>The columns and time axis of the source files and of the task files made from them.</summary>
/// <param name="SourceSeparator">The source files' separator (task files always use ',').</param>
/// <param name="SourceTimeFormat">The source's strftime pattern; null for a numeric time axis.</param>
/// <param name="TimeFormat">The task files' strftime pattern, UTC (the labeling config's timeFormat); null for a numeric axis.</param>
/// <param name="TimeZone">The zone source times without an offset were read in (UTC when not given).</param>
public sealed record PreparedSchema(
    string SourceSeparator,
    string? SourceTimeFormat,
    string? TimeFormat,
    string TimeZone,
    IReadOnlyList<ColumnMapping> Columns)
{
    /// <summary>The same values, the columns compared one by one (the record's own equality compares the list by reference).</summary>
    public bool SameAs(PreparedSchema other) => this with { Columns = other.Columns } == other && Columns.SequenceEqual(other.Columns);
}

/// <summary>One source column: its name in the task files (null when it is not carried: a text column).</summary>
/// <param name="Role"><c>time</c>, <c>channel</c> or <c>dropped</c> (not numeric: the editor draws numbers only).</param>
public sealed record ColumnMapping(string Source, string? Prepared, string Role);

public sealed record PreparedSettings(long MaxPointsPerTask, int RowsPerTask, int WindowOverlap, string OnUnsorted, string OnDuplicate, bool Overview = false);

/// <summary>One source file and the task files made from it, in time order; with --overview, a long one's overview task too.</summary>
/// <param name="Warnings">What Prepare took as meant but the user should look at (e.g. ambiguous local times); kept so an unchanged source still reports them.</param>
public sealed record PreparedSource(
    string File,
    string Sha256,
    long Bytes,
    IReadOnlyList<PreparedTask> Tasks,
    PrepareFixes Fixes,
    PreparedTask? Overview = null,
    [property: JsonProperty(NullValueHandling = NullValueHandling.Ignore)] IReadOnlyList<string>? Warnings = null)
{
    /// <summary>Every task file made from the source: the windows, then the overview.</summary>
    /// <remarks>Not in prepare.json: written there, Json.NET tried to fill it back on reading and a re-run with an
    /// overview failed ("Unable to cast ... AppendPrepend1Iterator", found against the real Label Studio).</remarks>
    [JsonIgnore]
    public IEnumerable<PreparedTask> AllTasks => Overview is null ? Tasks : Tasks.Append(Overview);
}

/// <summary>
/// One task file (a window of its source): rows, the source lines they came from (first and last, in file order),
/// the first and last time as written in the file, and how many rows it repeats from the window before.
/// <paramref name="EndReachable"/> is the last time a drag in the editor can end on: LSF 1.4.0 snaps a drag onto a
/// task's last point to NaN ("0NaN-NaN-NaN NaN:NaN:NaN", tests/Editor.Tests), so the second-to-last row's time.
/// </summary>
public sealed record PreparedTask(string File, string Sha256, long Bytes, int Window, long Rows, long FirstLine, long LastLine, string Start, string End, int OverlapRows, string? EndReachable = null);

/// <summary>Every fix Prepare made to one source, counted (the prepare report).</summary>
public sealed record PrepareFixes
{
    public long RowsRead { get; init; }
    public long RowsWritten { get; init; }
    public long RowsReordered { get; init; }
    public long DuplicateTimes { get; init; }
    public long DuplicateRowsDropped { get; init; }
    public long DuplicateRowsAveraged { get; init; }
    public long MissingCellsFilled { get; init; }
    public long RowsWithoutValuesDropped { get; init; }
    public long TimesRounded { get; init; }
    public long TimesShiftedToUtc { get; init; }
    public bool ByteOrderMarkRemoved { get; init; }
    public bool CarriageReturnsRemoved { get; init; }
    public bool SeparatorChanged { get; init; }
    public bool TimeFormatChanged { get; init; }
    public int HeaderNamesChanged { get; init; }
    public int TextColumnsDropped { get; init; }

    /// <summary>Whether anything was changed besides splitting into windows.</summary>
    public bool Any => RowsReordered + DuplicateTimes + MissingCellsFilled + RowsWithoutValuesDropped + TimesRounded + TimesShiftedToUtc > 0
                       || ByteOrderMarkRemoved || CarriageReturnsRemoved || SeparatorChanged || TimeFormatChanged || HeaderNamesChanged > 0 || TextColumnsDropped > 0;
}
