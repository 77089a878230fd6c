using System.Globalization;
using LabelStudio.Emulator.Faults;

namespace LabelStudio.Emulator.CommandLine;

/// <summary>
/// Command line of the standalone emulator. Every option is an <see cref="EmulatorOptions"/> property:
/// <c>--port 8080 --token &lt;40hex&gt; --local-files-root /abs/datasets</c> and the rest listed in <see cref="Usage"/>.
/// </summary>
public static class EmulatorCommandLine
{
    public const string Usage = """
        LabelStudio.Emulator: an in-memory Label Studio (Community) for LabelPipeline's tests.
        Options:
          --port N                      port on 127.0.0.1 (default 8080; 0 = any free port)
          --token HEX40                 legacy API token (default 0123…4567)
          --legacy-tokens true|false    organization's legacy_api_tokens_enabled (default true)
          --pat true|false              organization's api_tokens_enabled: Personal Access Tokens (default true)
          --access-token-minutes N      lifetime of access tokens from /api/token/refresh/ (default 5)
          --local-files-root PATH       LOCAL_FILES_DOCUMENT_ROOT (enables local files serving)
          --local-files-serving true|false   LOCAL_FILES_SERVING_ENABLED (default: true when a root is given)
          --host URL                    LABEL_STUDIO_HOST used in local-files URLs (default: relative URLs)
          --user-email EMAIL            the user's email (default admin@example.com)
          --version X.Y.Z               release reported by /api/version (default 1.23.0)
          --spec PATH                   openapi-pipeline-subset.yaml: validate traffic and print violations
          --sync synchronous|queued     storage sync behaviour (default synchronous, like OSS without Redis)
          --sync-polls N                with --sync queued: reads before a sync completes (default 2)
          --export-polls N              reads a new export snapshot stays in_progress (default 0)
          --fault-rate R                inject faults into a share R (0..1) of requests (default 0: none)
          --fault-kinds LIST            kinds to draw from: all (default) or 500,502,503,429,timeout,drop,lost,slow
          --fault-path REGEX            only requests whose path matches (e.g. ^/api/projects); default every path
          --fault-seed N                seed of the draws, for repeatable runs (default 1)
          --verbose                     log requests
        """;

    /// <summary>Parses the arguments; throws <see cref="ArgumentException"/> with the offending option.</summary>
    public static EmulatorOptions Parse(IReadOnlyList<string> args)
    {
        var options = new EmulatorOptions { Port = 8080 };
        var faults = new FaultPlan();
        var faultRule = FaultRule.Everywhere(0);
        EmulatorOptions Fault(Action set)
        {
            set();
            return options;
        }

        for (var i = 0; i < args.Count; i++)
        {
            var name = args[i];
            string Value() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{name} needs a value.");
            int Int() => int.TryParse(Value(), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : throw new ArgumentException($"{name} needs a whole number.");
            bool Bool() => Value().ToLowerInvariant() switch
            {
                "true" or "1" or "yes" or "on" => true,
                "false" or "0" or "no" or "off" => false,
                _ => throw new ArgumentException($"{name} needs true or false."),
            };

            options = name switch
            {
                "--port" => options with { Port = Int() },
                "--token" => options with { LegacyToken = Token(Value()) },
                "--legacy-tokens" => options with { LegacyTokensEnabled = Bool() },
                "--pat" => options with { PersonalAccessTokensEnabled = Bool() },
                "--access-token-minutes" => options with { AccessTokenLifetime = TimeSpan.FromMinutes(Int()) },
                "--local-files-root" => options with { LocalFilesDocumentRoot = AbsolutePath(name, Value()) },
                "--local-files-serving" => options with { LocalFilesServingEnabled = Bool() },
                "--host" => options with { Host = Value() },
                "--user-email" => options with { UserEmail = Value() },
                "--version" => options with { Version = Value() },
                "--spec" => options with { OpenApiSpecPath = Path.GetFullPath(Value()) },
                "--sync" => options with { StorageSync = Enum.Parse<StorageSyncMode>(Value(), ignoreCase: true) },
                "--sync-polls" => options with { StorageSyncPolls = Int() },
                "--export-polls" => options with { ExportSnapshotPolls = Int() },
                "--verbose" => options with { Verbose = true },
                "--fault-rate" => Fault(() => faultRule = faultRule with { Rate = Rate(Value()) }),
                "--fault-kinds" => Fault(() => faultRule = faultRule with { Kinds = FaultKinds.Parse(Value()) }),
                "--fault-path" => Fault(() => faultRule = faultRule with { Path = Value() }),
                "--fault-seed" => Fault(() => faults = faults with { Seed = Int() }),
                _ => throw new ArgumentException($"Unknown option {name}."),
            };
        }

        return faultRule.Rate > 0 ? options with { Faults = new RateFaultInjector(faults with { Rules = [faultRule] }) } : options;
    }

    private static double Rate(string value) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var rate) && rate is >= 0 and <= 1
            ? rate
            : throw new ArgumentException("--fault-rate must be a share from 0 to 1, e.g. 0.2.");

    private static string Token(string value) =>
        value.Length == 40 && value.All(Uri.IsHexDigit) ? value : throw new ArgumentException("--token must be 40 hexadecimal characters (a DRF token key).");

    private static string AbsolutePath(string name, string value) =>
        Path.IsPathRooted(value) ? value.TrimEnd('/') is { Length: > 0 } trimmed ? trimmed : "/" : throw new ArgumentException($"{name} must be an absolute path.");
}
