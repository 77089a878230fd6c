using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace LabelPipeline.DatasetGenerator;

/// <summary>One generated CSV file (a calendar month), as the exact bytes to write.</summary>
public sealed record GeneratedFile(string Name, byte[] Content, int Rows, DateTime First, DateTime Last)
{
    public string Sha256 => Convert.ToHexStringLower(SHA256.HashData(Content));
}

/// <summary>Everything a run produces: the CSV files, the ground-truth JSON and what the console reports.</summary>
public sealed record GeneratedDataset(
    IReadOnlyList<GeneratedFile> Files,
    byte[] GroundTruth,
    IReadOnlyList<PlacedAnomaly> Anomalies,
    IReadOnlyList<string> Notes,
    double Min,
    double Max,
    double NormalMin,
    double NormalMax);

/// <summary>
/// Builds the dataset in memory. Pure: the same options give the same bytes, on any OS, culture or .NET version —
/// own PRNG, only exactly rounded arithmetic, values printed from integers, LF line ends, UTF-8 without BOM.
/// </summary>
public static class DatasetGenerator
{
    public const string TimeColumn = "timestamp";
    public const string TimeFormat = "yyyy-MM-dd HH:mm:ss";
    public const string StrftimeFormat = "%Y-%m-%d %H:%M:%S";
    public const int Decimals = 2;
    private const long Scale = 100; // 10^Decimals

    public static string ChannelName(int index) => "signal_" + index.ToString("D2", CultureInfo.InvariantCulture);

    public static string FormatTime(DateTime time) => time.ToString(TimeFormat, CultureInfo.InvariantCulture);

    /// <summary>The value as printed: rounded half away from zero to <see cref="Decimals"/> decimals.</summary>
    public static long ToScaled(double value) => (long)Math.Round(value * Scale, MidpointRounding.AwayFromZero);

    public static GeneratedDataset Generate(GeneratorOptions options)
    {
        var channels = Enumerable.Range(0, options.Channels).Select(i => new ChannelProcess(options.Seed, i, options.IntervalMinutes)).ToArray();
        var groups = Enumerable.Range(0, SignalModel.GroupCount(options.Channels)).Select(g => new GroupProcess(options.Seed, g, options.IntervalMinutes)).ToArray();
        var intervalTicks = TimeSpan.FromMinutes(options.IntervalMinutes).Ticks;
        var totalRows = (options.End - options.Start).Ticks / intervalTicks;
        var notes = new List<string>();
        var anomalies = Place(options, channels, groups.Length, totalRows, intervalTicks, notes);

        // For each channel, the anomalies touching it (at most a handful), with the channel's slot in each.
        var byChannel = channels.Select(c => anomalies
                .Select(a => (Anomaly: a, Slot: IndexOf(a.Channels, c.Index)))
                .Where(x => x.Slot >= 0)
                .ToArray())
            .ToArray();

        var header = TimeColumn + "," + string.Join(',', channels.Select(c => ChannelName(c.Index))) + "\n";
        var files = new List<GeneratedFile>();
        var previous = new double[channels.Length];
        var text = new StringBuilder();
        var fileRows = 0;
        DateTime fileFirst = default, fileLast = default;
        double min = double.MaxValue, max = double.MinValue, normalMin = double.MaxValue, normalMax = double.MinValue;

        void Flush()
        {
            if (fileRows > 0)
            {
                files.Add(new GeneratedFile(fileFirst.ToString("yyyy-MM", CultureInfo.InvariantCulture) + ".csv", Encoding.UTF8.GetBytes(text.ToString()), fileRows, fileFirst, fileLast));
            }

            text.Clear().Append(header);
            fileRows = 0;
        }

        Flush();
        for (long row = 0; row < totalRows; row++)
        {
            var time = new DateTime(options.Start.Ticks + (row * intervalTicks), DateTimeKind.Utc);
            if (fileRows > 0 && (time.Month != fileFirst.Month || time.Year != fileFirst.Year))
            {
                Flush();
            }

            if (fileRows == 0)
            {
                fileFirst = time;
            }

            fileLast = time;
            fileRows++;
            text.Append(FormatTime(time));
            var rowTime = RowTime.At(time);
            for (var c = 0; c < channels.Length; c++)
            {
                var channel = channels[c];
                var value = channel.Next(rowTime, groups[channel.Group]);
                var anomalous = false;
                foreach (var (anomaly, slot) in byChannel[c])
                {
                    if (anomaly.Covers(row))
                    {
                        value = anomaly.Apply(row, slot, value, previous[c], channel.NoiseScale);
                        anomalous = true;
                    }
                }

                var scaled = ToScaled(value);
                var printed = (double)scaled / Scale;
                previous[c] = printed;
                min = Math.Min(min, printed);
                max = Math.Max(max, printed);
                if (!anomalous)
                {
                    normalMin = Math.Min(normalMin, printed);
                    normalMax = Math.Max(normalMax, printed);
                }

                text.Append(',');
                AppendFixed(text, scaled);
            }

            text.Append('\n');
            foreach (var group in groups)
            {
                group.Step();
            }
        }

        Flush();
        var groundTruth = GroundTruth(options, files, anomalies);
        return new GeneratedDataset(files, groundTruth, anomalies, notes, min, max, normalMin, normalMax);
    }

    /// <summary>Prints a scaled integer as a fixed-point decimal, without any culture or floating-point formatting.</summary>
    public static void AppendFixed(StringBuilder text, long scaled)
    {
        if (scaled < 0)
        {
            text.Append('-');
            scaled = -scaled;
        }

        text.Append((scaled / Scale).ToString(CultureInfo.InvariantCulture))
            .Append('.')
            .Append((scaled % Scale).ToString("D" + Decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture));
    }

    private static int IndexOf(IReadOnlyList<int> list, int value)
    {
        for (var i = 0; i < list.Count; i++)
        {
            if (list[i] == value)
            {
                return i;
            }
        }

        return -1;
    }

    private static List<PlacedAnomaly> Place(GeneratorOptions options, ChannelProcess[] channels, int groupCount, long totalRows, long intervalTicks, List<string> notes)
    {
        var placed = new List<PlacedAnomaly>();
        for (var k = 0; k < AnomalySpec.Schedule.Count; k++)
        {
            var spec = AnomalySpec.Schedule[k];
            var start = spec.Start.Resolve(options.Start);
            var end = spec.End.Resolve(options.Start);

            // Snap onto the row grid: the first row at or after the start, the last row at or before the end.
            var startRow = ((start - options.Start).Ticks + intervalTicks - 1) / intervalTicks;
            var endRow = (end - options.Start).Ticks / intervalTicks;
            if (endRow >= totalRows)
            {
                notes.Add($"{spec.Id} ({AnomalySpec.KindName(spec.Kind)}, {FormatTime(start)} → {FormatTime(end)}) is left out: it ends after the last row ({options.Months} month(s)).");
                continue;
            }

            if (endRow < startRow)
            {
                notes.Add($"{spec.Id} ({AnomalySpec.KindName(spec.Kind)}) is left out: no row falls in {FormatTime(start)} → {FormatTime(end)} at a {options.IntervalMinutes}-minute interval.");
                continue;
            }

            var group = spec.Group % groupCount;
            var members = channels.Where(c => c.Group == group).ToArray();
            var snappedStart = new DateTime(options.Start.Ticks + (startRow * intervalTicks), DateTimeKind.Utc);
            var snappedEnd = new DateTime(options.Start.Ticks + (endRow * intervalTicks), DateTimeKind.Utc);
            placed.Add(new PlacedAnomaly(spec, startRow, endRow, snappedStart, snappedEnd, members, options.Seed, k));
        }

        return placed;
    }

    private static byte[] GroundTruth(GeneratorOptions options, IReadOnlyList<GeneratedFile> files, IReadOnlyList<PlacedAnomaly> anomalies)
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, NewLine = "\n", Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            json.WriteString("dataset", options.DatasetName);
            json.WriteString("version", options.DatasetVersion);
            json.WriteString("description",
                "Synthetic multivariate sensor time series (correlated channel groups, daily/weekly seasonality, slow drift, noise) " +
                "with injected anomalies. Generated by datasets/generator; do not edit by hand.");
            json.WriteStartObject("generator");
            json.WriteString("start", options.Start.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
            json.WriteNumber("months", options.Months);
            json.WriteNumber("intervalMinutes", options.IntervalMinutes);
            json.WriteNumber("channels", options.Channels);
            json.WriteNumber("seed", options.Seed);
            json.WriteNumber("decimals", Decimals);
            json.WriteEndObject();
            json.WriteString("timeColumn", TimeColumn);
            json.WriteString("timeFormat", StrftimeFormat);
            json.WriteString("timeZone", "UTC");
            json.WriteString("windows", "inclusive: start and end are the timestamps of the first and last anomalous rows");
            json.WriteStartArray("files");
            foreach (var file in files)
            {
                json.WriteStartObject();
                json.WriteString("name", file.Name);
                json.WriteNumber("rows", file.Rows);
                json.WriteString("first", FormatTime(file.First));
                json.WriteString("last", FormatTime(file.Last));
                json.WriteNumber("bytes", file.Content.Length);
                json.WriteString("sha256", file.Sha256);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteStartArray("anomalies");
            foreach (var anomaly in anomalies)
            {
                json.WriteStartObject();
                json.WriteString("id", anomaly.Spec.Id);
                json.WriteString("kind", AnomalySpec.KindName(anomaly.Spec.Kind));
                json.WriteString("start", FormatTime(anomaly.Start));
                json.WriteString("end", FormatTime(anomaly.End));
                json.WriteNumber("rows", anomaly.Rows);
                json.WriteStartArray("channels");
                foreach (var channel in anomaly.Channels)
                {
                    json.WriteStringValue(ChannelName(channel));
                }

                json.WriteEndArray();
                json.WriteStartArray("files");
                foreach (var file in files.Where(f => f.First <= anomaly.End && f.Last >= anomaly.Start))
                {
                    json.WriteStringValue(file.Name);
                }

                json.WriteEndArray();
                json.WriteString("description", anomaly.Spec.Description);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        stream.WriteByte((byte)'\n');
        return stream.ToArray();
    }
}
