using System.Collections.Concurrent;

namespace Frosting.Tests.Support;

/// <summary>What one run's context, tasks and lifetimes did, in order. One per run, found through an async-local so
/// runs in parallel tests never share one.</summary>
public sealed class Journal
{
    private static readonly AsyncLocal<Journal?> CurrentJournal = new();
    private readonly ConcurrentQueue<string> _events = new();
    private readonly ConcurrentQueue<object> _contexts = new();
    private readonly ConcurrentQueue<object> _constructed = new();

    public static Journal Current => CurrentJournal.Value ?? throw new InvalidOperationException("No journal: run the host through HostRunner.");

    public IReadOnlyList<string> Events => [.. _events];

    /// <summary>Every context instance a task or lifetime received (one entry per call).</summary>
    public IReadOnlyList<object> Contexts => [.. _contexts];

    /// <summary>Every context the host constructed.</summary>
    public IReadOnlyList<object> Constructed => [.. _constructed];

    public void Add(string entry) => _events.Enqueue(entry);

    public void Saw(object context) => _contexts.Enqueue(context);

    public void Construct(object context) => _constructed.Enqueue(context);

    internal static void Use(Journal? journal) => CurrentJournal.Value = journal;
}
