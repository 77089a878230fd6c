using System.Runtime.CompilerServices;
using System.Text.Json;

namespace LabelPipeline.Prepare;

/// <summary>
/// Reads prepare.json with System.Text.Json's <see cref="Utf8JsonReader"/>, field by field: Json.NET's reflection took
/// about 0.2 s (mostly its start-up) and System.Text.Json's serializer 0.1 s for the 3,000 sources of a re-run that
/// changes nothing. Writing stays with Json.NET (<see cref="PreparedManifest.ToJson"/>), whose bytes are the file's;
/// a field this reader does not know is skipped, one it needs and misses makes the manifest unreadable (null: every
/// source is prepared again). tests/…/PreparedManifestReaderTests holds it to the writer for every field.
/// </summary>
internal static class PreparedManifestJson
{
    /// <summary>The manifest, or null when the JSON is not one (damaged, another shape).</summary>
    public static PreparedManifest? Read(byte[] json)
    {
        try
        {
            var reader = new Utf8JsonReader(json, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip });
            reader.Read();
            var manifest = Manifest(ref reader);
            return reader.Read() ? null : manifest; // nothing may follow
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException or NotAManifest)
        {
            return null;
        }
    }

    private sealed class NotAManifest : Exception;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static PreparedManifest Manifest(ref Utf8JsonReader r)
    {
        string? format = null, fingerprint = null;
        PreparedSchema? schema = null;
        PreparedSettings? settings = null;
        List<PreparedSource>? sources = null;
        Start(ref r, JsonTokenType.StartObject);
        while (Property(ref r))
        {
            if (r.ValueTextEquals("format"u8)) format = Text(ref r);
            else if (r.ValueTextEquals("fingerprint"u8)) fingerprint = Text(ref r);
            else if (r.ValueTextEquals("schema"u8)) schema = Schema(ref r);
            else if (r.ValueTextEquals("settings"u8)) settings = Settings(ref r);
            else if (r.ValueTextEquals("sources"u8)) sources = Array(ref r, Source);
            else Skip(ref r);
        }

        return new PreparedManifest { Format = Need(format), Fingerprint = Need(fingerprint), Schema = Need(schema), Settings = Need(settings), Sources = Need(sources) };
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static PreparedSchema Schema(ref Utf8JsonReader r)
    {
        string? separator = null, sourceFormat = null, format = null, zone = null;
        List<ColumnMapping>? columns = null;
        Start(ref r, JsonTokenType.StartObject);
        while (Property(ref r))
        {
            if (r.ValueTextEquals("source_separator"u8)) separator = Text(ref r);
            else if (r.ValueTextEquals("source_time_format"u8)) sourceFormat = Text(ref r);
            else if (r.ValueTextEquals("time_format"u8)) format = Text(ref r);
            else if (r.ValueTextEquals("time_zone"u8)) zone = Text(ref r);
            else if (r.ValueTextEquals("columns"u8)) columns = Array(ref r, Column);
            else Skip(ref r);
        }

        return new PreparedSchema(Need(separator), sourceFormat, format, Need(zone), Need(columns));
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static ColumnMapping Column(ref Utf8JsonReader r)
    {
        string? source = null, prepared = null, role = null;
        Start(ref r, JsonTokenType.StartObject);
        while (Property(ref r))
        {
            if (r.ValueTextEquals("source"u8)) source = Text(ref r);
            else if (r.ValueTextEquals("prepared"u8)) prepared = Text(ref r);
            else if (r.ValueTextEquals("role"u8)) role = Text(ref r);
            else Skip(ref r);
        }

        return new ColumnMapping(Need(source), prepared, Need(role));
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static PreparedSettings Settings(ref Utf8JsonReader r)
    {
        long? maxPoints = null;
        int? rowsPerTask = null, overlap = null;
        string? onUnsorted = null, onDuplicate = null;
        var overview = false;
        Start(ref r, JsonTokenType.StartObject);
        while (Property(ref r))
        {
            if (r.ValueTextEquals("max_points_per_task"u8)) maxPoints = Int64(ref r);
            else if (r.ValueTextEquals("rows_per_task"u8)) rowsPerTask = Int32(ref r);
            else if (r.ValueTextEquals("window_overlap"u8)) overlap = Int32(ref r);
            else if (r.ValueTextEquals("on_unsorted"u8)) onUnsorted = Text(ref r);
            else if (r.ValueTextEquals("on_duplicate"u8)) onDuplicate = Text(ref r);
            else if (r.ValueTextEquals("overview"u8)) overview = Boolean(ref r);
            else Skip(ref r);
        }

        return new PreparedSettings(Need(maxPoints), Need(rowsPerTask), Need(overlap), Need(onUnsorted), Need(onDuplicate), overview);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static PreparedSource Source(ref Utf8JsonReader r)
    {
        string? file = null, sha = null;
        long? bytes = null;
        List<PreparedTask>? tasks = null;
        PrepareFixes? fixes = null;
        PreparedTask? overview = null;
        List<string>? warnings = null;
        Start(ref r, JsonTokenType.StartObject);
        while (Property(ref r))
        {
            if (r.ValueTextEquals("file"u8)) file = Text(ref r);
            else if (r.ValueTextEquals("sha256"u8)) sha = Text(ref r);
            else if (r.ValueTextEquals("bytes"u8)) bytes = Int64(ref r);
            else if (r.ValueTextEquals("tasks"u8)) tasks = Array(ref r, Task);
            else if (r.ValueTextEquals("fixes"u8)) fixes = Fixes(ref r);
            else if (r.ValueTextEquals("overview"u8)) overview = OrNull(ref r) ? null : Task(ref r);
            else if (r.ValueTextEquals("warnings"u8)) warnings = OrNull(ref r) ? null : Array(ref r, static (ref Utf8JsonReader x) => x.TokenType == JsonTokenType.String ? x.GetString()! : throw new NotAManifest());
            else Skip(ref r);
        }

        return new PreparedSource(Need(file), Need(sha), Need(bytes), Need(tasks), Need(fixes), overview, warnings);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static PreparedTask Task(ref Utf8JsonReader r)
    {
        string? file = null, sha = null, start = null, end = null, endReachable = null;
        long? bytes = null, rows = null, firstLine = null, lastLine = null;
        int? window = null, overlapRows = null;
        Start(ref r, JsonTokenType.StartObject);
        while (Property(ref r))
        {
            if (r.ValueTextEquals("file"u8)) file = Text(ref r);
            else if (r.ValueTextEquals("sha256"u8)) sha = Text(ref r);
            else if (r.ValueTextEquals("bytes"u8)) bytes = Int64(ref r);
            else if (r.ValueTextEquals("window"u8)) window = Int32(ref r);
            else if (r.ValueTextEquals("rows"u8)) rows = Int64(ref r);
            else if (r.ValueTextEquals("first_line"u8)) firstLine = Int64(ref r);
            else if (r.ValueTextEquals("last_line"u8)) lastLine = Int64(ref r);
            else if (r.ValueTextEquals("start"u8)) start = Text(ref r);
            else if (r.ValueTextEquals("end"u8)) end = Text(ref r);
            else if (r.ValueTextEquals("overlap_rows"u8)) overlapRows = Int32(ref r);
            else if (r.ValueTextEquals("end_reachable"u8)) endReachable = Text(ref r);
            else Skip(ref r);
        }

        return new PreparedTask(Need(file), Need(sha), Need(bytes), Need(window), Need(rows), Need(firstLine), Need(lastLine), Need(start), Need(end), Need(overlapRows), endReachable);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static PrepareFixes Fixes(ref Utf8JsonReader r)
    {
        long read = 0, written = 0, reordered = 0, duplicateTimes = 0, dropped = 0, averaged = 0, filled = 0, empty = 0, rounded = 0, shifted = 0;
        bool bom = false, carriageReturns = false, separator = false, timeFormat = false;
        int renamed = 0, textColumns = 0;
        Start(ref r, JsonTokenType.StartObject);
        while (Property(ref r))
        {
            if (r.ValueTextEquals("rows_read"u8)) read = Int64(ref r);
            else if (r.ValueTextEquals("rows_written"u8)) written = Int64(ref r);
            else if (r.ValueTextEquals("rows_reordered"u8)) reordered = Int64(ref r);
            else if (r.ValueTextEquals("duplicate_times"u8)) duplicateTimes = Int64(ref r);
            else if (r.ValueTextEquals("duplicate_rows_dropped"u8)) dropped = Int64(ref r);
            else if (r.ValueTextEquals("duplicate_rows_averaged"u8)) averaged = Int64(ref r);
            else if (r.ValueTextEquals("missing_cells_filled"u8)) filled = Int64(ref r);
            else if (r.ValueTextEquals("rows_without_values_dropped"u8)) empty = Int64(ref r);
            else if (r.ValueTextEquals("times_rounded"u8)) rounded = Int64(ref r);
            else if (r.ValueTextEquals("times_shifted_to_utc"u8)) shifted = Int64(ref r);
            else if (r.ValueTextEquals("byte_order_mark_removed"u8)) bom = Boolean(ref r);
            else if (r.ValueTextEquals("carriage_returns_removed"u8)) carriageReturns = Boolean(ref r);
            else if (r.ValueTextEquals("separator_changed"u8)) separator = Boolean(ref r);
            else if (r.ValueTextEquals("time_format_changed"u8)) timeFormat = Boolean(ref r);
            else if (r.ValueTextEquals("header_names_changed"u8)) renamed = Int32(ref r);
            else if (r.ValueTextEquals("text_columns_dropped"u8)) textColumns = Int32(ref r);
            else Skip(ref r); // "any" is computed
        }

        return new PrepareFixes
        {
            RowsRead = read,
            RowsWritten = written,
            RowsReordered = reordered,
            DuplicateTimes = duplicateTimes,
            DuplicateRowsDropped = dropped,
            DuplicateRowsAveraged = averaged,
            MissingCellsFilled = filled,
            RowsWithoutValuesDropped = empty,
            TimesRounded = rounded,
            TimesShiftedToUtc = shifted,
            ByteOrderMarkRemoved = bom,
            CarriageReturnsRemoved = carriageReturns,
            SeparatorChanged = separator,
            TimeFormatChanged = timeFormat,
            HeaderNamesChanged = renamed,
            TextColumnsDropped = textColumns,
        };
    }

    private delegate T Element<out T>(ref Utf8JsonReader r);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static List<T> Array<T>(ref Utf8JsonReader r, Element<T> element)
    {
        Start(ref r, JsonTokenType.StartArray);
        var list = new List<T>();
        while (Next(ref r) != JsonTokenType.EndArray)
        {
            list.Add(element(ref r));
        }

        return list;
    }

    /// <summary>Moves to the value of the property just read and tells whether it is null.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool OrNull(ref Utf8JsonReader r)
    {
        if (r.TokenType == JsonTokenType.PropertyName)
        {
            Next(ref r);
        }

        return r.TokenType == JsonTokenType.Null;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Start(ref Utf8JsonReader r, JsonTokenType expected)
    {
        if (r.TokenType == JsonTokenType.PropertyName)
        {
            Next(ref r);
        }

        if (r.TokenType != expected)
        {
            throw new NotAManifest();
        }
    }

    /// <summary>Reads the next property name of an object; false at its end.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool Property(ref Utf8JsonReader r) => Next(ref r) switch
    {
        JsonTokenType.PropertyName => true,
        JsonTokenType.EndObject => false,
        _ => throw new NotAManifest(),
    };

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static JsonTokenType Next(ref Utf8JsonReader r) => r.Read() ? r.TokenType : throw new NotAManifest();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Skip(ref Utf8JsonReader r)
    {
        Next(ref r);
        r.Skip();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static string? Text(ref Utf8JsonReader r) => Next(ref r) switch
    {
        JsonTokenType.String => r.GetString(),
        JsonTokenType.Null => null,
        _ => throw new NotAManifest(),
    };

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static long Int64(ref Utf8JsonReader r) => Next(ref r) == JsonTokenType.Number ? r.GetInt64() : throw new NotAManifest();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Int32(ref Utf8JsonReader r) => Next(ref r) == JsonTokenType.Number ? r.GetInt32() : throw new NotAManifest();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool Boolean(ref Utf8JsonReader r) => Next(ref r) is JsonTokenType.True or JsonTokenType.False ? r.GetBoolean() : throw new NotAManifest();

    private static T Need<T>(T? value)
        where T : class => value ?? throw new NotAManifest();

    private static T Need<T>(T? value)
        where T : struct => value ?? throw new NotAManifest();
}
