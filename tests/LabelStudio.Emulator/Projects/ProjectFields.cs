using System.Text.Json.Nodes;
using LabelStudio.Emulator.Hosting;

namespace LabelStudio.Emulator.Projects;

/// <summary>The writable project fields: model defaults and DRF validation (title length, color, choices, label config).</summary>
internal static class ProjectFields
{
    public const int TitleMinLength = 3;
    public const int TitleMaxLength = 50;

    private static readonly string[] SamplingChoices = ["Sequential sampling", "Uniform sampling", "Uncertainty sampling"];
    private static readonly string[] SkipQueueChoices = ["REQUEUE_FOR_ME", "REQUEUE_FOR_OTHERS", "IGNORE_SKIPPED"];

    /// <summary>The Project model's defaults.</summary>
    public static JsonObject Defaults() => new()
    {
        ["title"] = string.Empty,
        ["description"] = string.Empty,
        ["label_config"] = LabelConfigInfo.DefaultConfig,
        ["expert_instruction"] = string.Empty,
        ["show_instruction"] = false,
        ["show_skip_button"] = true,
        ["enable_empty_annotation"] = true,
        ["show_annotation_history"] = false,
        ["color"] = "#FFFFFF",
        ["maximum_annotations"] = 1,
        ["is_published"] = false,
        ["model_version"] = string.Empty,
        ["is_draft"] = false,
        ["min_annotations_to_start_training"] = 0,
        ["show_collab_predictions"] = true,
        ["sampling"] = "Sequential sampling",
        ["show_ground_truth_first"] = false,
        ["show_overlap_first"] = false,
        ["overlap_cohort_percentage"] = 100,
        ["task_data_login"] = null,
        ["task_data_password"] = null,
        ["control_weights"] = new JsonObject(),
        ["evaluate_predictions_automatically"] = false,
        ["skip_queue"] = "REQUEUE_FOR_OTHERS",
        ["reveal_preannotations_interactively"] = false,
        ["pinned_at"] = null,
    };

    /// <summary>
    /// Validates the fields present in <paramref name="body"/> and returns them as stored values plus the parsed config
    /// when label_config was given. <paramref name="modelVersionExists"/> checks a changed model_version (PATCH only).
    /// </summary>
    public static (JsonObject Values, LabelConfigInfo? Config) Validate(JsonObject body, Func<string, bool>? modelVersionExists, string? currentModelVersion)
    {
        var fields = new RequestFields(body);
        var values = new JsonObject();

        void Put(string name, JsonNode? node, bool present)
        {
            if (present)
            {
                values[name] = node;
            }
        }

        void PutString(string name, Optional<string?> value) => Put(name, value.Value is { } v ? JsonValue.Create(v) : null, value.HasValue);
        void PutBool(string name, Optional<bool?> value) => Put(name, value.Value is { } v ? JsonValue.Create(v) : null, value.HasValue);
        void PutInt(string name, Optional<int?> value) => Put(name, value.Value is { } v ? JsonValue.Create(v) : null, value.HasValue);

        var title = fields.String("title");
        if (title.Value is { } text)
        {
            if (text.Length < TitleMinLength)
            {
                fields.AddError("title", $"Ensure this field has at least {TitleMinLength} characters.");
            }
            else if (text.Length > TitleMaxLength)
            {
                fields.AddError("title", $"Ensure this field has no more than {TitleMaxLength} characters.");
            }
        }

        PutString("title", title);
        PutString("description", fields.String("description"));
        PutString("expert_instruction", fields.String("expert_instruction"));
        foreach (var flag in new[]
                 {
                     "show_instruction", "show_skip_button", "enable_empty_annotation", "show_annotation_history", "is_published", "is_draft",
                     "show_collab_predictions", "show_ground_truth_first", "show_overlap_first", "evaluate_predictions_automatically",
                     "reveal_preannotations_interactively",
                 })
        {
            PutBool(flag, fields.Bool(flag));
        }

        foreach (var number in new[] { "maximum_annotations", "min_annotations_to_start_training", "overlap_cohort_percentage" })
        {
            PutInt(number, fields.Int(number));
        }

        var color = fields.String("color");
        if (color.Value is { } colorText && !(colorText.Length == 7 && colorText[0] == '#' && int.TryParse(colorText[1..], System.Globalization.NumberStyles.HexNumber, null, out _)))
        {
            fields.AddError("color", "Color must be in \"#RRGGBB\" format");
        }

        PutString("color", color);
        PutString("sampling", fields.Choice("sampling", SamplingChoices));
        PutString("skip_queue", fields.Choice("skip_queue", SkipQueueChoices));
        PutString("task_data_login", fields.String("task_data_login"));
        PutString("task_data_password", fields.String("task_data_password"));
        PutString("pinned_at", fields.String("pinned_at"));
        if (fields.Has("control_weights"))
        {
            values["control_weights"] = body["control_weights"]?.DeepClone();
        }

        var modelVersion = fields.String("model_version");
        if (modelVersion.Value is { Length: > 0 } version && modelVersionExists is not null && version != currentModelVersion && !modelVersionExists(version))
        {
            fields.AddError("model_version", "Model version doesn't exist either as live model or as static predictions.");
        }

        PutString("model_version", modelVersion);

        LabelConfigInfo? config = null;
        var labelConfig = fields.String("label_config");
        if (labelConfig.HasValue)
        {
            try
            {
                config = LabelConfigInfo.Parse(labelConfig.Value ?? LabelConfigInfo.DefaultConfig);
                values["label_config"] = labelConfig.Value ?? LabelConfigInfo.DefaultConfig;
            }
            catch (LabelConfigException e)
            {
                fields.AddError("label_config", e.Message);
            }
        }

        fields.ThrowIfInvalid();
        if (values["show_collab_predictions"]?.GetValue<bool>() == false)
        {
            // ProjectSerializer.update: hiding predictions also clears the model version.
            values["model_version"] = string.Empty;
        }

        return (values, config);
    }
}
