using System.Globalization;
using LabelPipeline.Export;

namespace Build;

/// <summary>Where the series live for Label Studio.</summary>
public enum StorageKind
{
    Local,
    S3,
}

/// <summary>Every setting of a run, read once from the arguments (or LABELPIPELINE_* variables) and checked.</summary>
public sealed record PipelineSettings
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

    public string? TimeColumn { get; init; }
    public string? TimeFormat { get; init; }
    public required IReadOnlyList<string> Labels { get; init; }
    public required IReadOnlyList<string> AnomalyLabels { get; init; }
    public required string OutputDirectory { get; init; }
    public required string StateDirectory { get; init; }
    public required TimeSpan SyncTimeout { get; init; }
    public required TimeSpan HealthTimeout { get; init; }
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

    /// <param name="get">Reads one argument (null when absent).</param>
    /// <param name="fromCommandLine">Whether the argument came from the command line rather than the environment.</param>
    /// <param name="workingDirectory">Relative paths are resolved against it.</param>
    public static PipelineSettings Read(Func<string, string?> get, Func<string, bool> fromCommandLine, string workingDirectory)
    {
        var errors = new List<string>();
        string Text(string name, string fallback) => get(name) is { Length: > 0 } v ? v : fallback;
        string FullPath(string name, string fallback) => Path.GetFullPath(Text(name, fallback), workingDirectory);

        int Integer(string name, int fallback, int min, int max)
        {
            var value = ArgumentValues.Integer(name, get(name), fallback, min, max, out var error);
            if (error is not null)
            {
                errors.Add(error);
            }

            return value;
        }

        IReadOnlyList<string> List(string name, IReadOnlyList<string> fallback) =>
            get(name) is { Length: > 0 } v ? v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) : fallback;

        var storageText = Text(Arguments.Storage, "local");
        var storage = storageText.ToLowerInvariant() switch
        {
            "local" => StorageKind.Local,
            "s3" => StorageKind.S3,
            _ => Invalid(StorageKind.Local, $"--storage={storageText}: expected 'local' or 's3'."),
        };
        Uri? url = null;
        if (get(Arguments.LabelStudioUrl) is { Length: > 0 } urlText)
        {
            if (Uri.TryCreate(urlText, UriKind.Absolute, out var parsed) && parsed.Scheme is "http" or "https")
            {
                url = parsed;
            }
            else
            {
                errors.Add($"--label-studio-url={urlText}: expected an http(s) URL such as http://127.0.0.1:8080.");
            }
        }

        var labels = List(Arguments.Labels, ["Anomaly"]);
        if (labels.Distinct(StringComparer.Ordinal).Count() != labels.Count)
        {
            errors.Add($"--labels={string.Join(',', labels)}: a label is listed twice.");
        }

        var anomalyLabels = List(Arguments.AnomalyLabels, [labels.FirstOrDefault(l => l.Contains("anomal", StringComparison.OrdinalIgnoreCase)) ?? labels[0]]);
        foreach (var label in anomalyLabels.Where(l => !labels.Contains(l)))
        {
            errors.Add($"--anomaly-labels: '{label}' is not one of --labels ({string.Join(", ", labels)}).");
        }

        var pull = Text(Arguments.LabelStudioPull, "missing").ToLowerInvariant();
        if (pull is not ("missing" or "never" or "always"))
        {
            errors.Add($"--label-studio-pull={pull}: expected missing, never or always.");
        }

        double Seconds(string name, double fallback)
        {
            var text = get(name);
            if (text is null)
            {
                return fallback;
            }

            if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value) && value >= 0 && value <= 31_536_000)
            {
                return value;
            }

            errors.Add($"--{name}={text}: expected a number of seconds from 0 to 31536000 (time-axis units for a numeric axis).");
            return fallback;
        }

        var thresholdText = get(Arguments.ScoreThreshold);
        var threshold = 0.5;
        if (thresholdText is not null && !(double.TryParse(thresholdText, NumberStyles.Float, CultureInfo.InvariantCulture, out threshold) && double.IsFinite(threshold)))
        {
            errors.Add($"--{Arguments.ScoreThreshold}={thresholdText}: expected a number, e.g. 0.8 (a sample is flagged when its score is at least this).");
        }

        var predictionsFile = get(Arguments.Predictions) is { Length: > 0 } predictions ? Path.GetFullPath(predictions, workingDirectory) : null;
        if (predictionsFile is not null && !File.Exists(predictionsFile))
        {
            errors.Add($"--{Arguments.Predictions}={get(Arguments.Predictions)}: the file {predictionsFile} does not exist.");
        }

        var modelVersion = get(Arguments.ModelVersion) is { Length: > 0 } version ? version : predictionsFile is null ? null : Path.GetFileNameWithoutExtension(predictionsFile);
        if (predictionsFile is not null && (string.IsNullOrWhiteSpace(modelVersion) || modelVersion.Length > 255))
        {
            errors.Add($"--{Arguments.ModelVersion}: give the predictions a model version of 1 to 255 characters (default: the --predictions file name).");
        }

        double? Fraction(string name)
        {
            var text = get(name);
            if (text is null or { Length: 0 })
            {
                return null;
            }

            if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value is >= 0 and <= 1)
            {
                return value;
            }

            errors.Add($"--{name}={text}: expected a number from 0 to 1, e.g. 0.8.");
            return null;
        }

        var predictionLabel = Text(Arguments.PredictionLabel, anomalyLabels.FirstOrDefault() ?? labels[0]);

        var datasetsDirectory = FullPath(Arguments.DatasetsDir, Paths.DefaultDatasetsDirectory);
        var prepare = new LabelPipeline.Prepare.PrepareOptions
        {
            TimeColumn = get(Arguments.TimeColumn) is { Length: > 0 } timeColumn ? timeColumn : null,
            TimeFormat = get(Arguments.TimeFormat) is { Length: > 0 } timeFormat ? timeFormat : null,
            TimeZone = Parse(Arguments.TimeZone, "UTC", LabelPipeline.Prepare.PrepareOptions.ParseTimeZone, null),
            MaxPointsPerTask = Integer(Arguments.MaxPointsPerTask, (int)LabelPipeline.Prepare.PrepareOptions.DefaultMaxPointsPerTask, 100, 100_000_000),
            WindowOverlap = Integer(Arguments.WindowOverlap, 0, 0, LabelPipeline.Prepare.PrepareOptions.MaxRowsPerTask - 1),
            OnUnsorted = Parse(Arguments.OnUnsorted, "fail", LabelPipeline.Prepare.PrepareOptions.ParseUnsorted, LabelPipeline.Prepare.UnsortedPolicy.Fail),
            Overview = get(Arguments.Overview) is { } overview && overview is not ("false" or "0" or "no"),
            OnDuplicate = Parse(Arguments.OnDuplicate, "keep-first", LabelPipeline.Prepare.PrepareOptions.ParseDuplicate, LabelPipeline.Prepare.DuplicatePolicy.KeepFirst),
        };
        var settings = new PipelineSettings
        {
            PreparedRoot = get(Arguments.PreparedDir) is { Length: > 0 } preparedDir
                ? Path.GetFullPath(preparedDir, workingDirectory)
                : Path.Combine(datasetsDirectory, Paths.DefaultPreparedFolder),
            Prepare = prepare,
            Dataset = Text(Arguments.Dataset, "synthetic"),
            DatasetVersion = Text(Arguments.DatasetVersion, "v1"),
            DatasetsDirectory = datasetsDirectory,
            Storage = storage,
            LabelStudioUrl = url,
            LabelStudioToken = get(Arguments.LabelStudioToken) is { Length: > 0 } token ? token : null,
            TokenFromCommandLine = fromCommandLine(Arguments.LabelStudioToken),
            LabelStudioImage = Text(Arguments.LabelStudioImage, "heartexlabs/label-studio:1.23.0"),
            LabelStudioPort = Integer(Arguments.LabelStudioPort, 8080, 1, 65535),
            LabelStudioPull = pull,
            ContainerName = Text(Arguments.ContainerName, "labelpipeline-label-studio"),
            DataVolume = Text(Arguments.DataVolume, "labelpipeline-label-studio-data"),
            LocalFilesRoot = Text(Arguments.LocalFilesRoot, "/label-studio/files").TrimEnd('/'),
            TimeColumn = get(Arguments.TimeColumn) is { Length: > 0 } column ? column : null,
            TimeFormat = get(Arguments.TimeFormat) is { Length: > 0 } format ? format : null,
            Labels = labels,
            AnomalyLabels = anomalyLabels,
            OutputDirectory = FullPath(Arguments.Output, Paths.DefaultOutputDirectory),
            StateDirectory = FullPath(Arguments.StateDir, Paths.DefaultStateDirectory),
            SyncTimeout = TimeSpan.FromSeconds(Integer(Arguments.SyncTimeout, 600, 1, 86_400)),
            HealthTimeout = TimeSpan.FromSeconds(Integer(Arguments.HealthTimeout, 300, 1, 3_600)),
            Purge = get(Arguments.Purge) is { } purge && purge is not ("false" or "0" or "no"),
            Annotations = Parse(Arguments.Annotations, "all", AnnotationSelections.Parse, AnnotationSelection.All),
            InstantWidth = get(Arguments.InstantWidth) is "drop"
                ? null
                : TimeSpan.FromSeconds(Integer(Arguments.InstantWidth, 0, 0, 31_536_000)),
            ExportFile = get(Arguments.ExportFile) is { Length: > 0 } export ? Path.GetFullPath(export, workingDirectory) : null,
            LabelConfigFile = get(Arguments.LabelConfigFile) is { Length: > 0 } config ? Path.GetFullPath(config, workingDirectory) : null,
            PredictionsFile = predictionsFile,
            ModelVersion = modelVersion,
            PredictionLabel = predictionLabel,
            MinAgreement = Fraction(Arguments.MinAgreement),
            MinDetectorF1 = Fraction(Arguments.MinDetectorF1),
            ScoreIntervals = new LabelPipeline.Predictions.ScoreIntervalOptions(
                threshold,
                TimeSpan.FromSeconds(Seconds(Arguments.MinDuration, 0)),
                TimeSpan.FromSeconds(Seconds(Arguments.MergeGap, 0))),
        };

        foreach (var (name, value) in new[] { (Arguments.Dataset, settings.Dataset), (Arguments.DatasetVersion, settings.DatasetVersion) })
        {
            if (value.IndexOfAny(['/', '\\']) >= 0 || value is "." or "..")
            {
                errors.Add($"--{name}={value}: must be a single folder name (no '/').");
            }
        }

        if (errors.Count > 0)
        {
            throw new ArgumentException("Invalid arguments:\n  " + string.Join("\n  ", errors));
        }

        return settings;

        T Parse<T>(string name, string fallback, Func<string, T> parse, T fallbackValue)
        {
            try
            {
                return parse(Text(name, fallback));
            }
            catch (ArgumentException e)
            {
                errors.Add(e.Message);
                return fallbackValue;
            }
        }

        T Invalid<T>(T fallback, string error)
        {
            errors.Add(error);
            return fallback;
        }
    }
}
