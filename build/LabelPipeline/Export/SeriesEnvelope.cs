using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using LabelPipeline.Datasets;

namespace LabelPipeline.Export;

/// <summary>
/// A series reduced for its chart in one pass over its file: per channel, the lowest and the highest sample (with its
/// time) of each of a fixed number of row slots. When the slots fill up, neighbours merge pairwise and each slot takes
/// twice the rows, so the pass needs neither the row count up front nor memory that grows with the rows. Lines are
/// read as UTF-8 bytes from one reused buffer; times and numbers are parsed in place (no allocation per row, except
/// for a line with a quoted field, read the general way). Rows whose time does not parse are skipped: the dense pass,
/// which runs first, has already refused such a file.
/// </summary>
public sealed class SeriesEnvelope
{
    private const int NotNeeded = -2;
    private const int TimeField = -1;
    private const int MaxTimeLength = 64;

    private readonly SeriesSchema _schema;
    private readonly int _channels;
    private readonly int _capacity;
    private readonly int[] _roles; // per column: TimeField, a channel's number, or NotNeeded
    private readonly int _lastNeededColumn;
    private readonly double[] _values; // this row's value per channel (NaN: none)
    private readonly double[] _lowTime, _lowValue, _highTime, _highValue; // [channel * capacity + slot]
    private readonly byte[] _lastTime = new byte[MaxTimeLength];
    private int _lastTimeLength;
    private string? _lastTimeText;
    private int _slot;
    private long _inSlot;
    private long _perSlot = 1;

    private SeriesEnvelope(SeriesSchema schema, int slots)
    {
        _schema = schema;
        var channelColumns = schema.Columns.Select((c, i) => (c, i)).Where(x => schema.Channels.Contains(x.c)).Select(x => x.i).ToArray();
        _channels = channelColumns.Length;
        _capacity = Capacity(slots);
        _roles = Enumerable.Repeat(NotNeeded, schema.Columns.Count).ToArray();
        for (var c = 0; c < channelColumns.Length; c++)
        {
            _roles[channelColumns[c]] = c;
        }

        var timeColumn = schema.Columns.ToList().IndexOf(schema.TimeColumn);
        _roles[timeColumn] = TimeField;
        _lastNeededColumn = Math.Max(timeColumn, channelColumns.DefaultIfEmpty(0).Max());
        ChannelColumns = channelColumns;
        _values = new double[_channels];
        _lowTime = new double[_channels * _capacity];
        _highTime = new double[_channels * _capacity];
        _lowValue = new double[_channels * _capacity];
        _highValue = new double[_channels * _capacity];
        Array.Fill(_lowValue, double.PositiveInfinity);
        Array.Fill(_highValue, double.NegativeInfinity);
    }

    /// <summary>The columns of the channels, in file order (the order of the channel numbers here).</summary>
    public IReadOnlyList<int> ChannelColumns { get; }

    /// <summary>Rows with a time, blank lines not counted.</summary>
    public long Rows { get; private set; }

    /// <summary>The earliest and latest time (seconds; unix seconds for a time format), whatever the row order.</summary>
    public double MinTime { get; private set; } = double.PositiveInfinity;

    public double MaxTime { get; private set; } = double.NegativeInfinity;

    /// <summary>The first and the last row's time, as written.</summary>
    public string FirstTimeText { get; private set; } = string.Empty;

    public string LastTimeText => _lastTimeText ?? Encoding.UTF8.GetString(_lastTime, 0, _lastTimeLength);

    /// <summary>What an envelope of <paramref name="channels"/> channels and <paramref name="slots"/> slots holds, in bytes.</summary>
    public static long HeldBytes(int channels, int slots) => 4L * sizeof(double) * channels * Capacity(slots);

    private static int Capacity(int slots) => Math.Max(2, slots + (slots % 2)); // even: slots merge in pairs

    /// <summary>An envelope that a pass already reading the file gives its rows to (<see cref="Row"/>), instead of a read of its own.</summary>
    public static SeriesEnvelope Begin(SeriesSchema schema, int slots) => new(schema, slots);

    /// <summary>Reads <paramref name="file"/> once, keeping the extremes of at most <paramref name="slots"/> row slots per channel.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static SeriesEnvelope Read(string file, SeriesSchema schema, int slots)
    {
        var envelope = new SeriesEnvelope(schema, slots);
        using var lines = new IO.LineReader(file); // lines as the dense pass reads them: "\n", "\r\n" or "\r", a BOM skipped
        var header = true;
        while (lines.Next(out var line))
        {
            if (!header)
            {
                envelope.Row(line, double.NaN);
            }

            header = false;
        }

        return envelope;
    }

    /// <summary>A channel's lowest and highest value; null when it has none.</summary>
    public (double Low, double High)? Range(int channel)
    {
        double low = double.PositiveInfinity, high = double.NegativeInfinity;
        for (var s = 0; s < UsedSlots; s++)
        {
            low = Math.Min(low, _lowValue[(channel * _capacity) + s]);
            high = Math.Max(high, _highValue[(channel * _capacity) + s]);
        }

        return low <= high ? (low, high) : null;
    }

    /// <summary>
    /// A channel's outline over <paramref name="columns"/> equal time columns between <see cref="MinTime"/> and
    /// <see cref="MaxTime"/>: each column's lowest and highest sample, in time order (one point when they are the same
    /// sample), so a spike of a single row stays visible however many rows share its column.
    /// </summary>
    public List<(double Time, double Value)> Outline(int channel, int columns)
    {
        var lowTime = new double[columns];
        var highTime = new double[columns];
        var lowValue = new double[columns];
        var highValue = new double[columns];
        Array.Fill(lowValue, double.PositiveInfinity);
        Array.Fill(highValue, double.NegativeInfinity);
        var span = MaxTime - MinTime;
        int Column(double time) => span > 0 ? (int)Math.Min(columns - 1, (time - MinTime) / span * columns) : 0;
        for (var s = 0; s < UsedSlots; s++)
        {
            var i = (channel * _capacity) + s;
            if (_lowValue[i] > _highValue[i])
            {
                continue; // no value of this channel in the slot
            }

            var low = Column(_lowTime[i]);
            if (_lowValue[i] < lowValue[low] || (_lowValue[i] == lowValue[low] && _lowTime[i] < lowTime[low]))
            {
                (lowValue[low], lowTime[low]) = (_lowValue[i], _lowTime[i]);
            }

            var high = Column(_highTime[i]);
            if (_highValue[i] > highValue[high] || (_highValue[i] == highValue[high] && _highTime[i] < highTime[high]))
            {
                (highValue[high], highTime[high]) = (_highValue[i], _highTime[i]);
            }
        }

        var points = new List<(double Time, double Value)>();
        for (var c = 0; c < columns; c++)
        {
            var (low, high) = ((lowTime[c], lowValue[c]), (highTime[c], highValue[c]));
            if (double.IsInfinity(low.Item2) && double.IsInfinity(high.Item2))
            {
                continue;
            }

            // A column can hold a slot's low but not its high (they fell into neighbouring columns).
            var (first, second) = double.IsInfinity(low.Item2) ? (high, high) : double.IsInfinity(high.Item2) ? (low, low) : low.Item1 <= high.Item1 ? (low, high) : (high, low);
            points.Add(first);
            if (second != first)
            {
                points.Add(second);
            }
        }

        return points;
    }

    private int UsedSlots => _slot + (_inSlot > 0 ? 1 : 0);

    /// <summary>
    /// One line after the header, in file order, as <see cref="IO.LineReader"/> gives it (a blank one is passed over).
    /// </summary>
    /// <param name="knownTime">The row's time on the chart's axis (<see cref="Seconds"/>) when the caller has parsed it
    /// already, as this class would; NaN or an infinity: parsed here (a row without a finite time is not drawn).</param>
    // Optimized from the first call: a chart reads its series once, so tiered compilation's slow first tier would be
    // most of the pass.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Row(ReadOnlySpan<byte> line, double knownTime)
    {
        if (line.Length == 0)
        {
            return;
        }

        if (_schema.Separator > 0x7F)
        {
            QuotedRow(line, knownTime);
            return;
        }

        Array.Fill(_values, double.NaN);
        var separator = (byte)_schema.Separator;
        var time = double.NaN;
        var start = 0;
        for (var column = 0; column <= _lastNeededColumn; column++)
        {
            var rest = line[start..];
            var role = _roles[column];

            // A channel's plain number is read in place up to its separator; anything else finds its field first.
            var value = 0.0;
            var length = role >= 0 ? Decimal(rest, out value) : -1;
            if (length >= 0 && (length == rest.Length || rest[length] == separator))
            {
                _values[role] = value;
                length = length == rest.Length ? -1 : length;
            }
            else
            {
                length = rest.IndexOfAny(separator, (byte)'"');
                if (length >= 0 && rest[length] == (byte)'"')
                {
                    QuotedRow(line, knownTime); // fields before the quote were plain, so it changes nothing read so far
                    return;
                }

                var field = length < 0 ? rest : rest[..length];
                if (role == TimeField)
                {
                    if (!TryTime(field, knownTime, out time))
                    {
                        return;
                    }

                    KeepTimeText(field);
                }
                else if (role >= 0 && TryParseNumber(field, out value) && double.IsFinite(value))
                {
                    _values[role] = value;
                }
            }

            if (length < 0)
            {
                break;
            }

            start += length + 1;
        }

        if (!double.IsNaN(time))
        {
            Add(time);
        }
    }

    /// <summary>A line with a quoted field: split honouring the quotes, as the dense pass reads it.</summary>
    private void QuotedRow(ReadOnlySpan<byte> bytes, double knownTime)
    {
        var line = Encoding.UTF8.GetString(bytes);
        var separator = _schema.Separator;
        Array.Fill(_values, double.NaN);
        var time = double.NaN;
        for (var column = 0; column < _roles.Length; column++)
        {
            if (_roles[column] == NotNeeded)
            {
                continue;
            }

            var field = Encoding.UTF8.GetBytes(DenseLabels.Field(line, separator, column));
            if (_roles[column] == TimeField)
            {
                if (!TryTime(field, knownTime, out time))
                {
                    return;
                }

                KeepTimeText(field);
            }
            else if (TryParseNumber(field, out var value) && double.IsFinite(value))
            {
                _values[_roles[column]] = value;
            }
        }

        Add(time);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Add(double time)
    {
        if (Rows++ == 0)
        {
            FirstTimeText = LastTimeText;
        }

        if (_slot == _capacity)
        {
            MergeSlots();
        }

        MinTime = Math.Min(MinTime, time);
        MaxTime = Math.Max(MaxTime, time);
        for (var c = 0; c < _channels; c++)
        {
            var value = _values[c];
            if (double.IsNaN(value))
            {
                continue;
            }

            var i = (c * _capacity) + _slot;
            if (value < _lowValue[i])
            {
                (_lowValue[i], _lowTime[i]) = (value, time);
            }

            if (value > _highValue[i])
            {
                (_highValue[i], _highTime[i]) = (value, time);
            }
        }

        if (++_inSlot == _perSlot)
        {
            _inSlot = 0;
            _slot++;
        }
    }

    /// <summary>Every slot full and another row to keep: neighbours merge pairwise (the earlier one wins ties), so each slot now takes twice the rows.</summary>
    private void MergeSlots()
    {
        var half = _capacity / 2;
        for (var c = 0; c < _channels; c++)
        {
            var at = c * _capacity;
            for (var s = 0; s < half; s++)
            {
                int a = at + (2 * s), b = a + 1, to = at + s;
                (_lowValue[to], _lowTime[to]) = _lowValue[b] < _lowValue[a] ? (_lowValue[b], _lowTime[b]) : (_lowValue[a], _lowTime[a]);
                (_highValue[to], _highTime[to]) = _highValue[b] > _highValue[a] ? (_highValue[b], _highTime[b]) : (_highValue[a], _highTime[a]);
            }

            Array.Fill(_lowValue, double.PositiveInfinity, at + half, half);
            Array.Fill(_highValue, double.NegativeInfinity, at + half, half);
        }

        _slot = half;
        _perSlot *= 2;
    }

    private void KeepTimeText(ReadOnlySpan<byte> field)
    {
        if (field.Length <= _lastTime.Length)
        {
            field.CopyTo(_lastTime);
            _lastTimeLength = field.Length;
            _lastTimeText = null;
        }
        else
        {
            _lastTimeText = Encoding.UTF8.GetString(field);
        }
    }

    private bool TryTime(ReadOnlySpan<byte> field, double knownTime, out double seconds)
    {
        seconds = knownTime;
        return double.IsFinite(knownTime) || TryParseTime(field, out seconds);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool TryParseTime(ReadOnlySpan<byte> field, out double seconds)
    {
        if (_schema.TimeFormat is not { } format)
        {
            return TryParseNumber(field, out seconds) && double.IsFinite(seconds);
        }

        seconds = double.NaN;
        Span<char> text = stackalloc char[MaxTimeLength];
        var parsed = field.Length <= MaxTimeLength
            ? format.TryParse(text[..Encoding.UTF8.GetChars(field, text)], out var time)
            : format.TryParse(Encoding.UTF8.GetString(field), out time);
        if (parsed)
        {
            seconds = Seconds(time);
        }

        return parsed;
    }

    /// <summary>A time on the chart's axis: unix seconds.</summary>
    public static double Seconds(DateTimeOffset time) => (time.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / (double)TimeSpan.TicksPerSecond;

    private static readonly double[] PowersOfTen = Enumerable.Range(0, 23).Select(e => double.Parse("1e" + e, CultureInfo.InvariantCulture)).ToArray();

    /// <summary>
    /// A decimal number as <c>double.Parse</c> (invariant, <see cref="NumberStyles.Float"/>) reads it: the fast path
    /// (<see cref="Decimal"/>) when it reads the whole text, else the general parser.
    /// </summary>
    internal static bool TryParseNumber(ReadOnlySpan<byte> text, out double value) =>
        Decimal(text, out value) == text.Length || double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value);

    /// <summary>
    /// A plain decimal at the start of <paramref name="text"/> (sign, digits, point, digits, exponent): how many bytes it
    /// takes, or -1 when it is not one this path reads. Read only when at most 2^53 as digits with a power of ten up to
    /// 22: then one exact multiplication or division gives it (Clinger's fast path), correctly rounded as the general
    /// parser rounds; the rest is the general parser's.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int Decimal(ReadOnlySpan<byte> text, out double value)
    {
        value = 0;
        var i = 0;
        var negative = false;
        if (text.Length > 0 && (text[0] == (byte)'-' || text[0] == (byte)'+'))
        {
            negative = text[0] == (byte)'-';
            i++;
        }

        ulong mantissa = 0;
        int digits = 0, scale = 0;
        for (; i < text.Length && (uint)(text[i] - '0') <= 9; i++, digits++)
        {
            mantissa = (mantissa * 10) + (uint)(text[i] - '0');
        }

        if (i < text.Length && text[i] == (byte)'.')
        {
            for (i++; i < text.Length && (uint)(text[i] - '0') <= 9; i++, digits++, scale--)
            {
                mantissa = (mantissa * 10) + (uint)(text[i] - '0');
            }
        }

        if (digits is 0 or > 19)
        {
            return -1;
        }

        if (i < text.Length && (text[i] | 0x20) == 'e')
        {
            var exponentNegative = false;
            i++;
            if (i < text.Length && (text[i] == (byte)'-' || text[i] == (byte)'+'))
            {
                exponentNegative = text[i++] == (byte)'-';
            }

            int exponent = 0, exponentDigits = 0;
            for (; i < text.Length && (uint)(text[i] - '0') <= 9 && exponentDigits < 4; i++, exponentDigits++)
            {
                exponent = (exponent * 10) + (text[i] - '0');
            }

            if (exponentDigits == 0)
            {
                return -1;
            }

            scale += exponentNegative ? -exponent : exponent;
        }

        if (mantissa > 1UL << 53 || scale is < -22 or > 22)
        {
            return -1;
        }

        double digitsValue = (long)mantissa; // at most 2^53: exact, and a signed conversion is one instruction
        var magnitude = scale >= 0 ? digitsValue * PowersOfTen[scale] : digitsValue / PowersOfTen[-scale];
        value = negative ? -magnitude : magnitude;
        return i;
    }
}
