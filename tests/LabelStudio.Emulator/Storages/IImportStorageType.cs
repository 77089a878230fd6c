using System.Text.Json.Nodes;
using LabelStudio.Emulator.Hosting;

namespace LabelStudio.Emulator.Storages;

/// <summary>
/// One kind of import storage (<c>localfiles</c> now, <c>s3</c> next). <see cref="StorageEndpoints"/> and
/// <see cref="StorageSync"/> implement what all types share (CONTRACT §4.1: list/create/validate/get/patch/delete/sync,
/// status machine, links, task creation); a type supplies only its own fields, connection check, listing and reading.
/// I/O methods run outside the store's lock, on a <see cref="StorageSnapshot"/>.
/// </summary>
internal interface IImportStorageType
{
    /// <summary>The URL segment and the <c>type</c> field, e.g. <c>localfiles</c>.</summary>
    string Type { get; }

    /// <summary>Type-specific fields in response order (e.g. <c>path</c>; <c>bucket</c>, <c>prefix</c>, … for S3).</summary>
    IReadOnlyList<string> Fields { get; }

    /// <summary>Fields accepted on write but never returned (S3StorageSerializerMixin.secure_fields).</summary>
    IReadOnlyList<string> SecureFields { get; }

    /// <summary>Reads and type-checks this type's fields present in the body into <paramref name="typeFields"/>.</summary>
    void ReadFields(RequestFields fields, JsonObject typeFields);

    /// <summary>validate_connection(): throws an <see cref="ApiException"/> (non_field_errors) with Label Studio's message.</summary>
    Task ValidateConnectionAsync(StorageSnapshot storage, CancellationToken ct);

    /// <summary>The object keys a scan finds, in scan order, already filtered by <c>regex_filter</c> as this type applies it.</summary>
    Task<IReadOnlyList<string>> ListKeysAsync(StorageSnapshot storage, CancellationToken ct);

    /// <summary>The task data of a key with <c>use_blob_urls=true</c>: <c>{"$undefined$": &lt;url or uri&gt;}</c>.</summary>
    JsonObject BlobTaskData(StorageSnapshot storage, string key);

    /// <summary>The bytes of a key (task files with <c>use_blob_urls=false</c>).</summary>
    Task<byte[]> ReadObjectAsync(StorageSnapshot storage, string key, CancellationToken ct);

    /// <summary>resolve_uri: a proxy URL for a data value this storage owns (e.g. <c>s3://bucket/…</c>), or null to leave it as is.</summary>
    string? ResolveUri(StorageSnapshot storage, int taskId, string value);
}

/// <summary>A storage's settings copied out of the store, so I/O can run without holding the lock.</summary>
internal sealed record StorageSnapshot(int Id, int ProjectId, string? RegexFilter, bool UseBlobUrls, bool RecursiveScan, JsonObject TypeFields)
{
    public string? Field(string name) => TypeFields[name]?.GetValueKind() == System.Text.Json.JsonValueKind.String ? TypeFields[name]!.GetValue<string>() : null;
}
