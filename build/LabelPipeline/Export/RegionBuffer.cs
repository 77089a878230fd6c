namespace LabelPipeline.Export;

/// <summary>
/// One task's regions while the task is read: the first <see cref="InMemory"/> in memory, the rest appended to a file,
/// so a task with hundreds of thousands of regions costs no more memory than a small one. Handed out in the order added.
/// </summary>
internal sealed class RegionBuffer(string? folder, LabelCache labels) : IDisposable
{
    public const int InMemory = 16_384;
    private const int BufferSize = 1 << 16;

    private readonly List<PartialRegion> _memory = [];
    private string? _file;
    private BinaryWriter? _writer;
    private int _onDisk;

    /// <summary>Changes on every <see cref="Clear"/>: the regions read before belong to an earlier task.</summary>
    public int Version { get; private set; }

    public void Add(PartialRegion region)
    {
        if (_memory.Count < InMemory && _onDisk == 0)
        {
            _memory.Add(region);
            return;
        }

        if (_writer is null)
        {
            _file ??= Path.Combine(folder ?? Path.GetTempPath(), $".labelpipeline-task-regions-{Guid.NewGuid():N}.bin");
            Directory.CreateDirectory(Path.GetDirectoryName(_file)!);
            _writer = new BinaryWriter(new FileStream(_file, FileMode.Create, FileAccess.ReadWrite, FileShare.Read, BufferSize));
        }

        Write(_writer, region);
        _onDisk++;
    }

    /// <summary>The regions in the order added: the ones in memory came first, then the file's.</summary>
    public IEnumerable<PartialRegion> Items()
    {
        var version = Version;
        for (var i = 0; i < _memory.Count; i++)
        {
            yield return _memory[i];
        }

        if (_onDisk == 0)
        {
            yield break;
        }

        _writer!.Flush();
        using var reader = new BinaryReader(new FileStream(_file!, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, BufferSize));
        for (var i = 0; i < _onDisk && version == Version; i++)
        {
            yield return Read(reader);
        }
    }

    public void Clear()
    {
        Version++;
        _memory.Clear();
        if (_onDisk > 0)
        {
            _writer!.Flush();
            _writer.BaseStream.SetLength(0);
            _onDisk = 0;
        }
    }

    public void Dispose()
    {
        _writer?.Dispose();
        if (_file is not null && File.Exists(_file))
        {
            File.Delete(_file);
        }
    }

    private static void Write(BinaryWriter w, PartialRegion r)
    {
        w.Write(r.Annotation);
        w.Write(r.ResultIndex);
        w.Write(r.RegionId);
        SortedRangeStore.WriteBound(w, r.Start);
        SortedRangeStore.WriteBound(w, r.End);
        w.Write(r.StartRaw);
        w.Write(r.EndRaw);
        w.Write(r.Instant);
        w.Write(r.Labels.Length);
        foreach (var label in r.Labels)
        {
            w.Write(label);
        }

        w.Write(r.Origin);
    }

    private PartialRegion Read(BinaryReader r)
    {
        var annotation = r.ReadInt32();
        var resultIndex = r.ReadInt32();
        var regionId = r.ReadString();
        var start = SortedRangeStore.ReadBound(r);
        var end = SortedRangeStore.ReadBound(r);
        var startRaw = r.ReadString();
        var endRaw = r.ReadString();
        var instant = r.ReadBoolean();
        var names = new List<string>(1);
        for (var count = r.ReadInt32(); count > 0; count--)
        {
            names.Add(labels.Intern(r.ReadString()));
        }

        return new PartialRegion(annotation, resultIndex, regionId, start, end, startRaw, endRaw, instant, labels.Array(names), r.ReadString());
    }
}
