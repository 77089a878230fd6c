using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;

namespace LabelPipeline.IO;

/// <summary>
/// The size and SHA-256 of files hashed while they were written, by full path: a manifest over hundreds of megabytes of
/// output takes them from here instead of reading every file back. Files written any other way are hashed when asked.
/// </summary>
public sealed class HashedFiles
{
    private static readonly UTF8Encoding Utf8 = new(false);
    private readonly ConcurrentDictionary<string, (long Bytes, string Sha256)> _written = new(StringComparer.Ordinal);

    /// <summary>A UTF-8 text file (no BOM, "\n" lines) whose bytes are hashed on the way to disk when <paramref name="hashes"/> is given.</summary>
    public static StreamWriter CreateText(string path, HashedFiles? hashes, int bufferSize = 1 << 16) =>
        new(Create(path, hashes), Utf8, bufferSize) { NewLine = "\n" };

    /// <summary>A new file whose bytes are hashed on the way to disk when <paramref name="hashes"/> is given.</summary>
    public static Stream Create(string path, HashedFiles? hashes)
    {
        var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 0);
        return hashes is null ? file : new HashingStream(file, Path.GetFullPath(path), hashes);
    }

    /// <summary>The file's size and SHA-256: as hashed while it was written, else read now.</summary>
    public (long Bytes, string Sha256) Of(string path)
    {
        var full = Path.GetFullPath(path);
        var bytes = new FileInfo(full).Length;
        return _written.TryGetValue(full, out var known) && bytes == known.Bytes ? known : (bytes, Hashes.Sha256File(full));
    }

    private void Record(string path, long bytes, string sha256) => _written[path] = (bytes, sha256);

    /// <summary>Passes writes through to the file and into an incremental SHA-256; records both when closed.</summary>
    private sealed class HashingStream(FileStream file, string path, HashedFiles hashes) : Stream
    {
        private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        private long _bytes;
        private bool _closed;

        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => _bytes;
        public override long Position { get => _bytes; set => throw new NotSupportedException(); }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            file.Write(buffer);
            _hash.AppendData(buffer);
            _bytes += buffer.Length;
        }

        public override void WriteByte(byte value) => Write([value]);

        public override void Flush() => file.Flush();

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing && !_closed)
            {
                _closed = true;
                file.Dispose();
                hashes.Record(path, _bytes, Convert.ToHexStringLower(_hash.GetHashAndReset()));
                _hash.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
