namespace LabelStudio.Emulator;

/// <summary>Read-only counts of the emulator's state, for tests to assert on without going through HTTP.</summary>
public sealed class EmulatorInspection
{
    private readonly EmulatorContext _emulator;

    internal EmulatorInspection(EmulatorContext emulator) => _emulator = emulator;

    public int ProjectCount => Read(store => store.Projects.Count);

    /// <summary>Import storages of a type (<c>localfiles</c>, <c>s3</c>), over all projects or one.</summary>
    public int StorageCount(string type = "localfiles", int? projectId = null) =>
        Read(store => store.StoragesOf(type).Values.Count(s => projectId is null || s.ProjectId == projectId));

    public int TaskCount(int projectId) => Read(store => store.Tasks.Values.Count(t => t.ProjectId == projectId));

    /// <summary>All annotations of a project's tasks, cancelled ones included.</summary>
    public int AnnotationCount(int projectId) => Read(store => store.Annotations.Values.Count(a => a.ProjectId == projectId));

    public int PredictionCount(int projectId) => Read(store => store.Predictions.Values.Count(p => p.ProjectId == projectId));

    public int ExportCount(int projectId) => Read(store => store.Exports.Values.Count(e => e.ProjectId == projectId));

    /// <summary>Project ids by title (exact), e.g. to check a pipeline did not create a duplicate.</summary>
    public IReadOnlyList<int> ProjectIdsTitled(string title) =>
        Read(store => store.Projects.Values.Where(p => p.Fields["title"]?.GetValue<string>() == title).Select(p => p.Id).Order().ToList());

    /// <summary>The stored (unrenamed) data of a task, as JSON text: storage tasks show the literal <c>$undefined$</c> key.</summary>
    public string? StoredTaskData(int taskId) => Read(store => store.Tasks.TryGetValue(taskId, out var task) ? task.Data.ToJsonString() : null);

    private T Read<T>(Func<State.EmulatorStore, T> read)
    {
        lock (_emulator.Store.Gate)
        {
            return read(_emulator.Store);
        }
    }
}
