using System.Text.Json.Nodes;
using LabelStudio.Emulator.Auth;
using LabelStudio.Emulator.State;

namespace LabelStudio.Emulator.Projects;

/// <summary>The OSS ProjectSerializer's fields (projects/serializers.py), counters computed as Project.objects.with_counts does.</summary>
internal sealed record ProjectWire(
    int Id,
    string? Title,
    string? Description,
    string? LabelConfig,
    string? ExpertInstruction,
    bool ShowInstruction,
    bool ShowSkipButton,
    bool EnableEmptyAnnotation,
    bool ShowAnnotationHistory,
    int Organization,
    string? Color,
    int MaximumAnnotations,
    bool IsPublished,
    string? ModelVersion,
    bool IsDraft,
    UserSimpleWire CreatedBy,
    DateTimeOffset CreatedAt,
    int MinAnnotationsToStartTraining,
    bool StartTrainingOnAnnotationUpdate,
    bool ShowCollabPredictions,
    int NumTasksWithAnnotations,
    int TaskNumber,
    int UsefulAnnotationNumber,
    int GroundTruthNumber,
    int SkippedAnnotationsNumber,
    int TotalAnnotationsNumber,
    int TotalPredictionsNumber,
    string? Sampling,
    bool ShowGroundTruthFirst,
    bool ShowOverlapFirst,
    int OverlapCohortPercentage,
    string? TaskDataLogin,
    string? TaskDataPassword,
    JsonNode? ControlWeights,
    JsonObject ParsedLabelConfig,
    bool EvaluatePredictionsAutomatically,
    bool ConfigHasControlTags,
    string? SkipQueue,
    bool RevealPreannotationsInteractively,
    DateTimeOffset? PinnedAt,
    int FinishedTaskNumber,
    int QueueTotal,
    int QueueDone,
    bool ConfigSuitableForBulkAnnotation)
{
    /// <summary>Serializes a project as seen by <paramref name="caller"/> (queue_total/queue_done are per user). Call under the store's gate.</summary>
    public static ProjectWire From(ProjectRecord project, EmulatorStore store, UserRecord caller)
    {
        var f = project.Fields;
        var tasks = store.TasksOf(project.Id).ToList();
        var taskIds = tasks.Select(t => t.Id).ToHashSet();
        var annotations = store.Annotations.Values.Where(a => taskIds.Contains(a.TaskId)).ToList();
        var submitted = annotations.Where(a => !a.WasCancelled).ToList();
        var annotatedByCaller = annotations.Where(a => a.CompletedBy == caller.Id).Select(a => a.TaskId).ToHashSet();
        var labeled = tasks.Where(t => TaskState.IsLabeled(project, store, t.Id)).Select(t => t.Id).ToHashSet();
        var doneByCaller = project.SkipQueue == "REQUEUE_FOR_ME"
            ? annotations.Where(a => a.CompletedBy == caller.Id && !a.WasCancelled).Select(a => a.TaskId).ToHashSet()
            : annotatedByCaller;

        return new ProjectWire(
            project.Id,
            S(f, "title"),
            S(f, "description"),
            project.LabelConfig,
            S(f, "expert_instruction"),
            B(f, "show_instruction"),
            B(f, "show_skip_button"),
            B(f, "enable_empty_annotation"),
            B(f, "show_annotation_history"),
            store.Organization.Id,
            S(f, "color"),
            project.MaximumAnnotations,
            B(f, "is_published"),
            S(f, "model_version"),
            B(f, "is_draft"),
            UserSimpleWire.From(store.User),
            project.CreatedAt,
            I(f, "min_annotations_to_start_training"),
            I(f, "min_annotations_to_start_training") != 0,
            B(f, "show_collab_predictions"),
            tasks.Count(t => submitted.Any(a => a.TaskId == t.Id)),
            tasks.Count,
            submitted.Count(a => !a.GroundTruth),
            submitted.Count(a => a.GroundTruth),
            annotations.Count(a => a.WasCancelled),
            submitted.Count,
            store.Predictions.Values.Count(p => taskIds.Contains(p.TaskId)),
            S(f, "sampling"),
            B(f, "show_ground_truth_first"),
            B(f, "show_overlap_first"),
            I(f, "overlap_cohort_percentage"),
            S(f, "task_data_login"),
            S(f, "task_data_password"),
            f["control_weights"]?.DeepClone(),
            (JsonObject)project.Config.ParsedLabelConfig.DeepClone(),
            B(f, "evaluate_predictions_automatically"),
            project.Config.HasControlTags,
            S(f, "skip_queue"),
            B(f, "reveal_preannotations_interactively"),
            f["pinned_at"] is { } pinned ? DateTimeOffset.Parse(pinned.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture) : null,
            labeled.Count,
            tasks.Count(t => (!labeled.Contains(t.Id) && !annotatedByCaller.Contains(t.Id)) || annotatedByCaller.Contains(t.Id)),
            doneByCaller.Count,
            project.Config.SuitableForBulkAnnotation);
    }

    private static string? S(JsonObject fields, string name) => fields[name]?.GetValue<string>();

    private static bool B(JsonObject fields, string name) => fields[name]?.GetValue<bool>() ?? false;

    private static int I(JsonObject fields, string name) => fields[name]?.GetValue<int>() ?? 0;
}

/// <summary>The project list page (DRF page-number pagination).</summary>
internal sealed record ProjectPageWire(int Count, string? Next, string? Previous, IReadOnlyList<ProjectWire> Results);

/// <summary><c>POST /api/projects/{id}/validate/</c>'s real answer (CONTRACT §3.4; the spec echoes label_config instead).</summary>
internal sealed record ProjectConfigCheckWire(bool ConfigEssentialDataHasChanged);

/// <summary>Derived task state shared by projects, tasks and exports.</summary>
internal static class TaskState
{
    /// <summary>Task.is_labeled: at least <c>maximum_annotations</c> (overlap) submitted, i.e. not cancelled, annotations.</summary>
    public static bool IsLabeled(ProjectRecord project, EmulatorStore store, int taskId) =>
        store.Annotations.Values.Count(a => a.TaskId == taskId && !a.WasCancelled) >= project.MaximumAnnotations;
}
