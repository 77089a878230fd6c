using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using LabelPipeline.LabelConfig;
using LabelPipeline.LabelStudio;

namespace LabelPipeline.Export;

/// <summary>The regions of one task, as <see cref="RangeExtractor.Extract"/> gives them, and how many annotations counted.</summary>
public sealed record TaskRanges(int TaskId, int Annotations, IReadOnlyList<LabeledRange> Ranges);

/// <summary>
/// Reads a Label Studio JSON export straight into <see cref="LabeledRange"/>s, one task at a time (memory stays flat).
/// <para>
/// <see cref="ExportFileReader.ReadTasks"/> + <see cref="RangeExtractor.Extract"/> define the result; this is a fast path
/// for the shapes Label Studio writes: it reads the UTF-8 bytes once (System.Text.Json's reader, no JSON tree) and
/// builds the same ranges. The moment a task holds anything it does not handle exactly like the reference — an error,
/// a field of another type, escapes, comments — it hands the rest of the file to the reference path, which then
/// produces the ranges or the error message (file, line, task, region) users know. The tests hold both paths to the
/// same output over every export in the repository; a change to RangeExtractor needs the same change here (or a
/// fallback for the new case).
/// </para>
/// </summary>
public static class ExportRanges
{
    public static IEnumerable<TaskRanges> Read(string exportFile, LabelConfigInfo config, AnnotationSelection selection) =>
        Read(exportFile, config, selection, onFallback: null);

    /// <param name="onFallback">Told the index of the task where the reference path took over (for the tests).</param>
    internal static IEnumerable<TaskRanges> Read(string exportFile, LabelConfigInfo config, AnnotationSelection selection, Action<int, Exception>? onFallback)
    {
        var done = 0;
        Exception? reason;
        using (var tasks = new FastReader(exportFile, config, selection))
        {
            while (tasks.Next() is { } task)
            {
                yield return task;
                done++;
            }

            if (tasks.Finished)
            {
                yield break;
            }

            reason = tasks.FallbackReason;
        }

        onFallback?.Invoke(done, reason!);
        foreach (var task in ExportFileReader.ReadTasks(exportFile).Skip(done))
        {
            yield return new TaskRanges(task.Id, selection.Select(task.Annotations).Count(), RangeExtractor.Extract(task, config, selection).ToList());
        }
    }

    /// <summary>Thrown inside the fast path for anything it leaves to the reference path.</summary>
    private sealed class NotHandled : Exception;

    private sealed class FastReader(string path, LabelConfigInfo config, AnnotationSelection selection) : IDisposable
    {
        private readonly FileStream _file = new(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
        private byte[] _buffer = ArrayPool<byte>.Shared.Rent(1 << 16);
        private int _start; // the first byte not yet consumed
        private int _end; // bytes in the buffer
        private bool _eof;
        private bool _begun;
        private JsonReaderState _state;

        /// <summary>Why the reference path took over (for the tests).</summary>
        public Exception? FallbackReason { get; private set; }

        /// <summary>The closing ']' was read: the whole export went through the fast path.</summary>
        public bool Finished { get; private set; }

        public void Dispose()
        {
            _file.Dispose();
            ArrayPool<byte>.Shared.Return(_buffer);
        }

        /// <summary>The next task's ranges, or null at the end of the array or when the reference path must take over.</summary>
        public TaskRanges? Next()
        {
            try
            {
                return Finished ? null : ReadNext();
            }
            catch (Exception e) when (e is NotHandled or JsonException or InvalidOperationException or FormatException
                                          or ArgumentException or OverflowException or Newtonsoft.Json.JsonException)
            {
                FallbackReason = e;
                return null;
            }
        }

        private TaskRanges? ReadNext()
        {
            if (!_begun)
            {
                Fill();
                if (_end >= 2 && (_buffer[0] is 0xFE or 0xFF || _buffer[1] == 0))
                {
                    throw new NotHandled(); // UTF-16/32: the reference path's StreamReader decodes those
                }

                if (_end >= 3 && _buffer.AsSpan(0, 3).SequenceEqual("\uFEFF"u8))
                {
                    _start = 3;
                }

                _begun = true;
                var first = Token(skip: false, out _);
                if (first != JsonTokenType.StartArray)
                {
                    throw new NotHandled();
                }
            }

            var token = Token(skip: true, out var task);
            switch (token)
            {
                case JsonTokenType.EndArray:
                    Finished = true; // the reference path ignores whatever follows the array too
                    return null;
                case JsonTokenType.StartObject:
                    return TaskParser.Parse(task.Span, config, selection);
                default:
                    throw new NotHandled();
            }
        }

        /// <summary>Reads one token (with <paramref name="skip"/>, the whole value it starts), refilling the buffer as needed.</summary>
        private JsonTokenType Token(bool skip, out ReadOnlyMemory<byte> value)
        {
            while (true)
            {
                var reader = new Utf8JsonReader(_buffer.AsSpan(_start, _end - _start), _eof, _state);
                if (reader.Read())
                {
                    var type = reader.TokenType;
                    var begin = _start + (int)reader.TokenStartIndex;
                    if (!skip || type != JsonTokenType.StartObject || reader.TrySkip())
                    {
                        value = _buffer.AsMemory(begin, _start + (int)reader.BytesConsumed - begin);
                        _start += (int)reader.BytesConsumed;
                        _state = reader.CurrentState;
                        return type;
                    }
                }

                if (_eof)
                {
                    throw new NotHandled(); // truncated: the reference path names file and line
                }

                Fill();
            }
        }

        /// <summary>Keeps the unconsumed bytes, makes room (doubling for a large task) and reads more of the file.</summary>
        private void Fill()
        {
            if (_start > 0)
            {
                _buffer.AsSpan(_start, _end - _start).CopyTo(_buffer);
                _end -= _start;
                _start = 0;
            }

            if (_end == _buffer.Length)
            {
                var larger = ArrayPool<byte>.Shared.Rent(_buffer.Length * 2);
                _buffer.AsSpan(0, _end).CopyTo(larger);
                ArrayPool<byte>.Shared.Return(_buffer);
                _buffer = larger;
            }

            var read = _file.Read(_buffer, _end, _buffer.Length - _end);
            _end += read;
            _eof = read == 0;
        }
    }

    /// <summary>Kinds of JSON value the reference treats differently.</summary>
    private enum Kind : byte
    {
        Absent,
        Null,
        String,
        Integer,
        Float,
        True,
        False,
        Other,
    }

    /// <summary>A scalar as the reference's JValue would hold it.</summary>
    private readonly record struct Scalar(Kind Kind, string? Text = null, long Integer = 0, double Float = 0)
    {
        /// <summary><c>JToken.ToString()</c> of a string or integer; anything else is not handled.</summary>
        public string TokenText => Kind switch
        {
            Kind.String => Text!,
            Kind.Integer => Integer.ToString(CultureInfo.InvariantCulture),
            _ => throw new NotHandled(),
        };

        public double Number => Kind == Kind.Integer ? Integer : Float;
    }

    private sealed class Result
    {
        public Scalar Id;
        public Scalar Type;
        public Scalar FromName;
        public Scalar Origin;
        public Kind Value;
        public Scalar Start;
        public Scalar End;
        public Kind Instant;
        public string[]? Labels;
        public bool LabelsNotAList;
        public string[]? Choices;
        public string[]? Text;
        public bool ChoicesOrTextNotHandled;

        /// <summary><c>result["id"]?.ToString()</c>.</summary>
        public string? IdText => Id.Kind switch
        {
            Kind.Absent => null,
            Kind.Null => string.Empty,
            _ => Id.TokenText,
        };
    }

    private sealed class AnnotationData
    {
        public int Id;
        public bool WasCancelled;
        public bool GroundTruth;
        public string? Annotator;
        public string? CreatedAt;
        public string? UpdatedAt;
        public readonly List<Result> Results = [];
    }

    /// <summary>One task's bytes → its ranges, or <see cref="NotHandled"/>.</summary>
    private static class TaskParser
    {
        private static readonly string[] TaskFields = ["id", "data", "annotations", "storage_filename", "project", "total_annotations"];
        private static readonly string[] AnnotationFields = ["id", "result", "was_cancelled", "ground_truth", "completed_by", "created_at", "updated_at", "task"];

        public static TaskRanges Parse(ReadOnlySpan<byte> json, LabelConfigInfo config, AnnotationSelection selection)
        {
            var reader = new Utf8JsonReader(json, isFinalBlock: true, default);
            reader.Read(); // StartObject
            int? id = null;
            Scalar series = new(Kind.Absent), storage = new(Kind.Absent);
            var annotations = new List<AnnotationData>();
            while (Property(ref reader, TaskFields) is { } name)
            {
                switch (name)
                {
                    case "id":
                        id = reader.TokenType == JsonTokenType.Number ? Int(ref reader) : throw new NotHandled();
                        break;
                    case "data":
                        series = ReadData(ref reader, config.DataKey);
                        break;
                    case "annotations":
                        annotations = ReadAnnotations(ref reader);
                        break;
                    case "storage_filename":
                        storage = reader.TokenType switch
                        {
                            JsonTokenType.String => new Scalar(Kind.String, reader.GetString()),
                            JsonTokenType.Null => new Scalar(Kind.Absent),
                            _ => throw new NotHandled(),
                        };
                        break;
                    case "project" or "total_annotations":
                        if (reader.TokenType != JsonTokenType.Null)
                        {
                            Int(ref reader);
                        }

                        break;
                    default:
                        reader.Skip();
                        break;
                }
            }

            var taskId = id ?? throw new NotHandled();
            var seriesFile = RangeExtractor.SeriesFileName(series.Kind switch
            {
                Kind.String => series.Text!,
                Kind.Absent => storage.Text ?? $"task-{taskId}",
                _ => throw new NotHandled(),
            });

            // Selection on the same records the reference selects on.
            var records = annotations.Select(a => (Data: a, Record: new Annotation
            {
                Id = a.Id,
                WasCancelled = a.WasCancelled,
                GroundTruth = a.GroundTruth,
                CreatedAt = ExportFileReader.ReadDate(a.CreatedAt),
                UpdatedAt = ExportFileReader.ReadDate(a.UpdatedAt),
            })).ToList();
            var selected = selection.Select(records.Select(r => r.Record)).ToHashSet(ReferenceEqualityComparer.Instance);
            var ranges = new List<LabeledRange>();
            foreach (var (annotation, record) in records)
            {
                if (selected.Contains(record))
                {
                    Extract(taskId, seriesFile, annotation, record, config, ranges);
                }
            }

            return new TaskRanges(taskId, selected.Count, ranges);
        }

        /// <summary>RangeExtractor.Extract for one annotation; every error is left to the reference path.</summary>
        private static void Extract(int taskId, string seriesFile, AnnotationData annotation, Annotation record, LabelConfigInfo config, List<LabeledRange> ranges)
        {
            var createdAt = record.CreatedAt?.UtcDateTime.ToString("o", CultureInfo.InvariantCulture);
            var updatedAt = record.UpdatedAt?.UtcDateTime.ToString("o", CultureInfo.InvariantCulture);
            Dictionary<string, List<Result>>? byId = null;
            foreach (var result in annotation.Results)
            {
                if (result.Type.Kind != Kind.String || !string.Equals(result.Type.Text, "timeserieslabels", StringComparison.OrdinalIgnoreCase))
                {
                    continue;
                }

                if (config.LabelsControlName.Length > 0)
                {
                    var fromName = result.FromName.Kind switch
                    {
                        Kind.Absent => null,
                        Kind.Null => string.Empty,
                        Kind.String => result.FromName.Text,
                        _ => throw new NotHandled(),
                    };
                    if (fromName != config.LabelsControlName)
                    {
                        continue;
                    }
                }

                var regionId = result.IdText ?? string.Empty;
                if (result.Value != Kind.Other || result.LabelsNotAList || result.Labels is null)
                {
                    throw new NotHandled(); // no value object, or no list of labels: the reference's error
                }

                var start = Bound(result.Start, config);
                var end = Bound(result.End, config);
                if (start > end)
                {
                    throw new NotHandled();
                }

                foreach (var label in result.Labels)
                {
                    if (!config.Labels.Contains(label))
                    {
                        throw new NotHandled();
                    }
                }

                byId ??= ById(annotation.Results);
                IReadOnlyList<string> choices = [];
                string? text = null;
                if (byId.TryGetValue(regionId, out var sameId) && sameId.Count > 1)
                {
                    var siblings = sameId.Where(r => r != result).ToArray();
                    if (siblings.Any(s => s.ChoicesOrTextNotHandled))
                    {
                        throw new NotHandled();
                    }

                    choices = siblings.SelectMany(s => s.Choices ?? []).ToArray();
                    text = siblings.SelectMany(s => s.Text ?? []).FirstOrDefault();
                }

                ranges.Add(new LabeledRange
                {
                    TaskId = taskId,
                    SeriesFile = seriesFile,
                    RegionId = regionId,
                    Start = start,
                    End = end,
                    StartRaw = Raw(result.Start),
                    EndRaw = Raw(result.End),
                    Instant = result.Instant switch
                    {
                        Kind.True => true,
                        Kind.False => false,
                        _ => start.CompareTo(end) == 0,
                    },
                    Labels = result.Labels,
                    Choices = choices,
                    Text = text,
                    AnnotationId = annotation.Id,
                    Annotator = annotation.Annotator,
                    CreatedAt = createdAt,
                    UpdatedAt = updatedAt,
                    Origin = result.Origin.Kind switch
                    {
                        Kind.Absent => "manual",
                        Kind.Null => string.Empty,
                        Kind.String => result.Origin.Text!,
                        _ => throw new NotHandled(),
                    },
                    GroundTruth = annotation.GroundTruth,
                });
            }
        }

        private static Dictionary<string, List<Result>> ById(List<Result> results)
        {
            var byId = new Dictionary<string, List<Result>>(StringComparer.Ordinal);
            foreach (var result in results)
            {
                if (result.IdText is { } id)
                {
                    if (!byId.TryGetValue(id, out var list))
                    {
                        byId[id] = list = [];
                    }

                    list.Add(result);
                }
            }

            return byId;
        }

        /// <summary>RangeExtractor.ReadBound for the values it accepts.</summary>
        private static RangeBound Bound(Scalar bound, LabelConfigInfo config) => bound.Kind switch
        {
            Kind.String when config.TimeFormat is { } format =>
                format.TryParse(bound.Text!, out var time) ? RangeBound.At(time) : throw new NotHandled(),
            Kind.String =>
                double.TryParse(bound.Text, NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed) ? RangeBound.At(parsed) : throw new NotHandled(),
            Kind.Integer or Kind.Float when config.TimeFormat is not null =>
                RangeBound.At(DateTimeOffset.UnixEpoch.AddTicks((long)Math.Round(bound.Number * TimeSpan.TicksPerMillisecond))),
            Kind.Integer or Kind.Float => RangeBound.At(bound.Number),
            _ => throw new NotHandled(),
        };

        /// <summary>The bound's JSON text without quotes, as the reference writes it (no escapes here).</summary>
        private static string Raw(Scalar bound) => bound.Kind switch
        {
            Kind.String when !bound.Text.AsSpan().ContainsAny(JsonEscaped) => bound.Text!,
            Kind.Integer => Newtonsoft.Json.JsonConvert.ToString(bound.Integer),
            Kind.Float => Newtonsoft.Json.JsonConvert.ToString(bound.Float),
            _ => throw new NotHandled(),
        };

        // What Newtonsoft's default string escaping changes: control characters, quote, backslash, U+0085, U+2028, U+2029.
        private static readonly SearchValues<char> JsonEscaped = SearchValues.Create(
            string.Concat(Enumerable.Range(0, 0x20).Select(c => (char)c)) + "\"\\\u0085\u2028\u2029");

        private static Scalar ReadData(ref Utf8JsonReader reader, string key)
        {
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                throw new NotHandled();
            }

            var value = new Scalar(Kind.Absent);
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var match = reader.ValueTextEquals(key);
                reader.Read();
                if (match)
                {
                    value = reader.TokenType == JsonTokenType.String ? new Scalar(Kind.String, reader.GetString()) : throw new NotHandled();
                }
                else
                {
                    reader.Skip();
                }
            }

            return value;
        }

        private static List<AnnotationData> ReadAnnotations(ref Utf8JsonReader reader)
        {
            if (reader.TokenType != JsonTokenType.StartArray)
            {
                throw new NotHandled();
            }

            var annotations = new List<AnnotationData>();
            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                if (reader.TokenType != JsonTokenType.StartObject)
                {
                    throw new NotHandled();
                }

                var annotation = new AnnotationData();
                while (Property(ref reader, AnnotationFields) is { } name)
                {
                    var isNull = reader.TokenType == JsonTokenType.Null;
                    switch (name)
                    {
                        case "id" when !isNull:
                            annotation.Id = Int(ref reader);
                            break;
                        case "was_cancelled" when !isNull:
                            annotation.WasCancelled = Bool(ref reader);
                            break;
                        case "ground_truth" when !isNull:
                            annotation.GroundTruth = Bool(ref reader);
                            break;
                        case "created_at":
                            annotation.CreatedAt = isNull ? null : String(ref reader);
                            break;
                        case "updated_at":
                            annotation.UpdatedAt = isNull ? null : String(ref reader);
                            break;
                        case "task" when !isNull:
                            Int(ref reader);
                            break;
                        case "completed_by":
                            annotation.Annotator = Annotator(ref reader);
                            break;
                        case "result" when !isNull:
                            ReadResults(ref reader, annotation.Results);
                            break;
                        case "result":
                            throw new NotHandled();
                        default:
                            reader.Skip();
                            break;
                    }
                }

                annotations.Add(annotation);
            }

            return annotations;
        }

        /// <summary>RangeExtractor's Annotator over the completed_by value.</summary>
        private static string? Annotator(ref Utf8JsonReader reader)
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.Null:
                    return null;
                case JsonTokenType.Number:
                    return $"user {Integer(ref reader)}";
                case JsonTokenType.String:
                    return $"user {reader.GetString()}";
                case JsonTokenType.StartObject:
                    Scalar email = new(Kind.Absent), id = new(Kind.Absent);
                    while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                    {
                        var which = reader.ValueTextEquals("email"u8) ? 1 : reader.ValueTextEquals("id"u8) ? 2 : 0;
                        reader.Read();
                        if (which == 1)
                        {
                            email = Value(ref reader);
                        }
                        else if (which == 2)
                        {
                            id = Value(ref reader);
                        }
                        else
                        {
                            reader.Skip();
                        }
                    }

                    return email.Kind switch
                    {
                        Kind.Null => string.Empty,
                        Kind.Absent => id.Kind switch
                        {
                            Kind.Absent => null,
                            Kind.Null => string.Empty,
                            _ => id.TokenText,
                        },
                        _ => email.TokenText,
                    };
                default:
                    throw new NotHandled();
            }
        }

        private static void ReadResults(ref Utf8JsonReader reader, List<Result> results)
        {
            if (reader.TokenType != JsonTokenType.StartArray)
            {
                throw new NotHandled();
            }

            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                if (reader.TokenType != JsonTokenType.StartObject)
                {
                    reader.Skip(); // the reference keeps only objects
                    continue;
                }

                var result = new Result();
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    var name = reader.ValueTextEquals("value"u8) ? 1
                        : reader.ValueTextEquals("id"u8) ? 2
                        : reader.ValueTextEquals("type"u8) ? 3
                        : reader.ValueTextEquals("from_name"u8) ? 4
                        : reader.ValueTextEquals("origin"u8) ? 5
                        : 0;
                    reader.Read();
                    switch (name)
                    {
                        case 1:
                            ReadValue(ref reader, result);
                            break;
                        case 2:
                            result.Id = Value(ref reader);
                            break;
                        case 3:
                            result.Type = Value(ref reader);
                            break;
                        case 4:
                            result.FromName = Value(ref reader);
                            break;
                        case 5:
                            result.Origin = Value(ref reader);
                            break;
                        default:
                            reader.Skip();
                            break;
                    }
                }

                results.Add(result);
            }
        }

        private static void ReadValue(ref Utf8JsonReader reader, Result result)
        {
            // Replaces an earlier "value" entirely, as the reference's JObject does with a repeated key.
            result.Start = result.End = default;
            result.Instant = Kind.Absent;
            result.Labels = result.Choices = result.Text = null;
            result.LabelsNotAList = false;
            result.ChoicesOrTextNotHandled = reader.TokenType != JsonTokenType.StartObject;
            result.Value = reader.TokenType switch
            {
                JsonTokenType.StartObject => Kind.Other,
                JsonTokenType.Null => Kind.Null,
                _ => Kind.String, // any other value: not an object
            };
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                reader.Skip();
                return;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var name = reader.ValueTextEquals("start"u8) ? 1
                    : reader.ValueTextEquals("end"u8) ? 2
                    : reader.ValueTextEquals("instant"u8) ? 3
                    : reader.ValueTextEquals("timeserieslabels"u8) ? 4
                    : reader.ValueTextEquals("choices"u8) ? 5
                    : reader.ValueTextEquals("text"u8) ? 6
                    : 0;
                reader.Read();
                switch (name)
                {
                    case 1:
                        result.Start = Value(ref reader);
                        break;
                    case 2:
                        result.End = Value(ref reader);
                        break;
                    case 3:
                        result.Instant = reader.TokenType switch
                        {
                            JsonTokenType.True => Kind.True,
                            JsonTokenType.False => Kind.False,
                            _ => Kind.Other,
                        };
                        reader.Skip();
                        break;
                    case 4:
                        result.Labels = StringList(ref reader, out var notAList);
                        result.LabelsNotAList = notAList;
                        break;
                    case 5:
                        result.Choices = StringList(ref reader, out _); // `as JArray ?? []`: anything else counts as none
                        break;
                    case 6:
                        result.Text = StringList(ref reader, out _);
                        break;
                    default:
                        reader.Skip();
                        break;
                }
            }
        }

        /// <summary>A list of strings; null with <paramref name="notAList"/> for any other value (a list holding non-strings is not handled).</summary>
        private static string[]? StringList(ref Utf8JsonReader reader, out bool notAList)
        {
            if (reader.TokenType != JsonTokenType.StartArray)
            {
                notAList = true;
                reader.Skip();
                return null;
            }

            notAList = false;
            var items = new List<string>(1);
            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                items.Add(reader.TokenType == JsonTokenType.String ? reader.GetString()! : throw new NotHandled());
            }

            return [.. items];
        }

        /// <summary>A scalar value; containers are skipped and marked Other.</summary>
        private static Scalar Value(ref Utf8JsonReader reader)
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.String:
                    return new Scalar(Kind.String, reader.GetString());
                case JsonTokenType.Number:
                    var raw = reader.ValueSpan;
                    if (raw.IndexOfAny("."u8) < 0 && raw.IndexOfAny("eE"u8) < 0)
                    {
                        return new Scalar(Kind.Integer, Integer: Integer(ref reader));
                    }

                    // The number's text parsed as Newtonsoft parses it, not System.Text.Json's own double reader.
                    var text = Encoding.UTF8.GetString(raw);
                    return new Scalar(Kind.Float, Float: double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture));
                case JsonTokenType.Null:
                    return new Scalar(Kind.Null);
                case JsonTokenType.True:
                    return new Scalar(Kind.True);
                case JsonTokenType.False:
                    return new Scalar(Kind.False);
                default:
                    reader.Skip();
                    return new Scalar(Kind.Other);
            }
        }

        /// <summary>The next property of the current object (the reader then on its value), or null at its end.</summary>
        private static string? Property(ref Utf8JsonReader reader, string[] known)
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.PropertyName)
            {
                return null;
            }

            foreach (var name in known)
            {
                if (reader.ValueTextEquals(name))
                {
                    reader.Read();
                    return name;
                }
            }

            // The reference binds typed fields case-insensitively ("ID", "Annotations"): not handled here.
            var other = reader.GetString()!;
            if (known.Any(k => string.Equals(k, other, StringComparison.OrdinalIgnoreCase)))
            {
                throw new NotHandled();
            }

            reader.Read();
            return other;
        }

        private static long Integer(ref Utf8JsonReader reader) =>
            reader.TokenType == JsonTokenType.Number && reader.ValueSpan.IndexOfAny(".eE"u8) < 0 && reader.TryGetInt64(out var value)
                ? value
                : throw new NotHandled();

        private static int Int(ref Utf8JsonReader reader) =>
            Integer(ref reader) is >= int.MinValue and <= int.MaxValue and var value ? (int)value : throw new NotHandled();

        private static bool Bool(ref Utf8JsonReader reader) => reader.TokenType switch
        {
            JsonTokenType.True => true,
            JsonTokenType.False => false,
            _ => throw new NotHandled(),
        };

        private static string String(ref Utf8JsonReader reader) =>
            reader.TokenType == JsonTokenType.String ? reader.GetString()! : throw new NotHandled();
    }
}
