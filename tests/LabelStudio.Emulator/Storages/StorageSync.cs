using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using LabelStudio.Emulator.Hosting;
using LabelStudio.Emulator.State;

namespace LabelStudio.Emulator.Storages;

/// <summary>
/// The import-storage sync (io_storages/base_models.py): status queued → in_progress → completed | failed, one task per new
/// key (keys already linked are skipped, so a re-sync is idempotent), <c>last_sync_count</c> = tasks created by this sync,
/// <c>meta.tasks_existed</c> = keys already linked. Synchronous by default (OSS without Redis); with
/// <see cref="StorageSyncMode.Queued"/> the sync only enqueues and later reads of the storage drive it to completion.
/// </summary>
internal sealed class StorageSync(EmulatorContext emulator)
{
    /// <summary>POST …/{id}/sync. Returns the storage JSON to answer with.</summary>
    public async Task<IResult> StartAsync(IImportStorageType type, int id, CancellationToken ct)
    {
        StorageSnapshot snapshot;
        lock (emulator.Store.Gate)
        {
            var storage = Find(type, id);
            if (!storage.Synchronizable)
            {
                return Wire.Json(new JsonObject { ["message"] = $"Storage {id} is not synchronizable" }, StatusCodes.Status400BadRequest);
            }

            snapshot = StorageWire.Snapshot(storage);
        }

        // validate_connection() runs in the request, before anything is queued: its failure is the request's error.
        await type.ValidateConnectionAsync(snapshot, ct).ConfigureAwait(false);
        lock (emulator.Store.Gate)
        {
            var storage = Find(type, id);
            storage.Status = "queued";
            storage.Traceback = null;
            storage.Meta["attempts"] = (storage.Meta["attempts"]?.GetValue<int>() ?? 0) + 1;
            storage.Meta["time_queued"] = Wire.Timestamp(emulator.Now);
            if (emulator.Options.StorageSync == StorageSyncMode.Queued)
            {
                storage.LastSyncJob = Guid.NewGuid().ToString();
                storage.PendingSyncPolls = Math.Max(1, emulator.Options.StorageSyncPolls);
                return Wire.Json(StorageWire.From(storage, type));
            }
        }

        await RunAsync(type, snapshot, ct).ConfigureAwait(false);
        lock (emulator.Store.Gate)
        {
            return Wire.Json(StorageWire.From(Find(type, id), type));
        }
    }

    /// <summary>A read of the storage (detail or list): advances a queued sync, running its scan on the last poll.</summary>
    public async Task AdvanceAsync(IImportStorageType type, int id, CancellationToken ct)
    {
        StorageSnapshot snapshot;
        lock (emulator.Store.Gate)
        {
            if (!emulator.Store.StoragesOf(type.Type).TryGetValue(id, out var storage) || storage.PendingSyncPolls <= 0)
            {
                return;
            }

            storage.PendingSyncPolls--;
            storage.Status = "in_progress";
            storage.Meta["time_in_progress"] ??= Wire.Timestamp(emulator.Now);
            storage.Meta["time_last_ping"] = Wire.Timestamp(emulator.Now);
            if (storage.PendingSyncPolls > 0)
            {
                return;
            }

            snapshot = StorageWire.Snapshot(storage);
        }

        try
        {
            await type.ValidateConnectionAsync(snapshot, ct).ConfigureAwait(false);
        }
        catch (ApiException e)
        {
            // In a worker, a connection failure fails the job instead of the request.
            Fail(type, snapshot.Id, e.Detail + ": " + (e.ValidationErrors?.ToJsonString() ?? string.Empty));
            return;
        }

        await RunAsync(type, snapshot, ct).ConfigureAwait(false);
    }

    private async Task RunAsync(IImportStorageType type, StorageSnapshot snapshot, CancellationToken ct)
    {
        var started = emulator.Now;
        lock (emulator.Store.Gate)
        {
            var storage = Find(type, snapshot.Id);
            storage.Status = "in_progress";
            storage.Meta["time_in_progress"] = Wire.Timestamp(started);
            storage.Meta["time_last_ping"] = Wire.Timestamp(started);
        }

        var objects = new List<(string Key, List<JsonObject> Tasks)>();
        try
        {
            foreach (var key in await type.ListKeysAsync(snapshot, ct).ConfigureAwait(false))
            {
                objects.Add((key, snapshot.UseBlobUrls ? [type.BlobTaskData(snapshot, key)] : await ReadTasksAsync(type, snapshot, key, ct).ConfigureAwait(false)));
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Fail(type, snapshot.Id, Traceback(e));
            return;
        }

        lock (emulator.Store.Gate)
        {
            if (!emulator.Store.StoragesOf(type.Type).TryGetValue(snapshot.Id, out var storage))
            {
                return; // deleted while scanning
            }

            var created = 0;
            var existed = 0;
            foreach (var (key, tasks) in objects)
            {
                if (!storage.LinkedKeys.Add(key))
                {
                    existed++;
                    continue;
                }

                foreach (var data in tasks)
                {
                    CreateTask(storage, key, data);
                    created++;
                }
            }

            var now = emulator.Now;
            storage.Status = "completed";
            storage.LastSync = now;
            storage.LastSyncCount = created;
            storage.Meta["time_completed"] = Wire.Timestamp(now);
            storage.Meta["duration"] = (now - started).TotalSeconds;
            storage.Meta["tasks_existed"] = existed;
        }
    }

    private void CreateTask(StorageRecord storage, string key, JsonObject data)
    {
        var store = emulator.Store;
        var task = new TaskRecord
        {
            Id = store.NextId("task"),
            ProjectId = storage.ProjectId,
            InnerId = store.TasksOf(storage.ProjectId).Select(t => t.InnerId).DefaultIfEmpty(0).Max() + 1,
            Data = data,
            CreatedAt = emulator.Now,
            UpdatedAt = emulator.Now,
            StorageFilename = key,
        };
        store.Tasks[task.Id] = task;
    }

    /// <summary>use_blob_urls=false: the object is a task file (JSON object or list, or JSONL); anything else fails the sync.</summary>
    private static async Task<List<JsonObject>> ReadTasksAsync(IImportStorageType type, StorageSnapshot snapshot, string key, CancellationToken ct)
    {
        var extension = Path.GetExtension(key).ToLowerInvariant();
        if (extension is not (".json" or ".jsonl"))
        {
            throw new UnsupportedFileFormatException(
                $"File \"{key}\" is not a JSON/JSONL/Parquet file. Only .json, .jsonl, and .parquet files can be processed.\n"
                + "If you're trying to import non-JSON data (images, audio, text, etc.), edit storage settings and enable \"Tasks\" import method");
        }

        var text = Encoding.UTF8.GetString(await type.ReadObjectAsync(snapshot, key, ct).ConfigureAwait(false));
        var nodes = extension == ".jsonl"
            ? text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(line => JsonNode.Parse(line)).ToList()
            : JsonNode.Parse(text) is JsonArray array ? array.ToList() : [JsonNode.Parse(text)];
        return nodes.Select(node => node is JsonObject task
                ? (JsonObject)(task["data"] is JsonObject data ? data : task).DeepClone()
                : throw new JsonException($"Error on key {key}: your JSON file must be a dictionary with one task, or a list of tasks."))
            .ToList();
    }

    private void Fail(IImportStorageType type, int id, string traceback)
    {
        lock (emulator.Store.Gate)
        {
            if (emulator.Store.StoragesOf(type.Type).TryGetValue(id, out var storage))
            {
                storage.Status = "failed";
                storage.Traceback = traceback;
                storage.Meta["time_failure"] = Wire.Timestamp(emulator.Now);
            }
        }
    }

    private StorageRecord Find(IImportStorageType type, int id) =>
        emulator.Store.StoragesOf(type.Type).TryGetValue(id, out var storage) ? storage : throw ApiException.NotFound(StorageEndpoints.ModelName(type));

    /// <summary>A Python-looking traceback, as the worker stores it.</summary>
    private static string Traceback(Exception e) =>
        "Traceback (most recent call last):\n  File \"/label-studio/label_studio/io_storages/base_models.py\", in sync\n"
        + $"{(e is UnsupportedFileFormatException ? "io_storages.exceptions.UnsupportedFileFormatError" : e.GetType().Name)}: {e.Message}\n";

    private sealed class UnsupportedFileFormatException(string message) : Exception(message);
}
