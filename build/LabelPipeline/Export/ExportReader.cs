using System.Globalization;
using System.Text;
using System.Text.Json;
using LabelPipeline.LabelConfig;
using LabelPipeline.TimeSeries;

namespace LabelPipeline.Export;

/// <summary>
/// Reads a Label Studio JSON export (an array of tasks) in one pass over the streamed file, with no JSON tree: each
/// task's annotations, its regions (every <c>timeserieslabels</c> result of the config's labels control, joined by
/// region id with that region's per-region choices and text) and its predictions come out of the same pass. Region
/// bounds are read the way the editor writes them (CONTRACT.md §6.3): strings in the config's <c>timeFormat</c> (UTC),
/// or numbers — epoch milliseconds when a <c>timeFormat</c> is set, the time column's own values (or row indices)
/// otherwise. A task's regions wait on disk beyond <see cref="RegionBuffer.InMemory"/> (a task can hold hundreds of
/// thousands), until the task's end names its series.
/// Anything the reader cannot use fails with the file, line and position, or the task, annotation and region; what it
/// leaves out on purpose is in <see cref="Warnings"/>: regions of a control the config does not have, annotations
/// repeated by a task that appears twice.
/// </summary>
public sealed class ExportReader(LabelConfigInfo config, string? spillFolder = null)
{
    private readonly byte[] _labelsControl = Encoding.UTF8.GetBytes(config.LabelsControlName);
    private readonly byte[] _dataKey = Encoding.UTF8.GetBytes(config.DataKey);
    private readonly LabelCache _labels = new(config.Labels);
    private readonly HashSet<(int Task, int Annotation)> _seenAnnotations = [];
    private readonly HashSet<int> _seenTasks = [];
    private readonly Dictionary<string, (int Count, string First)> _otherControls = new(StringComparer.Ordinal);
    private readonly List<string> _warnings = [];
    private string _path = string.Empty;

    /// <summary>Stands for the task id in a region's problem, which is found before the task's end names the task.</summary>
    private const string TaskPlaceholder = "\u0001task\u0001";

    /// <summary>What was left out on purpose, for the log and the manifest (no file path: the manifest is reproducible); complete once <see cref="ReadTasks"/> has been read to the end.</summary>
    public IReadOnlyList<string> Warnings => _warnings;

    /// <summary>Every region of every task (the selected annotations), in the order of the export.</summary>
    public static IEnumerable<LabeledRange> ReadRanges(string path, LabelConfigInfo config, AnnotationSelection selection = AnnotationSelection.All) =>
        new ExportReader(config).ReadTasks(path).SelectMany(task => task.Ranges(selection));

    /// <summary>
    /// The tasks, one at a time. A task's <see cref="ExportedTask.Ranges"/> can be read until the next task is read.
    /// </summary>
    public IEnumerable<ExportedTask> ReadTasks(string path)
    {
        _path = path;
        using var json = Open(path);
        using var buffer = new RegionBuffer(spillFolder, _labels);
        Read(json);
        var index = 0;
        while (true)
        {
            if (!Read(json))
            {
                throw new ExportException($"{path}: the export ends before its closing ']': the file is truncated.");
            }

            if (json.TokenType == JsonTokenType.EndArray)
            {
                break;
            }

            if (json.TokenType != JsonTokenType.StartObject)
            {
                throw new ExportException($"{path} line {json.Location.Line}, position {json.Location.Position}: task {index} is {TypeName(json)}, not an object.");
            }

            yield return ReadTask(json, index++, buffer);
        }

        foreach (var (control, (count, first)) in _otherControls.OrderBy(c => c.Key, StringComparer.Ordinal))
        {
            _warnings.Add(
                $"{count} region{(count == 1 ? "" : "s")} of the control '{control}' left out: the labeling config has no such labels control " +
                $"(its TimeSeriesLabels is '{config.LabelsControlName}'); the first is {first}. Were they drawn with another labeling config? " +
                "Convert with the project's own config (--label-config-file) to include them.");
        }
    }

    /// <summary>Fails unless <paramref name="path"/> is a file (a folder, e.g. the downloads folder, gets a message of its own).</summary>
    public static void CheckFile(string path)
    {
        if (Directory.Exists(path))
        {
            var json = Directory.EnumerateFiles(path, "*.json").Select(Path.GetFileName).Order(StringComparer.Ordinal).Take(3).ToArray();
            throw new ExportException(
                $"{path} is a folder; the export file is the JSON file Label Studio's Export > JSON downloads" +
                (json.Length > 0 ? $" (this folder has {string.Join(", ", json)}): pass one of them." : "."));
        }

        if (!File.Exists(path))
        {
            throw new ExportException($"{path} does not exist.");
        }
    }

    private static JsonTokenStream Open(string path)
    {
        CheckFile(path);
        var stream = new JsonTokenStream(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan));
        if (stream.PeekFirst() != '[')
        {
            stream.Dispose();
            throw new ExportException($"{path}: a Label Studio JSON export is an array of tasks; this file does not start with '['.");
        }

        return stream;
    }

    private bool Read(JsonTokenStream json)
    {
        try
        {
            return json.Read();
        }
        catch (JsonFileException e) when (e.Problem == JsonFileProblem.Truncated)
        {
            throw new ExportException($"{_path}: the export ends before its closing ']': the file is truncated."); // between two tasks
        }
        catch (JsonFileException e)
        {
            throw Problem(e, null);
        }
    }

    private ExportException Problem(JsonFileException e, Where? where)
    {
        var at = $"{_path} line {e.Location.Line}, position {e.Location.Position}";
        return e.Problem switch
        {
            JsonFileProblem.NonFiniteNumber when where is { Field: { } field } w => new ExportException(
                $"{at}: {w}: value.{field} is {e.Message}, which is not a time" + (e.Message == "NaN" && config.TimeFormat is not null
                    ? $": Label Studio's editor writes this when a region is dragged onto the task's last point. Open task {w.TaskText} in Label Studio, " +
                      $"move that region's {field} one point inwards (or draw it again) and submit, then run Export again."
                    : ". Fix or redraw the region in Label Studio.")),
            JsonFileProblem.NonFiniteNumber => new ExportException($"{at}: {e.Message} is not valid JSON (JSON has no NaN or Infinity).{(where is { } w2 ? $" In {w2}." : "")}"),
            JsonFileProblem.TooDeep => new ExportException(
                $"{at}: the JSON is nested more than {JsonTokenStream.MaxDepth} levels deep{(where is { } w3 ? $" (in {w3.TaskOnly})" : "")}; a Label Studio export " +
                "is nested about 8 levels (tasks, annotations, results, values). This is not a Label Studio JSON export: export the project again (Export > JSON)."),
            JsonFileProblem.Truncated => new ExportException($"{at}: the export is not valid JSON ({e.Message}). Is the file truncated?"),
            _ => new ExportException($"{at}: the export is not valid JSON ({e.Message})."),
        };
    }

    // ---------------------------------------------------------------- tasks

    private ExportedTask ReadTask(JsonTokenStream json, int index, RegionBuffer buffer)
    {
        buffer.Clear();
        var task = new TaskState(index, json.Location.Line);
        try
        {
            ReadTaskMembers(json, task, buffer);
        }
        catch (JsonFileException e)
        {
            throw Problem(e, task.Where());
        }

        if (task.LooksMin && !task.HasAnnotations && !task.HasData)
        {
            {
                throw new ExportException(
                    $"{_path}: this is Label Studio's JSON-MIN export (task {index} has '{config.DataKey}' and the labels at its top level, no 'annotations'): " +
                    "it leaves out what a snapshot needs (region ids, annotators, cancelled annotations, predictions). In Label Studio choose Export > JSON " +
                    "(not JSON-MIN) and convert that file, or run --target=Export, which downloads the full export itself.");
            }
        }

        if (task.Id is not { } id)
        {
            throw new ExportException($"{_path} line {task.Line}: task {index} has no integer 'id'.");
        }

        var series = SeriesNames.FromUrl(task.Data ?? task.StorageFilename ?? $"task-{id}");
        var repeated = !_seenTasks.Add(id);
        var annotations = new List<(int Ordinal, ExportedAnnotation Annotation)>();
        var repeats = new List<int>();
        for (var i = 0; i < task.Annotations.Count; i++)
        {
            var annotation = task.Annotations[i].Annotation;
            if (_seenAnnotations.Add((id, annotation.Id)))
            {
                annotations.Add((i, annotation));
            }
            else
            {
                repeats.Add(annotation.Id);
            }
        }

        if (repeats.Count > 0)
        {
            _warnings.Add(
                $"task {id} ({series}) appears more than once in the export; its annotation{(repeats.Count == 1 ? "" : "s")} " +
                $"{string.Join(", ", repeats)} {(repeats.Count == 1 ? "was" : "were")} counted once, the repeat ignored. Was the export concatenated or downloaded twice?");
        }

        string Message(int annotation, (string RegionId, string Message) problem) =>
            $"{new Where(id, series, annotation, problem.RegionId)}: {problem.Message.Replace(TaskPlaceholder, id.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)}";
        var predictions = task.Predictions.Select(p => new ExportedPrediction(
            p.Id,
            p.ModelVersion,
            p.Regions.Select(r => Complete(r, id, series, p.Id, null, p.Siblings, p.Scores.TryGetValue(r.RegionId, out var s) ? s : null)).ToArray(),
            p.Problem is { } problem ? Message(p.Id, problem) : null)).ToArray();
        var version = buffer.Version;
        var states = task.Annotations;
        return new ExportedTask(id, series, repeated, annotations.Select(a => a.Annotation).ToArray(), predictions, selection => Ranges(selection));

        IEnumerable<LabeledRange> Ranges(AnnotationSelection selection)
        {
            var selected = selection.Select(annotations.Select(a => a.Annotation)).ToHashSet(ReferenceEqualityComparer.Instance);
            var ordinals = annotations.Where(a => selected.Contains(a.Annotation)).Select(a => a.Ordinal).ToHashSet();
            foreach (var (ordinal, annotation) in annotations)
            {
                if (ordinals.Contains(ordinal) && states[ordinal].Problem is { } problem)
                {
                    throw new ExportException(Message(annotation.Id, problem));
                }
            }

            return Completed();

            IEnumerable<LabeledRange> Completed()
            {
                foreach (var region in buffer.Items())
                {
                    if (buffer.Version != version)
                    {
                        throw new InvalidOperationException("A task's regions are read after the next task was read.");
                    }

                    if (ordinals.Contains(region.Annotation))
                    {
                        var state = states[region.Annotation];
                        yield return Complete(region, id, series, state.Annotation.Id, state, state.Siblings);
                    }
                }
            }
        }
    }

    private static LabeledRange Complete(PartialRegion r, int taskId, string series, int annotationId, AnnotationState? annotation, Dictionary<string, List<Sibling>>? siblings, double? score = null)
    {
        IReadOnlyList<string> choices = [];
        string? text = null;
        if (siblings is not null && siblings.TryGetValue(r.RegionId, out var same))
        {
            var others = same.Where(s => s.ResultIndex != r.ResultIndex).ToArray();
            if (others.Length > 0)
            {
                choices = others.SelectMany(s => s.Choices).ToArray();
                text = others.SelectMany(s => s.Text).FirstOrDefault();
            }
        }

        return new LabeledRange
        {
            TaskId = taskId,
            SeriesFile = series,
            RegionId = r.RegionId,
            Start = r.Start,
            End = r.End,
            StartRaw = r.StartRaw,
            EndRaw = r.EndRaw,
            Instant = r.Instant,
            Labels = r.Labels,
            Choices = choices,
            Text = text,
            AnnotationId = annotationId,
            Annotator = annotation?.Annotation.Annotator,
            CreatedAt = annotation?.CreatedText,
            UpdatedAt = annotation?.UpdatedText,
            Origin = r.Origin,
            GroundTruth = annotation?.Annotation.GroundTruth ?? false,
            Score = score,
        };
    }

    private void ReadTaskMembers(JsonTokenStream json, TaskState task, RegionBuffer buffer)
    {
        while (json.Read() && json.TokenType != JsonTokenType.EndObject)
        {
            if (json.ValueEquals("id"u8))
            {
                json.Read();
                task.Id = json.TokenType == JsonTokenType.Number && int.TryParse(json.ValueSpan, NumberStyles.Integer, CultureInfo.InvariantCulture, out var id)
                    ? id
                    : throw WrongType(json, task, "id", "an integer", Text(json));
            }
            else if (json.ValueEquals("data"u8))
            {
                task.HasData = true;
                json.Read();
                if (json.TokenType == JsonTokenType.StartObject)
                {
                    ReadData(json, task);
                }
                else if (json.TokenType != JsonTokenType.Null)
                {
                    throw WrongType(json, task, "data", "an object");
                }
            }
            else if (json.ValueEquals("annotations"u8))
            {
                task.HasAnnotations = true;
                ReadList(json, task, "annotations", () => task.Annotations.Add(ReadAnnotation(json, task, task.Annotations.Count, buffer)));
            }
            else if (json.ValueEquals("predictions"u8))
            {
                ReadList(json, task, "predictions", () => task.Predictions.Add(ReadPrediction(json, task)));
            }
            else if (json.ValueEquals("storage_filename"u8))
            {
                json.Read();
                task.StorageFilename = json.TokenType == JsonTokenType.String ? json.GetString() : null;
                json.Skip();
            }
            else
            {
                task.LooksMin |= json.ValueEquals("annotation_id"u8) || json.ValueEquals(_dataKey) || json.ValueEquals(_labelsControl);
                json.Skip();
            }
        }
    }

    private void ReadData(JsonTokenStream json, TaskState task)
    {
        while (json.Read() && json.TokenType != JsonTokenType.EndObject)
        {
            if (!json.ValueEquals(_dataKey))
            {
                json.Skip();
                continue;
            }

            json.Read();
            task.Data = json.TokenType switch
            {
                JsonTokenType.String => json.GetString(),
                JsonTokenType.Null => null,
                JsonTokenType.Number or JsonTokenType.True or JsonTokenType.False => Text(json),
                _ => throw WrongType(json, task, $"data.{config.DataKey}", "the series file's URL (a string)"),
            };
        }
    }

    /// <summary>A list member: null is empty; objects go to <paramref name="readObject"/>; anything else (a direct export's bare prediction ids) is skipped.</summary>
    private void ReadList(JsonTokenStream json, TaskState task, string field, Action readObject)
    {
        json.Read();
        if (json.TokenType == JsonTokenType.Null)
        {
            return;
        }

        if (json.TokenType != JsonTokenType.StartArray)
        {
            throw WrongType(json, task, field, "a list");
        }

        while (json.Read() && json.TokenType != JsonTokenType.EndArray)
        {
            if (json.TokenType == JsonTokenType.StartObject)
            {
                readObject();
            }
            else
            {
                json.Skip();
            }
        }
    }

    private ExportException WrongType(JsonTokenStream json, TaskState task, string field, string expected, string? idText = null) => new(
        $"{_path} line {json.Location.Line}, position {json.Location.Position}: task {task.Index} ({idText ?? task.Id?.ToString(CultureInfo.InvariantCulture) ?? "no id yet"}) " +
        $"has a field of the wrong type: '{field}' is {TypeName(json)}, expected {expected}.");

    // ---------------------------------------------------------------- annotations and predictions

    private AnnotationState ReadAnnotation(JsonTokenStream json, TaskState task, int ordinal, RegionBuffer buffer)
    {
        var state = new AnnotationState();
        int id = 0;
        bool cancelled = false, groundTruth = false;
        string? annotator = null;
        DateTimeOffset? created = null, updated = null;
        var resultIndex = 0;
        while (json.Read() && json.TokenType != JsonTokenType.EndObject)
        {
            if (json.ValueEquals("id"u8))
            {
                json.Read();
                id = json.TokenType == JsonTokenType.Number && int.TryParse(json.ValueSpan, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value)
                    ? value
                    : throw WrongType(json, task, "annotations[].id", "an integer");
                task.AnnotationId = id;
            }
            else if (json.ValueEquals("result"u8))
            {
                task.AnnotationId = id;
                ReadList(json, task, "annotations[].result", () =>
                {
                    var result = ReadResult(json, task, state.Problem is null);
                    Keep(result, resultIndex++, state, region => buffer.Add(region with { Annotation = ordinal }), task.Where);
                });
            }
            else if (json.ValueEquals("was_cancelled"u8))
            {
                cancelled = ReadBoolean(json, task, "annotations[].was_cancelled");
            }
            else if (json.ValueEquals("ground_truth"u8))
            {
                groundTruth = ReadBoolean(json, task, "annotations[].ground_truth");
            }
            else if (json.ValueEquals("completed_by"u8))
            {
                annotator = ReadAnnotator(json);
            }
            else if (json.ValueEquals("created_at"u8))
            {
                created = ReadTime(json, task, "annotations[].created_at");
            }
            else if (json.ValueEquals("updated_at"u8))
            {
                updated = ReadTime(json, task, "annotations[].updated_at");
            }
            else
            {
                json.Skip();
            }
        }

        task.AnnotationId = null;
        state.Annotation = new ExportedAnnotation
        {
            Id = id, WasCancelled = cancelled, GroundTruth = groundTruth, Annotator = annotator, CreatedAt = created, UpdatedAt = updated,
        };
        state.CreatedText = created?.UtcDateTime.ToString("o", CultureInfo.InvariantCulture);
        state.UpdatedText = updated?.UtcDateTime.ToString("o", CultureInfo.InvariantCulture);
        return state;
    }

    private PredictionState ReadPrediction(JsonTokenStream json, TaskState task)
    {
        var state = new PredictionState();
        var resultIndex = 0;
        while (json.Read() && json.TokenType != JsonTokenType.EndObject)
        {
            if (json.ValueEquals("id"u8))
            {
                json.Read();
                state.Id = json.TokenType == JsonTokenType.Number && int.TryParse(json.ValueSpan, NumberStyles.Integer, CultureInfo.InvariantCulture, out var id) ? id : 0;
                json.Skip();
            }
            else if (json.ValueEquals("model_version"u8))
            {
                json.Read();
                state.ModelVersion = json.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray ? null : Text(json);
                json.Skip();
            }
            else if (json.ValueEquals("result"u8))
            {
                ReadList(json, task, "predictions[].result", () =>
                {
                    var result = ReadResult(json, task, state.Problem is null);
                    if (result.Id is { } regionId && result.Score is { } score)
                    {
                        state.Scores.TryAdd(regionId, score);
                    }

                    Keep(result, resultIndex++, state, state.Regions.Add, task.Where);
                });
            }
            else
            {
                json.Skip();
            }
        }

        return state;
    }

    private bool ReadBoolean(JsonTokenStream json, TaskState task, string field)
    {
        json.Read();
        return json.TokenType switch
        {
            JsonTokenType.True => true,
            JsonTokenType.False or JsonTokenType.Null => false,
            _ => throw WrongType(json, task, field, "true or false"),
        };
    }

    private DateTimeOffset? ReadTime(JsonTokenStream json, TaskState task, string field)
    {
        json.Read();
        return json.TokenType switch
        {
            JsonTokenType.Null => null,
            JsonTokenType.String when DateTimeOffset.TryParse(json.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time) => time,
            _ => throw WrongType(json, task, field, "a time (ISO 8601)"),
        };
    }

    /// <summary>The annotator as the interval table names them: the user's email (or id), or "user N" for a bare id.</summary>
    private static string? ReadAnnotator(JsonTokenStream json)
    {
        json.Read();
        switch (json.TokenType)
        {
            case JsonTokenType.Null:
                return null;
            case JsonTokenType.StartObject:
                string? email = null, id = null;
                while (json.Read() && json.TokenType != JsonTokenType.EndObject)
                {
                    var isEmail = json.ValueEquals("email"u8);
                    var isId = !isEmail && json.ValueEquals("id"u8);
                    json.Read();
                    if (isEmail)
                    {
                        email = Text(json);
                    }
                    else if (isId)
                    {
                        id = Text(json);
                    }

                    json.Skip();
                }

                return email ?? id;
            default:
                var text = $"user {Text(json)}";
                json.Skip();
                return text;
        }
    }

    // ---------------------------------------------------------------- results

    /// <summary>A result's region, or why it cannot be one; a result of another kind gives neither.</summary>
    private void Keep(ResultRead result, int resultIndex, RegionsState owner, Action<PartialRegion> add, Func<Where> where)
    {
        if (result.Id is { } id && (result.Choices is { Count: > 0 } || result.Text is { Count: > 0 }))
        {
            owner.Siblings ??= new Dictionary<string, List<Sibling>>(StringComparer.Ordinal);
            if (!owner.Siblings.TryGetValue(id, out var list))
            {
                owner.Siblings[id] = list = [];
            }

            list.Add(new Sibling(resultIndex, result.Choices ?? [], result.Text ?? []));
        }

        if (!result.IsLabels)
        {
            return;
        }

        var regionId = result.Id ?? string.Empty;
        if (config.LabelsControlName.Length > 0 && !result.FromLabelsControl)
        {
            var control = result.FromName ?? "(none)";
            var w = where();
            var first = $"task {w.TaskText}, annotation {w.AnnotationId?.ToString(CultureInfo.InvariantCulture) ?? "?"}, region '{regionId}'";
            _otherControls[control] = _otherControls.TryGetValue(control, out var seen) ? (seen.Count + 1, seen.First) : (1, first);
            return;
        }

        if (owner.Problem is not null)
        {
            return; // the first problem is the one reported
        }

        var region = result.ToRegion(config, _labels, resultIndex, out var problem);
        if (problem is not null)
        {
            owner.Problem = (regionId, problem);
        }
        else
        {
            add(region);
        }
    }

    private ResultRead ReadResult(JsonTokenStream json, TaskState task, bool readBounds)
    {
        var result = new ResultRead();
        while (json.Read() && json.TokenType != JsonTokenType.EndObject)
        {
            if (json.ValueEquals("id"u8))
            {
                json.Read();
                result.Id = json.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray ? "?" : Text(json);
                task.RegionId = result.Id;
                json.Skip();
            }
            else if (json.ValueEquals("type"u8))
            {
                json.Read();
                result.IsLabels = json.TokenType == JsonTokenType.String &&
                                  (json.ValueEquals("timeserieslabels"u8) || string.Equals(json.GetString(), "timeserieslabels", StringComparison.OrdinalIgnoreCase));
                json.Skip();
            }
            else if (json.ValueEquals("from_name"u8))
            {
                json.Read();
                result.FromLabelsControl = json.TokenType == JsonTokenType.String && json.ValueEquals(_labelsControl);
                result.FromName = result.FromLabelsControl ? config.LabelsControlName : json.TokenType == JsonTokenType.String ? json.GetString() : null;
                json.Skip();
            }
            else if (json.ValueEquals("origin"u8))
            {
                json.Read();
                result.Origin = json.TokenType switch
                {
                    JsonTokenType.String when json.ValueEquals("manual"u8) => "manual",
                    JsonTokenType.String when json.ValueEquals("prediction"u8) => "prediction",
                    JsonTokenType.String when json.ValueEquals("prediction-changed"u8) => "prediction-changed",
                    JsonTokenType.StartObject or JsonTokenType.StartArray => "?",
                    _ => Text(json),
                };
                json.Skip();
            }
            else if (json.ValueEquals("score"u8))
            {
                json.Read();
                result.Score = json.TokenType == JsonTokenType.Number && double.TryParse(json.ValueSpan, NumberStyles.Float, CultureInfo.InvariantCulture, out var score)
                    ? score
                    : null;
                json.Skip();
            }
            else if (json.ValueEquals("value"u8))
            {
                json.Read();
                result.HasValue = json.TokenType == JsonTokenType.StartObject;
                if (result.HasValue)
                {
                    ReadValue(json, task, result, readBounds);
                }
                else
                {
                    json.Skip();
                }
            }
            else
            {
                json.Skip();
            }
        }

        task.RegionId = null;
        return result;
    }

    private void ReadValue(JsonTokenStream json, TaskState task, ResultRead result, bool readBounds)
    {
        while (json.Read() && json.TokenType != JsonTokenType.EndObject)
        {
            if (json.ValueEquals("start"u8))
            {
                result.Start = ReadBound(json, task, "start", readBounds);
            }
            else if (json.ValueEquals("end"u8))
            {
                result.End = ReadBound(json, task, "end", readBounds);
            }
            else if (json.ValueEquals("instant"u8))
            {
                json.Read();
                result.Instant = json.TokenType switch { JsonTokenType.True => true, JsonTokenType.False => false, _ => null };
                json.Skip();
            }
            else if (json.ValueEquals("timeserieslabels"u8))
            {
                json.Read();
                if (json.TokenType == JsonTokenType.StartArray)
                {
                    result.Labels = ReadStrings(json, _labels);
                }
                else
                {
                    result.LabelsType = TypeName(json);
                    json.Skip();
                }
            }
            else if (json.ValueEquals("choices"u8) || json.ValueEquals("text"u8))
            {
                var choices = json.ValueEquals("choices"u8);
                json.Read();
                if (json.TokenType == JsonTokenType.StartArray)
                {
                    var items = ReadStrings(json, null);
                    if (choices)
                    {
                        result.Choices = items;
                    }
                    else
                    {
                        result.Text = items;
                    }
                }
                else
                {
                    json.Skip();
                }
            }
            else
            {
                json.Skip();
            }
        }
    }

    private static List<string> ReadStrings(JsonTokenStream json, LabelCache? cache)
    {
        var items = new List<string>(1);
        while (json.Read() && json.TokenType != JsonTokenType.EndArray)
        {
            items.Add(json.TokenType == JsonTokenType.String && cache is not null ? cache.Get(json) : json.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray ? "?" : Text(json));
            json.Skip();
        }

        return items;
    }

    private BoundRead ReadBound(JsonTokenStream json, TaskState task, string field, bool keep)
    {
        task.Field = field;
        try
        {
            json.Read();
        }
        catch (JsonFileException e) when (e.Problem == JsonFileProblem.NonFiniteNumber)
        {
            throw Problem(e, task.Where());
        }

        task.Field = null;
        var bound = json.TokenType switch
        {
            JsonTokenType.String => new BoundRead(BoundKind.String, keep ? json.GetString() : string.Empty),
            JsonTokenType.Number => new BoundRead(BoundKind.Number, json.NumberText),
            _ => new BoundRead(BoundKind.Other, TypeName(json)),
        };
        json.Skip();
        return bound;
    }

    /// <summary>A primitive token as text (JSON's own text for numbers, "True"/"False", empty for null).</summary>
    private static string Text(JsonTokenStream json) => json.TokenType switch
    {
        JsonTokenType.String => json.GetString(),
        JsonTokenType.Number => json.NumberText,
        JsonTokenType.True => "True",
        JsonTokenType.False => "False",
        _ => string.Empty,
    };

    /// <summary>The token's kind as the messages name it (Newtonsoft's names, which users and the corpus know).</summary>
    private static string TypeName(JsonTokenStream json) => json.TokenType switch
    {
        JsonTokenType.String => "String",
        JsonTokenType.Number => json.ValueSpan.IndexOfAny(".eE"u8) >= 0 ? "Float" : "Integer",
        JsonTokenType.True or JsonTokenType.False => "Boolean",
        JsonTokenType.Null => "Null",
        JsonTokenType.StartObject => "Object",
        JsonTokenType.StartArray => "Array",
        var other => other.ToString(),
    };

    // ---------------------------------------------------------------- state

    /// <summary>Where a region comes from, for messages.</summary>
    private sealed record Where(int? TaskId, string? SeriesFile, int? AnnotationId, string? RegionId, int TaskIndex = -1, string? Field = null)
    {
        public Where(int taskId, string series, int annotationId, string regionId)
            : this(taskId, series, annotationId, regionId, -1)
        {
        }

        public string TaskText => TaskId?.ToString(CultureInfo.InvariantCulture) ?? $"number {TaskIndex + 1} in the file";

        public string TaskOnly => $"task {TaskText}";

        public override string ToString() =>
            $"task {TaskText}{(SeriesFile is null ? "" : $" ({SeriesFile})")}, annotation {AnnotationId?.ToString(CultureInfo.InvariantCulture) ?? "?"}, region '{RegionId ?? "?"}'";
    }

    private sealed class TaskState(int index, int line)
    {
        public int Index { get; } = index;
        public int Line { get; } = line;
        public int? Id { get; set; }
        public string? Data { get; set; }
        public string? StorageFilename { get; set; }
        public bool HasData { get; set; }
        public bool HasAnnotations { get; set; }
        public bool LooksMin { get; set; }
        public List<AnnotationState> Annotations { get; } = [];
        public List<PredictionState> Predictions { get; } = [];

        // Where the reader is, for a message about a number JSON cannot hold.
        public int? AnnotationId { get; set; }
        public string? RegionId { get; set; }
        public string? Field { get; set; }

        public Where Where() => new(Id, null, AnnotationId, RegionId, Index, Field);
    }

    private abstract class RegionsState
    {
        public (string RegionId, string Message)? Problem { get; set; }
        public Dictionary<string, List<Sibling>>? Siblings { get; set; }
    }

    private sealed class AnnotationState : RegionsState
    {
        public ExportedAnnotation Annotation { get; set; } = new();
        public string? CreatedText { get; set; }
        public string? UpdatedText { get; set; }
    }

    private sealed class PredictionState : RegionsState
    {
        public int Id { get; set; }
        public string? ModelVersion { get; set; }
        public List<PartialRegion> Regions { get; } = [];
        public Dictionary<string, double> Scores { get; } = new(StringComparer.Ordinal);
    }

    /// <summary>A per-region Choices or TextArea result: it shares the region's id.</summary>
    private sealed record Sibling(int ResultIndex, IReadOnlyList<string> Choices, IReadOnlyList<string> Text);

    private enum BoundKind
    {
        Missing,
        String,
        Number,
        Other,
    }

    /// <summary>A bound as read: a string (decoded), a number (its JSON text), or another kind (its name).</summary>
    private readonly record struct BoundRead(BoundKind Kind, string Text);

    private sealed class ResultRead
    {
        public string? Id { get; set; }
        public bool IsLabels { get; set; }
        public bool FromLabelsControl { get; set; }
        public string? FromName { get; set; }
        public string? Origin { get; set; }
        public double? Score { get; set; }
        public bool HasValue { get; set; }
        public BoundRead Start { get; set; }
        public BoundRead End { get; set; }
        public bool? Instant { get; set; }
        public List<string>? Labels { get; set; }
        public string? LabelsType { get; set; }
        public List<string>? Choices { get; set; }
        public List<string>? Text { get; set; }

        public PartialRegion ToRegion(LabelConfigInfo config, LabelCache labels, int resultIndex, out string? problem)
        {
            problem = null;
            if (!HasValue)
            {
                problem = "the result has no 'value' object.";
                return default;
            }

            if (!TryBound(Start, "start", config, out var start, out problem) || !TryBound(End, "end", config, out var end, out problem))
            {
                return default;
            }

            if (start > end)
            {
                problem = $"value.start {Start.Text} is after value.end {End.Text}.";
                return default;
            }

            if (Labels is null)
            {
                problem = LabelsType is null ? "value.timeserieslabels is missing." : $"value.timeserieslabels must be a list of labels, not {LabelsType}.";
                return default;
            }

            foreach (var label in Labels)
            {
                if (!labels.IsDefined(label))
                {
                    problem = $"label '{label}' is not defined in the project's labeling config ({string.Join(", ", config.Labels)}).";
                    return default;
                }
            }

            return new PartialRegion(0, resultIndex, Id ?? string.Empty, start, end, RawText(Start), RawText(End), Instant ?? start.CompareTo(end) == 0,
                labels.Array(Labels), Origin ?? "manual");
        }

        private static bool TryBound(BoundRead bound, string field, LabelConfigInfo config, out RangeBound value, out string? problem)
        {
            value = default;
            problem = null;
            switch (bound.Kind)
            {
                case BoundKind.String when config.TimeFormat is { } format:
                    if (format.TryParse(bound.Text, out var time))
                    {
                        value = RangeBound.At(time);
                        return true;
                    }

                    problem = bound.Text.Contains("NaN", StringComparison.Ordinal)
                        ? $"value.{field} '{bound.Text}' is not a time: Label Studio's editor writes this when a region is dragged onto the task's last point. " +
                          $"Open task {TaskPlaceholder} in Label Studio, move that region's " + field + " one point inwards (or draw it again) and submit, then run Export again."
                        : $"value.{field} '{bound.Text}' does not match the project's timeFormat '{format.Pattern}'.";
                    return false;
                case BoundKind.String:
                    if (double.TryParse(bound.Text, NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed) && double.IsFinite(parsed))
                    {
                        value = RangeBound.At(parsed);
                        return true;
                    }

                    problem = $"value.{field} '{bound.Text}' is not a number, and the project has no timeFormat.";
                    return false;
                case BoundKind.Number:
                    var number = double.Parse(bound.Text, NumberStyles.Float, CultureInfo.InvariantCulture);
                    if (config.TimeFormat is null)
                    {
                        value = RangeBound.At(number);
                        return double.IsFinite(number) || Fail($"value.{field} {bound.Text} is too large for a number of the time axis.", out problem);
                    }

                    // Epoch milliseconds: only what a date can hold (years 1 to 9999).
                    var ticks = Math.Round(number * TimeSpan.TicksPerMillisecond);
                    if (!(ticks >= -DateTimeOffset.UnixEpoch.Ticks && ticks <= DateTimeOffset.MaxValue.Ticks - DateTimeOffset.UnixEpoch.Ticks))
                    {
                        return Fail(
                            $"value.{field} {bound.Text} is not a time: as epoch milliseconds (the project has a timeFormat) it lies outside the years 1 to 9999. " +
                            "Fix or redraw the region in Label Studio.", out problem);
                    }

                    value = RangeBound.At(DateTimeOffset.UnixEpoch.AddTicks((long)ticks));
                    return true;
                case BoundKind.Missing:
                    return Fail($"value.{field} is missing.", out problem);
                default:
                    return Fail($"value.{field} must be a time string or a number, not {bound.Text}.", out problem);
            }
        }

        private static bool Fail(string message, out string? problem)
        {
            problem = message;
            return false;
        }

        /// <summary>A bound as Label Studio stored it: its JSON text without the quotes (numbers and escapes as Newtonsoft writes them).</summary>
        private static string RawText(BoundRead bound)
        {
            if (bound.Kind == BoundKind.Number)
            {
                if (bound.Text.AsSpan().IndexOfAny(".eE") < 0)
                {
                    return long.TryParse(bound.Text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var integer)
                        ? integer.ToString(CultureInfo.InvariantCulture)
                        : bound.Text;
                }

                var number = double.Parse(bound.Text, NumberStyles.Float, CultureInfo.InvariantCulture);
                var text = number.ToString("R", CultureInfo.InvariantCulture);
                return text.AsSpan().IndexOfAny(".E") >= 0 || !double.IsFinite(number) ? text : text + ".0";
            }

            // A plain string is its own JSON text; anything JSON escapes is written the way Newtonsoft escapes it.
            return bound.Text.AsSpan().ContainsAny(JsonEscaped) ? Newtonsoft.Json.JsonConvert.ToString(bound.Text).Trim('"') : bound.Text;
        }

        // What Newtonsoft's default string escaping changes: control characters, quote, backslash, U+0085, U+2028, U+2029.
        private static readonly System.Buffers.SearchValues<char> JsonEscaped = System.Buffers.SearchValues.Create(
            string.Concat(Enumerable.Range(0, 0x20).Select(c => (char)c)) + "\"\\\u0085\u2028\u2029");
    }
}

/// <summary>A region of a task before the task's end names its series and annotation (what the region buffer holds).</summary>
internal readonly record struct PartialRegion(
    int Annotation, int ResultIndex, string RegionId, RangeBound Start, RangeBound End, string StartRaw, string EndRaw, bool Instant, string[] Labels, string Origin);

/// <summary>The config's labels as strings and one-label arrays, so a million regions share them instead of each holding copies.</summary>
internal sealed class LabelCache
{
    private readonly (byte[] Utf8, string Label, string[] Single)[] _known;
    private readonly HashSet<string> _defined;

    public LabelCache(IReadOnlyList<string> labels)
    {
        _known = labels.Select(l => (Encoding.UTF8.GetBytes(l), l, new[] { l })).ToArray();
        _defined = labels.ToHashSet(StringComparer.Ordinal);
    }

    public bool IsDefined(string label) => _defined.Contains(label);

    public string Get(JsonTokenStream json)
    {
        if (!json.ValueIsEscaped)
        {
            foreach (var (utf8, label, _) in _known)
            {
                if (json.ValueSpan.SequenceEqual(utf8))
                {
                    return label;
                }
            }
        }

        return json.GetString();
    }

    public string Intern(string label)
    {
        foreach (var (_, known, _) in _known)
        {
            if (string.Equals(known, label, StringComparison.Ordinal))
            {
                return known;
            }
        }

        return label;
    }

    public string[] Array(List<string> labels)
    {
        if (labels.Count == 1)
        {
            foreach (var (_, label, single) in _known)
            {
                if (ReferenceEquals(label, labels[0]) || string.Equals(label, labels[0], StringComparison.Ordinal))
                {
                    return single;
                }
            }
        }

        return labels.ToArray();
    }
}
