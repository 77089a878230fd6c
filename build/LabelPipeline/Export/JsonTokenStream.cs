using System.Buffers;
using System.Runtime.CompilerServices;
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

    /// <summary>How many tokens one reader pass records: a reader is made per batch, not per token.</summary>
    private const int BatchSize = 1024;

    private readonly Stream _stream;
    private byte[] _buffer = ArrayPool<byte>.Shared.Rent(1 << 16);
    private int _start;          // the first byte the reader has not consumed
    private int _end;
    private bool _final;
    private JsonReaderState _state = new(Options);
    private long _offset;        // absolute offset of _buffer[0]
    private readonly Token[] _batch = new Token[BatchSize];
    private int _batchCount;
    private int _batchNext;
    private Token _token;

    // Lines are counted lazily (a location is wanted for a task's start and for messages, not for every token):
    // every line break before _counted is in _line, and _lineStart is the absolute offset where that line starts.
    private int _counted;
    private int _line = 1;
    private long _lineStart;

    /// <summary>One token, as the reader saw it: positions are indexes into <see cref="_buffer"/>.</summary>
    private readonly record struct Token(JsonTokenType Type, int Depth, bool Escaped, int TokenStart, int ValueStart, int ValueLength);

    public JsonTokenStream(Stream stream)
    {
        _stream = stream;
        Fill();
        if (_end - _start >= 3 && _buffer[0] == 0xEF && _buffer[1] == 0xBB && _buffer[2] == 0xBF)
        {
            _start = 3; // a byte order mark
            _counted = 3;
            _lineStart = 3;
        }
    }

    public JsonTokenType TokenType => _token.Type;

    /// <summary>The depth of the current token (the top-level array is 0, its elements' members 1, ...).</summary>
    public int Depth => _token.Depth;

    public bool ValueIsEscaped => _token.Escaped;

    /// <summary>The current token's value, raw (strings without quotes, still escaped when <see cref="ValueIsEscaped"/>).</summary>
    public ReadOnlySpan<byte> ValueSpan => _buffer.AsSpan(_token.ValueStart, _token.ValueLength);

    /// <summary>Line (1-based) and position (1-based, in bytes) of the current token.</summary>
    public (int Line, long Position) Location => LocationOf(_token.TokenStart);

    /// <summary>The first non-blank byte of the file, or -1 when there is none.</summary>
    public int PeekFirst()
    {
        var rest = _buffer.AsSpan(_start, _end - _start);
        var at = rest.IndexOfAnyExcept(" \t\r\n"u8);
        return at < 0 ? -1 : rest[at];
    }

    public bool Read()
    {
        if (_batchNext == _batchCount && !ReadBatch())
        {
            return false;
        }

        _token = _batch[_batchNext++];
        return true;
    }

    /// <summary>
    /// Records the next tokens of the buffer with one reader, refilling the buffer when none is complete. A syntax error
    /// after some good tokens ends the batch before it; the next batch starts at the bad token and throws there, so the
    /// caller sees every token before the error first, exactly as if read one by one.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // called once per batch, it would stay unoptimised
    private bool ReadBatch()
    {
        _batchCount = _batchNext = 0;
        while (true)
        {
            var reader = new Utf8JsonReader(_buffer.AsSpan(_start, _end - _start), _final, _state);
            try
            {
                while (_batchCount < BatchSize && reader.Read())
                {
                    var tokenStart = _start + (int)reader.TokenStartIndex;
                    var valueStart = tokenStart + (reader.TokenType is JsonTokenType.String or JsonTokenType.PropertyName ? 1 : 0);
                    _batch[_batchCount++] = new Token(reader.TokenType, reader.CurrentDepth, reader.ValueIsEscaped, tokenStart, valueStart, reader.ValueSpan.Length);
                }
            }
            catch (JsonException e)
            {
                if (_batchCount == 0)
                {
                    throw Failure(e);
                }

                // Read the good tokens again for the reader's state after the last of them (rare: a broken file).
                reader = new Utf8JsonReader(_buffer.AsSpan(_start, _end - _start), _final, _state);
                for (var i = 0; i < _batchCount; i++)
                {
                    reader.Read();
                }
            }

            _start += (int)reader.BytesConsumed;
            _state = reader.CurrentState;
            if (_batchCount > 0)
            {
                return true;
            }

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
        var reader = new Utf8JsonReader(_buffer.AsSpan(_token.TokenStart, _token.ValueLength + 2));
        reader.Read();
        return reader.GetString()!;
    }

    /// <summary>The raw text of the current number token.</summary>
    public string NumberText => Encoding.ASCII.GetString(ValueSpan);

    private (int Line, long Position) LocationOf(int index)
    {
        // Locations are asked for in file order, so counting moves forward only.
        if (index > _counted)
        {
            var between = _buffer.AsSpan(_counted, index - _counted);
            var lines = between.Count((byte)'\n');
            if (lines > 0)
            {
                _line += lines;
                _lineStart = _offset + _counted + between.LastIndexOf((byte)'\n') + 1;
            }

            _counted = index;
        }

        return (_line, _offset + index - _lineStart + 1);
    }

    private void Fill()
    {
        LocationOf(_start); // count the lines of what is dropped
        var dropped = IO.PooledBuffer.MakeRoom(ref _buffer, ref _start, ref _end); // one token larger than the buffer (a long string) grows it
        _offset += dropped;
        _counted -= dropped;
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
