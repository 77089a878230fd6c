namespace LabelPipeline.Prepare;

/// <summary>What to do when a source's time steps backwards.</summary>
public enum UnsortedPolicy
{
    /// <summary>Stop with the file and line of the first backward step.</summary>
    Fail,

    /// <summary>Sort the rows by time (stable: equal times keep their file order). Holds that one file's rows in memory.</summary>
    Sort,
}

/// <summary>What to do with rows that repeat a timestamp (after times are brought to the editor's precision).</summary>
public enum DuplicatePolicy
{
    /// <summary>Keep the first row of each time, drop the others.</summary>
    KeepFirst,

    /// <summary>One row per time: each channel the mean of its values at that time.</summary>
    Mean,

    /// <summary>Stop with the file and line of the first repeat.</summary>
    Fail,
}

/// <summary>How Prepare turns source series into task files (the README's "Prepare" section).</summary>
public sealed record PrepareOptions
{
    /// <summary>
    /// The most values (rows × channels) one task file holds. Measured in Label Studio's editor on 2 busy cores (README,
    /// "Prepare"): 200,000 values render in about 1.2 s (20 channels), 500,000 in about 2 s; this leaves room on a
    /// slower laptop for the 2 s goal.
    /// </summary>
    public const long DefaultMaxPointsPerTask = 200_000;

    /// <summary>Rows per task never exceed this, whatever the channel count: Label Studio issue #2900 lost the line at 100,000 rows.</summary>
    public const int MaxRowsPerTask = 50_000;

    public string? TimeColumn { get; init; }

    /// <summary>strftime pattern of the source's time column; null detects it.</summary>
    public string? TimeFormat { get; init; }

    /// <summary>The zone of source times written without an offset; null is UTC.</summary>
    public TimeZoneInfo? TimeZone { get; init; }

    public long MaxPointsPerTask { get; init; } = DefaultMaxPointsPerTask;

    /// <summary>Rows each window repeats from the end of the one before, so an anomaly at a boundary shows in both.</summary>
    public int WindowOverlap { get; init; }

    public UnsortedPolicy OnUnsorted { get; init; } = UnsortedPolicy.Fail;

    /// <summary>A series split into windows also gets <c>&lt;name&gt;.overview.csv</c>: all of it, min/max-preserving (<see cref="Overview"/>).</summary>
    public bool Overview { get; init; }

    public DuplicatePolicy OnDuplicate { get; init; } = DuplicatePolicy.KeepFirst;

    /// <summary>Sources prepared at once; 0: one per core, at most 4 (each reads and writes its own files, so more cores than disks gain little).</summary>
    public int Workers { get; init; }

    /// <summary>Rows per task for a number of channels.</summary>
    public int RowsPerTask(int channels) => (int)Math.Clamp(MaxPointsPerTask / Math.Max(1, channels), 2, MaxRowsPerTask);

    public static UnsortedPolicy ParseUnsorted(string text) => text.ToLowerInvariant() switch
    {
        "fail" => UnsortedPolicy.Fail,
        "sort" => UnsortedPolicy.Sort,
        _ => throw new ArgumentException($"--on-unsorted={text}: expected sort or fail."),
    };

    public static DuplicatePolicy ParseDuplicate(string text) => text.ToLowerInvariant() switch
    {
        "keep-first" => DuplicatePolicy.KeepFirst,
        "mean" => DuplicatePolicy.Mean,
        "fail" => DuplicatePolicy.Fail,
        _ => throw new ArgumentException($"--on-duplicate={text}: expected keep-first, mean or fail."),
    };

    public static string ToArgument(UnsortedPolicy policy) => policy == UnsortedPolicy.Sort ? "sort" : "fail";

    public static string ToArgument(DuplicatePolicy policy) => policy switch
    {
        DuplicatePolicy.Mean => "mean",
        DuplicatePolicy.Fail => "fail",
        _ => "keep-first",
    };

    /// <summary>An IANA or Windows zone id, or UTC.</summary>
    public static TimeZoneInfo? ParseTimeZone(string text)
    {
        if (text.Equals("UTC", StringComparison.OrdinalIgnoreCase) || text == "Z")
        {
            return null;
        }

        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById(text);
        }
        catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            throw new ArgumentException($"--time-zone={text}: not a known time zone. Use an IANA name such as Europe/Berlin or America/New_York, or UTC.");
        }
    }
}
