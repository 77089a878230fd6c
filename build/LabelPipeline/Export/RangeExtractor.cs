using System.Globalization;
using LabelPipeline.LabelConfig;
using LabelPipeline.LabelStudio;
using LabelPipeline.TimeSeries;
using Newtonsoft.Json.Linq;

namespace LabelPipeline.Export;

/// <summary>
/// Turns Label Studio annotations into <see cref="LabeledRange"/>s: every <c>timeserieslabels</c> result of the
/// config's labels control, joined by region id with that region's per-region choices and text. Region bounds are read
/// the way the editor writes them (CONTRACT.md §6.3): strings in the config's <c>timeFormat</c> (UTC), or numbers —
/// epoch milliseconds when a <c>timeFormat</c> is set, the time column's own values (or row indices) otherwise.
/// </summary>
public static class RangeExtractor
{
    public static IEnumerable<LabeledRange> Extract(LabelStudioTask task, LabelConfigInfo config, AnnotationSelection selection = AnnotationSelection.All)
    {
        var seriesFile = SeriesNames.FromUrl(task.Data[config.DataKey]?.ToString() ?? task.StorageFilename ?? $"task-{task.Id}");
        foreach (var annotation in selection.Select(task.Annotations))
        {
            var results = annotation.Result.OfType<JObject>().ToArray();
            var annotator = Annotator(annotation.CompletedBy);
            var createdAt = annotation.CreatedAt?.UtcDateTime.ToString("o", CultureInfo.InvariantCulture);
            var updatedAt = annotation.UpdatedAt?.UtcDateTime.ToString("o", CultureInfo.InvariantCulture);
            Dictionary<string, List<JObject>>? byId = null; // results by region id, built once per annotation
            foreach (var result in results)
            {
                if (!string.Equals(result["type"]?.ToString(), "timeserieslabels", StringComparison.OrdinalIgnoreCase)
                    || (config.LabelsControlName.Length > 0 && result["from_name"]?.ToString() != config.LabelsControlName))
                {
                    continue;
                }

                var regionId = result["id"]?.ToString() ?? string.Empty;
                var where = new Where(task.Id, seriesFile, annotation.Id, regionId);
                if (result["value"] is not JObject value)
                {
                    throw new ExportException($"{where}: the result has no 'value' object.");
                }

                var start = ReadBound(value["start"], config, where, "start");
                var end = ReadBound(value["end"], config, where, "end");
                if (start > end)
                {
                    throw new ExportException($"{where}: value.start {value["start"]} is after value.end {value["end"]}.");
                }

                var labels = value["timeserieslabels"] switch
                {
                    JArray array => array.Select(l => l.ToString()).ToArray(),
                    null => throw new ExportException($"{where}: value.timeserieslabels is missing."),
                    var other => throw new ExportException($"{where}: value.timeserieslabels must be a list of labels, not {other.Type}."),
                };
                foreach (var label in labels)
                {
                    if (!config.Labels.Contains(label))
                    {
                        throw new ExportException(
                            $"{where}: label '{label}' is not defined in the project's labeling config ({string.Join(", ", config.Labels)}).");
                    }
                }

                // Per-region Choices and TextArea results share the region's id.
                byId ??= ResultsById(results);
                var siblings = byId.TryGetValue(regionId, out var sameId) ? sameId.Where(r => r != result).ToArray() : [];
                yield return new LabeledRange
                {
                    TaskId = task.Id,
                    SeriesFile = seriesFile,
                    RegionId = regionId,
                    Start = start,
                    End = end,
                    StartRaw = RawText(value["start"]!),
                    EndRaw = RawText(value["end"]!),
                    Instant = value["instant"]?.Type == JTokenType.Boolean ? (bool)value["instant"]! : start.CompareTo(end) == 0,
                    Labels = labels,
                    Choices = siblings.Length == 0 ? [] : siblings.SelectMany(r => r["value"]?["choices"] as JArray ?? []).Select(c => c.ToString()).ToArray(),
                    Text = siblings.Length == 0 ? null : siblings.SelectMany(r => r["value"]?["text"] as JArray ?? []).Select(t => t.ToString()).FirstOrDefault(),
                    AnnotationId = annotation.Id,
                    Annotator = annotator,
                    CreatedAt = createdAt,
                    UpdatedAt = updatedAt,
                    Origin = result["origin"]?.ToString() ?? "manual",
                    GroundTruth = annotation.GroundTruth,
                };
            }
        }
    }

    /// <summary>Where a region comes from, for error messages; formatted only when one is thrown.</summary>
    private readonly record struct Where(int TaskId, string SeriesFile, int AnnotationId, string RegionId)
    {
        public override string ToString() => $"task {TaskId} ({SeriesFile}), annotation {AnnotationId}, region '{RegionId}'";
    }

    private static Dictionary<string, List<JObject>> ResultsById(JObject[] results)
    {
        var byId = new Dictionary<string, List<JObject>>(StringComparer.Ordinal);
        foreach (var result in results)
        {
            if (result["id"]?.ToString() is { } id)
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

    /// <summary>A bound as Label Studio stored it: its JSON text without the quotes.</summary>
    private static string RawText(JToken bound)
    {
        // A plain string is its own JSON text; anything that JSON would escape goes through the writer.
        if (bound is JValue { Type: JTokenType.String, Value: string text } && !text.AsSpan().ContainsAny(JsonEscaped))
        {
            return text;
        }

        return bound.ToString(Newtonsoft.Json.Formatting.None).Trim('"');
    }

    // What Newtonsoft's default string escaping changes: control characters, quote, backslash, U+0085, U+2028, U+2029.
    private static readonly System.Buffers.SearchValues<char> JsonEscaped = System.Buffers.SearchValues.Create(
        string.Concat(Enumerable.Range(0, 0x20).Select(c => (char)c)) + "\"\\\u0085\u2028\u2029");

    internal static string? Annotator(JToken? completedBy) => completedBy switch
    {
        JObject user => user["email"]?.ToString() ?? user["id"]?.ToString(),
        null => null,
        var id when id.Type == JTokenType.Null => null,
        var id => $"user {id}",
    };

    private static RangeBound ReadBound(JToken? token, LabelConfigInfo config, Where where, string field)
    {
        switch (token?.Type)
        {
            case JTokenType.String when config.TimeFormat is { } format:
                return format.TryParse(token.ToString(), out var time)
                    ? RangeBound.At(time)
                    : token.ToString().Contains("NaN", StringComparison.Ordinal)
                        // Label Studio's editor (LSF 1.4.0, measured in tests/Editor.Tests) writes this for a drag that ends on a task's last point.
                        ? throw new ExportException(
                            $"{where}: value.{field} '{token}' is not a time: Label Studio's editor writes this when a region is dragged onto the task's last point. " +
                            $"Open task {where.TaskId} in Label Studio, move that region's {field} one point inwards (or draw it again) and submit, then run Export again.")
                        : throw new ExportException(
                            $"{where}: value.{field} '{token}' does not match the project's timeFormat '{format.Pattern}'.");
            case JTokenType.String:
                return double.TryParse(token.ToString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed)
                    ? RangeBound.At(parsed)
                    : throw new ExportException($"{where}: value.{field} '{token}' is not a number, and the project has no timeFormat.");
            case JTokenType.Integer or JTokenType.Float when config.TimeFormat is not null:
                return RangeBound.At(DateTimeOffset.UnixEpoch.AddTicks((long)Math.Round((double)token * TimeSpan.TicksPerMillisecond)));
            case JTokenType.Integer or JTokenType.Float:
                return RangeBound.At((double)token);
            case null:
                throw new ExportException($"{where}: value.{field} is missing.");
            default:
                throw new ExportException($"{where}: value.{field} must be a time string or a number, not {token.Type}.");
        }
    }
}
