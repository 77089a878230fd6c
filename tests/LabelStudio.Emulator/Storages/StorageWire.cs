using System.Text.Json.Nodes;
using LabelStudio.Emulator.Hosting;
using LabelStudio.Emulator.State;

namespace LabelStudio.Emulator.Storages;

/// <summary>
/// An import storage as its serializer writes it: the common fields (CONTRACT §4.1) plus the type's own, minus its
/// secure fields. A JSON object rather than a record because the field set depends on the storage type.
/// </summary>
internal static class StorageWire
{
    public static JsonObject From(StorageRecord storage, IImportStorageType type)
    {
        var json = new JsonObject
        {
            ["id"] = storage.Id,
            ["type"] = storage.Type,
            ["synchronizable"] = storage.Synchronizable,
        };
        foreach (var field in type.Fields.Where(f => !type.SecureFields.Contains(f)))
        {
            json[field] = storage.TypeFields[field]?.DeepClone();
        }

        json["regex_filter"] = storage.RegexFilter;
        json["use_blob_urls"] = storage.UseBlobUrls;
        json["title"] = storage.Title;
        json["description"] = storage.Description;
        json["created_at"] = Wire.Timestamp(storage.CreatedAt);
        json["last_sync"] = Wire.TimestampNode(storage.LastSync);
        json["last_sync_count"] = storage.LastSyncCount;
        json["last_sync_job"] = storage.LastSyncJob;
        json["status"] = storage.Status;
        json["traceback"] = storage.Traceback;
        json["meta"] = storage.Meta.DeepClone();
        json["recursive_scan"] = storage.RecursiveScan;
        json["project"] = storage.ProjectId;
        return json;
    }

    public static StorageSnapshot Snapshot(StorageRecord storage) =>
        new(storage.Id, storage.ProjectId, storage.RegexFilter, storage.UseBlobUrls, storage.RecursiveScan, (JsonObject)storage.TypeFields.DeepClone());
}
