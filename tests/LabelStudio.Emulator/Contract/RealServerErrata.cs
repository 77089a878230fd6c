namespace LabelStudio.Emulator.Contract;

/// <summary>
/// One known difference between the emulator's answers and the real Label Studio server's, for the same request, that
/// is a version difference, not an emulator bug. <see cref="Endpoint"/> is "METHOD /api/template status" ("*" for
/// any); <see cref="Paths"/> are JSON paths in the response shape ("$.task_number"; "media" for the content type), each
/// covering the paths below it.
/// </summary>
public sealed record RealServerDifference(string Endpoint, IReadOnlyList<string> Paths, string Reason)
{
    public bool Explains(string endpoint, string path) =>
        (Endpoint == "*" || Endpoint == endpoint)
        && Paths.Any(p => path == p || path.StartsWith(p + ".", StringComparison.Ordinal) || path.StartsWith(p + "[]", StringComparison.Ordinal));
}

/// <summary>
/// THE list of differences tests/RealServer.Tests' differential test found between this emulator, which models Label
/// Studio <b>1.23.0</b> (<see cref="EmulatorOptions.Version"/>, CONTRACT.md), and the real server it runs, the shared
/// kit's upstream develop at 9baf144b (2023-09-11, <b>1.8.3dev</b>). Everything else must answer with the same status
/// and the same response shape; a difference not listed here fails that test. Add an entry only with the version fact
/// behind it (a field or endpoint that came or went between 1.8.3dev and 1.23.0).
/// </summary>
public static class RealServerErrata
{
    public const string RealVersion = "1.8.3dev (HumanSignal/label-studio develop 9baf144b, 2023-09-11)";

    private const string Newer = "added after 1.8.3dev: the emulator answers as 1.23.0 (CONTRACT.md, the OpenAPI subset) does";

    public static IReadOnlyList<RealServerDifference> All { get; } =
    [
        new("GET /api/version 200", ["$.edition", "$.lsf", "$.dm2", "$.label-studio-frontend", "$.label-studio-os-backend", "$.backend"],
            "1.8.3dev reports {release, label-studio-os-package, backend: {commit, ...}}; 1.23.0 adds edition and the lsf, dm2, "
            + "label-studio-frontend and label-studio-os-backend blocks and drops backend"),
        new("GET /api/version 200", ["$.label-studio-os-package.latest_version_from_pypi"],
            "null when PyPI is out of reach (the real server runs offline here); the emulator reports its own release"),
        new("*", ["$.queue_total", "$.queue_done", "$.config_suitable_for_bulk_annotation", "$.results[].queue_total", "$.results[].queue_done",
                  "$.results[].config_suitable_for_bulk_annotation"], "project fields " + Newer),
        new("*", ["$.parsed_label_config.*.inputs[].valueType", "$.results[].parsed_label_config.*.inputs[].valueType"],
            "parsed_label_config's inputs carry valueType in 1.23.0, not in 1.8.3dev"),
        new("POST /api/projects 201", ["$.task_number", "$.finished_task_number", "$.total_annotations_number", "$.total_predictions_number",
                                       "$.num_tasks_with_annotations", "$.useful_annotation_number", "$.ground_truth_number", "$.skipped_annotations_number"],
            "1.8.3dev answers a created project with these counters null (the create queryset is not annotated); the spec (1.23.0) says integer, "
            + "which the emulator answers (0)"),
        new("*", ["$.bulk_created", "$[].annotations[].bulk_created"], "annotation field " + Newer),
        new("*", ["$[].model", "$[].model_run", "$.tasks[].predictions[].model", "$.tasks[].predictions[].model_run", "$[].predictions[].model",
                  "$[].predictions[].model_run"], "prediction fields model and model_run (Prompts) " + Newer),
        new("*", ["$[].file_upload"], "exported task field (snapshot and direct export) " + Newer),
        new("*", ["$.recursive_scan", "$[].recursive_scan"],
            "local-files storage: 1.8.3dev always scans recursively and has no recursive_scan field; 1.23.0 has it (false by default)"),
        new("POST /api/projects/{id}/exports 201", ["$.task_filter_options", "$.annotation_filter_options", "$.serialization_options"],
            "1.8.3dev answers the created snapshot with the three option blocks null; 1.23.0 echoes them (CONTRACT §6.2)"),
        new("GET /api/projects/{id}/export/formats 200", ["$[].tags", "$[].disabled"],
            "the emulator lists only JSON (it has no converter); Label Studio's converter formats (CONLL2003, COCO, ...) carry tags and disabled"),
        new("GET /api/projects/{id}/export 200", ["media"],
            "1.8.3dev sends the direct export as Content-Type application/.json (built from the file extension); the body is the same JSON"),
        new("GET /api/tasks 200", ["$.tasks[].annotators", "$.tasks[].completed_at"],
            "without fields=all 1.8.3dev lists annotators empty and leaves completed_at out; the emulator answers as 1.23.0's task list does"),
    ];
}
