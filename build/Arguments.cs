namespace Build;

/// <summary>What kind of value an argument takes; <see cref="ArgumentReader"/> checks it the same way everywhere.</summary>
public enum ArgumentKind
{
    /// <summary>Any text.</summary>
    Text,

    /// <summary>true/false/1/0/yes/no/on/off; a bare <c>--name</c> is true. Anything else is refused.</summary>
    Flag,

    /// <summary>A whole number from <see cref="Argument.Min"/> to <see cref="Argument.Max"/>.</summary>
    WholeNumber,

    /// <summary>A decimal number from <see cref="Argument.Min"/> to <see cref="Argument.Max"/>.</summary>
    Number,

    /// <summary>One of <see cref="Argument.Choices"/> (case-insensitive).</summary>
    Choice,

    /// <summary>Comma-separated values.</summary>
    List,

    /// <summary>A file or folder, relative to the working directory.</summary>
    Path,

    /// <summary>An http(s) URL.</summary>
    Url,

    /// <summary>Cake's own option (<c>--target</c>, <c>--tree</c>, ...): documented and accepted, read by Cake, not by the pipeline.</summary>
    Cake,
}

/// <summary>
/// One setting, declared once: <c>--name=value</c> on the command line or the environment variable
/// <see cref="EnvironmentVariable"/>; the reader, its checks, <c>--help</c> and the README's argument tables come from it.
/// Converts to its name, so <c>$"--{Arguments.Dataset}"</c> reads as before.
/// </summary>
public sealed record Argument
{
    public required string Name { get; init; }

    public required ArgumentKind Kind { get; init; }

    /// <summary>The value used when the argument is absent; null: none, or one computed from other settings (<see cref="DefaultText"/> says which).</summary>
    public string? Default { get; init; }

    /// <summary>The README's default column when it is not simply <see cref="Default"/> (Markdown).</summary>
    public string? DefaultText { get; init; }

    /// <summary>The README's meaning column (Markdown); <c>--help</c> prints it without the Markdown.</summary>
    public required string Description { get; init; }

    /// <summary>The README table it belongs to: the main one, or S3 mode's.</summary>
    public ArgumentSection Section { get; init; }

    public double Min { get; init; } = double.MinValue;

    public double Max { get; init; } = double.MaxValue;

    public IReadOnlyList<string> Choices { get; init; } = [];

    /// <summary>A secret (the token): never echoed in an error message.</summary>
    public bool Secret { get; init; }

    public string EnvironmentVariable => Arguments.EnvironmentVariable(Name);

    /// <summary>The README's default column: <see cref="DefaultText"/>, else <c>`Default`</c>, else "–".</summary>
    public string DefaultColumn => DefaultText ?? (Default is null ? "–" : $"`{Default}`");

    public override string ToString() => Name;

    public static implicit operator string(Argument argument) => argument.Name;
}

public enum ArgumentSection
{
    Main,
    S3,
}

/// <summary>
/// THE argument table: every setting of a run, in the README's order. To add one: a line here (name, kind, default,
/// description; the environment variable follows from the name), a property on <see cref="PipelineSettings"/> (or
/// <see cref="S3Settings"/>) read with <see cref="ArgumentReader"/>, and the row the README test prints into README.md.
/// </summary>
public static class Arguments
{
    private static readonly List<Argument> Table = [];

    // Cake's own options, in the README's table; Cake reads them, the pipeline only accepts them.
    public static readonly Argument Target = Define("target", ArgumentKind.Cake, "the task to run, with its prerequisites; `--exclusive` runs only that task", defaultText: "`Default` (= Export)");

    public static readonly Argument Dataset = Define("dataset", ArgumentKind.Text, "dataset name: the folder `<datasets-dir>/<dataset>/<dataset-version>/`", "synthetic");
    public static readonly Argument DatasetVersion = Define("dataset-version", ArgumentKind.Text, "dataset version; the project is titled `<dataset> <dataset-version>`", "v1");
    public static readonly Argument DatasetsDir = Define("datasets-dir", ArgumentKind.Path, "the folder of datasets; Deploy mounts it read-only into Label Studio", Paths.DefaultDatasetsDirectory);
    public static readonly Argument Storage = Define("storage", ArgumentKind.Choice, "where Label Studio reads the series: `local` files, or `s3` (see *S3 mode*)", "local", choices: ["local", "s3"]);
    public static readonly Argument LabelStudioUrl = Define("label-studio-url", ArgumentKind.Url, "use an existing Label Studio instead of deploying one (Deploy is skipped)");
    public static readonly Argument LabelStudioToken = Define("label-studio-token", ArgumentKind.Text, "API token; prefer the variable `LABELPIPELINE_LABEL_STUDIO_TOKEN` (the command line is visible to other users). A legacy token or a Personal Access Token (exchanged for short-lived Bearer tokens automatically)", defaultText: "generated", secret: true);
    public static readonly Argument LabelStudioImage = Define("label-studio-image", ArgumentKind.Text, "the image Deploy runs (pinned, never `latest`)", "heartexlabs/label-studio:1.23.0");
    public static readonly Argument LabelStudioPort = Define("label-studio-port", ArgumentKind.WholeNumber, "host port, bound to 127.0.0.1 only", "8080", min: 1, max: 65_535);
    public static readonly Argument LabelStudioPull = Define("label-studio-pull", ArgumentKind.Choice, "`missing` pulls the image when absent, `never` fails instead, `always` pulls each run", "missing", choices: ["missing", "never", "always"]);
    public static readonly Argument ContainerName = Define("container-name", ArgumentKind.Text, "Deploy's container", "labelpipeline-label-studio");
    public static readonly Argument DataVolume = Define("data-volume", ArgumentKind.Text, "Docker volume holding Label Studio's database (kept by Teardown unless `--purge`); with the process runtime, the name of its data folder `<state-dir>/label-studio-<name>/`", "labelpipeline-label-studio-data");
    public static readonly Argument LocalFilesRoot = Define("local-files-root", ArgumentKind.Text, "where the Label Studio *server* sees `--datasets-dir` (set it when using `--label-studio-url` with a server that mounts the datasets elsewhere)", "/label-studio/files");

    // How Deploy runs Label Studio (RuntimeSettings; see *Running Label Studio*).
    public static readonly Argument LabelStudioRuntime = Define("label-studio-runtime", ArgumentKind.Choice, "how Deploy runs Label Studio: `docker`, `process` (a local `label-studio start`, no Docker), or `auto` (Docker when an engine answers, else a process); see *Running Label Studio*", "auto", choices: ["auto", "docker", "process"]);
    public static readonly Argument LabelStudioCommand = Define("label-studio-command", ArgumentKind.Text, "the process runtime's `label-studio` executable; without it Deploy creates `<state-dir>/label-studio-venv-<version>` and runs `pip install label-studio==<version>` (the tag of `--label-studio-image`)", defaultText: "pip-installed");
    public static readonly Argument Database = Define("database", ArgumentKind.Choice, "`postgresql`: Label Studio's database on PostgreSQL, in a container Deploy runs beside Label Studio or an existing server (`--postgres-host`); see *PostgreSQL*", "sqlite", choices: ["sqlite", "postgresql"]);
    public static readonly Argument PostgresImage = Define("postgres-image", ArgumentKind.Text, "the image of Deploy's PostgreSQL container (pinned)", "postgres:17");
    public static readonly Argument PostgresHost = Define("postgres-host", ArgumentKind.Text, "an existing PostgreSQL server instead of Deploy's container, as Label Studio reaches it");
    public static readonly Argument PostgresPort = Define("postgres-port", ArgumentKind.WholeNumber, "the existing server's port", "5432", min: 1, max: 65_535);
    public static readonly Argument PostgresUser = Define("postgres-user", ArgumentKind.Text, "the database role", "labelstudio");
    public static readonly Argument PostgresName = Define("postgres-name", ArgumentKind.Text, "the database", "labelstudio");
    public static readonly Argument PostgresPassword = Define("postgres-password", ArgumentKind.Text, "the existing server's password, only as the variable `LABELPIPELINE_POSTGRES_PASSWORD` (refused on the command line); Deploy's own container gets a generated one, kept in `<state-dir>/postgres-<data-volume>-postgres.credentials.json` (0600)", secret: true);
    public static readonly Argument TimeColumn = Define("time-column", ArgumentKind.Text, "the time column", defaultText: "first column");
    public static readonly Argument TimeFormat = Define("time-format", ArgumentKind.Text, "strftime pattern of the source's time column, e.g. `%Y-%m-%d %H:%M:%S`, `%Y-%m-%dT%H:%M:%S.%LZ`, `%Y-%m-%d %H:%M:%S.%f`, `%s` (unix seconds), `%Q` (unix ms)", defaultText: "detected");

    // Prepare (the task files Label Studio imports).
    public static readonly Argument TimeZone = Define("time-zone", ArgumentKind.Text, "the zone of source times written without an offset (IANA name, e.g. `Europe/Berlin`); task files are always UTC (see *Prepare*)", "UTC");
    public static readonly Argument OnUnsorted = Define("on-unsorted", ArgumentKind.Choice, "time stepping backwards: `fail` (file and line) or `sort` (the rows by time, counted in the prepare report)", "fail", choices: ["fail", "sort"]);
    public static readonly Argument OnDuplicate = Define("on-duplicate", ArgumentKind.Choice, "rows repeating a time: `keep-first`, `mean` (per channel) or `fail` (file and line)", "keep-first", choices: ["keep-first", "mean", "fail"]);
    public static readonly Argument MaxPointsPerTask = Define("max-points-per-task", ArgumentKind.WholeNumber, "values (rows × channels) per task file; longer series are split into windows, one task each (never more than 50,000 rows)", "200000", min: 100, max: 100_000_000);
    public static readonly Argument WindowOverlap = Define("window-overlap", ArgumentKind.WholeNumber, "rows each window repeats from the end of the one before, so an anomaly at a boundary shows in both tasks", "0", min: 0, max: LabelPipeline.Prepare.PrepareOptions.MaxRowsPerTask - 1);
    public static readonly Argument Overview = Define("overview", ArgumentKind.Flag, "a series split into windows also gets `<name>.overview.csv`: all of it in one task, min/max per bucket so short spikes stay visible", "false", defaultText: "off");
    public static readonly Argument PreparedDir = Define("prepared-dir", ArgumentKind.Path, "where Prepare writes task files (`<prepared-dir>/<dataset>/<version>/`); with local storage it must be inside `--datasets-dir`, which Label Studio serves", defaultText: "`<datasets-dir>/.prepared`");

    public static readonly Argument Labels = Define("labels", ArgumentKind.List, "comma-separated labels offered to annotators", "Anomaly");
    public static readonly Argument AnomalyLabels = Define("anomaly-labels", ArgumentKind.List, "labels written to `labels.csv`", defaultText: "the label containing \"anomal\", else the first");
    public static readonly Argument Output = Define("output", ArgumentKind.Path, "the snapshot goes to `<output>/<dataset>/<dataset-version>/`", Paths.DefaultOutputDirectory);
    public static readonly Argument Annotations = Define("annotations", ArgumentKind.Choice, "which annotations count when several people labeled a task: `all` (union), `latest` (most recently updated per task), `ground-truth` (those marked ground truth; a task without one falls back to its latest)", "all", choices: ["all", "latest", "ground-truth", "groundtruth"]);
    public static readonly Argument InstantWidth = Define("instant-width", ArgumentKind.WholeNumber, "seconds: instant (point) regions become `[t − w/2, t + w/2]` in `lookout/labels.csv`; `drop` leaves them out (they stay in the interval table either way)", "0", min: 0, max: 31_536_000);
    public static readonly Argument ExportFile = Define("export-file", ArgumentKind.Path, "with `--target=ConvertExport`: a saved Label Studio JSON export to turn into a snapshot without a server");
    public static readonly Argument LabelConfigFile = Define("label-config-file", ArgumentKind.Path, "with `ConvertExport`: the labeling config the export was made with (default: generated from the dataset, as CreateProject does)", defaultText: "generated");

    // Model-assisted labeling (ImportPredictions and the snapshot's prediction review).
    public static readonly Argument Predictions = Define("predictions", ArgumentKind.Path, "a model output file to attach to the tasks as predictions (see *Predictions*): `.csv`, `.jsonl` or `.json`, intervals or per-timestamp scores");
    public static readonly Argument ModelVersion = Define("model-version", ArgumentKind.Text, "the predictions' `model_version`; also the version Export compares annotations with (default there: each task's newest prediction)", defaultText: "the `--predictions` file name without extension");
    public static readonly Argument PredictionLabel = Define("prediction-label", ArgumentKind.Text, "the label of predicted intervals that name none, and of every interval found in scores", defaultText: "the first anomaly label");
    public static readonly Argument ScoreThreshold = Define("score-threshold", ArgumentKind.Number, "per-timestamp scores: a sample is flagged when its score is at least this", "0.5");
    public static readonly Argument MinDuration = Define("min-duration", ArgumentKind.Number, "per-timestamp scores: seconds (time-axis units on a numeric axis); shorter intervals are dropped, after merging", "0", min: 0, max: 31_536_000);
    public static readonly Argument MergeGap = Define("merge-gap", ArgumentKind.Number, "per-timestamp scores: flagged runs at most this many seconds apart are merged into one interval", "0", min: 0, max: 31_536_000);

    // Label-quality gates (Export, ConvertExport): off unless given.
    public static readonly Argument MinAgreement = Define("min-agreement", ArgumentKind.Number, "Export and ConvertExport fail (non-zero exit, after writing the snapshot) when the mean point F1 between annotators is below this (see *Label quality*)", defaultText: "off", min: 0, max: 1);
    public static readonly Argument MinDetectorF1 = Define("min-detector-f1", ArgumentKind.Number, "the same for the point F1 of every model version × anomaly label that has expert ranges", defaultText: "off", min: 0, max: 1);

    public static readonly Argument StateDir = Define("state-dir", ArgumentKind.Path, "git-ignored folder with the generated user, password and token, one file per data volume (mode 0600, folder 0700)", Paths.DefaultStateDirectory);
    public static readonly Argument SyncTimeout = Define("sync-timeout", ArgumentKind.WholeNumber, "seconds to wait for a storage sync, an export or a download", "600", min: 1, max: 86_400);
    public static readonly Argument RequestTimeout = Define("request-timeout", ArgumentKind.WholeNumber, "seconds one ordinary request to Label Studio may take before it is retried", "60", min: 1, max: 3_600);
    public static readonly Argument Retries = Define("retries", ArgumentKind.WholeNumber, "retries of a failed request that is safe to repeat (0 turns retrying off)", "5", min: 0, max: 20);
    public static readonly Argument HealthTimeout = Define("health-timeout", ArgumentKind.WholeNumber, "seconds to wait for Label Studio to become healthy after starting", "300", min: 1, max: 3_600);
    public static readonly Argument Purge = Define("purge", ArgumentKind.Flag, "with `--target=Teardown`: also delete Label Studio's data volume and the saved credentials", "false", defaultText: "off");
    public static readonly Argument Verbosity = Define("verbosity", ArgumentKind.Cake, "`quiet`, `minimal`, `normal`, `verbose`, `diagnostic`", defaultText: "`normal`");
    public static readonly Argument DryRun = Define("dryrun", ArgumentKind.Cake, "show what would run; touch nothing");
    public static readonly Argument Tree = Define("tree", ArgumentKind.Cake, "show the task graph; touch nothing");
    public static readonly Argument Description = Define("description", ArgumentKind.Cake, "show each task's description; touch nothing");

    // S3 mode (S3Settings).
    public static readonly Argument Bucket = Define("bucket", ArgumentKind.Text, "required with `--storage=s3`", section: ArgumentSection.S3);
    public static readonly Argument Prefix = Define("prefix", ArgumentKind.Text, "series go to `<prefix>/<dataset>/<version>/`", "labelpipeline", section: ArgumentSection.S3);
    public static readonly Argument Region = Define("region", ArgumentKind.Text, "the bucket's region (`us-east-1` for a custom endpoint)", defaultText: "`AWS_REGION`, `AWS_DEFAULT_REGION`, the profile, the SageMaker metadata", section: ArgumentSection.S3);
    public static readonly Argument S3Endpoint = Define("s3-endpoint", ArgumentKind.Url, "S3-compatible stores and tests", defaultText: "AWS", section: ArgumentSection.S3);
    public static readonly Argument StsEndpoint = Define("sts-endpoint", ArgumentKind.Url, "S3-compatible stores and tests", defaultText: "AWS", section: ArgumentSection.S3);
    public static readonly Argument SageMakerEndpoint = Define("sagemaker-endpoint", ArgumentKind.Url, "S3-compatible stores and tests", defaultText: "AWS", section: ArgumentSection.S3);
    public static readonly Argument SageMakerMetadata = Define("sagemaker-metadata", ArgumentKind.Text, "where SageMaker describes the notebook instance or Studio space", LabelPipeline.Aws.SageMakerMetadata.DefaultPath, section: ArgumentSection.S3);
    public static readonly Argument LabelStudioOrigin = Define("label-studio-origin", ArgumentKind.Text, "Label Studio's origin (or a full URL whose path becomes `LABEL_STUDIO_HOST`), or `*`", defaultText: "detected", section: ArgumentSection.S3);
    public static readonly Argument Presign = Define("presign", ArgumentKind.Flag, "`false`: Label Studio streams the files itself (no CORS rule, no URLs that expire in the browser)", "true", section: ArgumentSection.S3);
    public static readonly Argument PresignTtl = Define("presign-ttl", ArgumentKind.WholeNumber, "minutes a presigned URL lives", "15", min: 1, max: 10_080, section: ArgumentSection.S3);
    public static readonly Argument StorageCredentials = Define("storage-credentials", ArgumentKind.Choice, "`session`, `assume-role` or `none` (below)", "session", choices: ["session", "assume-role", "none"], section: ArgumentSection.S3);
    public static readonly Argument StorageRoleArn = Define("storage-role-arn", ArgumentKind.Text, "the read-only role for `assume-role`", section: ArgumentSection.S3);
    public static readonly Argument StorageCredentialsDuration = Define("storage-credentials-duration", ArgumentKind.Text, "seconds (900–43200; `30m`, `1h` accepted)", "3600", section: ArgumentSection.S3);
    public static readonly Argument CorsRuleId = Define("cors-rule-id", ArgumentKind.Text, "the ID of our CORS rule", LabelPipeline.Aws.LabelStudioCorsRule.DefaultId, section: ArgumentSection.S3);
    public static readonly Argument UploadDataset = Define("upload-dataset", ArgumentKind.Flag, "`false` skips the dataset upload (the files are already in the bucket)", "true", section: ArgumentSection.S3);

    /// <summary>Copies the label snapshot to s3://&lt;bucket&gt;/&lt;prefix&gt;/labels/&lt;dataset&gt;/&lt;version&gt;/.</summary>
    public static readonly Argument UploadSnapshot = Define("upload", ArgumentKind.Flag, "after Export or ConvertExport, copy the snapshot to `s3://<bucket>/<prefix>/labels/<dataset>/<version>/` (needs `--bucket`)", "false", defaultText: "off", section: ArgumentSection.S3);
    public static readonly Argument UploadParallelism = Define("upload-parallelism", ArgumentKind.WholeNumber, "parallel uploads", "4", min: 1, max: 64, section: ArgumentSection.S3);

    /// <summary>Every argument, in declaration (= README) order.</summary>
    public static IReadOnlyList<Argument> All => Table;

    /// <summary>
    /// Cake's options that never reach the pipeline as arguments (Cake.Cli parses them) or that Cake reads itself; the
    /// unknown-argument check accepts them. Cake's configuration keys (<c>--settings_…</c>, <c>--paths_…</c>, ...) too.
    /// </summary>
    public static readonly IReadOnlySet<string> CakeOptions = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        "target", "t", "verbosity", "v", "working", "w", "description", "descriptions", "showdescription", "showdescriptions",
        "tree", "showtree", "dryrun", "noop", "whatif", "exclusive", "e", "version", "ver", "info", "help", "h", "debug",
        "bootstrap",
    };

    /// <summary>Prefixes of Cake's configuration keys, which Cake accepts as arguments (e.g. <c>--settings_skipverification=true</c>).</summary>
    public static readonly IReadOnlyList<string> CakeConfigurationPrefixes = ["settings_", "paths_", "nuget_", "roslyn_"];

    /// <summary>The README's table of one section (checked against README.md by a test).</summary>
    public static string MarkdownTable(ArgumentSection section)
    {
        var text = new System.Text.StringBuilder("| argument | default | meaning |\n|---|---|---|\n");
        foreach (var argument in Table.Where(a => a.Section == section))
        {
            text.Append($"| `--{argument.Name}` | {argument.DefaultColumn} | {argument.Description} |\n");
        }

        return text.ToString();
    }

    /// <summary>What <c>--help</c> prints after Cake's options: every pipeline argument, its variable and default.</summary>
    public static string HelpText()
    {
        static string Plain(string markdown) => markdown.Replace("`", string.Empty, StringComparison.Ordinal).Replace("*", string.Empty, StringComparison.Ordinal);
        var text = new System.Text.StringBuilder("\nPIPELINE ARGUMENTS (--name=value, or the environment variable LABELPIPELINE_NAME; the command line wins):\n");
        foreach (var argument in Table.Where(a => a.Kind != ArgumentKind.Cake))
        {
            text.Append($"  --{argument.Name}  [{argument.EnvironmentVariable}; default: {Plain(argument.DefaultColumn)}]\n      {Plain(argument.Description)}\n");
        }

        return text.ToString();
    }

    /// <summary>The environment variable that can carry a setting instead of the command line.</summary>
    public static string EnvironmentVariable(string name) => "LABELPIPELINE_" + name.ToUpperInvariant().Replace('-', '_');

    public static Argument? Find(string name) => Table.Find(a => string.Equals(a.Name, name, StringComparison.OrdinalIgnoreCase));

    private static Argument Define(
        string name,
        ArgumentKind kind,
        string description,
        string? @default = null,
        string? defaultText = null,
        double min = double.MinValue,
        double max = double.MaxValue,
        IReadOnlyList<string>? choices = null,
        bool secret = false,
        ArgumentSection section = ArgumentSection.Main)
    {
        var argument = new Argument
        {
            Name = name,
            Kind = kind,
            Default = @default,
            DefaultText = defaultText,
            Description = description,
            Min = min,
            Max = max,
            Choices = choices ?? [],
            Secret = secret,
            Section = section,
        };
        Table.Add(argument);
        return argument;
    }
}
