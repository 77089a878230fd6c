using System.Globalization;
using LabelPipeline.LabelConfig;
using LabelPipeline.LabelStudio;
using Newtonsoft.Json.Linq;

namespace LabelPipeline.Export;

/// <summary>
/// Turns Label Studio annotations into <see cref="LabeledRange"/>s: every non-cancelled annotation of every task,
/// every <c>timeserieslabels</c> result of the config's labels control. Region bounds are read the way the editor
/// writes them (CONTRACT.md §6.3): strings in the config's <c>timeFormat</c> (UTC), or numbers — epoch milliseconds
/// when a <c>timeFormat</c> is set, the time column's own values otherwise.
/// </summary>
public static class RangeExtractor
{
    public static IEnumerable<LabeledRange> Extract(LabelStudioTask task, LabelConfigInfo config)
    {
        var seriesFile = task.Data[config.DataKey]?.ToString() ?? task.StorageFilename ?? $"task {task.Id}";
        foreach (var annotation in task.Annotations.Where(a => !a.WasCancelled))
        {
            foreach (var result in annotation.Result.OfType<JObject>())
            {
                if (!string.Equals(result["type"]?.ToString(), "timeserieslabels", StringComparison.OrdinalIgnoreCase)
                    || (config.LabelsControlName.Length > 0 && result["from_name"]?.ToString() != config.LabelsControlName))
                {
                    continue;
                }

                var where = $"task {task.Id} ({seriesFile}), annotation {annotation.Id}, region '{result["id"]}'";
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
                var instant = value["instant"]?.Type == JTokenType.Boolean ? (bool)value["instant"]! : start.CompareTo(end) == 0;
                yield return new LabeledRange(task.Id, seriesFile, annotation.Id, result["id"]?.ToString() ?? string.Empty, start, end, instant, labels);
            }
        }
    }

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
