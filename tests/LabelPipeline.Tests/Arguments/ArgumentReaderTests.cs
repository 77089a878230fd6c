using Build;

namespace LabelPipeline.Tests.Arguments;

/// <summary>The one argument reader: command line over environment, strict values, unknown names refused.</summary>
public sealed class ArgumentReaderTests
{
    private static readonly string WorkingDirectory = Path.GetTempPath();

    private static ArgumentReader Reader(Dictionary<string, string>? commandLine = null, Dictionary<string, string>? environment = null) =>
        new(commandLine ?? [], name => environment?.GetValueOrDefault(name));

    private static (PipelineSettings Settings, S3Settings S3, IReadOnlyList<string> Errors) Read(params (string Name, string Value)[] commandLine)
    {
        var reader = Reader(commandLine.ToDictionary(a => a.Name, a => a.Value));
        var settings = PipelineSettings.Read(reader, WorkingDirectory);
        var s3 = S3Settings.Read(reader, settings.Storage);
        return (settings, s3, reader.Errors);
    }

    [Theory]
    [InlineData("true", true)]
    [InlineData("TRUE", true)]
    [InlineData("1", true)]
    [InlineData("yes", true)]
    [InlineData("on", true)]
    [InlineData("", true)] // a bare --purge
    [InlineData("false", false)]
    [InlineData("0", false)]
    [InlineData("no", false)]
    [InlineData("off", false)]
    [InlineData("Off", false)]
    public void Booleans_accept_the_usual_spellings(string value, bool expected)
    {
        var (settings, s3, errors) = Read(("purge", value), ("overview", value), ("presign", value));
        Assert.Empty(errors);
        Assert.Equal(expected, settings.Purge);
        Assert.Equal(expected, settings.Prepare.Overview);
        Assert.Equal(expected, s3.Presign);
    }

    [Theory]
    [InlineData("purge", "flase")]
    [InlineData("overview", "maybe")]
    [InlineData("presign", "2")]
    [InlineData("upload-dataset", "nope")]
    public void A_misspelt_boolean_is_refused_never_read_as_true(string name, string value)
    {
        var (settings, _, errors) = Read((name, value));
        var error = Assert.Single(errors);
        Assert.Equal($"--{name}={value}: expected true or false (also 1/0, yes/no, on/off).", error);
        Assert.False(settings.Purge);
        Assert.False(settings.Prepare.Overview);
    }

    [Fact]
    public void Purge_off_does_not_purge_and_defaults_are_the_tables()
    {
        Assert.False(Read(("purge", "off")).Settings.Purge);
        var (settings, s3, errors) = Read();
        Assert.Empty(errors);
        Assert.False(settings.Purge);
        Assert.True(s3.Presign);
        Assert.Equal("synthetic", settings.Dataset);
        Assert.Equal(8080, settings.LabelStudioPort);
        Assert.Equal(TimeSpan.FromSeconds(600), settings.SyncTimeout);
        Assert.Equal(5, settings.Retries);
        Assert.Equal(Path.Combine(WorkingDirectory, "datasets"), settings.DatasetsDirectory);
        Assert.Equal(Path.Combine(WorkingDirectory, "datasets", ".prepared"), settings.PreparedRoot);
    }

    [Theory]
    [InlineData("targt", "target")]
    [InlineData("dataset-verison", "dataset-version")]
    [InlineData("purg", "purge")]
    [InlineData("labelstudio-url", "label-studio-url")]
    [InlineData("Overveiw", "overview")]
    public void An_unknown_argument_is_refused_with_the_closest_name(string given, string closest)
    {
        var (_, _, errors) = Read((given, "x"));
        Assert.Contains($"--{given}: unknown argument; did you mean --{closest}?", errors);
    }

    [Fact]
    public void An_argument_far_from_every_name_is_refused_without_a_guess()
    {
        var error = Assert.Single(Read(("completely-unrelated-thing", "1")).Errors);
        Assert.Equal("--completely-unrelated-thing: unknown argument (--help lists them).", error);
    }

    [Theory]
    [InlineData("target")]
    [InlineData("verbosity")]
    [InlineData("tree")]
    [InlineData("dryrun")]
    [InlineData("description")]
    [InlineData("exclusive")]
    [InlineData("help")]
    [InlineData("version")]
    [InlineData("info")]
    [InlineData("settings_skipverification")]
    public void Cakes_own_arguments_are_accepted(string name)
    {
        Assert.Empty(Read((name, "true")).Errors);
    }

    [Fact]
    public void The_command_line_wins_over_the_environment_and_the_environment_over_the_default()
    {
        var environment = new Dictionary<string, string> { ["LABELPIPELINE_DATASET"] = "from-env", ["LABELPIPELINE_DATASET_VERSION"] = "v9" };
        var reader = Reader(new() { ["dataset"] = "from-cli" }, environment);
        var settings = PipelineSettings.Read(reader, WorkingDirectory);
        Assert.Empty(reader.Errors);
        Assert.Equal("from-cli", settings.Dataset);
        Assert.Equal("v9", settings.DatasetVersion);
        Assert.True(reader.FromCommandLine(Build.Arguments.Dataset));
        Assert.False(reader.FromCommandLine(Build.Arguments.DatasetVersion));
    }

    [Fact]
    public void A_misspelt_boolean_in_the_environment_is_refused_too()
    {
        var reader = Reader(environment: new() { ["LABELPIPELINE_PURGE"] = "flase" });
        var settings = PipelineSettings.Read(reader, WorkingDirectory);
        Assert.False(settings.Purge);
        Assert.Equal("--purge=flase: expected true or false (also 1/0, yes/no, on/off).", Assert.Single(reader.Errors));
    }

    [Fact]
    public void Every_bad_value_is_named_at_once_and_thrown_as_one_error()
    {
        var reader = Reader(new()
        {
            ["label-studio-port"] = "70000",
            ["storage"] = "ftp",
            ["sync-timeout"] = "soon",
            ["score-threshold"] = "high",
            ["min-duration"] = "-1",
            ["label-studio-url"] = "localhost:8080",
            ["dataset"] = "a/b",
            ["storage-credentials"] = "root",
        });
        _ = PipelineSettings.Read(reader, WorkingDirectory);
        var e = Assert.Throws<ArgumentException>(reader.ThrowIfInvalid);
        Assert.StartsWith("Invalid arguments:", e.Message, StringComparison.Ordinal);
        Assert.Contains("--label-studio-port=70000: expected a whole number from 1 to 65535.", e.Message, StringComparison.Ordinal);
        Assert.Contains("--storage=ftp: expected local or s3.", e.Message, StringComparison.Ordinal);
        Assert.Contains("--sync-timeout=soon: expected a whole number from 1 to 86400.", e.Message, StringComparison.Ordinal);
        Assert.Contains("--score-threshold=high: expected a number, e.g. 0.8", e.Message, StringComparison.Ordinal);
        Assert.Contains("--min-duration=-1: expected a number from 0 to 31536000 seconds", e.Message, StringComparison.Ordinal);
        Assert.Contains("--label-studio-url=localhost:8080: expected an http(s) URL such as http://127.0.0.1:8080.", e.Message, StringComparison.Ordinal);
        Assert.Contains("--dataset=a/b: must be a single folder name (no '/').", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void S3_values_are_checked_by_the_same_reader()
    {
        var (_, s3, errors) = Read(("storage", "s3"), ("bucket", "my-bucket"), ("storage-credentials", "root"), ("presign-ttl", "0"), ("storage-credentials-duration", "5m"));
        Assert.Equal("my-bucket", s3.Bucket);
        Assert.Contains("--storage-credentials=root: expected session, assume-role or none.", errors);
        Assert.Contains("--presign-ttl=0: expected a whole number from 1 to 10080.", errors);
        Assert.Contains("--storage-credentials-duration=5m: expected 900 to 43200 seconds (or 15m to 12h).", errors);
        Assert.Contains("--storage=s3 needs --bucket=<bucket name> (or LABELPIPELINE_BUCKET).", Read(("storage", "s3")).Errors);
        Assert.Equal(TimeSpan.FromHours(2), Read(("storage-credentials-duration", "2h")).S3.CredentialsDuration);
    }

    [Fact]
    public void The_token_is_never_echoed_in_an_error()
    {
        var reader = Reader();
        reader.Error(Build.Arguments.LabelStudioToken, "secret-token-value", "expected something");
        Assert.DoesNotContain("secret-token-value", Assert.Single(reader.Errors), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("false", "flase", 1)]
    [InlineData("target", "targt", 1)]
    [InlineData("abc", "abc", 0)]
    [InlineData("kitten", "sitting", 3)]
    public void Edit_distance_counts_a_swap_as_one_step(string a, string b, int expected) =>
        Assert.Equal(expected, ArgumentReader.EditDistance(a, b));

    [Fact]
    public void Every_argument_has_one_unique_name_a_description_and_a_default_of_its_kind()
    {
        var all = Build.Arguments.All;
        Assert.Equal(all.Count, all.Select(a => a.Name).Distinct(StringComparer.OrdinalIgnoreCase).Count());
        foreach (var argument in all)
        {
            Assert.False(string.IsNullOrWhiteSpace(argument.Description), argument.Name);
            Assert.Matches("^[a-z0-9-]+$", argument.Name);
            Assert.Equal("LABELPIPELINE_" + argument.Name.ToUpperInvariant().Replace('-', '_'), argument.EnvironmentVariable);
            switch (argument.Kind)
            {
                case ArgumentKind.Flag:
                    Assert.Contains(argument.Default, new[] { "true", "false" });
                    break;
                case ArgumentKind.WholeNumber when argument.Default is not null:
                    var value = int.Parse(argument.Default, System.Globalization.CultureInfo.InvariantCulture);
                    Assert.InRange(value, argument.Min, argument.Max);
                    break;
                case ArgumentKind.Choice:
                    Assert.Contains(argument.Default, argument.Choices);
                    break;
            }
        }
    }

    [Fact]
    public void Help_lists_every_pipeline_argument_with_its_variable()
    {
        var help = Build.Arguments.HelpText();
        foreach (var argument in Build.Arguments.All.Where(a => a.Kind != ArgumentKind.Cake))
        {
            Assert.Contains($"--{argument.Name}  [{argument.EnvironmentVariable}; default: ", help, StringComparison.Ordinal);
        }
    }
}
