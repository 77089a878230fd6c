using System.Buffers.Binary;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Diagnostics.CodeAnalysis;
using System.Text;
using LabelPipeline.Datasets;

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
/// unchanged re-run stats files instead of hashing them. For a source it also keeps what the schema detection found in
/// it (<see cref="ISchemaDetectionCache"/>: the header and first rows are not read again), and for prepare.json and the
/// report the stamp they were written with (so a re-run that changes nothing neither renders nor reads them again).
/// Delete the file to make the next run read everything again. It is a cache: not in prepare.json (whose bytes must
/// not depend on the file system), never an input of a snapshot.
/// </summary>
internal sealed class FileStampCache : ISchemaDetectionCache
{
    public const string FileName = ".prepare-stamps.tsv";
    private const string Header = "# labelpipeline-prepare-stamps/2\tkind\tname\tbytes\tmtime_ns\tctime_ns\tinode\tsha256\tdetection";

    /// <summary>Kinds of lines: a source, a task file, an output (prepare.json, the report: its "sha256" is the digest of what it was written from).</summary>
    private const char Source = 's', Task = 't', Output = 'o';

    /// <summary>A detection line: <c>d</c>, its digest, then its fields (escaped); sources refer to it by digest.</summary>
    private const char Detection = 'd';

    private static readonly char[] Kinds = [Source, Task, Output];

    // Keyed by file name, one table per kind (string keys and class values: the runtime's precompiled dictionary code).
    private readonly Dictionary<char, Dictionary<string, Entry>> _known = Kinds.ToDictionary(k => k, _ => new Dictionary<string, Entry>(StringComparer.Ordinal));
    private readonly Dictionary<char, Dictionary<string, Entry>> _seen = Kinds.ToDictionary(k => k, _ => new Dictionary<string, Entry>(StringComparer.Ordinal));
    private readonly Dictionary<string, string> _knownDetections = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _seenDetections = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Decoded> _decoded = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _inputsDigests = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Entry> _sourceDetections = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Stamped> _sourceStamps = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();
    private int _hashed;

    /// <summary>A file's stamp and its sha256 (for an output: the digest of its inputs), and for a source the digest of its detection line.</summary>
    private sealed record Entry(FileStamp Stamp, string Sha256, string? Detection = null);

    private sealed record Stamped(FileStamp? Stamp);

    private sealed record Decoded((SeriesSchema Schema, IReadOnlyList<string> Warnings)? Detection);

    /// <summary>How many files this run had to hash (their stamp was unknown or had changed).</summary>
    public int Hashed => _hashed;

    /// <summary>How many sources' schema detection this run took from the cache instead of reading their first rows.</summary>
    public int DetectionsReused { get; private set; }

    public static FileStampCache Read(string directory)
    {
        var cache = new FileStampCache();
        var path = Path.Combine(directory, FileName);
        if (!File.Exists(path))
        {
            return cache;
        }

        using var reader = new StreamReader(path, Encoding.UTF8);
        if (reader.ReadLine() != Header)
        {
            return cache; // another version: everything is read again
        }

        while (reader.ReadLine() is { } line)
        {
            var f = line.Split('\t');
            if (f.Length >= 3 && f[0] == "d")
            {
                cache._knownDetections[f[1]] = line[(f[0].Length + f[1].Length + 2)..];
            }
            else if (f.Length == 8 && f[0].Length == 1 && cache._known.TryGetValue(f[0][0], out var table)
                && long.TryParse(f[2], NumberStyles.None, CultureInfo.InvariantCulture, out var bytes)
                && long.TryParse(f[3], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var modified)
                && long.TryParse(f[4], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var changed)
                && ulong.TryParse(f[5], NumberStyles.None, CultureInfo.InvariantCulture, out var inode))
            {
                table[f[1]] = new(new FileStamp(bytes, modified, changed, inode), f[6], f[7] == "-" ? null : f[7]);
            }
        }

        return cache;
    }

    /// <summary>A source's sha256: from the cache when its stamp is unchanged, else hashed (and remembered).</summary>
    public string SourceSha256(string path) => Sha256(Source, path, SourceStamp(path), null)!;

    /// <summary>Whether a task file in place holds exactly these bytes: by its stamp when unchanged, else hashed.</summary>
    public bool TaskFileIs(string path, long bytes, string sha256) => Sha256(Task, path, FileStamp.Of(path), bytes) == sha256;

    /// <summary>Remembers a task file Prepare just wrote (or found in place) with its known hash.</summary>
    public void TaskFileWritten(string path, string sha256)
    {
        if (FileStamp.Of(path) is { } stamp)
        {
            Remember(Task, path, new(stamp, sha256));
        }
    }

    /// <summary>
    /// Whether prepare.json or the report at <paramref name="path"/> is as this cache saw it written from
    /// <paramref name="digest"/> (what it was made from) and still has that stamp: then the same inputs give the same
    /// bytes, and it is left as it is without being rendered or read.
    /// </summary>
    public bool OutputIs(string path, string digest) =>
        _known[Output].TryGetValue(Path.GetFileName(path), out var known) && known.Sha256 == digest && FileStamp.Of(path) == known.Stamp;

    /// <summary>Remembers prepare.json or the report as written (or found unchanged) from <paramref name="digest"/>.</summary>
    public void OutputWritten(string path, string digest)
    {
        if (FileStamp.Of(path) is { } stamp)
        {
            Remember(Output, path, new(stamp, digest));
        }
    }

    /// <summary>Whether this run saw exactly what the file on disk holds: then it need not be rendered nor written.</summary>
    public bool Unchanged
    {
        get
        {
            lock (_lock)
            {
                var used = UsedDetections();
                return Kinds.All(kind => _seen[kind].Count == _known[kind].Count
                                         && _seen[kind].All(e => _known[kind].TryGetValue(e.Key, out var known) && known == Complete(kind, e.Key, e.Value)))
                       && used.Count == _knownDetections.Count
                       && used.All(d => _knownDetections.TryGetValue(d, out var known) && known == _seenDetections[d]);
            }
        }
    }

    public bool TryGet(string file, string inputs, [NotNullWhen(true)] out SeriesSchema? schema, out IReadOnlyList<string> warnings)
    {
        schema = null;
        warnings = [];
        var name = Path.GetFileName(file);
        if (SourceStamp(file) is not { } stamp)
        {
            return false;
        }

        lock (_lock)
        {
            if (!_known[Source].TryGetValue(name, out var known) || known.Stamp != stamp || known.Detection is not { } digest
                || !_knownDetections.TryGetValue(digest, out var fields))
            {
                return false;
            }

            var key = digest + "\n" + InputsDigest(inputs);
            if (!_decoded.TryGetValue(key, out var decoded))
            {
                _decoded[key] = decoded = new(DetectionRecord.Decode(fields, InputsDigest(inputs)));
            }

            if (decoded.Detection is not { } found)
            {
                return false;
            }

            (schema, warnings) = found;
            DetectionsReused++;
            _sourceDetections[name] = new(stamp, string.Empty, digest);
            _seenDetections[digest] = fields;
            return true;
        }
    }

    public void Remember(string file, string inputs, SeriesSchema schema, IReadOnlyList<string> warnings)
    {
        // The stamp TryGet took before the file was read: a write during the detection leaves the next run a new stamp.
        if (SourceStamp(file) is not { } stamp || !stamp.Settled(DateTime.UtcNow))
        {
            return;
        }

        lock (_lock)
        {
            var fields = DetectionRecord.Encode(InputsDigest(inputs), schema, warnings);

            // Named by its digest, so files that found the same (most of them: no warnings) share one line.
            var digest = IO.Hashes.Sha256(fields);
            _seenDetections[digest] = fields;
            _sourceDetections[Path.GetFileName(file)] = new(stamp, string.Empty, digest);
        }
    }

    private string InputsDigest(string inputs)
    {
        if (!_inputsDigests.TryGetValue(inputs, out var digest))
        {
            _inputsDigests[inputs] = digest = IO.Hashes.Sha256(inputs);
        }

        return digest;
    }

    /// <summary>A source's stamp, taken once per run: before its first read, so a write during the run is never trusted.</summary>
    private FileStamp? SourceStamp(string path)
    {
        lock (_lock)
        {
            if (_sourceStamps.TryGetValue(path, out var known))
            {
                return known.Stamp;
            }
        }

        var stamp = FileStamp.Of(path);
        lock (_lock)
        {
            return _sourceStamps.TryAdd(path, new(stamp)) ? stamp : _sourceStamps[path].Stamp;
        }
    }

    private string? Sha256(char kind, string path, FileStamp? current, long? expectedBytes)
    {
        if (current is not { } stamp)
        {
            return null;
        }

        if (expectedBytes is { } expected && stamp.Bytes != expected)
        {
            return null;
        }

        string? sha;
        lock (_lock)
        {
            sha = _known[kind].TryGetValue(Path.GetFileName(path), out var known) && known.Stamp == stamp ? known.Sha256 : null;
        }

        if (sha is null)
        {
            sha = IO.Hashes.Sha256File(path);
            Interlocked.Increment(ref _hashed);
        }

        Remember(kind, path, new(stamp, sha));
        return sha;
    }

    private void Remember(char kind, string path, Entry entry)
    {
        if (!entry.Stamp.Settled(DateTime.UtcNow))
        {
            return;
        }

        lock (_lock)
        {
            _seen[kind][Path.GetFileName(path)] = entry;
        }
    }

    /// <summary>A source's entry with the detection found in it at the same stamp (none when the file changed between them).</summary>
    private Entry Complete(char kind, string name, Entry entry) =>
        kind == Source && _sourceDetections.TryGetValue(name, out var found) && found.Stamp == entry.Stamp ? entry with { Detection = found.Detection } : entry;

    /// <summary>The detection lines this run's sources refer to.</summary>
    private HashSet<string> UsedDetections() =>
        _seen[Source].Select(e => Complete(Source, e.Key, e.Value).Detection).OfType<string>().ToHashSet(StringComparer.Ordinal);

    /// <summary>The stamps of this run's files (sorted, so an unchanged run writes the same bytes).</summary>
    public string Render()
    {
        var text = new StringBuilder(Header).Append('\n');
        lock (_lock)
        {
            foreach (var kind in Kinds.Order())
            {
                foreach (var (name, seen) in _seen[kind].OrderBy(e => e.Key, StringComparer.Ordinal))
                {
                    var (stamp, sha, detection) = Complete(kind, name, seen);
                    text.Append(CultureInfo.InvariantCulture, $"{kind}\t{name}\t{stamp.Bytes}\t{stamp.ModifiedNs}\t{stamp.ChangedNs}\t{stamp.Inode}\t{sha}\t{detection ?? "-"}\n");
                }
            }

            foreach (var digest in UsedDetections().Order(StringComparer.Ordinal))
            {
                text.Append(Detection).Append('\t').Append(digest).Append('\t').Append(_seenDetections[digest]).Append('\n');
            }
        }

        return text.ToString();
    }
}

/// <summary>One file's schema detection as tab-separated fields: inputs digest, separator, time column, format, channels, columns, warnings.</summary>
internal static class DetectionRecord
{
    public static string Encode(string inputsDigest, SeriesSchema schema, IReadOnlyList<string> warnings)
    {
        var columns = schema.Columns.ToList();
        var fields = new List<string>
        {
            inputsDigest,
            schema.Separator.ToString(),
            columns.IndexOf(schema.TimeColumn).ToString(CultureInfo.InvariantCulture),
            schema.TimeFormat is { } format ? "=" + format.Pattern : "-",
            string.Join(',', schema.Channels.Select(c => columns.IndexOf(c).ToString(CultureInfo.InvariantCulture))),
            columns.Count.ToString(CultureInfo.InvariantCulture),
        };
        fields.AddRange(columns);
        fields.AddRange(warnings);
        return string.Join('\t', fields.Select(Escape));
    }

    /// <summary>The detection, or null when it was made from other inputs or the line is damaged (then the file is read again).</summary>
    public static (SeriesSchema Schema, IReadOnlyList<string> Warnings)? Decode(string line, string inputsDigest)
    {
        var f = line.Split('\t').Select(Unescape).ToArray();
        if (f.Length < 6 || f[0] != inputsDigest || f[1].Length != 1
            || !int.TryParse(f[2], NumberStyles.None, CultureInfo.InvariantCulture, out var time)
            || !int.TryParse(f[5], NumberStyles.None, CultureInfo.InvariantCulture, out var count) || f.Length < 6 + count || time >= count)
        {
            return null;
        }

        var columns = f[6..(6 + count)];
        var channels = new List<string>();
        foreach (var index in f[4].Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            if (!int.TryParse(index, NumberStyles.None, CultureInfo.InvariantCulture, out var i) || i >= count)
            {
                return null;
            }

            channels.Add(columns[i]);
        }

        TimeFormat? format = null;
        if (f[3] != "-")
        {
            try
            {
                format = f[3].StartsWith('=') ? TimeFormat.Parse(f[3][1..]) : null;
            }
            catch (Exception e) when (e is FormatException or ArgumentException)
            {
            }

            if (format is null)
            {
                return null;
            }
        }

        return (new SeriesSchema(f[1][0], columns, columns[time], format, channels), f[(6 + count)..]);
    }

    private static string Escape(string field) =>
        field.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\t", "\\t", StringComparison.Ordinal)
            .Replace("\n", "\\n", StringComparison.Ordinal).Replace("\r", "\\r", StringComparison.Ordinal);

    private static string Unescape(string field)
    {
        if (!field.Contains('\\', StringComparison.Ordinal))
        {
            return field;
        }

        var text = new StringBuilder(field.Length);
        for (var i = 0; i < field.Length; i++)
        {
            text.Append(field[i] != '\\' || i + 1 == field.Length ? field[i] : field[++i] switch { 't' => '\t', 'n' => '\n', 'r' => '\r', var c => c });
        }

        return text.ToString();
    }
}
