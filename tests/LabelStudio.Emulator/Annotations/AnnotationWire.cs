using System.Text.Json.Nodes;
using LabelStudio.Emulator.State;

namespace LabelStudio.Emulator.Annotations;

/// <summary>AnnotationSerializer as <c>POST /api/tasks/{id}/annotations/</c> answers (CONTRACT §5.2, a real LS 1.20 response).</summary>
internal sealed record AnnotationWire(
    int Id,
    JsonArray Result,
    string CreatedUsername,
    string CreatedAgo,
    int CompletedBy,
    bool WasCancelled,
    bool GroundTruth,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset? DraftCreatedAt,
    double? LeadTime,
    long? ImportId,
    string? LastAction,
    bool BulkCreated,
    int Task,
    int Project,
    int? UpdatedBy,
    int? ParentPrediction,
    int? ParentAnnotation,
    int? LastCreatedBy)
{
    public static AnnotationWire From(AnnotationRecord a, UserRecord user, DateTimeOffset now) => new(
        a.Id,
        (JsonArray)a.Result.DeepClone(),
        $"{(user.FirstName + " " + user.LastName).Trim()} {user.Email}, {user.Id}",
        TimeSince.Format(a.CreatedAt, now),
        a.CompletedBy,
        a.WasCancelled,
        a.GroundTruth,
        a.CreatedAt,
        a.UpdatedAt,
        a.DraftCreatedAt,
        a.LeadTime,
        a.ImportId,
        a.LastAction,
        a.BulkCreated ?? false,
        a.TaskId,
        a.ProjectId,
        a.UpdatedBy,
        a.ParentPrediction,
        a.ParentAnnotation,
        null);
}

/// <summary>Django's timesince, as <c>created_ago</c> shows it ("0 minutes", "1 hour", "3 days").</summary>
internal static class TimeSince
{
    public static string Format(DateTimeOffset then, DateTimeOffset now)
    {
        var span = now - then;
        static string Unit(int n, string name) => $"{n} {name}{(n == 1 ? string.Empty : "s")}";
        return span.TotalDays >= 365 ? Unit((int)(span.TotalDays / 365), "year")
            : span.TotalDays >= 30 ? Unit((int)(span.TotalDays / 30), "month")
            : span.TotalDays >= 7 ? Unit((int)(span.TotalDays / 7), "week")
            : span.TotalDays >= 1 ? Unit((int)span.TotalDays, "day")
            : span.TotalHours >= 1 ? Unit((int)span.TotalHours, "hour")
            : Unit(Math.Max(0, (int)span.TotalMinutes), "minute");
    }
}
