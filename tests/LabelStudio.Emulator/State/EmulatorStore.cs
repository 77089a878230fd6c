namespace LabelStudio.Emulator.State;

/// <summary>
/// The emulator's whole database, in memory. Every read and write happens under <see cref="Gate"/>: requests are few and
/// small, so one lock keeps counters, links and cascades consistent without any cleverness.
/// </summary>
internal sealed class EmulatorStore
{
    private readonly Dictionary<string, int> _lastIds = new(StringComparer.Ordinal);

    public Lock Gate { get; } = new();

    public required UserRecord User { get; init; }
    public required OrganizationRecord Organization { get; init; }

    /// <summary>The user's legacy DRF token key (authtoken_token).</summary>
    public required string LegacyToken { get; set; }

    /// <summary>Personal Access Tokens rotated away (simplejwt's blacklist): refused by refresh and rotate.</summary>
    public HashSet<string> BlacklistedTokens { get; } = new(StringComparer.Ordinal);

    public Dictionary<int, ProjectRecord> Projects { get; } = [];
    public Dictionary<int, TaskRecord> Tasks { get; } = [];
    public Dictionary<int, AnnotationRecord> Annotations { get; } = [];
    public Dictionary<int, PredictionRecord> Predictions { get; } = [];
    public Dictionary<int, ExportRecord> Exports { get; } = [];
    public Dictionary<int, ViewRecord> Views { get; } = [];

    /// <summary>Import storages by type (<c>localfiles</c>, later <c>s3</c>); each type has its own id sequence, as its own table does.</summary>
    public Dictionary<string, Dictionary<int, StorageRecord>> Storages { get; } = new(StringComparer.Ordinal);

    /// <summary>Next primary key of a table (ids are never reused, like a database sequence).</summary>
    public int NextId(string table)
    {
        var id = _lastIds.GetValueOrDefault(table) + 1;
        _lastIds[table] = id;
        return id;
    }

    public Dictionary<int, StorageRecord> StoragesOf(string type)
    {
        if (!Storages.TryGetValue(type, out var table))
        {
            table = [];
            Storages[type] = table;
        }

        return table;
    }

    public IEnumerable<TaskRecord> TasksOf(int projectId) => Tasks.Values.Where(t => t.ProjectId == projectId).OrderBy(t => t.Id);

    public IEnumerable<AnnotationRecord> AnnotationsOf(int taskId) => Annotations.Values.Where(a => a.TaskId == taskId).OrderBy(a => a.Id);

    public IEnumerable<PredictionRecord> PredictionsOf(int taskId) => Predictions.Values.Where(p => p.TaskId == taskId).OrderBy(p => p.Id);

    /// <summary>Deletes a task with its annotations and predictions (storage links stay, as in Label Studio).</summary>
    public void DeleteTask(int taskId)
    {
        Tasks.Remove(taskId);
        foreach (var annotation in Annotations.Values.Where(a => a.TaskId == taskId).ToList())
        {
            Annotations.Remove(annotation.Id);
        }

        foreach (var prediction in Predictions.Values.Where(p => p.TaskId == taskId).ToList())
        {
            Predictions.Remove(prediction.Id);
        }
    }

    /// <summary>Deletes a project and everything hanging off it: tasks, annotations, predictions, storages, exports.</summary>
    public void DeleteProject(int projectId)
    {
        Projects.Remove(projectId);
        foreach (var view in Views.Values.Where(v => v.ProjectId == projectId).ToList())
        {
            Views.Remove(view.Id);
        }
        foreach (var task in Tasks.Values.Where(t => t.ProjectId == projectId).ToList())
        {
            DeleteTask(task.Id);
        }

        foreach (var table in Storages.Values)
        {
            foreach (var storage in table.Values.Where(s => s.ProjectId == projectId).ToList())
            {
                table.Remove(storage.Id);
            }
        }

        foreach (var export in Exports.Values.Where(e => e.ProjectId == projectId).ToList())
        {
            Exports.Remove(export.Id);
        }
    }
}
