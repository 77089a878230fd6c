using System.Buffers.Binary;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace LabelPipeline.Prepare;

/// <summary>
/// What the file system says about a file without reading it: size, last write (mtime), last status change (ctime)
/// and inode, the fields git's index trusts. Writing a file moves its mtime and ctime; replacing it changes its inode;
/// ctime cannot be set back by tools such as <c>touch -d</c>. Outside Linux: size, last write and creation time.
/// </summary>
internal readonly record struct FileStamp(long Bytes, long ModifiedNs, long ChangedNs, ulong Inode)
{
    public static FileStamp? Of(string path) => Statx.TryStat(path, out var stamp) ? stamp : Fallback(path);

    private static FileStamp? Fallback(string path)
    {
        var info = new FileInfo(path);
        return info.Exists
            ? new FileStamp(info.Length, (info.LastWriteTimeUtc.Ticks - DateTime.UnixEpoch.Ticks) * 100, (info.CreationTimeUtc.Ticks - DateTime.UnixEpoch.Ticks) * 100, 0)
            : null;
    }

    /// <summary>
    /// On a file system with whole-second times a write in the same second as the stamp leaves it unchanged, so such a
    /// stamp is only trusted once the file has been left alone for 2 seconds (git calls this "racily clean").
    /// </summary>
    public bool Settled(DateTime nowUtc) =>
        ModifiedNs % 1_000_000_000 != 0 || ChangedNs % 1_000_000_000 != 0
        || (nowUtc - DateTime.UnixEpoch).Ticks * 100 - Math.Max(ModifiedNs, ChangedNs) > 2_000_000_000;

    /// <summary>statx(2): its record has one layout on every Linux architecture, unlike stat's.</summary>
    private static class Statx
    {
        private const int AtFdCwd = -100;
        private const uint BasicStats = 0x7ff;
        private static bool _unavailable = !OperatingSystem.IsLinux();

        [DllImport("libc", EntryPoint = "statx", SetLastError = true)]
        private static extern int Call(int directory, byte[] path, int flags, uint mask, byte[] buffer);

        public static bool TryStat(string path, out FileStamp? stamp)
        {
            stamp = null;
            if (_unavailable)
            {
                return false;
            }

            var buffer = new byte[256];
            try
            {
                if (Call(AtFdCwd, Encoding.UTF8.GetBytes(path + "\0"), 0, BasicStats, buffer) != 0)
                {
                    return true; // missing or unreadable: no stamp
                }
            }
            catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
            {
                _unavailable = true; // an old C library: fall back
                return false;
            }

            static long Time(ReadOnlySpan<byte> at) => (BinaryPrimitives.ReadInt64LittleEndian(at) * 1_000_000_000) + BinaryPrimitives.ReadUInt32LittleEndian(at[8..]);
            var record = buffer.AsSpan();
            stamp = new FileStamp(
                (long)BinaryPrimitives.ReadUInt64LittleEndian(record[40..]),
                Time(record[112..]),
                Time(record[96..]),
                BinaryPrimitives.ReadUInt64LittleEndian(record[32..]));
            return true;
        }
    }
}

/// <summary>
/// <c>.prepare-stamps.tsv</c> beside the task files: for each source and task file Prepare hashed, its sha256 and its
/// <see cref="FileStamp"/> at the time. A file whose stamp is unchanged is taken to hold the bytes it held then, so an
/// unchanged re-run stats files instead of hashing them. Delete the file to make the next run hash everything again.
/// It is a cache: not in prepare.json (whose bytes must not depend on the file system), never an input of a snapshot.
/// </summary>
internal sealed class FileStampCache
{
    public const string FileName = ".prepare-stamps.tsv";
    private const string Header = "# labelpipeline-prepare-stamps/1\tkind\tname\tbytes\tmtime_ns\tctime_ns\tinode\tsha256";
    private readonly Dictionary<(char Kind, string Name), (FileStamp Stamp, string Sha256)> _known = [];
    private readonly Dictionary<(char Kind, string Name), (FileStamp Stamp, string Sha256)> _seen = [];
    private readonly Lock _lock = new();
    private int _hashed;

    /// <summary>How many files this run had to hash (their stamp was unknown or had changed).</summary>
    public int Hashed => _hashed;

    public static FileStampCache Read(string directory)
    {
        var cache = new FileStampCache();
        var path = Path.Combine(directory, FileName);
        if (!File.Exists(path))
        {
            return cache;
        }

        var lines = File.ReadAllLines(path, Encoding.UTF8);
        if (lines.Length == 0 || lines[0] != Header)
        {
            return cache; // another version: everything is hashed again
        }

        foreach (var line in lines.Skip(1))
        {
            var f = line.Split('\t');
            if (f.Length == 7 && f[0].Length == 1
                && long.TryParse(f[2], NumberStyles.None, CultureInfo.InvariantCulture, out var bytes)
                && long.TryParse(f[3], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var modified)
                && long.TryParse(f[4], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var changed)
                && ulong.TryParse(f[5], NumberStyles.None, CultureInfo.InvariantCulture, out var inode))
            {
                cache._known[(f[0][0], f[1])] = (new FileStamp(bytes, modified, changed, inode), f[6]);
            }
        }

        return cache;
    }

    /// <summary>A source's sha256: from the cache when its stamp is unchanged, else hashed (and remembered).</summary>
    public string SourceSha256(string path) => Sha256('s', path, null)!;

    /// <summary>Whether a task file in place holds exactly these bytes: by its stamp when unchanged, else hashed.</summary>
    public bool TaskFileIs(string path, long bytes, string sha256) => Sha256('t', path, bytes) == sha256;

    /// <summary>Remembers a task file Prepare just wrote (or found in place) with its known hash.</summary>
    public void TaskFileWritten(string path, string sha256)
    {
        if (FileStamp.Of(path) is { } stamp)
        {
            Remember('t', path, stamp, sha256);
        }
    }

    private string? Sha256(char kind, string path, long? expectedBytes)
    {
        if (FileStamp.Of(path) is not { } stamp)
        {
            return null;
        }

        if (expectedBytes is { } expected && stamp.Bytes != expected)
        {
            return null;
        }

        var key = (kind, Path.GetFileName(path));
        string sha;
        lock (_lock)
        {
            sha = _known.TryGetValue(key, out var known) && known.Stamp == stamp ? known.Sha256 : null!;
        }

        if (sha is null)
        {
            sha = IO.Hashes.Sha256File(path);
            Interlocked.Increment(ref _hashed);
        }

        Remember(kind, path, stamp, sha);
        return sha;
    }

    private void Remember(char kind, string path, FileStamp stamp, string sha256)
    {
        if (!stamp.Settled(DateTime.UtcNow))
        {
            return;
        }

        lock (_lock)
        {
            _seen[(kind, Path.GetFileName(path))] = (stamp, sha256);
        }
    }

    /// <summary>The stamps of this run's files (sorted, so an unchanged run writes the same bytes).</summary>
    public string Render()
    {
        var text = new StringBuilder(Header).Append('\n');
        foreach (var ((kind, name), (stamp, sha)) in _seen.OrderBy(e => e.Key.Kind).ThenBy(e => e.Key.Name, StringComparer.Ordinal))
        {
            text.Append(CultureInfo.InvariantCulture, $"{kind}\t{name}\t{stamp.Bytes}\t{stamp.ModifiedNs}\t{stamp.ChangedNs}\t{stamp.Inode}\t{sha}\n");
        }

        return text.ToString();
    }
}
