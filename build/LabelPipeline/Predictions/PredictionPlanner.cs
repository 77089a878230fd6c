using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using LabelPipeline.Datasets;
using LabelPipeline.LabelConfig;
using LabelPipeline.TimeSeries;
using Newtonsoft.Json.Linq;

namespace LabelPipeline.Predictions;

/// <summary>A series' time extent: its first and last timestamp (both inclusive).</summary>
public readonly record struct SeriesExtent(RangeBound First, RangeBound Last);

/// <summary>What predictions are checked against and written for.</summary>
public sealed record PredictionPlanOptions
{
    /// <summary>The project's labeling config: result names, labels and the time format regions are written in.</summary>
    public required LabelConfigInfo Config { get; init; }

    /// <summary>The dataset's source series by file name: their extents and the task files (windows, overview) that show them.</summary>
    public required IReadOnlyDictionary<string, PredictionTarget> Series { get; init; }

    /// <summary>The format of the source's time column (input times may use it, or ISO 8601); null for a numeric axis.</summary>
    public TimeFormat? SeriesTimeFormat { get; init; }

    /// <summary>
    /// The zone of the source's wall-clock times (--time-zone, as Prepare read them): input times without an offset are
    /// read in it. Null: UTC, or a source whose times are absolute (epoch numbers, an offset in the format).
    /// </summary>
    public TimeZoneInfo? TimeZone { get; init; }

    public required string ModelVersion { get; init; }

    /// <summary>The label of intervals that name none, and of every interval found in scores.</summary>
    public required string DefaultLabel { get; init; }

    public ScoreIntervalOptions Scores { get; init; } = ScoreIntervalOptions.Default;

    /// <summary>Score samples held before they are sorted into a run on disk (16 MB at the default); tests make it small.</summary>
    internal int ScoreSamplesInMemory { get; init; } = 1 << 19;
}

/// <summary>One task's prediction: the Label Studio result list and the prediction's score.</summary>
/// <param name="Series">The task file it belongs to (a window or overview of a source, or the series file itself).</param>
/// <param name="Result">timeserieslabels results, one per region, each with a unique id, as CONTRACT §5.3 asks.</param>
/// <param name="Score">The highest region score, or 1 when no region has one.</param>
public sealed record SeriesPrediction(string Series, JArray Result, double? Score);

/// <summary>
/// Checks model output against the dataset and the labeling config — every series known, every label defined, every
/// time readable and inside its series — and writes each series' regions as the editor writes them: a unique
/// <c>id</c> per region, <c>instant</c> always present, times in the config's <c>timeFormat</c> (numbers without one).
/// Model output is in source terms (source file names, the source's times); each region goes to the task files that
/// show it (<see cref="PredictionTarget.Split"/>): clipped to every window it overlaps, whole on the overview.
/// All problems of the file are collected, so a user fixes them in one go; nothing is written when any is found.
/// </summary>
public static class PredictionPlanner
{
    private const int MaxErrorsShown = 20;

    public static IReadOnlyList<SeriesPrediction> Plan(PredictionFile file, PredictionPlanOptions options)
    {
        var errors = new Problems();
        if (!options.Config.Labels.Contains(options.DefaultLabel))
        {
            errors.Add($"--prediction-label '{options.DefaultLabel}' is not a label of the project's config ({string.Join(", ", options.Config.Labels)}): " +
                       "pass --prediction-label with one of them, or add the label to the project with --labels.");
        }

        var regions = new List<(string Series, RangeBound Start, RangeBound End, string Label, double? Score)>();
        if (file.Kind == PredictionFileKind.Intervals)
        {
            foreach (var row in file.Intervals)
            {
                var series = Series(row.Series, row.Source, options, errors);
                var label = row.Label ?? options.DefaultLabel;
                if (row.Label is not null && !options.Config.Labels.Contains(row.Label))
                {
                    errors.Add($"{row.Source}: label '{row.Label}' is not in the project's labeling config ({string.Join(", ", options.Config.Labels)}); " +
                               "add it with --labels, or map the model's label to one of these.");
                }

                var start = Time(row.Start, "start", row.Source, options, errors);
                var end = Time(row.End, "end", row.Source, options, errors);
                if (series is null || start is null || end is null)
                {
                    continue;
                }

                if (start > end)
                {
                    errors.Add($"{row.Source}: start {row.Start} is after end {row.End}.");
                    continue;
                }

                if (Outside(series, start.Value, end.Value, row.Source, options, errors))
                {
                    continue;
                }

                regions.Add((series, start.Value, end.Value, label, row.Score));
            }
        }
        else
        {
            // Sorted per series on disk (ScoreSpill): a score file of millions of rows is never held.
            var numbers = new Dictionary<string, int>(StringComparer.Ordinal);
            using var spill = new ScoreSpill(options.SeriesTimeFormat is not null, options.ScoreSamplesInMemory);
            foreach (var row in file.Scores)
            {
                var series = Series(row.Series, row.Source, options, errors);
                var time = Time(row.Time, "timestamp", row.Source, options, errors);
                if (series is null || time is null || Outside(series, time.Value, time.Value, row.Source, options, errors))
                {
                    continue;
                }

                if (!numbers.TryGetValue(series, out var number))
                {
                    numbers[series] = number = numbers.Count;
                }

                spill.Add(number, time.Value, row.Score);
            }

            if (errors.Count == 0)
            {
                foreach (var (series, number) in numbers)
                {
                    regions.AddRange(ScoreIntervals.FindInOrder(spill.Series(number), options.Scores).Select(i => (series, i.Start, i.End, options.DefaultLabel, (double?)i.Score)));
                }
            }
        }

        if (errors.Count > 0)
        {
            var shown = errors.Shown.ToList();
            if (errors.Count > MaxErrorsShown)
            {
                shown.Add($"... and {errors.Count - MaxErrorsShown} more.");
            }

            throw new PredictionException($"{file.Path}: {errors.Count} problem(s); nothing was imported:\n  " + string.Join("\n  ", shown));
        }

        return regions
            .SelectMany(r => options.Series[r.Series].Split(r.Start, r.End).Select(p => (Series: p.TaskFile, p.Start, p.End, r.Label, r.Score)))
            .GroupBy(r => r.Series, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => Build(g.Key, g.OrderBy(r => r.Start).ThenBy(r => r.End).ThenBy(r => r.Label, StringComparer.Ordinal).ToList(), options))
            .ToList();
    }

    /// <summary>Every problem counted; the first few kept for the message (a file can hold millions of bad rows).</summary>
    private sealed class Problems
    {
        private readonly List<string> _shown = [];

        public int Count { get; private set; }

        public IReadOnlyList<string> Shown => _shown;

        public void Add(string problem)
        {
            if (++Count <= MaxErrorsShown)
            {
                _shown.Add(problem);
            }
        }
    }

    /// <summary>A bound written as the config expects: a string in its timeFormat, else a number of the time axis.</summary>
    public static JToken FormatBound(RangeBound bound, LabelConfigInfo config)
    {
        if (bound.Time is { } time)
        {
            return config.TimeFormat is { } format
                ? new JValue(format.Format(time))
                : new JValue(time.ToUnixTimeMilliseconds()); // a dated axis without timeFormat: epoch ms, as the editor keeps it
        }

        return Number(bound.Number!.Value);
    }

    private static JValue Number(double number) =>
        number == Math.Floor(number) && Math.Abs(number) < 1e15 ? new JValue((long)number) : new JValue(number);

    private static SeriesPrediction Build(string series, List<(string Series, RangeBound Start, RangeBound End, string Label, double? Score)> regions, PredictionPlanOptions options)
    {
        var config = options.Config;
        var ids = new HashSet<string>(StringComparer.Ordinal);
        var result = new JArray();
        foreach (var region in regions)
        {
            var start = FormatBound(region.Start, config);
            var end = FormatBound(region.End, config);
            var id = RegionId(options.ModelVersion, series, start, end, region.Label);
            for (var n = 2; !ids.Add(id); n++)
            {
                id = RegionId(options.ModelVersion, series, start, end, region.Label + "#" + n.ToString(CultureInfo.InvariantCulture));
            }

            var item = new JObject
            {
                ["value"] = new JObject
                {
                    ["start"] = start,
                    ["end"] = end,
                    ["instant"] = JToken.DeepEquals(start, end),
                    ["timeserieslabels"] = new JArray(region.Label),
                },
                ["id"] = id,
                ["from_name"] = config.LabelsControlName,
                ["to_name"] = config.TimeSeriesName,
                ["type"] = "timeserieslabels",
                ["origin"] = "prediction", // what the editor marks loaded predictions with, so they round-trip unchanged
            };
            if (region.Score is { } score)
            {
                item["score"] = Number(score); // 1, not 1.0: the editor writes numbers back the JavaScript way
            }

            result.Add(item);
        }

        // The task's score orders the Data Manager's "Likely anomalies first" tab: the highest region score, or 1 when the
        // model gave its intervals none (they were flagged outright).
        var scores = regions.Where(r => r.Score is not null).Select(r => r.Score!.Value).ToList();
        return new SeriesPrediction(series, result, scores.Count > 0 ? scores.Max() : 1);
    }

    /// <summary>Stable across runs (a re-import gives the same ids, so the review can match regions by id).</summary>
    private static string RegionId(string modelVersion, string series, JToken start, JToken end, string label)
    {
        var key = string.Join('\n', modelVersion, series, start.ToString(), end.ToString(), label);
        return "p" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)))[..9];
    }

    private static string? Series(string name, RowSource source, PredictionPlanOptions options, Problems errors)
    {
        var file = Path.GetFileName(name.Replace('\\', '/'));
        if (options.Series.ContainsKey(file))
        {
            return file;
        }

        if (options.Series.ContainsKey(file + ".csv"))
        {
            return file + ".csv";
        }

        var known = options.Series.Keys.Order(StringComparer.Ordinal).ToList();
        errors.Add($"{source}: series '{name}' is not a file of the dataset (known: {string.Join(", ", known.Take(10))}{(known.Count > 10 ? ", ..." : string.Empty)}).");
        return null;
    }

    private static RangeBound? Time(string text, string field, RowSource source, PredictionPlanOptions options, Problems errors)
    {
        if (options.SeriesTimeFormat is { } format)
        {
            // The source's own format: a wall clock of --time-zone unless the format is absolute (epoch, %Z), as Prepare reads it.
            var wallClock = format.Epoch == EpochUnit.None && !format.Pattern.Contains("%Z", StringComparison.Ordinal);
            if (format.TryParse(text, out var time))
            {
                return wallClock ? FromZone(time, text, field, source, options.TimeZone, errors) : RangeBound.At(time);
            }

            // ISO 8601: with an offset (Z, +02:00) it is absolute; without one it is the source's wall clock.
            if (text.Contains('-', StringComparison.Ordinal)
                && DateTime.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var written)
                && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out time))
            {
                return written.Kind == DateTimeKind.Unspecified ? FromZone(time, text, field, source, options.TimeZone, errors) : RangeBound.At(time);
            }

            errors.Add($"{source}: {field} '{text}' is neither in the series' time format '{format.Pattern}' nor ISO 8601 (e.g. 2021-01-01T00:10:00Z).");
            return null;
        }

        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && double.IsFinite(number))
        {
            return RangeBound.At(number);
        }

        errors.Add($"{source}: {field} '{text}' is not a number; the series' time axis is numeric.");
        return null;
    }

    /// <summary>A wall-clock time (parsed as if UTC) in the source's zone, as UTC; a time the clocks skip is an error.</summary>
    private static RangeBound? FromZone(DateTimeOffset wallAsUtc, string text, string field, RowSource source, TimeZoneInfo? zone, Problems errors)
    {
        if (zone is null)
        {
            return RangeBound.At(wallAsUtc);
        }

        var wall = DateTime.SpecifyKind(wallAsUtc.UtcDateTime, DateTimeKind.Unspecified);
        if (zone.IsInvalidTime(wall))
        {
            errors.Add($"{source}: {field} '{text}' does not exist in time zone {zone.Id} (the clocks skip it at a daylight-saving change); write it with an offset, e.g. ISO 8601 with Z.");
            return null;
        }

        return RangeBound.At(new DateTimeOffset(TimeZoneInfo.ConvertTimeToUtc(wall, zone), TimeSpan.Zero));
    }

    private static bool Outside(string series, RangeBound start, RangeBound end, RowSource source, PredictionPlanOptions options, Problems errors)
    {
        var extent = options.Series[series].Extent;
        if (start >= extent.First && end <= extent.Last)
        {
            return false;
        }

        errors.Add($"{source}: {start.ToText()} .. {end.ToText()} lies outside series '{series}', which runs from {extent.First.ToText()} to {extent.Last.ToText()}{(extent.First.Time is null ? string.Empty : " (UTC)")}.");
        return true;
    }
}
