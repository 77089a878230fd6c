using System.Globalization;

namespace LabelPipeline.DatasetGenerator;

/// <summary>A command line the generator cannot run with; the message says what to pass instead.</summary>
public sealed class OptionsException(string message) : Exception(message);

/// <summary>What to generate. The defaults make the committed <c>datasets/synthetic/v1</c>.</summary>
public sealed record GeneratorOptions
{
    public const ulong DefaultSeed = 20210405;
    public const int MaxChannels = 100;
    public const int MaxMonths = 120;
    public const long MaxCells = 30_000_000;

    /// <summary>The version folder that receives the CSV files; the ground truth goes next to it.</summary>
    public required string Output { get; init; }

    /// <summary>First timestamp, 00:00:00 UTC on the first day of a month.</summary>
    public DateTime Start { get; init; } = new(2021, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    public int Months { get; init; } = 6;

    public int IntervalMinutes { get; init; } = 10;

    public int Channels { get; init; } = 20;

    public ulong Seed { get; init; } = DefaultSeed;

    /// <summary>Compare with the files on disk instead of writing them.</summary>
    public bool Check { get; init; }

    /// <summary>The exclusive end of the series: <see cref="Start"/> plus <see cref="Months"/> calendar months.</summary>
    public DateTime End => Start.AddMonths(Months);

    /// <summary>The dataset's name: the folder above the version folder (<c>synthetic</c>).</summary>
    public string DatasetName => Path.GetFileName(Path.GetDirectoryName(Output)) ?? string.Empty;

    /// <summary>The dataset's version: the output folder's own name (<c>v1</c>).</summary>
    public string DatasetVersion => Path.GetFileName(Output);

    /// <summary>Ground truth beside the version folder, not in it: Label Studio imports every *.csv of the folder.</summary>
    public string GroundTruthPath => Path.Combine(Path.GetDirectoryName(Output) ?? ".", DatasetVersion + ".anomalies.json");

    public const string Usage = """
        Generates the synthetic multivariate sensor dataset (one CSV per calendar month) and its anomaly ground truth.

        Usage: dotnet run --project datasets/generator -- [options]

          --output <dir>            version folder to write, default datasets/synthetic/v1 (found from the repository
                                    root); the ground truth goes next to it as <dir>.anomalies.json
          --start <yyyy-MM-dd>      first day, must be the 1st of a month, default 2021-01-01 (00:00:00 UTC)
          --months <n>              calendar months, one file each, 1..120, default 6
          --interval-minutes <n>    sampling interval, must divide 1440, default 10
          --channels <n>            channels signal_00.., 1..100, default 20
          --seed <n>                unsigned 64-bit seed (decimal or 0x hex), default 20210405
          --check                   write nothing: regenerate in memory and compare with the files on disk;
                                    exit 1 and list the differences if they differ
          -h, --help                this text

        Exit codes: 0 done (or --check found no difference), 1 --check found differences, 2 invalid options,
        3 a file could not be read or written.
        """;

    /// <summary>Parses <c>--name value</c> and <c>--name=value</c>; null means help was asked for.</summary>
    public static GeneratorOptions? Parse(IReadOnlyList<string> args, string defaultOutput)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var check = false;
        string[] valued = ["output", "start", "months", "interval-minutes", "channels", "seed"];
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (arg is "-h" or "--help" or "-?")
            {
                return null;
            }

            if (!arg.StartsWith("--", StringComparison.Ordinal) || arg.Length == 2)
            {
                throw new OptionsException($"Unexpected argument '{arg}'. Options start with '--'; see --help.");
            }

            var eq = arg.IndexOf('=', StringComparison.Ordinal);
            var name = eq < 0 ? arg[2..] : arg[2..eq];
            var inline = eq < 0 ? null : arg[(eq + 1)..];
            if (name == "check")
            {
                if (inline is not null)
                {
                    throw new OptionsException("--check takes no value: pass --check alone.");
                }

                check = true;
                continue;
            }

            if (!valued.Contains(name, StringComparer.Ordinal))
            {
                throw new OptionsException(
                    $"Unknown option '--{name}'. Valid options: {string.Join(", ", valued.Select(v => "--" + v))}, --check, --help.");
            }

            string value;
            if (inline is not null)
            {
                value = inline;
            }
            else if (i + 1 < args.Count && !args[i + 1].StartsWith("--", StringComparison.Ordinal))
            {
                value = args[++i];
            }
            else
            {
                throw new OptionsException($"--{name} needs a value, e.g. --{name} {Example(name)}.");
            }

            if (!values.TryAdd(name, value))
            {
                throw new OptionsException($"--{name} is given twice ('{values[name]}' and '{value}'); pass it once.");
            }
        }

        var errors = new List<string>();
        var options = new GeneratorOptions { Output = NormalizeOutput(values.GetValueOrDefault("output") ?? defaultOutput, errors), Check = check };

        if (values.TryGetValue("start", out var start))
        {
            if (!DateTime.TryParseExact(start, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var date))
            {
                errors.Add($"--start '{start}': expected a date as yyyy-MM-dd, e.g. 2021-01-01.");
            }
            else if (date.Day != 1)
            {
                errors.Add($"--start {start}: must be the first day of a month (each file holds one whole calendar month), e.g. {date:yyyy-MM}-01.");
            }
            else if (date.Year is < 1900 or > 9000)
            {
                errors.Add($"--start {start}: the year must be between 1900 and 9000.");
            }
            else
            {
                options = options with { Start = DateTime.SpecifyKind(date, DateTimeKind.Utc) };
            }
        }

        options = options with
        {
            Months = Integer(values, "months", options.Months, 1, MaxMonths, errors),
            IntervalMinutes = Integer(values, "interval-minutes", options.IntervalMinutes, 1, 1440, errors),
            Channels = Integer(values, "channels", options.Channels, 1, MaxChannels, errors),
        };

        if (1440 % options.IntervalMinutes != 0)
        {
            errors.Add($"--interval-minutes {options.IntervalMinutes}: must divide a day (1440 minutes) evenly, e.g. 1, 5, 10, 15, 30 or 60.");
        }

        if (values.TryGetValue("seed", out var seedText))
        {
            var ok = seedText.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
                ? ulong.TryParse(seedText.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var seed)
                : ulong.TryParse(seedText, NumberStyles.None, CultureInfo.InvariantCulture, out seed);
            if (ok)
            {
                options = options with { Seed = seed };
            }
            else
            {
                errors.Add($"--seed '{seedText}': expected an unsigned 64-bit integer, decimal or 0x hex (0..18446744073709551615).");
            }
        }

        if (errors.Count == 0)
        {
            var rows = (long)(options.End - options.Start).TotalMinutes / options.IntervalMinutes;
            if (rows * options.Channels > MaxCells)
            {
                errors.Add(
                    $"{rows:N0} rows x {options.Channels} channels is more than {MaxCells:N0} values, which the generator keeps in memory. " +
                    "Use fewer months or channels or a longer --interval-minutes.");
            }
        }

        if (errors.Count > 0)
        {
            throw new OptionsException(string.Join(Environment.NewLine, errors));
        }

        return options;
    }

    private static string NormalizeOutput(string output, List<string> errors)
    {
        if (string.IsNullOrWhiteSpace(output))
        {
            errors.Add("--output: expected a folder such as datasets/synthetic/v1.");
            return output;
        }

        var full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(output));
        if (File.Exists(full))
        {
            errors.Add($"--output {output}: is a file; expected a folder such as datasets/synthetic/v1.");
        }
        else if (Path.GetDirectoryName(full) is null or "" || Path.GetFileName(Path.GetDirectoryName(full)) is null or "")
        {
            errors.Add($"--output {output}: expected a folder <dataset>/<version> below some parent, such as datasets/synthetic/v1.");
        }

        return full;
    }

    private static int Integer(Dictionary<string, string> values, string name, int fallback, int min, int max, List<string> errors)
    {
        if (!values.TryGetValue(name, out var text))
        {
            return fallback;
        }

        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max)
        {
            return value;
        }

        errors.Add($"--{name} '{text}': expected a whole number from {min} to {max}.");
        return fallback;
    }

    private static string Example(string name) => name switch
    {
        "output" => "datasets/synthetic/v1",
        "start" => "2021-01-01",
        "months" => "6",
        "interval-minutes" => "10",
        "channels" => "20",
        _ => "20210405",
    };
}
