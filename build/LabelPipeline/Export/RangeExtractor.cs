using System.Globalization;
using LabelPipeline.LabelConfig;
using LabelPipeline.LabelStudio;
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
        var seriesFile = SeriesFileName(task.Data[config.DataKey]?.ToString() ?? task.StorageFilename ?? $"task-{task.Id}");
        foreach (var annotation in selection.Select(task.Annotations))
        {
            var results = annotation.Result.OfType<JObject>().ToArray();
            foreach (var result in results)
            {
                if (!string.Equals(result["type"]?.ToString(), "timeserieslabels", StringComparison.OrdinalIgnoreCase)
                    || (config.LabelsControlName.Length > 0 && result["from_name"]?.ToString() != config.LabelsControlName))
                {
                    continue;
                }

                var regionId = result["id"]?.ToString() ?? string.Empty;
                var where = $"task {task.Id} ({seriesFile}), annotation {annotation.Id}, region '{regionId}'";
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
                foreach (var label in labels.Where(l => !config.Labels.Contains(l)))
                {
                    throw new ExportException(
                        $"{where}: label '{label}' is not defined in the project's labeling config ({string.Join(", ", config.Labels)}).");
                }

                // Per-region Choices and TextArea results share the region's id.
                var siblings = results.Where(r => r != result && r["id"]?.ToString() == regionId).ToArray();
                yield return new LabeledRange
                {
                    TaskId = task.Id,
                    SeriesFile = seriesFile,
                    RegionId = regionId,
                    Start = start,
                    End = end,
                    StartRaw = value["start"]!.ToString(Newtonsoft.Json.Formatting.None).Trim('"'),
                    EndRaw = value["end"]!.ToString(Newtonsoft.Json.Formatting.None).Trim('"'),
                    Instant = value["instant"]?.Type == JTokenType.Boolean ? (bool)value["instant"]! : start.CompareTo(end) == 0,
                    Labels = labels,
                    Choices = siblings.SelectMany(r => r["value"]?["choices"] as JArray ?? []).Select(c => c.ToString()).ToArray(),
                    Text = siblings.SelectMany(r => r["value"]?["text"] as JArray ?? []).Select(t => t.ToString()).FirstOrDefault(),
                    AnnotationId = annotation.Id,
                    Annotator = Annotator(annotation.CompletedBy),
                    CreatedAt = annotation.CreatedAt?.UtcDateTime.ToString("o", CultureInfo.InvariantCulture),
                    UpdatedAt = annotation.UpdatedAt?.UtcDateTime.ToString("o", CultureInfo.InvariantCulture),
                    Origin = result["origin"]?.ToString() ?? "manual",
                    GroundTruth = annotation.GroundTruth,
                };
            }
        }
    }

    /// <summary>The file name at the end of a storage URL: <c>/data/local-files/?d=ds/v1/a.csv</c>, <c>s3://b/p/a.csv</c>.</summary>
    public static string SeriesFileName(string url)
    {
        var path = url.Contains("?d=", StringComparison.Ordinal) ? Uri.UnescapeDataString(url[(url.IndexOf("?d=", StringComparison.Ordinal) + 3)..]) : url;
        return path.Split('?')[0].TrimEnd('/').Split('/')[^1];
    }

    private static string? Annotator(JToken? completedBy) => completedBy switch
    {
        JObject user => user["email"]?.ToString() ?? user["id"]?.ToString(),
        null => null,
        var id when id.Type == JTokenType.Null => null,
        var id => $"user {id}",
    };

    private static RangeBound ReadBound(JToken? token, LabelConfigInfo config, string where, string field)
    {
        switch (token?.Type)
        {
            case JTokenType.String when config.TimeFormat is { } format:
                return format.TryParse(token.ToString(), out var time)
                    ? RangeBound.At(time)
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
