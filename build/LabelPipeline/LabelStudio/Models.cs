using Newtonsoft.Json.Linq;

namespace LabelPipeline.LabelStudio;

// Wire records for the Label Studio endpoints the pipeline uses (CONTRACT.md). Property names map to snake_case;
// fields the pipeline does not read are left out, the server's extra fields are ignored.

public sealed record CurrentUser
{
    public int Id { get; init; }
    public string? Email { get; init; }
    public string? Username { get; init; }
}

public sealed record VersionInfo
{
    public string? Release { get; init; }
    public string? Edition { get; init; }
}

public sealed record Project
{
    public int Id { get; init; }
    public string Title { get; init; } = string.Empty;
    public string? Description { get; init; }
    public string LabelConfig { get; init; } = string.Empty;
    public int? TaskNumber { get; init; }
    public int? TotalAnnotationsNumber { get; init; }

    /// <summary>The prediction model version annotators see (with <see cref="ShowCollabPredictions"/>).</summary>
    public string? ModelVersion { get; init; }

    public bool? ShowCollabPredictions { get; init; }
}

public sealed record ProjectRequest
{
    public string? Title { get; init; }
    public string? Description { get; init; }
    public string? LabelConfig { get; init; }
    public string? ModelVersion { get; init; }
    public bool? ShowCollabPredictions { get; init; }
}

/// <summary>What every import storage returns (local files, S3): identity, filter, and the last sync's state.</summary>
public abstract record ImportStorage
{
    public int Id { get; init; }
    public string? Type { get; init; }
    public string? Title { get; init; }
    public int Project { get; init; }
    public string? RegexFilter { get; init; }
    public bool UseBlobUrls { get; init; }
    public bool? RecursiveScan { get; init; }
    public string? Status { get; init; }
    public string? Traceback { get; init; }
    public int? LastSyncCount { get; init; }
    public JObject? Meta { get; init; }

    /// <summary>Storage sync states that will not change without another sync.</summary>
    public bool IsTerminal => Status is "completed" or "completed_with_errors" or "failed";
}

public sealed record LocalFilesStorage : ImportStorage
{
    public string? Path { get; init; }
}

public sealed record LocalFilesStorageRequest
{
    public int? Project { get; init; }
    public string? Title { get; init; }
    public string? Description { get; init; }
    public string? Path { get; init; }
    public string? RegexFilter { get; init; }
    public bool? UseBlobUrls { get; init; }
    public bool? RecursiveScan { get; init; }
}

public sealed record LabelStudioTask
{
    public int Id { get; init; }
    public int? Project { get; init; }
    public JObject Data { get; init; } = [];
    public IReadOnlyList<Annotation> Annotations { get; init; } = [];
    public int? TotalAnnotations { get; init; }
    public string? StorageFilename { get; init; }

    /// <summary>Prediction objects (snapshot export with predictions expanded, or fields=all), or bare ids (direct export).</summary>
    public JArray Predictions { get; init; } = [];
}

public sealed record Annotation
{
    public int Id { get; init; }
    public JArray Result { get; init; } = [];
    public bool WasCancelled { get; init; }
    public bool GroundTruth { get; init; }
    public JToken? CompletedBy { get; init; }
    public DateTimeOffset? CreatedAt { get; init; }
    public DateTimeOffset? UpdatedAt { get; init; }
    public int? Task { get; init; }
}

public sealed record AnnotationRequest
{
    public JArray Result { get; init; } = [];
    public bool? WasCancelled { get; init; }
    public bool? GroundTruth { get; init; }
    public double? LeadTime { get; init; }
}

internal sealed record ProjectPage
{
    public int Count { get; init; }
    public string? Next { get; init; }
    public IReadOnlyList<Project> Results { get; init; } = [];
}

internal sealed record TaskPage
{
    public int Total { get; init; }
    public IReadOnlyList<LabelStudioTask> Tasks { get; init; } = [];
}

internal sealed record TokenRefreshRequest(string Refresh);

internal sealed record TokenRefreshResponse
{
    public string Access { get; init; } = string.Empty;
}

/// <summary>A snapshot export (CONTRACT.md §6.2).</summary>
public sealed record ExportSnapshot
{
    public int Id { get; init; }
    public string? Title { get; init; }
    public string? Status { get; init; }
    public string? Md5 { get; init; }

    public bool IsTerminal => Status is "completed" or "failed";
}

/// <summary>What to put in a snapshot: every annotated task, full annotator details.</summary>
public sealed record ExportSnapshotRequest
{
    public string? Title { get; init; }
    public JObject? SerializationOptions { get; init; }
}
