using System.Globalization;
using System.Text;
using LabelPipeline.Datasets;

namespace LabelPipeline.Prepare;

/// <summary>How one source file is read and written: the dataset's shared layout.</summary>
internal sealed record SeriesLayout
{
    public required char Separator { get; init; }
    public required int ColumnCount { get; init; }
    public required IReadOnlyList<string> SourceColumns { get; init; }
    public required int TimeIndex { get; init; }
    public required int[] ChannelIndexes { get; init; }
    public required TimeFormat? SourceFormat { get; init; }

    /// <summary>Times are written with milliseconds (%L), else whole seconds.</summary>
    public required bool Milliseconds { get; init; }

    public required TimeZoneInfo? Zone { get; init; }

    /// <summary>The task files' header line: the safe time column name, then the safe channel names.</summary>
    public required string Header { get; init; }
}

/// <summary>A task file written to the staging folder, before it gets its final name.</summary>
internal sealed record WrittenWindow(string TempPath, int Window, long Rows, long FirstLine, long LastLine, string Start, string End, int OverlapRows, string EndReachable);

/// <summary>
/// Turns one source CSV into task files, streaming: each row is checked (file and line on error), its time parsed
/// (with the zone) and written in UTC at the editor's precision, repeats and backward steps handled by policy, missing
/// cells carried forward, and the rows cut into windows of at most <c>rowsPerTask</c>. Memory stays flat in the file's
/// length, except when a file must be sorted (<see cref="UnsortedPolicy.Sort"/>): that file's rows are held.
/// </summary>
internal sealed class SeriesPreparer
{
    private readonly string _file;
    private readonly SeriesLayout _layout;
    private readonly PrepareOptions _options;
    private readonly string _staging;
    private readonly int _rowsPerTask;
    private readonly InputLimits _limits;
    private readonly CancellationToken _ct;
    private readonly PrepareProgress? _progress;

    private long _reordered, _duplicateTimes, _dropped, _averaged, _filled, _emptyRows, _rounded, _shifted, _rowsRead;

    // Times taken as meant but worth a look (the prepare report and the log): wall-clock times in a file with offsets,
    // wall-clock times a fall-back makes ambiguous. The first line of each, and how many.
    private (long Line, string Text, long Count)? _withoutOffset;
    private long _firstOffsetLine;
    private (long Line, string Text, long Count)? _ambiguous;

    public SeriesPreparer(
        string file, SeriesLayout layout, PrepareOptions options, string staging, int rowsPerTask, InputLimits limits, CancellationToken ct, PrepareProgress? progress = null)
    {
        _progress = progress;
        _file = file;
        _layout = layout;
        _options = options;
        _staging = staging;
        _rowsPerTask = rowsPerTask;
        _limits = limits;
        _ct = ct;
    }

    public (IReadOnlyList<WrittenWindow> Windows, PrepareFixes Fixes, WrittenWindow? Overview, IReadOnlyList<string> Warnings) Run()
    {
        IReadOnlyList<WrittenWindow> windows;
        try
        {
            windows = Stream(sorted: false);
        }
        catch (NeedsSortException)
        {
            // The file steps back in time and the policy is to sort: start over, holding this file's rows.
            Directory.Delete(_staging, recursive: true);
            Directory.CreateDirectory(_staging);
            ResetCounts();
            windows = Stream(sorted: true);
        }

        var overview = _options.Overview && windows.Count > 1
            ? Prepare.Overview.Write(windows, _layout.Header, _layout.ChannelIndexes.Length, _rowsPerTask, Path.Combine(_staging, "overview.csv"))
            : null;
        return (windows, Fixes(windows), overview, Warnings());
    }

    private void ResetCounts()
    {
        _reordered = _duplicateTimes = _dropped = _averaged = _filled = _emptyRows = _rounded = _shifted = _rowsRead = 0;
        _withoutOffset = null;
        _firstOffsetLine = 0;
        _ambiguous = null;
    }

    private List<string> Warnings()
    {
        var warnings = new List<string>();
        var zone = _layout.Zone?.Id ?? "UTC";
        if (_withoutOffset is { } mixed && _firstOffsetLine > 0)
        {
            warnings.Add(
                $"{_file} line {mixed.Line}: time '{mixed.Text}' has no offset, unlike line {_firstOffsetLine}; {mixed.Count:N0} times without an offset " +
                $"in the file were read in --time-zone {zone}. If they are in another zone, pass --time-zone, or write every time with its offset.");
        }

        if (_ambiguous is { } ambiguous)
        {
            warnings.Add(
                $"{_file} line {ambiguous.Line}: time '{ambiguous.Text}' is ambiguous in time zone {zone}: the clocks went back at a daylight-saving change, " +
                $"so it happened twice. {ambiguous.Count:N0} such times were read as standard time (the later one). Write the times with their offset " +
                "(e.g. +01:00) or in UTC if they belong to the earlier hour.");
        }

        return warnings;
    }

    private PrepareFixes Fixes(IReadOnlyList<WrittenWindow> windows)
    {
        var head = new byte[3];
        int read;
        var crlf = false;
        using (var stream = File.OpenRead(_file))
        {
            read = stream.Read(head, 0, 3);
            stream.Position = 0;
            var block = new byte[1 << 16];
            var n = stream.Read(block, 0, block.Length);
            crlf = Array.IndexOf(block, (byte)'\r', 0, n) >= 0;
        }

        return new PrepareFixes
        {
            RowsRead = _rowsRead,
            RowsWritten = windows.Sum(w => w.Rows - w.OverlapRows),
            RowsReordered = _reordered,
            DuplicateTimes = _duplicateTimes,
            DuplicateRowsDropped = _dropped,
            DuplicateRowsAveraged = _averaged,
            MissingCellsFilled = _filled,
            RowsWithoutValuesDropped = _emptyRows,
            TimesRounded = _rounded,
            TimesShiftedToUtc = _shifted,
            ByteOrderMarkRemoved = read == 3 && head[0] == 0xEF && head[1] == 0xBB && head[2] == 0xBF,
            CarriageReturnsRemoved = crlf,
        };
    }

    private IReadOnlyList<WrittenWindow> Stream(bool sorted)
    {
        using var writer = new WindowWriter(_staging, _layout.Header, _rowsPerTask, _options.WindowOverlap);
        var emitter = new RowEmitter(this, writer);
        if (!sorted)
        {
            Row? previous = null;
            foreach (var row in ReadRows())
            {
                if (previous is { } p && Compare(row, p) < 0)
                {
                    if (_options.OnUnsorted == UnsortedPolicy.Sort)
                    {
                        throw new NeedsSortException();
                    }

                    throw new DatasetException(
                        $"{_file} line {row.Line}: time '{row.TimeText}' goes backwards (line {p.Line} has '{p.TimeText}'). " +
                        "Label Studio's editor needs time sorted ascending: pass --on-unsorted=sort to let Prepare sort the rows (counted in the prepare report), or sort the file by its time column.");
                }

                previous = row;
                emitter.Add(row);
            }
        }
        else
        {
            var rows = new List<Row>();
            Row? latest = null;
            foreach (var row in ReadRows())
            {
                if (latest is { } l && Compare(row, l) < 0)
                {
                    _reordered++;
                }
                else
                {
                    latest = row;
                }

                rows.Add(row);
            }

            // OrderBy is stable: rows with the same time keep their file order, so keep-first keeps the earliest line.
            foreach (var row in rows.OrderBy(r => r, Comparer<Row>.Create(Compare)))
            {
                emitter.Add(row);
            }
        }

        emitter.Finish();
        return writer.Finish();
    }

    private int Compare(Row a, Row b) => _layout.SourceFormat is null ? a.Number.CompareTo(b.Number) : a.Ticks.CompareTo(b.Ticks);

    private IEnumerable<Row> ReadRows()
    {
        using var csv = DatasetInspector.OpenCsv(_file, _layout.Separator, _limits);
        csv.Read(); // the header, checked by DetectSchema
        var unit = _layout.Milliseconds ? TimeSpan.TicksPerMillisecond : TimeSpan.TicksPerSecond;
        var format = _layout.SourceFormat;
        var zoned = _layout.Zone is not null && format is { Epoch: EpochUnit.None };
        var offsets = format is { HasOffsetDirective: true };
        while (csv.Read())
        {
            _ct.ThrowIfCancellationRequested();
            _progress?.Report(_file, csv.BytesRead);
            var record = csv.Record;
            var line = csv.Line;
            if (record.Length == 1 && record[0].Length == 0)
            {
                continue; // a blank line (the reader skips most itself); the task files have none
            }

            DatasetInspector.CheckLineLength(_file, csv, _limits);
            if (record.Length != _layout.ColumnCount)
            {
                throw new DatasetException($"{_file} line {line}: {record.Length} fields, but the header has {_layout.ColumnCount}. Fix the row or the separator.");
            }

            var text = record[_layout.TimeIndex].Trim();
            if (text.Length == 0)
            {
                throw new DatasetException(
                    $"{_file} line {line}: the time cell (column '{_layout.SourceColumns[_layout.TimeIndex]}') is empty. Every row needs a time: fill it in or delete the row.");
            }

            long ticks = 0;
            double number = 0;
            if (format is not null)
            {
                if (!format.TryParse(text, out var instant))
                {
                    throw DatasetInspector.TimeMismatch(_file, line, text, format);
                }

                var utc = instant.UtcDateTime;

                // With %Z a value may carry an offset (absolute) or not (a wall-clock time, in --time-zone like any other).
                var wallClock = !offsets || !format.ValueHasOffset(text);
                if (offsets && !wallClock && _firstOffsetLine == 0)
                {
                    _firstOffsetLine = line;
                }

                if (offsets && wallClock)
                {
                    _withoutOffset = _withoutOffset is { } w ? w with { Count = w.Count + 1 } : (line, text, 1);
                }

                if (zoned && wallClock)
                {
                    var wall = DateTime.SpecifyKind(utc, DateTimeKind.Unspecified);
                    if (_layout.Zone!.IsInvalidTime(wall))
                    {
                        throw new DatasetException(
                            $"{_file} line {line}: time '{text}' does not exist in time zone {_layout.Zone.Id} (the clocks skip it at a daylight-saving change). " +
                            "Check --time-zone, or correct the value.");
                    }

                    if (_layout.Zone.IsAmbiguousTime(wall))
                    {
                        _ambiguous = _ambiguous is { } a ? a with { Count = a.Count + 1 } : (line, text, 1);
                    }

                    var converted = TimeZoneInfo.ConvertTimeToUtc(wall, _layout.Zone);
                    if (converted != utc)
                    {
                        _shifted++;
                    }

                    utc = converted;
                }

                ticks = utc.Ticks - (utc.Ticks % unit);
                if (ticks != utc.Ticks)
                {
                    _rounded++;
                }
            }
            else if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out number) || !double.IsFinite(number))
            {
                throw new DatasetException($"{_file} line {line}: time '{Clip(text)}' is not a number, unlike the rows before it.");
            }

            var cells = new string?[_layout.ChannelIndexes.Length];
            for (var c = 0; c < cells.Length; c++)
            {
                var cell = record[_layout.ChannelIndexes[c]].Trim();
                if (cell.Length == 0 || cell.Equals("nan", StringComparison.OrdinalIgnoreCase))
                {
                    continue; // missing
                }

                if (!double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
                {
                    throw new DatasetException(
                        $"{_file} line {line}: column '{_layout.SourceColumns[_layout.ChannelIndexes[c]]}' value '{Clip(cell)}' is not a number, unlike the rest of the column. " +
                        "Leave the cell empty (or write NaN) for a missing value, or correct it.");
                }

                if (double.IsFinite(value))
                {
                    cells[c] = cell; // written as the source wrote it: no precision lost
                }
            }

            _rowsRead++;
            yield return new Row(line, ticks, number, text, cells);
        }
    }

    private string TimeText(Row row) => _layout.SourceFormat is null
        ? row.TimeText
        : new DateTime(row.Ticks, DateTimeKind.Utc).ToString(_layout.Milliseconds ? "yyyy-MM-dd HH:mm:ss.fff" : "yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);

    private static string Clip(string value) => value.Length <= 60 ? value : value[..60] + $"… ({value.Length:N0} characters)";

    private readonly record struct Row(long Line, long Ticks, double Number, string TimeText, string?[] Cells);

    private sealed class NeedsSortException : Exception;

    /// <summary>Repeated times by policy, then missing cells, then the window writer.</summary>
    private sealed class RowEmitter(SeriesPreparer owner, WindowWriter writer)
    {
        // Rows held until every channel has had a value, so leading gaps take the first value that follows.
        private const int MaxPending = 100_000;
        private readonly List<Row> _group = [];
        private readonly List<Row> _pending = [];
        private string?[]? _last;
        private string?[]? _first;

        public void Add(Row row)
        {
            if (_group.Count > 0 && owner.Compare(row, _group[0]) != 0)
            {
                FlushGroup();
            }

            _group.Add(row);
        }

        public void Finish()
        {
            FlushGroup();
            FlushPending(force: true);
        }

        private void FlushGroup()
        {
            if (_group.Count == 0)
            {
                return;
            }

            var row = _group[0];
            if (_group.Count > 1)
            {
                owner._duplicateTimes++;
                switch (owner._options.OnDuplicate)
                {
                    case DuplicatePolicy.Fail:
                        throw new DatasetException(
                            $"{owner._file} line {_group[1].Line}: time '{_group[1].TimeText}' repeats line {_group[0].Line}. Pass --on-duplicate=keep-first or " +
                            "--on-duplicate=mean to let Prepare keep one row per time (counted in the prepare report), or remove the repeats.");
                    case DuplicatePolicy.KeepFirst:
                        owner._dropped += _group.Count - 1;
                        break;
                    case DuplicatePolicy.Mean:
                        owner._averaged += _group.Count;
                        row = row with { Cells = Mean(_group) };
                        break;
                }
            }

            _group.Clear();
            Emit(row);
        }

        private static string?[] Mean(List<Row> rows)
        {
            var cells = new string?[rows[0].Cells.Length];
            for (var c = 0; c < cells.Length; c++)
            {
                double sum = 0;
                var n = 0;
                foreach (var r in rows)
                {
                    if (r.Cells[c] is { } cell)
                    {
                        sum += double.Parse(cell, NumberStyles.Float, CultureInfo.InvariantCulture);
                        n++;
                    }
                }

                cells[c] = n == 0 ? null : (sum / n).ToString("R", CultureInfo.InvariantCulture);
            }

            return cells;
        }

        private void Emit(Row row)
        {
            if (Array.TrueForAll(row.Cells, c => c is null))
            {
                owner._emptyRows++; // nothing to draw at this time
                return;
            }

            _last ??= new string?[row.Cells.Length];
            _first ??= new string?[row.Cells.Length];
            for (var c = 0; c < row.Cells.Length; c++)
            {
                if (row.Cells[c] is null)
                {
                    if (_last[c] is not null)
                    {
                        row.Cells[c] = _last[c]; // a gap takes the value before it, so the editor's line goes on
                        owner._filled++;
                    }
                }
                else
                {
                    _last[c] = row.Cells[c];
                    _first[c] ??= row.Cells[c];
                }
            }

            if (_pending.Count > 0 || Array.Exists(row.Cells, c => c is null))
            {
                _pending.Add(row);
                FlushPending(force: _pending.Count >= MaxPending);
                return;
            }

            Write(row);
        }

        /// <summary>Leading gaps take the channel's first value; a channel with none at all gets 0 (counted either way).</summary>
        private void FlushPending(bool force)
        {
            if (_pending.Count == 0 || (!force && Array.Exists(_first!, c => c is null)))
            {
                return;
            }

            foreach (var row in _pending)
            {
                for (var c = 0; c < row.Cells.Length; c++)
                {
                    if (row.Cells[c] is null)
                    {
                        row.Cells[c] = _first![c] ?? "0";
                        owner._filled++;
                    }
                }

                Write(row);
            }

            _pending.Clear();
        }

        private void Write(Row row) => writer.Write(owner.TimeText(row), row.Cells!, row.Line);
    }

    /// <summary>Writes rows into window files of at most <c>rowsPerTask</c> rows, each repeating the last <c>overlap</c> rows of the one before.</summary>
    private sealed class WindowWriter(string staging, string header, int rowsPerTask, int overlap) : IDisposable
    {
        private static readonly UTF8Encoding Utf8 = new(false);
        private readonly List<WrittenWindow> _done = [];
        private readonly Queue<(string Line, long Source, string Time)> _tail = new();
        private readonly StringBuilder _line = new();
        private StreamWriter? _writer;
        private string _path = string.Empty;
        private long _rows, _first, _last;
        private int _overlapRows;
        private string _start = string.Empty, _end = string.Empty, _beforeEnd = string.Empty;

        public void Write(string time, string?[] cells, long sourceLine)
        {
            if (_writer is null || _rows >= rowsPerTask)
            {
                Close();
                Open();
            }

            _line.Clear().Append(time);
            foreach (var cell in cells)
            {
                _line.Append(',').Append(cell);
            }

            var text = _line.ToString();
            Append(text, sourceLine, time);
            if (overlap > 0)
            {
                _tail.Enqueue((text, sourceLine, time));
                if (_tail.Count > overlap)
                {
                    _tail.Dequeue();
                }
            }
        }

        public IReadOnlyList<WrittenWindow> Finish()
        {
            Close();
            return _done;
        }

        public void Dispose() => _writer?.Dispose();

        private void Open()
        {
            _path = Path.Combine(staging, $"w{_done.Count + 1:D6}.csv");
            _writer = new StreamWriter(_path, false, Utf8, 1 << 14) { NewLine = "\n" };
            _writer.WriteLine(header);
            _rows = 0;
            _first = long.MaxValue;
            _last = long.MinValue;
            _overlapRows = _tail.Count;
            var carried = _tail.ToArray();
            _start = string.Empty;
            foreach (var (line, source, time) in carried)
            {
                Append(line, source, time);
            }
        }

        private void Append(string line, long sourceLine, string time)
        {
            _writer!.WriteLine(line);
            if (_rows == 0)
            {
                _start = time;
            }

            _beforeEnd = _rows == 0 ? time : _end;
            _end = time;
            _rows++;
            _first = Math.Min(_first, sourceLine);
            _last = Math.Max(_last, sourceLine);
        }

        private void Close()
        {
            if (_writer is null)
            {
                return;
            }

            _writer.Dispose();
            _writer = null;
            _done.Add(new WrittenWindow(_path, _done.Count + 1, _rows, _first, _last, _start, _end, _overlapRows, _beforeEnd));
        }
    }
}
