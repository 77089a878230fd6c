using System.Buffers;
using System.Text;

namespace LabelPipeline.IO;

/// <summary>
/// The lines of a UTF-8 text file as byte spans, without decoding them: what a row-copying pass needs (a dense label
/// file copies millions of rows and decodes one field of each). Lines end where a text reader ends them: "\n", "\r\n"
/// or "\r"; a UTF-8 byte order mark at the start is skipped. A span stays valid until the next call.
/// </summary>
internal sealed class LineReader : IDisposable
{
    private readonly FileStream _file;
    private byte[] _buffer = ArrayPool<byte>.Shared.Rent(1 << 16);
    private int _start;
    private int _end;
    private bool _eof;

    public LineReader(string path)
    {
        _file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0, FileOptions.SequentialScan);
        Fill();
        var head = _buffer.AsSpan(0, _end);
        if (head.StartsWith("\uFEFF"u8))
        {
            _start = 3;
        }
        else if (head.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF]) || head.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE]))
        {
            throw new InvalidDataException($"{path} starts with a UTF-16 byte order mark: save it as UTF-8.");
        }
    }

    public bool Next(out ReadOnlySpan<byte> line)
    {
        while (true)
        {
            var rest = _buffer.AsSpan(_start, _end - _start);
            var at = rest.IndexOfAny((byte)'\n', (byte)'\r');
            if (at >= 0 && (rest[at] == '\n' || at + 1 < rest.Length || _eof))
            {
                line = rest[..at];
                _start += at + (rest[at] == '\r' && at + 1 < rest.Length && rest[at + 1] == '\n' ? 2 : 1);
                return true;
            }

            if (_eof)
            {
                line = rest;
                _start = _end;
                return !rest.IsEmpty;
            }

            Fill(); // no line end yet, or a "\r" at the end of the buffer that may be half of a "\r\n"
        }
    }

    private void Fill()
    {
        PooledBuffer.MakeRoom(ref _buffer, ref _start, ref _end); // a line longer than the buffer grows it
        var read = _file.Read(_buffer, _end, _buffer.Length - _end);
        _end += read;
        _eof = read == 0;
    }

    public void Dispose()
    {
        _file.Dispose();
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = [];
    }
}

/// <summary>Refilled read buffers from <see cref="ArrayPool{T}"/>: the unread bytes moved to the front before the next read.</summary>
internal static class PooledBuffer
{
    /// <summary>
    /// Moves the unread bytes <c>[start, end)</c> to the front (start becomes 0) and, when they fill the whole buffer,
    /// doubles it: afterwards there is room to read into. Returns how many bytes were dropped from the front.
    /// </summary>
    public static int MakeRoom(ref byte[] buffer, ref int start, ref int end)
    {
        var dropped = start;
        if (start > 0)
        {
            buffer.AsSpan(start, end - start).CopyTo(buffer);
            end -= start;
            start = 0;
        }

        if (end == buffer.Length)
        {
            var larger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
            buffer.AsSpan(0, end).CopyTo(larger);
            ArrayPool<byte>.Shared.Return(buffer);
            buffer = larger;
        }

        return dropped;
    }
}

/// <summary>Buffered byte output for <see cref="LineReader"/>'s lines: lines that are not valid UTF-8 get U+FFFD for each bad sequence, as decoding and encoding them would.</summary>
internal sealed class ByteWriter(Stream stream) : IDisposable
{
    private byte[] _buffer = ArrayPool<byte>.Shared.Rent(1 << 16);
    private int _used;

    public void WriteLine(ReadOnlySpan<byte> line, ReadOnlySpan<byte> ending)
    {
        if (System.Text.Unicode.Utf8.IsValid(line))
        {
            Write(line);
        }
        else
        {
            Write(Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(line)));
        }

        Write(ending);
    }

    private void Write(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length > _buffer.Length - _used)
        {
            Flush();
            if (bytes.Length > _buffer.Length)
            {
                stream.Write(bytes);
                return;
            }
        }

        bytes.CopyTo(_buffer.AsSpan(_used));
        _used += bytes.Length;
    }

    private void Flush()
    {
        stream.Write(_buffer, 0, _used);
        _used = 0;
    }

    public void Dispose()
    {
        if (_buffer.Length > 0)
        {
            Flush();
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = [];
        }

        stream.Dispose();
    }
}
