using LabelPipeline.Export;

namespace Build;

/// <summary>Every setting of a run, read once from the arguments (or LABELPIPELINE_* variables) and checked.</summary>
public sealed partial record PipelineSettings
{
    public required string Dataset { get; init; }
    public required string DatasetVersion { get; init; }
    public required string DatasetsDirectory { get; init; }
    public required StorageKind Storage { get; init; }

    /// <summary>An existing Label Studio; when set, Deploy is skipped.</summary>
    public Uri? LabelStudioUrl { get; init; }

    /// <summary>Secret: never logged.</summary>
    public string? LabelStudioToken { get; init; }

    public bool TokenFromCommandLine { get; init; }
    public required string LabelStudioImage { get; init; }
    public required int LabelStudioPort { get; init; }
    public required string LabelStudioPull { get; init; }
    public required string ContainerName { get; init; }
    public required string DataVolume { get; init; }

    /// <summary>The datasets folder as the Label Studio server sees it (Deploy mounts it there).</summary>
    public required string LocalFilesRoot { get; init; }

    public required IReadOnlyList<string> Labels { get; init; }
    public required IReadOnlyList<string> AnomalyLabels { get; init; }
    public required string OutputDirectory { get; init; }
    public required string StateDirectory { get; init; }
    public required TimeSpan SyncTimeout { get; init; }
    public required TimeSpan HealthTimeout { get; init; }

    /// <summary>One ordinary request to Label Studio, before it is retried (--request-timeout).</summary>
    public required TimeSpan RequestTimeout { get; init; }

    /// <summary>Retries of a failed request that is safe to repeat (--retries; 0 turns retrying off).</summary>
    public required int Retries { get; init; }

    public bool Purge { get; init; }

    /// <summary>Which annotations count when several people labeled a task.</summary>
    public AnnotationSelection Annotations { get; init; }

    /// <summary>Instant regions in the Lookout file are widened to this span; null drops them.</summary>
    public TimeSpan? InstantWidth { get; init; }

    /// <summary>A saved Label Studio JSON export to convert offline (ConvertExport).</summary>
    public string? ExportFile { get; init; }

    /// <summary>The labeling config of an offline export; default: generated from the dataset as CreateProject does.</summary>
    public string? LabelConfigFile { get; init; }

    /// <summary>Model output to import as predictions (ImportPredictions); null skips the import.</summary>
    public string? PredictionsFile { get; init; }

    /// <summary>The predictions' model version: --model-version, else the predictions file's name; null when neither is given.</summary>
    public string? ModelVersion { get; init; }

    /// <summary>The label of predicted intervals that name none; default: the first anomaly label.</summary>
    public required string PredictionLabel { get; init; }

    /// <summary>How per-timestamp scores become intervals.</summary>
    public required LabelPipeline.Predictions.ScoreIntervalOptions ScoreIntervals { get; init; }

    /// <summary>The label-quality gates (0 to 1); null: off.</summary>
    public double? MinAgreement { get; init; }

    public double? MinDetectorF1 { get; init; }
    /// <summary>Where Prepare writes task files: one folder per dataset version below it.</summary>
    public required string PreparedRoot { get; init; }

    /// <summary>Prepare's settings (time column/format and zone, window size and overlap, policies).</summary>
    public required LabelPipeline.Prepare.PrepareOptions Prepare { get; init; }

    /// <summary>This dataset version's task files.</summary>
    public string PreparedDirectory => Path.Combine(PreparedRoot, Dataset, DatasetVersion);

    /// <summary>
    /// The task files' folder as the Label Studio server sees it, for local-files storage: below --local-files-root,
    /// which mirrors --datasets-dir. Null when --prepared-dir is outside --datasets-dir (the server cannot see it).
    /// </summary>
    public string? PreparedServerPath
    {
        get
        {
            var relative = Path.GetRelativePath(DatasetsDirectory, PreparedDirectory);
            return relative.StartsWith("..", StringComparison.Ordinal) || Path.IsPathRooted(relative)
                ? null
                : LocalFilesRoot + "/" + relative.Replace('\\', '/');
        }
    }

    /// <summary>The dataset version's folder on this machine.</summary>
    public string DatasetDirectory => Path.Combine(DatasetsDirectory, Dataset, DatasetVersion);

    /// <summary>Where this dataset version's labels go.</summary>
    public string SnapshotDirectory => Path.Combine(OutputDirectory, Dataset, DatasetVersion);

    /// <summary>Reads and checks every general setting; errors are collected in <paramref name="arguments"/>.</summary>
    /// <param name="workingDirectory">Relative paths are resolved against it.</param>
    public static PipelineSettings Read(ArgumentReader arguments, string workingDirectory)
    {
        var storage = arguments.Choice(Arguments.Storage) == "s3" ? StorageKind.S3 : StorageKind.Local;
        var url = arguments.Url(Arguments.LabelStudioUrl, "http://127.0.0.1:8080");

        var labels = arguments.List(Arguments.Labels)!;
        if (labels.Distinct(StringComparer.Ordinal).Count() != labels.Count)
        {
            arguments.Error($"--{Arguments.Labels}={string.Join(',', labels)}: a label is listed twice.");
        }

        var anomalyLabels = arguments.List(Arguments.AnomalyLabels) ?? [labels.FirstOrDefault(l => l.Contains("anomal", StringComparison.OrdinalIgnoreCase)) ?? labels[0]];
        foreach (var label in anomalyLabels.Where(l => !labels.Contains(l)))
        {
            arguments.Error($"--{Arguments.AnomalyLabels}: '{label}' is not one of --{Arguments.Labels} ({string.Join(", ", labels)}).");
        }

        var threshold = arguments.Number(Arguments.ScoreThreshold, ", e.g. 0.8 (a sample is flagged when its score is at least this)");
        var minDuration = arguments.Number(Arguments.MinDuration, " seconds (time-axis units for a numeric axis)");
        var mergeGap = arguments.Number(Arguments.MergeGap, " seconds (time-axis units for a numeric axis)");

        var predictionsFile = arguments.Path(Arguments.Predictions, workingDirectory);
        if (predictionsFile is not null && !File.Exists(predictionsFile))
        {
            arguments.Error($"--{Arguments.Predictions}={arguments.Optional(Arguments.Predictions)}: the file {predictionsFile} does not exist.");
        }

        var modelVersion = arguments.Optional(Arguments.ModelVersion) ?? (predictionsFile is null ? null : Path.GetFileNameWithoutExtension(predictionsFile));
        if (predictionsFile is not null && (string.IsNullOrWhiteSpace(modelVersion) || modelVersion.Length > 255))
        {
            arguments.Error($"--{Arguments.ModelVersion}: give the predictions a model version of 1 to 255 characters (default: the --predictions file name).");
        }

        var datasetsDirectory = arguments.Path(Arguments.DatasetsDir, workingDirectory)!;
        var prepare = new LabelPipeline.Prepare.PrepareOptions
        {
            TimeColumn = arguments.Optional(Arguments.TimeColumn),
            TimeFormat = arguments.Optional(Arguments.TimeFormat),
            TimeZone = arguments.Parse(Arguments.TimeZone, LabelPipeline.Prepare.PrepareOptions.ParseTimeZone, null),
            MaxPointsPerTask = arguments.WholeNumber(Arguments.MaxPointsPerTask),
            WindowOverlap = arguments.WholeNumber(Arguments.WindowOverlap),
            OnUnsorted = LabelPipeline.Prepare.PrepareOptions.ParseUnsorted(arguments.Choice(Arguments.OnUnsorted)),
            Overview = arguments.Flag(Arguments.Overview),
            OnDuplicate = LabelPipeline.Prepare.PrepareOptions.ParseDuplicate(arguments.Choice(Arguments.OnDuplicate)),
        };
        var settings = new PipelineSettings
        {
            PreparedRoot = arguments.Path(Arguments.PreparedDir, workingDirectory) ?? Path.Combine(datasetsDirectory, Paths.DefaultPreparedFolder),
            Prepare = prepare,
            Dataset = arguments.Text(Arguments.Dataset),
            DatasetVersion = arguments.Text(Arguments.DatasetVersion),
            DatasetsDirectory = datasetsDirectory,
            Storage = storage,
            LabelStudioUrl = url,
            LabelStudioToken = arguments.Optional(Arguments.LabelStudioToken),
            TokenFromCommandLine = arguments.FromCommandLine(Arguments.LabelStudioToken),
            LabelStudioImage = arguments.Text(Arguments.LabelStudioImage),
            LabelStudioPort = arguments.WholeNumber(Arguments.LabelStudioPort),
            LabelStudioPull = arguments.Choice(Arguments.LabelStudioPull),
            ContainerName = arguments.Text(Arguments.ContainerName),
            DataVolume = arguments.Text(Arguments.DataVolume),
            LocalFilesRoot = arguments.Text(Arguments.LocalFilesRoot).TrimEnd('/'),
            Labels = labels,
            AnomalyLabels = anomalyLabels,
            OutputDirectory = arguments.Path(Arguments.Output, workingDirectory)!,
            StateDirectory = arguments.Path(Arguments.StateDir, workingDirectory)!,
            SyncTimeout = TimeSpan.FromSeconds(arguments.WholeNumber(Arguments.SyncTimeout)),
            HealthTimeout = TimeSpan.FromSeconds(arguments.WholeNumber(Arguments.HealthTimeout)),
            RequestTimeout = TimeSpan.FromSeconds(arguments.WholeNumber(Arguments.RequestTimeout)),
            Retries = arguments.WholeNumber(Arguments.Retries),
            Purge = arguments.Flag(Arguments.Purge),
            Annotations = AnnotationSelections.Parse(arguments.Choice(Arguments.Annotations)),
            InstantWidth = arguments.Optional(Arguments.InstantWidth) is "drop"
                ? null
                : TimeSpan.FromSeconds(arguments.WholeNumber(Arguments.InstantWidth)),
            ExportFile = arguments.Path(Arguments.ExportFile, workingDirectory),
            LabelConfigFile = arguments.Path(Arguments.LabelConfigFile, workingDirectory),
            PredictionsFile = predictionsFile,
            ModelVersion = modelVersion,
            PredictionLabel = arguments.Optional(Arguments.PredictionLabel) ?? anomalyLabels.FirstOrDefault() ?? labels[0],
            ScoreIntervals = new LabelPipeline.Predictions.ScoreIntervalOptions(threshold, TimeSpan.FromSeconds(minDuration), TimeSpan.FromSeconds(mergeGap)),
            MinAgreement = arguments.Optional(Arguments.MinAgreement) is null ? null : arguments.Number(Arguments.MinAgreement),
            MinDetectorF1 = arguments.Optional(Arguments.MinDetectorF1) is null ? null : arguments.Number(Arguments.MinDetectorF1),
        };

        foreach (var (argument, value) in new[] { (Arguments.Dataset, settings.Dataset), (Arguments.DatasetVersion, settings.DatasetVersion) })
        {
            if (value.IndexOfAny(['/', '\\']) >= 0 || value is "." or "..")
            {
                arguments.Error(argument, value, "must be a single folder name (no '/')");
            }
        }

        // A folder argument naming a file (or a path through one) would end in a raw IOException much later.
        foreach (var (argument, folder) in new[]
                 {
                     (Arguments.Output, settings.SnapshotDirectory), (Arguments.StateDir, settings.StateDirectory),
                     (Arguments.PreparedDir, settings.PreparedDirectory), (Arguments.DatasetsDir, settings.DatasetsDirectory),
                 })
        {
            if (FileOnThePath(folder) is { } file)
            {
                arguments.Error($"--{argument.Name}={arguments.Optional(argument) ?? folder}: {file} is a file, but this argument names a folder. Pass a folder (it is created when missing).");
            }
        }

        return settings;
    }

    /// <summary>The first of <paramref name="folder"/> and its parents that exists as a file; null when none does.</summary>
    private static string? FileOnThePath(string folder)
    {
        for (var path = folder; !string.IsNullOrEmpty(path); path = Path.GetDirectoryName(path))
        {
            if (File.Exists(path))
            {
                return path;
            }
        }

        return null;
    }
}
