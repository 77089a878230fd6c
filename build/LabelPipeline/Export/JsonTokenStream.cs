using System.Buffers;
using System.Text;
using System.Text.Json;

namespace LabelPipeline.Export;

/// <summary>
/// One token at a time from a UTF-8 JSON file, through <see cref="Utf8JsonReader"/> over a refilled buffer (the file is
/// never held whole). A token's value stays valid until the next <see cref="Read"/>. Tracks the line and position of
/// each token for messages, and turns the reader's errors into <see cref="JsonFileException"/>s that say where.
/// </summary>
internal sealed class JsonTokenStream : IDisposable
{
    /// <summary>How deep a file may nest; a Label Studio export is about 8 deep (tasks, annotations, results, value, labels).</summary>
    public const int MaxDepth = 64;

    private static readonly JsonReaderOptions Options = new() { MaxDepth = MaxDepth, CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };

    private readonly Stream _stream;
    private byte[] _buffer = ArrayPool<byte>.Shared.Rent(1 << 16);
    private int _start;
    private int _end;
    private bool _final;
    private JsonReaderState _state = new(Options);
    private int _line = 1;       // the line of _buffer[_start]
    private long _lineStart;     // absolute offset where that line starts
    private long _offset;        // absolute offset of _buffer[0]
    private int _valueStart;
    private int _valueLength;
    private int _tokenStart;

    public JsonTokenStream(Stream stream)
    {
        _stream = stream;
        Fill();
        if (_end - _start >= 3 && _buffer[0] == 0xEF && _buffer[1] == 0xBB && _buffer[2] == 0xBF)
        {
            _start = 3; // a byte order mark
            _lineStart = 3;
        }
    }

    public JsonTokenType TokenType { get; private set; }

    /// <summary>The depth of the current token (the top-level array is 0, its elements' members 1, ...).</summary>
    public int Depth { get; private set; }

    public bool ValueIsEscaped { get; private set; }

    /// <summary>The current token's value, raw (strings without quotes, still escaped when <see cref="ValueIsEscaped"/>).</summary>
    public ReadOnlySpan<byte> ValueSpan => _buffer.AsSpan(_valueStart, _valueLength);

    /// <summary>Line (1-based) and position (1-based, in bytes) of the current token.</summary>
    public (int Line, long Position) Location { get; private set; }

    /// <summary>The first non-blank byte of the file, or -1 when there is none.</summary>
    public int PeekFirst()
    {
        var rest = _buffer.AsSpan(_start, _end - _start);
        var at = rest.IndexOfAnyExcept(" \t\r\n"u8);
        return at < 0 ? -1 : rest[at];
    }

    public bool Read()
    {
        while (true)
        {
            var reader = new Utf8JsonReader(_buffer.AsSpan(_start, _end - _start), _final, _state);
            bool read;
            try
            {
                read = reader.Read();
            }
            catch (JsonException e)
            {
                throw Failure(e);
            }

            if (read)
            {
                TokenType = reader.TokenType;
                Depth = reader.CurrentDepth;
                ValueIsEscaped = reader.ValueIsEscaped;
                _tokenStart = _start + (int)reader.TokenStartIndex;
                _valueStart = _tokenStart + (reader.TokenType is JsonTokenType.String or JsonTokenType.PropertyName ? 1 : 0);
                _valueLength = reader.ValueSpan.Length;
                Location = LocationOf(_tokenStart);
                Consume((int)reader.BytesConsumed);
                _state = reader.CurrentState;
                return true;
            }

            Consume((int)reader.BytesConsumed);
            _state = reader.CurrentState;
            if (_final)
            {
                return false;
            }

            Fill();
        }
    }

    /// <summary>Skips the current token's value: the whole object or array when it starts one.</summary>
    public void Skip()
    {
        if (TokenType == JsonTokenType.PropertyName)
        {
            Read();
        }

        if (TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
        {
            var depth = Depth;
            while (Read() && Depth > depth)
            {
            }
        }
    }

    public string GetString() => ValueIsEscaped ? Unescape() : Encoding.UTF8.GetString(ValueSpan);

    public bool ValueEquals(ReadOnlySpan<byte> utf8) => ValueIsEscaped ? Unescape() == Encoding.UTF8.GetString(utf8) : ValueSpan.SequenceEqual(utf8);

    private string Unescape()
    {
        // Rare (region ids and labels are plain text): let the real reader decode it.
        var reader = new Utf8JsonReader(_buffer.AsSpan(_tokenStart, _valueLength + 2));
        reader.Read();
        return reader.GetString()!;
    }

    /// <summary>The raw text of the current number token.</summary>
    public string NumberText => Encoding.ASCII.GetString(ValueSpan);

    private void Consume(int bytes)
    {
        var consumed = _buffer.AsSpan(_start, bytes);
        var lines = consumed.Count((byte)'\n');
        if (lines > 0)
        {
            _line += lines;
            _lineStart = _offset + _start + consumed.LastIndexOf((byte)'\n') + 1;
        }

        _start += bytes;
    }

    private (int Line, long Position) LocationOf(int index)
    {
        // Only called for a token's start, which lies at or after _start (nothing between them is a line break but
        // whitespace before the token: count those too).
        var between = _buffer.AsSpan(_start, index - _start);
        var line = _line + between.Count((byte)'\n');
        var lineStart = between.LastIndexOf((byte)'\n') is var last and >= 0 ? _offset + _start + last + 1 : _lineStart;
        return (line, _offset + index - lineStart + 1);
    }

    private void Fill()
    {
        if (_start > 0)
        {
            _buffer.AsSpan(_start, _end - _start).CopyTo(_buffer);
            _offset += _start;
            _end -= _start;
            _start = 0;
        }

        if (_end == _buffer.Length)
        {
            // One token larger than the buffer (a long string): grow.
            var larger = ArrayPool<byte>.Shared.Rent(_buffer.Length * 2);
            _buffer.AsSpan(0, _end).CopyTo(larger);
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = larger;
        }

        while (_end < _buffer.Length)
        {
            var read = _stream.Read(_buffer, _end, _buffer.Length - _end);
            if (read == 0)
            {
                _final = true;
                break;
            }

            _end += read;
        }
    }

    private JsonFileException Failure(JsonException e)
    {
        var rest = _buffer.AsSpan(_start, _end - _start);
        var next = rest.IndexOfAnyExcept(" \t\r\n,:"u8) is var at and >= 0 ? at : rest.Length;
        var location = LocationOf(_start + next);
        if (_final && next == rest.Length)
        {
            return new JsonFileException(JsonFileProblem.Truncated, location, "the file ends in the middle of the JSON");
        }

        if (_final && e.Message.Contains("end of data", StringComparison.Ordinal))
        {
            return new JsonFileException(JsonFileProblem.Truncated, location, Clean(e.Message));
        }

        var ahead = rest[next..];
        foreach (var literal in NonFinite)
        {
            if (ahead.StartsWith(Encoding.ASCII.GetBytes(literal)))
            {
                return new JsonFileException(JsonFileProblem.NonFiniteNumber, location, literal);
            }
        }

        if (_state.Options.MaxDepth > 0 && e.Message.Contains("depth", StringComparison.OrdinalIgnoreCase) && Depth >= MaxDepth - 2)
        {
            return new JsonFileException(JsonFileProblem.TooDeep, location, e.Message);
        }

        return new JsonFileException(JsonFileProblem.Invalid, location, Clean(e.Message));
    }

    /// <summary>The reader's message without its position, which is relative to the current buffer (ours replaces it).</summary>
    private static string Clean(string message)
    {
        var cut = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        return (cut > 0 ? message[..cut] : message).TrimEnd('.', ' ');
    }

    private static readonly string[] NonFinite = ["NaN", "-Infinity", "Infinity"];

    public void Dispose()
    {
        ArrayPool<byte>.Shared.Return(_buffer);
        _stream.Dispose();
    }
}

internal enum JsonFileProblem
{
    Invalid,
    Truncated,
    TooDeep,
    NonFiniteNumber,
}

/// <summary>The JSON could not be read at <see cref="Location"/>; the export reader turns it into a message naming the file.</summary>
internal sealed class JsonFileException(JsonFileProblem problem, (int Line, long Position) location, string detail) : Exception(detail)
{
    public JsonFileProblem Problem { get; } = problem;
    public (int Line, long Position) Location { get; } = location;
}
