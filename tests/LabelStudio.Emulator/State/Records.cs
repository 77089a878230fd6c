using System.Text.Json.Nodes;
using LabelStudio.Emulator.Projects;

namespace LabelStudio.Emulator.State;

// The emulator's rows. They are mutable and only touched under EmulatorStore.Gate; wire shapes live beside the endpoints.

internal sealed class UserRecord
{
    public required int Id { get; init; }
    public required string Email { get; init; }
    public string FirstName { get; init; } = string.Empty;
    public string LastName { get; init; } = string.Empty;
    public required DateTimeOffset DateJoined { get; init; }
}

/// <summary>The organization's JWT settings (Organization → Settings → Access Token Settings).</summary>
internal sealed class OrganizationRecord
{
    public int Id { get; init; } = 1;
    public bool ApiTokensEnabled { get; set; }
    public bool LegacyApiTokensEnabled { get; set; }
}

internal sealed class ProjectRecord
{
    public required int Id { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public required int CreatedBy { get; init; }

    /// <summary>The writable serializer fields as last validated (title, label_config, show_* flags, …), in DRF's shapes.</summary>
    public required JsonObject Fields { get; init; }

    public required LabelConfigInfo Config { get; set; }

    public string LabelConfig => Fields["label_config"]?.GetValue<string>() ?? LabelConfigInfo.DefaultConfig;

    public int MaximumAnnotations => Fields["maximum_annotations"]?.GetValue<int>() ?? 1;

    public string SkipQueue => Fields["skip_queue"]?.GetValue<string>() ?? "REQUEUE_FOR_OTHERS";
}

internal sealed class TaskRecord
{
    public required int Id { get; init; }
    public required int ProjectId { get; init; }
    public required int InnerId { get; init; }

    /// <summary>As stored in the database: storage-synced tasks keep the literal <c>$undefined$</c> key.</summary>
    public required JsonObject Data { get; set; }

    public JsonObject Meta { get; set; } = [];
    public required DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>The import-storage link key (absolute path for local files) when the task came from a storage sync.</summary>
    public string? StorageFilename { get; init; }

    public int? FileUploadId { get; init; }

    /// <summary>Task.updated_by: the last user who saved an annotation of it.</summary>
    public int? UpdatedBy { get; set; }
}

internal sealed class AnnotationRecord
{
    public required int Id { get; init; }
    public required int TaskId { get; init; }
    public required int ProjectId { get; init; }
    public required JsonArray Result { get; set; }
    public bool WasCancelled { get; set; }
    public bool GroundTruth { get; set; }
    public double? LeadTime { get; set; }
    public required int CompletedBy { get; set; }
    public int? UpdatedBy { get; set; }
    public required DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; set; }
    public DateTimeOffset? DraftCreatedAt { get; set; }
    public string? LastAction { get; set; }
    public int? ParentPrediction { get; set; }
    public int? ParentAnnotation { get; set; }
    public long? ImportId { get; set; }
    public bool? BulkCreated { get; set; }
    public string UniqueId { get; init; } = Guid.NewGuid().ToString();
}

internal sealed class PredictionRecord
{
    public required int Id { get; init; }
    public required int TaskId { get; init; }
    public required int ProjectId { get; init; }
    public required JsonArray Result { get; set; }
    public double? Score { get; set; }
    public string ModelVersion { get; set; } = string.Empty;
    public int? Cluster { get; set; }
    public JsonNode? Neighbors { get; set; }
    public double Mislabeling { get; set; }
    public required DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>An import storage of any type. Type-specific settings (path, bucket, prefix, secrets …) are in <see cref="TypeFields"/>.</summary>
internal sealed class StorageRecord
{
    public required int Id { get; init; }
    public required string Type { get; init; }
    public required int ProjectId { get; set; }
    public required DateTimeOffset CreatedAt { get; init; }
    public string? Title { get; set; }
    public string? Description { get; set; }
    public string? RegexFilter { get; set; }
    public bool UseBlobUrls { get; set; }
    public bool RecursiveScan { get; set; } // BooleanField(default=False): never null
    public bool Synchronizable { get; set; } = true;
    public JsonObject TypeFields { get; set; } = [];

    public DateTimeOffset? LastSync { get; set; }
    public int? LastSyncCount { get; set; }
    public string? LastSyncJob { get; set; }
    public string Status { get; set; } = "initialized";
    public string? Traceback { get; set; }
    public JsonObject Meta { get; set; } = [];

    /// <summary>Keys already linked to tasks (ImportStorageLink): re-syncs skip them, even when the task was deleted since.</summary>
    public HashSet<string> LinkedKeys { get; } = new(StringComparer.Ordinal);

    /// <summary>Queued sync only: reads of the storage left before the pending scan runs.</summary>
    public int PendingSyncPolls { get; set; }
}

internal sealed class ExportRecord
{
    public required int Id { get; init; }
    public required int ProjectId { get; init; }
    public required string Title { get; init; }
    public required int CreatedBy { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? FinishedAt { get; set; }
    public string Status { get; set; } = "created";
    public string Md5 { get; set; } = string.Empty;
    public JsonObject Counters { get; set; } = [];

    /// <summary>The exported tasks, frozen when the snapshot was taken (JSON array text).</summary>
    public string Content { get; set; } = "[]";

    public required JsonObject TaskFilterOptions { get; init; }
    public required JsonObject AnnotationFilterOptions { get; init; }
    public required JsonObject SerializationOptions { get; init; }

    /// <summary>Reads left that still show the snapshot in progress (see EmulatorOptions.ExportSnapshotPolls).</summary>
    public int PendingPolls { get; set; }
}

/// <summary>A Data Manager tab: its data (title, filters, columns) and, kept apart as the server does, its ordering.</summary>
internal sealed class ViewRecord
{
    public required int Id { get; init; }
    public required int ProjectId { get; init; }
    public int? UserId { get; init; }
    public required JsonObject Data { get; set; }
    public List<string> Ordering { get; set; } = [];
}
