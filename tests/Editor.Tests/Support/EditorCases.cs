using System.Globalization;
using System.Text;
using System.Xml.Linq;
using LabelPipeline.Datasets;
using LabelPipeline.LabelConfig;
using LabelPipeline.Predictions;
using LabelPipeline.Prepare;
using Newtonsoft.Json.Linq;

namespace Editor.Tests.Support;

public enum CaseKind
{
    /// <summary>A generated config with one of its task files: must render.</summary>
    Render,

    /// <summary>A broken config or file: the check must fail, with <see cref="EditorCase.ExpectFailure"/> in its reasons.</summary>
    Broken,

    /// <summary>Results we write (annotation or prediction fixtures): must come back from the editor unchanged.</summary>
    RoundTrip,
}

/// <summary>One page load in the editor: a config, the task file it shows, and the results given with the task.</summary>
public sealed record EditorCase(string Name, CaseKind Kind, string Config)
{
    /// <summary>The task's CSV (served by tests/editor/serve.js under the config's data key).</summary>
    public string? Csv { get; init; }

    /// <summary>The task as Label Studio imports it: <c>{data?, annotations: [{id, result}], predictions: [{id, result, ...}]}</c>.</summary>
    public JObject? Task { get; init; }

    /// <summary>Channels the page must show; null counts the config's &lt;Channel&gt; tags.</summary>
    public int? ExpectChannels { get; init; }

    /// <summary>Broken cases: a fragment of the failure the check must report.</summary>
    public string? ExpectFailure { get; init; }

    public JObject ToManifestCase()
    {
        var json = new JObject { ["name"] = Name, ["config"] = Config };
        if (Csv is not null)
        {
            json["csv"] = Csv;
        }

        if (Task is not null)
        {
            json["task"] = Task.DeepClone();
        }

        if (ExpectChannels is { } channels)
        {
            json["expectChannels"] = channels;
        }

        return json;
    }
}

/// <summary>A case's name and kind (known before any file exists, for the theories) and how to make it.</summary>
/// <param name="KnownDefect">Set when the case documents a defect: the test then skips with this reason while it fails.</param>
public sealed record CaseDefinition(string Name, CaseKind Kind, Func<CaseWorkspace, EditorCase> Build, string? KnownDefect = null);

/// <summary>Where a batch's generated CSV files go, and the configs already generated (one per dataset).</summary>
public sealed class CaseWorkspace(string directory)
{
    private readonly Dictionary<string, GeneratedConfig> _configs = new(StringComparer.Ordinal);

    public string Directory { get; } = directory;

    public string Write(string name, string content, bool byteOrderMark = false)
    {
        var path = Path.Combine(Directory, "csv", name);
        System.IO.Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content, new UTF8Encoding(byteOrderMark));
        return path;
    }

    private readonly Dictionary<string, (GeneratedConfig, PreparedDataset)> _prepared = new(StringComparer.Ordinal);

    /// <summary>A dataset prepared once (several cases render its task files).</summary>
    public (GeneratedConfig Config, PreparedDataset Prepared) PreparedOf(string key, Func<(GeneratedConfig, PreparedDataset)> prepare)
    {
        if (!_prepared.TryGetValue(key, out var result))
        {
            result = prepare();
            _prepared[key] = result;
        }

        return result;
    }

    /// <summary>The config of a dataset (files sharing one header), generated once.</summary>
    public GeneratedConfig ConfigOf(string key, Func<GeneratedConfig> generate)
    {
        if (!_configs.TryGetValue(key, out var config))
        {
            config = generate();
            _configs[key] = config;
        }

        return config;
    }
}

/// <summary>
/// Every case the editor suite checks: each file of the sample datasets in <c>datasets/</c> and of the real datasets in
/// <c>../shared/datasets</c> with the config the pipeline generates for it, option variations (labels, channels, time
/// formats, numeric time, separators, file quirks), broken configs that must fail, and result round trips.
/// </summary>
public static class EditorCases
{
    private static readonly DateTimeOffset Epoch2024 = new(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static IReadOnlyList<CaseDefinition> All { get; } = [.. SampleDatasets(), .. RealDatasets(), .. OverviewCases(), .. Variations(), .. Broken(), .. RoundTrips()];

    public static CaseDefinition Get(string name) => All.Single(d => d.Name == name);

    public static TheoryData<string> Names(CaseKind kind)
    {
        var data = new TheoryData<string>();
        foreach (var definition in All.Where(d => d.Kind == kind))
        {
            data.Add(definition.Name);
        }

        return data;
    }

    // ---------------------------------------------------------------- datasets/ (the project's sample datasets)

    private static IEnumerable<CaseDefinition> SampleDatasets()
    {
        foreach (var versionDirectory in System.IO.Directory.EnumerateDirectories(Repository.Datasets)
                     .SelectMany(d => System.IO.Directory.EnumerateDirectories(d))
                     .Where(d => System.IO.Directory.EnumerateFiles(d, "*.csv").Any())
                     .Order(StringComparer.Ordinal))
        {
            var relative = Path.GetRelativePath(Repository.Datasets, versionDirectory).Replace('\\', '/');
            var files = System.IO.Directory.GetFiles(versionDirectory, "*.csv").Order(StringComparer.Ordinal).ToArray();
            foreach (var file in files)
            {
                yield return new CaseDefinition($"datasets/{relative}/{Path.GetFileName(file)}", CaseKind.Render, w =>
                {
                    var config = w.ConfigOf(versionDirectory, () => Configs.Generate(files));
                    return Render($"datasets/{relative}/{Path.GetFileName(file)}", file, config);
                });
            }
        }
    }

    // ---------------------------------------------------------------- ../shared/datasets (real public data)

    /// <summary>NAB machine_temperature steps back in time at line 10151: Prepare refuses it unless --on-unsorted=sort.</summary>
    public const string NabRejectedFile = "NAB/realKnownCause/machine_temperature_system_failure.csv";

    // Properties, not fields: All (above) is built first, while the type initialises.
    private static string[] NabNames => ["ambient_temperature_system_failure", "ec2_request_latency_system_failure", "machine_temperature_system_failure", "nyc_taxi"];

    /// <summary>The policies the pipeline needs for NAB (machine_temperature's backward step; ec2's repeated DST time).</summary>
    public static PrepareOptions NabOptions => new() { OnUnsorted = UnsortedPolicy.Sort, OnDuplicate = DuplicatePolicy.KeepFirst };

    private static IEnumerable<CaseDefinition> RealDatasets()
    {
        // NAB through Prepare, as the pipeline runs it: comma, %Y-%m-%d %H:%M:%S, LF; nyc_taxi has no final newline, ec2
        // repeats 03:00:00 twelve times (DST), machine_temperature repeats an hour.
        var nabFiles = NabNames.Select(n => Path.Combine(Repository.SharedDatasets, "NAB", "realKnownCause", n + ".csv")).ToArray();
        foreach (var name in NabNames)
        {
            yield return new CaseDefinition($"shared/NAB/realKnownCause/{name}.csv, through Prepare", CaseKind.Render, w =>
            {
                var (config, prepared) = w.PreparedOf("NAB", () => Configs.Prepare(nabFiles, Path.Combine(w.Directory, "prepared", "nab"), NabOptions));
                return Render($"shared/NAB/realKnownCause/{name}.csv, through Prepare", prepared.TaskFiles.Files.Single(f => Path.GetFileName(f) == name + ".csv"), config);
            });
        }

        // SKAB through Prepare: semicolon, CRLF (valve1/*, other/13) and LF (other/1), a header with a space ("Volume Flow RateRMS").
        foreach (var (folder, names) in new[] { ("valve1", new[] { "0", "1" }), ("other", new[] { "1", "13" }) })
        {
            var files = names.Select(n => Path.Combine(Repository.SharedDatasets, "SKAB", folder, n + ".csv")).ToArray();
            foreach (var file in files)
            {
                var name = $"shared/SKAB/{folder}/{Path.GetFileName(file)}, through Prepare";
                yield return new CaseDefinition(name, CaseKind.Render, w =>
                {
                    var (config, prepared) = w.PreparedOf($"SKAB/{folder}", () => Configs.Prepare(files, Path.Combine(w.Directory, "prepared", "skab-" + folder)));
                    return Render(name, prepared.TaskFiles.Files.Single(f => Path.GetFileName(f) == Path.GetFileName(file)), config);
                });
            }
        }

        // SKAB as the source files are (no Prepare): the editor reads ';' and CRLF itself.
        foreach (var (folder, names) in new[] { ("valve1", new[] { "0", "1" }), ("other", new[] { "1", "13" }) })
        {
            var files = names.Select(n => Path.Combine(Repository.SharedDatasets, "SKAB", folder, n + ".csv")).ToArray();
            foreach (var file in files)
            {
                var name = $"shared/SKAB/{folder}/{Path.GetFileName(file)}";
                yield return new CaseDefinition(name, CaseKind.Render, w => Render(name, file, w.ConfigOf($"SKAB/{folder}", () => Configs.Generate(files))));
            }
        }

        // Task files of the default window size, the largest Prepare writes: 20 channels (10,000 rows) and 1 channel (50,000 rows).
        foreach (var channels in new[] { 20, 1 })
        {
            var name = $"windows: a full task file at the default size, {channels} channel{(channels == 1 ? string.Empty : "s")}";
            yield return new CaseDefinition(name, CaseKind.Render, w =>
            {
                var rows = new PrepareOptions().RowsPerTask(channels) * 2 + 100;
                var file = w.Write($"long-{channels}.csv", Lines(
                    "timestamp," + string.Join(',', Enumerable.Range(0, channels).Select(k => $"ch_{k:D2}")),
                    rows,
                    i => $"{Minutes(i):yyyy-MM-dd HH:mm:ss}," + string.Join(',', Enumerable.Range(0, channels).Select(k => Wave(i, k)))));
                var (config, prepared) = Configs.Prepare([file], Path.Combine(w.Directory, "prepared", $"long-{channels}"));
                Assert.Equal(3, prepared.TaskFiles.Files.Count);
                return Render(name, prepared.TaskFiles.Files[0], config);
            });
        }
    }

    private static IEnumerable<CaseDefinition> OverviewCases()
    {
        const string name = "windows: the overview task of a series five windows long, 20 channels (--overview)";
        yield return new CaseDefinition(name, CaseKind.Render, w =>
        {
            var options = new PrepareOptions { Overview = true };
            var rows = options.RowsPerTask(20) * 5;
            var file = w.Write("overview-20.csv", Lines(
                "timestamp," + string.Join(',', Enumerable.Range(0, 20).Select(k => $"ch_{k:D2}")),
                rows,
                i => $"{Minutes(i):yyyy-MM-dd HH:mm:ss}," + string.Join(',', Enumerable.Range(0, 20).Select(k => i % 4999 == k ? "500" : Wave(i, k)))));
            var (config, prepared) = Configs.Prepare([file], Path.Combine(w.Directory, "prepared", "overview-20"), options);
            var overview = prepared.Manifest.Sources.Single().Overview!;
            return Render(name, Path.Combine(prepared.TaskFiles.Directory, overview.File), config);
        });
    }

    // ---------------------------------------------------------------- option variations

    private static IEnumerable<CaseDefinition> Variations()
    {
        yield return Variation("labels: eight, with XML-special and non-ASCII characters", w =>
            (TwoChannels(w, "labels.csv"), ["Anomaly", "Normal", "Drift & \"spike\"", "<Dropout>", "Störung", "maintenance window", "Ölstand niedrig", "x'y"], null, null));
        yield return Variation("channels: one", w =>
            (w.Write("one-channel.csv", Lines("timestamp,value", 600, i => $"{Minutes(i):yyyy-MM-dd HH:mm:ss},{Wave(i, 0)}")), null, null, null));
        yield return Variation("channels: many (24), default labels", w =>
            (w.Write("many-channels.csv", Lines("timestamp," + string.Join(',', Enumerable.Range(0, 24).Select(k => $"ch_{k:D2}")), 300,
                i => $"{Minutes(i):yyyy-MM-dd HH:mm:ss}," + string.Join(',', Enumerable.Range(0, 24).Select(k => Wave(i, k))))), null, null, null));
        yield return Variation("channels: --time-column in the middle, a text column skipped, names with spaces and capitals", w =>
            (w.Write("time-column.csv", Lines("Sensor Id,status,Time Stamp,Temp C,Pressure bar", 600,
                i => $"{7 + (i / 300)},{(i % 50 == 0 ? "alarm" : "ok")},{Minutes(i):yyyy-MM-dd HH:mm:ss},{Wave(i, 1)},{Wave(i, 2)}")), null, "Time Stamp", null));
        yield return Variation("time: milliseconds %L (detected)", w =>
            (w.Write("ms.csv", Lines("timestamp,a,b", 800, i => $"{Epoch2024.AddMilliseconds(250 * i):yyyy-MM-dd HH:mm:ss.fff},{Wave(i, 0)},{Wave(i, 1)}")), null, null, null));
        yield return Variation("time: ISO 8601 with T, milliseconds and Z", w =>
            (w.Write("iso-ms-z.csv", Lines("time,a", 800, i => $"{Epoch2024.AddMilliseconds(125 * i):yyyy-MM-dd'T'HH:mm:ss.fff'Z'},{Wave(i, 0)}")), null, null, null));
        yield return Variation("time: ISO 8601 with a +00:00 offset (%Z)", w =>
            (w.Write("iso-offset.csv", Lines("time,a", 600, i => $"{Minutes(i):yyyy-MM-dd'T'HH:mm:ss}+00:00,{Wave(i, 0)}")), null, null, null));
        yield return Variation("time: day first without seconds (%d/%m/%Y %H:%M)", w =>
            (w.Write("day-first.csv", Lines("date,a", 600, i => $"{Minutes(i * 5):dd'/'MM'/'yyyy HH:mm},{Wave(i, 0)}")), null, null, null));
        yield return Variation("time: dates only (%Y-%m-%d)", w =>
            (w.Write("dates.csv", Lines("day,a", 400, i => $"{Epoch2024.AddDays(i):yyyy-MM-dd},{Wave(i, 0)}")), null, null, null));
        yield return Variation("time: microseconds, --time-format %Y-%m-%d %H:%M:%S.%f", w =>
            (w.Write("us.csv", Lines("timestamp,a", 600, i => $"{Epoch2024.AddTicks(1234L * 10 * i):yyyy-MM-dd HH:mm:ss.ffffff},{Wave(i, 0)}")), null, null, "%Y-%m-%d %H:%M:%S.%f"));
        yield return Variation("time: 12-hour clock, --time-format %m/%d/%Y %I:%M:%S %p", w =>
            (w.Write("ampm.csv", Lines("timestamp,a", 600, i => $"{Minutes(i * 3).ToString("MM'/'dd'/'yyyy hh:mm:ss tt", CultureInfo.InvariantCulture)},{Wave(i, 0)}")), null, null, "%m/%d/%Y %I:%M:%S %p"));
        yield return Variation("numeric time: a row counter (no timeFormat)", w =>
            (w.Write("counter.csv", Lines("step,a,b", 600, i => $"{i},{Wave(i, 0)},{Wave(i, 1)}")), null, null, null));
        yield return Variation("numeric time: fractional seconds (no timeFormat)", w =>
            (w.Write("seconds.csv", Lines("t,a", 600, i => $"{(i * 0.5).ToString("0.0", CultureInfo.InvariantCulture)},{Wave(i, 0)}")), null, null, null));
        yield return Variation("numeric time: unix seconds (%s)", w =>
            (w.Write("unix-s.csv", Lines("epoch,a", 600, i => $"{Minutes(i).ToUnixTimeSeconds()},{Wave(i, 0)}")), null, null, null));
        yield return Variation("numeric time: unix milliseconds (%Q)", w =>
            (w.Write("unix-ms.csv", Lines("epoch_ms,a", 600, i => $"{Epoch2024.AddMilliseconds(500 * i).ToUnixTimeMilliseconds()},{Wave(i, 0)}")), null, null, null));
        yield return Variation("separator: tab", w =>
            (w.Write("tab.csv", Lines("timestamp\ta\tb", 600, i => $"{Minutes(i):yyyy-MM-dd HH:mm:ss}\t{Wave(i, 0)}\t{Wave(i, 1)}")), null, null, null));
        yield return Prepared("separator: pipe, through Prepare", w =>
            w.Write("pipe.csv", Lines("timestamp|a|b", 600, i => $"{Minutes(i):yyyy-MM-dd HH:mm:ss}|{Wave(i, 0)}|{Wave(i, 1)}")));
        yield return Variation("file: UTF-8 byte order mark", w =>
            (w.Write("bom.csv", Lines("timestamp,a,b", 600, i => $"{Minutes(i):yyyy-MM-dd HH:mm:ss},{Wave(i, 0)},{Wave(i, 1)}"), byteOrderMark: true), null, null, null)); // fetch().text() drops the BOM
        yield return Prepared("file: quoted header names, through Prepare", w =>
            w.Write("quoted.csv", Lines("\"timestamp\",\"a\",\" motor \"\"B\"\", current\"", 600, i => $"{Minutes(i):yyyy-MM-dd HH:mm:ss},{Wave(i, 0)},{Wave(i, 1)}")));
        yield return Variation("file: CRLF without a final newline", w =>
            (w.Write("crlf.csv", Lines("timestamp,a,b", 600, i => $"{Minutes(i):yyyy-MM-dd HH:mm:ss},{Wave(i, 0)},{Wave(i, 1)}").Replace("\n", "\r\n", StringComparison.Ordinal).TrimEnd()), null, null, null));
        yield return Prepared("values: nan and empty cells, through Prepare", w =>
            w.Write("nan.csv", Lines("timestamp,a,b", 600, i => $"{Minutes(i):yyyy-MM-dd HH:mm:ss},{(i % 97 == 5 ? "nan" : i % 89 == 3 ? string.Empty : Wave(i, 0))},{(i < 3 ? "NaN" : Wave(i, 1))}")));
        yield return Prepared("time: +01:00 offsets, through Prepare (written in UTC)", w =>
            w.Write("offset-plus1.csv", Lines("time,a", 600, i => $"{Minutes(i):yyyy-MM-dd'T'HH:mm:ss}+01:00,{Wave(i, 0)}")));
        yield return Prepared("time: microseconds, through Prepare (written with %L)", w =>
            w.Write("us-prepared.csv", Lines("timestamp,a", 600, i => $"{Epoch2024.AddTicks(1234L * 10 * i):yyyy-MM-dd HH:mm:ss.ffffff},{Wave(i, 0)}")),
            new PrepareOptions { TimeFormat = "%Y-%m-%d %H:%M:%S.%f" });
        yield return Variation("values: negative numbers and exponents", w =>
            (w.Write("exponent.csv", Lines("timestamp,a,b", 600, i => $"{Minutes(i):yyyy-MM-dd HH:mm:ss},{(-Math.Sin(i / 10.0) * 1e-3).ToString("E3", CultureInfo.InvariantCulture)},{(Math.Cos(i / 20.0) * -2.5e5).ToString("0.###E+00", CultureInfo.InvariantCulture)}")), null, null, null));
    }

    /// <summary>A file run through Prepare; its (only) task file rendered with the config made from the prepared schema.</summary>
    private static CaseDefinition Prepared(string name, Func<CaseWorkspace, string> make, PrepareOptions? options = null) =>
        new(name, CaseKind.Render, w =>
        {
            var file = make(w);
            var (config, prepared) = Configs.Prepare([file], Path.Combine(w.Directory, "prepared", Path.GetFileNameWithoutExtension(file)), options);
            return Render(name, Assert.Single(prepared.TaskFiles.Files), config);
        });

    private static CaseDefinition Variation(
        string name,
        Func<CaseWorkspace, (string File, IReadOnlyList<string>? Labels, string? TimeColumn, string? TimeFormat)> make,
        string? knownDefect = null) =>
        new(name, CaseKind.Render, w =>
        {
            var (file, labels, timeColumn, timeFormat) = make(w);
            return Render(name, file, Configs.Generate(file, labels, timeColumn, timeFormat));
        }, knownDefect);

    // ---------------------------------------------------------------- broken configs: the check must fail

    private static IEnumerable<CaseDefinition> Broken()
    {
        yield return BrokenConfig("broken: a Channel column that is not in the CSV", "not found in data",
            x => x.Descendants("Channel").First().SetAttributeValue("column", "value_x"));
        yield return BrokenConfig("broken: a timeFormat that does not match the times", "cannot be parsed",
            x => x.Descendants("TimeSeries").Single().SetAttributeValue("timeFormat", "%d/%m/%Y %H:%M"));
        yield return BrokenConfig("broken: a strokeColor that is not a colour", "not visibly drawn",
            x => x.Descendants("Channel").Last().SetAttributeValue("strokeColor", "notacolor"));
        yield return BrokenConfig("broken: a timeColumn that is not in the CSV", "validation error",
            x => x.Descendants("TimeSeries").Single().SetAttributeValue("timeColumn", "time"));
        yield return BrokenConfig("broken: a separator that is not the file's", "Cannot find provided separator",
            x => x.Descendants("TimeSeries").Single().SetAttributeValue("sep", ";"));
        yield return BrokenConfig("broken: a toName that names no tag", "does not exist",
            x => x.Descendants("TimeSeriesLabels").Single().SetAttributeValue("toName", "tsx"));
        yield return BrokenConfig("broken: an unknown tag", "page error",
            x => x.Add(new XElement("Foo", new XAttribute("name", "x"))));
        yield return BrokenConfig("broken: a displayFormat that is not a d3 format", "invalid format",
            x => x.Descendants("Channel").First().SetAttributeValue("displayFormat", "zz"));
        yield return new CaseDefinition("broken: the task's CSV URL answers 404", CaseKind.Broken, w =>
        {
            var config = Basic(w);
            return new EditorCase("broken: the task's CSV URL answers 404", CaseKind.Broken, config.Xml)
            {
                Task = new JObject { ["data"] = new JObject { ["csv"] = "/csv/9999/missing.csv" } },
                ExpectFailure = "404",
            };
        });
        yield return new CaseDefinition("broken: a task CSV URL off the local server (127.0.0.2) is blocked", CaseKind.Broken, w =>
        {
            var config = Basic(w);
            return new EditorCase("broken: a task CSV URL off the local server (127.0.0.2) is blocked", CaseKind.Broken, config.Xml)
            {
                Task = new JObject { ["data"] = new JObject { ["csv"] = "http://127.0.0.2:9/series.csv" } },
                ExpectFailure = "request outside 127.0.0.1 blocked",
            };
        });
        yield return new CaseDefinition("broken: times going backwards in the file", CaseKind.Broken, w =>
        {
            var config = Basic(w);
            var file = w.Write("backwards.csv", Lines("timestamp,a,b", 600, i => $"{Minutes(i < 300 ? i : i - 200):yyyy-MM-dd HH:mm:ss},{Wave(i, 0)},{Wave(i, 1)}"));
            return new EditorCase("broken: times going backwards in the file", CaseKind.Broken, config.Xml) { Csv = file, ExpectFailure = "validation error" };
        });
    }

    private static CaseDefinition BrokenConfig(string name, string expectFailure, Action<XElement> change) =>
        new(name, CaseKind.Broken, w =>
        {
            var config = Basic(w);
            return new EditorCase(name, CaseKind.Broken, Configs.Mutate(config.Xml, change))
            {
                Csv = BasicFile(w),
                ExpectFailure = expectFailure,
            };
        });

    // ---------------------------------------------------------------- round trips of results we write

    private static IEnumerable<CaseDefinition> RoundTrips()
    {
        yield return RoundTrip("round trip: annotation on a sample dataset file", w =>
        {
            var file = Path.Combine(Repository.Datasets, "synthetic", "v1", "2021-01.csv");
            var config = Configs.Generate(file, ["Anomaly", "Normal"]);
            var t0 = new DateTimeOffset(2021, 1, 2, 0, 0, 0, TimeSpan.Zero);
            var result = ResultFixtures.Annotation(config.Xml)
                .Range(t0, t0.AddHours(6), "Anomaly")
                .Instant(t0.AddDays(1).AddMinutes(10), "Anomaly")
                .Range(t0.AddDays(2), t0.AddDays(2).AddMinutes(20), "Normal")
                .Range(t0.AddHours(3).AddSeconds(30), t0.AddHours(4), "Normal") // not on a data point: no snapping on import
                .Build();
            return (config, file, TaskWith(annotations: result));
        });
        yield return RoundTrip("round trip: prediction on a sample dataset file", w =>
        {
            var file = Path.Combine(Repository.Datasets, "synthetic", "v1", "2021-03.csv");
            var config = Configs.Generate(file, ["Anomaly", "Normal"]);
            var t0 = new DateTimeOffset(2021, 3, 1, 12, 0, 0, TimeSpan.Zero);
            var result = ResultFixtures.Prediction(config.Xml)
                .Range(t0, t0.AddHours(2), "Anomaly")
                .Instant(t0.AddHours(5), "Anomaly")
                .Build();
            return (config, file, TaskWith(predictions: result));
        });
        yield return RoundTrip("round trip: annotation with milliseconds", w =>
        {
            var file = w.Write("rt-ms.csv", Lines("timestamp,a,b", 800, i => $"{Epoch2024.AddMilliseconds(250 * i):yyyy-MM-dd HH:mm:ss.fff},{Wave(i, 0)},{Wave(i, 1)}"));
            var config = Configs.Generate(file);
            var result = ResultFixtures.Annotation(config.Xml)
                .Range(Epoch2024.AddMilliseconds(1250), Epoch2024.AddMilliseconds(7750), "Anomaly")
                .Instant(Epoch2024.AddMilliseconds(12_500), "Anomaly")
                .Build();
            return (config, file, TaskWith(annotations: result));
        });
        yield return RoundTrip("round trip: annotation on a numeric time axis", w =>
        {
            var file = w.Write("rt-counter.csv", Lines("step,a", 600, i => $"{i},{Wave(i, 0)}"));
            var config = Configs.Generate(file);
            var result = ResultFixtures.Annotation(config.Xml).Range(10, 42, "Anomaly").Range(77, 77, "Anomaly").Build();
            return (config, file, TaskWith(annotations: result));
        });
        yield return RoundTrip("round trip: prediction on unix seconds", w =>
        {
            var file = w.Write("rt-unix.csv", Lines("epoch,a", 600, i => $"{Minutes(i).ToUnixTimeSeconds()},{Wave(i, 0)}"));
            var config = Configs.Generate(file);
            var result = ResultFixtures.Prediction(config.Xml).Range(Minutes(30), Minutes(90), "Anomaly").Instant(Minutes(200), "Anomaly").Build();
            return (config, file, TaskWith(predictions: result));
        });
        yield return RoundTrip("round trip: NAB nyc_taxi ground-truth windows as predictions", w =>
        {
            var file = Path.Combine(Repository.SharedDatasets, "NAB", "realKnownCause", "nyc_taxi.csv");
            var config = Configs.Generate(file);
            var windows = JObject.Parse(File.ReadAllText(Path.Combine(Repository.SharedDatasets, "NAB", "labels", "combined_windows.json")))["realKnownCause/nyc_taxi.csv"]!;
            var fixtures = ResultFixtures.Prediction(config.Xml, "nab");
            foreach (var window in windows)
            {
                fixtures.Range(NabTime(window[0]!), NabTime(window[1]!), "Anomaly");
            }

            return (config, file, TaskWith(predictions: fixtures.Build()));
        });
        yield return RoundTrip("round trip: SKAB valve1/0.csv anomaly run as an annotation", w =>
        {
            var file = Path.Combine(Repository.SharedDatasets, "SKAB", "valve1", "0.csv");
            var config = Configs.Generate(file);
            var (start, end) = AnomalyRun(file, config.Schema);
            var result = ResultFixtures.Annotation(config.Xml, "skab").Range(start, end, "Anomaly").Build();
            return (config, file, TaskWith(annotations: result));
        });

        // The pipeline's own predictions writer (ImportPredictions' reader and planner), fed with model output files.
        yield return RoundTrip("round trip: pipeline predictions from an intervals file on a sample dataset file", w =>
        {
            var file = Path.Combine(Repository.Datasets, "synthetic", "v1", "2021-02.csv");
            var config = Configs.Generate(file, ["Anomaly", "Normal"]);
            var model = w.Write("model-intervals.csv",
                "series,start,end,label,score\n" +
                "2021-02.csv,2021-02-03 10:00:00,2021-02-03 16:00:00,Anomaly,0.93\n" +
                "2021-02.csv,2021-02-10T04:20:00Z,2021-02-10T04:20:00Z,,0.61\n" + // ISO 8601 in, an instant in the config's format out
                "2021-02.csv,2021-02-14 00:05:00,2021-02-14 01:00:00,Normal,\n"); // not on a data point
            return (config, file, TaskWith(predictions: PipelinePredictions(file, config, model)));
        });
        yield return RoundTrip("round trip: pipeline predictions from NAB nyc_taxi windows as JSON Lines", w =>
        {
            var file = Path.Combine(Repository.SharedDatasets, "NAB", "realKnownCause", "nyc_taxi.csv");
            var config = Configs.Generate(file);
            var windows = JObject.Parse(File.ReadAllText(Path.Combine(Repository.SharedDatasets, "NAB", "labels", "combined_windows.json")))["realKnownCause/nyc_taxi.csv"]!;
            var model = w.Write("nab-windows.jsonl", string.Concat(windows.Select((window, i) =>
                new JObject { ["series"] = "nyc_taxi.csv", ["start"] = window[0], ["end"] = window[1], ["score"] = 0.5 + (i / 10.0) }.ToString(Newtonsoft.Json.Formatting.None) + "\n")));
            var result = PipelinePredictions(file, config, model);
            Assert.Equal(windows.Count(), result.Count);
            return (config, file, TaskWith(predictions: result));
        });
        yield return RoundTrip("round trip: pipeline predictions from SKAB valve1/0.csv per-timestamp scores", w =>
        {
            var file = Path.Combine(Repository.SharedDatasets, "SKAB", "valve1", "0.csv");
            var config = Configs.Generate(file);
            var lines = File.ReadAllLines(file);
            var header = lines[0].Split(';');
            var time = Array.IndexOf(header, config.Schema.TimeColumn);
            var anomaly = Array.IndexOf(header, "anomaly");
            var model = w.Write("skab-scores.csv", "series,timestamp,score\n" + string.Concat(lines.Skip(1).Where(l => l.Length > 0)
                .Select(l => l.Split(';')).Select(c => $"0.csv,{c[time]},{c[anomaly]}\n")));
            var result = PipelinePredictions(file, config, model, new ScoreIntervalOptions(0.5, TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(5)));
            var (start, end) = AnomalyRun(file, config.Schema);
            Assert.Equal((config.Schema.TimeFormat!.Format(start), config.Schema.TimeFormat.Format(end)), ((string)result.Single()["value"]!["start"]!, (string)result.Single()["value"]!["end"]!));
            return (config, file, TaskWith(predictions: result));
        });

        // The round-trip check bites: the editor changes what does not fit the config.
        yield return RoundTrip("round trip broken: a label the config does not have", w =>
        {
            var config = Basic(w);
            var result = ResultFixtures.Annotation(config.Xml).Range(Minutes(10), Minutes(20), "Foo").Build();
            return (config, BasicFile(w), TaskWith(annotations: result));
        }, CaseKind.Broken, "did not round-trip");
        yield return RoundTrip("round trip broken: a time in another format than the config's", w =>
        {
            var config = Basic(w);
            var result = ResultFixtures.Annotation(config.Xml).Raw("2024/01/01 00:10", "2024/01/01 00:20", false, "Anomaly").Build();
            return (config, BasicFile(w), TaskWith(annotations: result));
        }, CaseKind.Broken, "did not round-trip");
    }

    /// <summary>
    /// A round trip of a task we produce. <paramref name="make"/> returns the task as Label Studio imports it
    /// (<c>{annotations, predictions}</c>), so the pipeline's own predictions writer can be fed in here once it exists.
    /// </summary>
    private static CaseDefinition RoundTrip(string name, Func<CaseWorkspace, (GeneratedConfig Config, string File, JObject Task)> make, CaseKind kind = CaseKind.RoundTrip, string? expectFailure = null) =>
        new(name, kind, w =>
        {
            var (config, file, task) = make(w);
            return new EditorCase(name, kind, config.Xml) { Csv = file, Task = task, ExpectChannels = config.Schema.Channels.Count, ExpectFailure = expectFailure };
        });

    public static JObject TaskWith(JArray? annotations = null, JArray? predictions = null)
    {
        var task = new JObject { ["annotations"] = new JArray(), ["predictions"] = new JArray() };
        if (annotations is not null)
        {
            ((JArray)task["annotations"]!).Add(new JObject { ["id"] = 101, ["result"] = annotations });
        }

        if (predictions is not null)
        {
            ((JArray)task["predictions"]!).Add(new JObject { ["id"] = 201, ["model_version"] = "editor-check", ["score"] = 0.5, ["result"] = predictions });
        }

        return task;
    }

    // ---------------------------------------------------------------- helpers

    /// <summary>The result ImportPredictions would send for <paramref name="csv"/>, from a model output file.</summary>
    private static JArray PipelinePredictions(string csv, GeneratedConfig config, string modelOutput, ScoreIntervalOptions? scores = null)
    {
        var dataset = new Dataset("editor-check", "v1", Path.GetDirectoryName(csv)!, [csv]);
        var planned = PredictionPlanner.Plan(PredictionFileReader.Read(modelOutput), new PredictionPlanOptions
        {
            Config = LabelConfigValidator.Read(config.Xml),
            Series = PredictionTargets.Unsplit(PredictionImporter.Extents(DatasetInspector.Inspect(dataset))),
            SeriesTimeFormat = config.Schema.TimeFormat,
            ModelVersion = "editor-check",
            DefaultLabel = config.Labels[0],
            Scores = scores ?? ScoreIntervalOptions.Default,
        });
        return Assert.Single(planned).Result;
    }

    private static EditorCase Render(string name, string file, GeneratedConfig config) =>
        new(name, CaseKind.Render, config.Xml) { Csv = file, ExpectChannels = config.Schema.Channels.Count };

    private static string BasicFile(CaseWorkspace w) => TwoChannels(w, "basic.csv");

    private static GeneratedConfig Basic(CaseWorkspace w) => w.ConfigOf("basic", () => Configs.Generate(BasicFile(w)));

    private static string TwoChannels(CaseWorkspace w, string name) =>
        w.Write(name, Lines("timestamp,value_a,value_b", 600, i => $"{Minutes(i):yyyy-MM-dd HH:mm:ss},{Wave(i, 0)},{Wave(i, 1)}"));

    private static DateTimeOffset Minutes(int i) => Epoch2024.AddMinutes(i);

    private static string Wave(int i, int k) =>
        (50 + (10 * Math.Sin((i / 15.0) + k)) + (i * 7 % 5) + (k * 3)).ToString("0.###", CultureInfo.InvariantCulture);

    private static string Lines(string header, int rows, Func<int, string> row)
    {
        var text = new StringBuilder(header).Append('\n');
        for (var i = 0; i < rows; i++)
        {
            text.Append(row(i)).Append('\n');
        }

        return text.ToString();
    }

    private static DateTimeOffset NabTime(JToken text) =>
        DateTimeOffset.ParseExact(text.ToString(), "yyyy-MM-dd HH:mm:ss.ffffff", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);

    /// <summary>SKAB's one run of anomaly == 1, as first and last row time.</summary>
    private static (DateTimeOffset Start, DateTimeOffset End) AnomalyRun(string file, SeriesSchema schema)
    {
        var lines = File.ReadAllLines(file);
        var header = lines[0].Split(schema.Separator);
        var time = Array.IndexOf(header, schema.TimeColumn);
        var anomaly = Array.IndexOf(header, "anomaly");
        var flagged = lines.Skip(1).Select(l => l.Split(schema.Separator)).Where(c => c.Length > anomaly && c[anomaly].Trim() == "1.0").ToArray();
        DateTimeOffset Parse(string text) => schema.TimeFormat!.TryParse(text, out var t) ? t : throw new FormatException(text);
        return (Parse(flagged[0][time]), Parse(flagged[^1][time]));
    }
}
