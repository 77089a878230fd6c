namespace LabelStudio.Emulator.Contract;

/// <summary>One known error of openapi-pipeline-subset.yaml, with the reason it is wrong for Label Studio Community.</summary>
public abstract record SpecErratum(string Reason);

/// <summary>Properties the spec marks required that OSS never returns (LSE-only fields, or fields OSS omits in this view).</summary>
public sealed record NotRequiredErratum(string Schema, IReadOnlyList<string> Properties, string Reason) : SpecErratum(Reason);

/// <summary>A property whose declared schema is wrong; <see cref="Schema"/> (OpenAPI dialect, JSON text) replaces it.</summary>
/// <param name="Pointer">JSON pointer inside the component schema, e.g. <c>/properties/annotations</c>.</param>
public sealed record PropertyErratum(string ComponentSchema, string Pointer, string Schema, string Reason) : SpecErratum(Reason);

/// <summary>A whole component schema that is wrong for OSS; <see cref="Schema"/> (OpenAPI dialect, JSON text) replaces it.</summary>
public sealed record ComponentErratum(string ComponentSchema, string Schema, string Reason) : SpecErratum(Reason);

/// <summary>
/// A response the spec gets wrong or leaves out: for <see cref="Method"/> <see cref="PathTemplate"/> and <see cref="Status"/>
/// the body has <see cref="MediaType"/> and, when <see cref="Schema"/> is given (OpenAPI dialect, JSON text), that schema.
/// </summary>
public sealed record ResponseErratum(string Method, string PathTemplate, int Status, string MediaType, string? Schema, string Reason) : SpecErratum(Reason);

/// <summary>
/// An operation the pipeline uses that the subset leaves out; <see cref="Operation"/> (an OpenAPI operation object,
/// JSON text) is written from the server code named in the reason.
/// </summary>
public sealed record OperationErratum(string Method, string PathTemplate, string Operation, string Reason) : SpecErratum(Reason);

/// <summary>
/// THE allow-list of known spec errors (CONTRACT.md §8 plus what the emulator's contract tests found). The contract
/// validator applies these to the spec and nothing else is relaxed: every other schema is enforced as written. Add an
/// entry only with the server-code fact that makes the spec wrong; never to silence a schema wholesale.
/// </summary>
public static class SpecErrata
{
    /// <summary>
    /// Statuses DRF's exception handler can produce on any API view (ValidationError, NotAuthenticated/AuthenticationFailed,
    /// PermissionDenied, NotFound/Http404, MethodNotAllowed). drf-spectacular documents none of them for most operations, so
    /// when one is undocumented its JSON body is validated against <see cref="ErrorEnvelopeSchema"/> instead (and its
    /// status_code must equal the HTTP status). Any other undocumented status is a violation.
    /// </summary>
    public static IReadOnlyList<int> UndocumentedErrorStatuses { get; } = [400, 401, 403, 404, 405];

    /// <summary>Label Studio's error envelope, core/utils/common.py: custom_exception_handler (CONTRACT §1.3).</summary>
    public const string ErrorEnvelopeSchema = """
        {"type": "object", "required": ["id", "status_code", "version", "detail", "exc_info"],
         "properties": {"id": {"type": "string"}, "status_code": {"type": "integer"}, "version": {"type": "string"},
                        "detail": {"type": "string"}, "exc_info": {"type": "string", "nullable": true},
                        "validation_errors": {"type": "object"}}}
        """;

    private const string LseOnly = "LSE-only field (CONTRACT §8.7): Label Studio Community's serializer does not have it";

    private const string ExportedTasks = """
        {"type": "array", "items": {"type": "object", "required": ["id", "data", "annotations", "predictions"],
          "properties": {"id": {"type": "integer"}, "data": {"type": "object"}, "annotations": {"type": "array", "items": {"type": "object"}},
                         "predictions": {"type": "array"}}}}
        """;

    public static IReadOnlyList<SpecErratum> All { get; } =
    [
        // ---- Users and tokens -------------------------------------------------------------------------------------
        new NotRequiredErratum("WhoAmIUser", ["active_organization_meta", "lse_fields", "org_membership", "organization_membership", "pause", "permissions"],
            LseOnly + " (OSS users/serializers.py UserSerializer: id, names, username, email, avatar, initials, phone, active_organization, …)"),
        new PropertyErratum("WhoAmIUser", "/properties/avatar", """{"type": "string", "nullable": true}""",
            "[infer] avatar is a SerializerMethodField returning User.avatar_url, which is None for a user without an uploaded avatar"),
        new PropertyErratum("UserSimple", "/properties/avatar", """{"type": "string", "nullable": true}""",
            "[infer] avatar is a SerializerMethodField returning User.avatar_url, which is None for a user without an uploaded avatar"),
        new ResponseErratum("GET", "/api/current-user/token", 200, "application/json",
            """{"type": "object", "required": ["token"], "properties": {"token": {"type": "string"}}}""",
            "CONTRACT §8.1: the view returns {\"token\": <legacy key>}, not {\"detail\": …}"),
        new ResponseErratum("POST", "/api/jwt/settings", 200, "application/json",
            """{"type": "object", "required": ["api_tokens_enabled", "legacy_api_tokens_enabled"], "properties": {"api_tokens_enabled": {"type": "boolean"}, "legacy_api_tokens_enabled": {"type": "boolean"}}}""",
            "CONTRACT §8.5: the view returns Response(serializer.data), i.e. 200 (the spec says 201)"),
        new NotRequiredErratum("LSEJWTSettings", ["api_token_ttl_days"], "CONTRACT §8.5: the OSS JWTSettingsSerializer has no api_token_ttl_days"),
        new NotRequiredErratum("LSEJWTSettingsRequest", ["api_token_ttl_days"], "CONTRACT §8.5: OSS accepts the settings without api_token_ttl_days (LSE-only)"),

        // ---- Projects ----------------------------------------------------------------------------------------------
        new NotRequiredErratum("AllRolesProjectList",
            ["allow_stream", "assignment_settings", "blueprints", "data_types", "description_short", "members", "members_count", "prompts", "queue_left",
             "ready", "rejected", "review_settings", "review_total_tasks", "reviewed_number", "reviewer_queue_total", "workspace", "workspace_title"],
            LseOnly + " (OSS lists projects with ProjectSerializer, projects/serializers.py)"),
        new PropertyErratum("AllRolesProjectList", "/properties/queue_total", """{"type": "integer"}""",
            "OSS ProjectSerializer.get_queue_total(...) -> int; the LSE list serializer's string typing does not apply"),
        new PropertyErratum("AllRolesProjectList", "/properties/total_annotations_number", """{"type": "integer", "nullable": true}""",
            "OSS ProjectSerializer.total_annotations_number is an IntegerField(default=None)"),
        new PropertyErratum("AllRolesProjectList", "/properties/skipped_annotations_number", """{"type": "integer", "nullable": true}""",
            "OSS ProjectSerializer.skipped_annotations_number is an IntegerField(default=None)"),
        new NotRequiredErratum("LseProjectResponse",
            ["allow_stream", "assignment_settings", "data_types", "members", "members_count", "prompts", "queue_left", "ready", "rejected", "review_settings",
             "review_total_tasks", "reviewed_number", "reviewer_queue_total", "workspace", "workspace_title"],
            LseOnly + " (OSS GET /api/projects/{id}/ uses ProjectSerializer)"),
        new NotRequiredErratum("LseProjectUpdate", ["assignment_settings", "prompts", "review_settings", "workspace", "workspace_title"],
            LseOnly + " (OSS PATCH /api/projects/{id}/ answers with ProjectSerializer)"),
        new ResponseErratum("POST", "/api/projects/{id}/validate/", 200, "application/json",
            """{"type": "object", "required": ["config_essential_data_has_changed"], "properties": {"config_essential_data_has_changed": {"type": "boolean"}}}""",
            "CONTRACT §8.2: ProjectLabelConfigValidateAPI returns {config_essential_data_has_changed}, not the label_config echo"),

        // ---- Tasks -------------------------------------------------------------------------------------------------
        new ComponentErratum("RoleBasedTask", """{"$ref": "#/components/schemas/LseTask"}""",
            "OSS has one task serializer; the LSE reviewer/annotator variants do not exist there, and a oneOf over three overlapping "
            + "object schemas can never match exactly one"),
        new NotRequiredErratum("LseTask",
            ["agreement", "agreement_selected", "annotators_count", "comment_authors_count", "comments", "review_time", "reviewers", "reviewers_count", "state"],
            LseOnly + " (OSS data_manager TaskSerializer, field list of upstream tasks/tests/test_api.py::test_get_task)"),
        new NotRequiredErratum("LseTask", ["annotations", "predictions", "drafts"],
            "CONTRACT §5.1: GET /api/tasks returns task-only fields unless fields=all; annotations, predictions and drafts are then absent"),
        new PropertyErratum("LseTask", "/properties/annotations", """{"type": "array", "items": {"$ref": "#/components/schemas/Annotation"}}""",
            "drf-spectacular typed the SerializerMethodField as string; the server returns the task's annotation objects (CONTRACT §5.1)"),
        new PropertyErratum("LseTask", "/properties/predictions/items/properties/model", """{"type": "integer", "nullable": true}""",
            "a prediction's model is a nullable foreign key (Prediction schema: integer, nullable), not an object"),
        new PropertyErratum("LseTask", "/properties/predictions/items/properties/model_run", """{"type": "integer", "nullable": true}""",
            "a prediction's model_run is a nullable foreign key (Prediction schema: integer, nullable), not an object"),
        new PropertyErratum("LseTask", "/properties/predictions/items/properties/score", """{"type": "number", "nullable": true}""",
            "a prediction's score is nullable (Prediction schema: number, nullable)"),
        new PropertyErratum("LseTask", "/properties/file_upload", """{"type": "integer", "nullable": true}""",
            "file_upload is a nullable foreign key: null for tasks from storages or the import API"),
        new PropertyErratum("LseTask", "/properties/storage_filename", """{"type": "string", "nullable": true}""",
            "storage_filename is the storage link key, null for tasks that did not come from a storage"),
        new PropertyErratum("LseTask", "/properties/completed_at", """{"type": "string", "format": "date-time", "nullable": true}""",
            "completed_at is an aggregate over submitted annotations, null while a task has none"),
        new PropertyErratum("LseTask", "/properties/avg_lead_time", """{"type": "number", "nullable": true}""",
            "avg_lead_time is an Avg() aggregate, null when no annotation has a lead time"),
        new PropertyErratum("LseTask", "/properties/predictions_score", """{"type": "number", "nullable": true}""",
            "predictions_score is an Avg() aggregate, null when a task has no scored prediction"),

        // ---- Annotations -------------------------------------------------------------------------------------------
        new NotRequiredErratum("Annotation", ["state"], LseOnly + " (FSM state, behind LSE flags; the LS 1.20 response in CONTRACT §5.2 has no state)"),

        // ---- Exports -----------------------------------------------------------------------------------------------
        new ResponseErratum("GET", "/api/projects/{id}/export", 200, "application/json", ExportedTasks,
            "the export is a JSON file attachment holding an array of tasks (CONTRACT §6.1/6.3), not a JSON string"),
        new ResponseErratum("GET", "/api/projects/{id}/exports/{export_pk}/download", 200, "application/json", ExportedTasks,
            "the JSON snapshot download is the file itself: an array of tasks (CONTRACT §6.2/6.3), not a JSON string"),
        new ResponseErratum("GET", "/api/projects/{id}/export/formats", 200, "application/json",
            """{"type": "array", "items": {"type": "object", "required": ["name", "title", "description", "link"], "properties": {"name": {"type": "string"}, "title": {"type": "string"}, "description": {"type": "string"}, "link": {"type": "string"}, "tags": {"type": "array", "items": {"type": "string"}}, "disabled": {"type": "boolean"}}}}""",
            "CONTRACT §8.3, and the real server (1.8.3dev, tests/RealServer.Tests) answers objects {name, title, description, link[, tags, disabled]}, not strings"),
        new ResponseErratum("GET", "/api/projects/{id}/exports/{export_pk}/download", 404, "text/html", null,
            "CONTRACT §6.2: a snapshot that is not completed (or a format not converted) is a plain Django HttpResponse 404 with text"),

        // ---- Import ------------------------------------------------------------------------------------------------
        new PropertyErratum("ImportApiRequest", "/properties/predictions/items",
            """{"type": "object", "required": ["result"], "properties": {"result": {"type": "array", "items": {"type": "object"}}, "score": {"type": "number", "nullable": true}, "model_version": {"type": "string"}}}""",
            "CONTRACT §5.4: predictions nested in an imported task belong to that task and carry no task id (see the §5.4 example), "
            + "so PredictionRequest's required task does not apply"),
        new ResponseErratum("POST", "/api/projects/{id}/import", 400, "application/json", ErrorEnvelopeSchema,
            "task validation raises a DRF ValidationError, so the body is the error envelope (CONTRACT §1.3), not a bare string"),

        // ---- Data Manager tabs (the "Likely anomalies first" tab) and the labeling stream ---------------------------
        new OperationErratum("GET", "/api/dm/views/",
            """{"parameters": [{"name": "project", "in": "query", "required": true, "schema": {"type": "integer"}}], "responses": {"200": {"content": {"application/json": {"schema": {"type": "array", "items": """
            + View + "}}}}}}", DataManagerViews),
        new OperationErratum("POST", "/api/dm/views/",
            """{"requestBody": {"required": true, "content": {"application/json": {"schema": """ + ViewRequest
            + """}}}, "responses": {"201": {"content": {"application/json": {"schema": """ + View + "}}}}}", DataManagerViews),
        new OperationErratum("PATCH", "/api/dm/views/{id}/",
            """{"requestBody": {"required": true, "content": {"application/json": {"schema": """ + ViewRequest
            + """}}}, "responses": {"200": {"content": {"application/json": {"schema": """ + View + "}}}}}", DataManagerViews),
        new OperationErratum("GET", "/api/projects/{id}/next", """
            {"parameters": [{"name": "view", "in": "query", "required": false, "schema": {"type": "integer"}}],
             "responses": {"200": {"content": {"application/json": {"schema": {"type": "object", "required": ["id", "data", "queue"],
               "properties": {"id": {"type": "integer"}, "data": {"type": "object"}, "queue": {"type": "string"}}}}}}}}
            """, "projects/api.py ProjectNextTaskAPI (swagger_schema = None, so no spec has it): the next task in the prepared queryset "
            + "(get_prepared_queryset: the view's ordering) with the queue it came from; 404 when none is left"),
    ];

    private const string DataManagerViews =
        "the subset leaves out the Data Manager's tabs; data_manager/api.py ViewAPI (a DRF ModelViewSet, GET lists ?project=, POST 201, PATCH 200) "
        + "and serializers.py ViewSerializer: ordering and filters are popped from data on the way in and put back into data on the way out";

    private const string View = """
        {"type": "object", "required": ["id", "data", "project"],
         "properties": {"id": {"type": "integer"}, "data": {"type": "object", "properties": {"title": {"type": "string"},
           "ordering": {"type": "array", "items": {"type": "string"}}}}, "user": {"type": "integer", "nullable": true}, "project": {"type": "integer"}}}
        """;

    private const string ViewRequest = """
        {"type": "object", "required": ["project", "data"],
         "properties": {"project": {"type": "integer"}, "data": {"type": "object", "properties": {"title": {"type": "string"},
           "ordering": {"type": "array", "items": {"type": "string"}}}}}}
        """;
}
