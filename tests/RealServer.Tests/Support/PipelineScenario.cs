using System.Text.Json.Nodes;
using LabelPipeline.LabelConfig;

namespace RealServer.Tests.Support;

/// <summary>
/// One dataset (a copy of the repository's synthetic/v1 under a unique name, inside the real server's document root)
/// and the pipeline executable run against the real server for it, as a user would.
/// </summary>
public sealed class PipelineScenario(RealLabelStudio server, string dataset) : IDisposable
{
    private readonly TempDirectory _work = new();

    public string Dataset { get; } = dataset;

    public string Title => $"{Dataset} v1";

    public string DatasetsDirectory { get; } = server.NewDatasetsDirectory();

    public string SourceDirectory => Path.Combine(DatasetsDirectory, Dataset, "v1");

    public string Output => Path.Combine(_work.Path, "artifacts");

    public string Snapshot => Path.Combine(Output, Dataset, "v1");

    public string WorkDirectory => _work.Path;

    /// <summary>Copies the repository's synthetic/v1 CSV files in as this scenario's dataset.</summary>
    public PipelineScenario WithSyntheticFiles()
    {
        Directory.CreateDirectory(SourceDirectory);
        foreach (var file in Repository.SyntheticFiles)
        {
            File.Copy(file, Path.Combine(SourceDirectory, Path.GetFileName(file)));
        }

        return this;
    }

    /// <summary>Runs the pipeline against <paramref name="url"/> (default: the server itself).</summary>
    public async Task<PipelineRun> RunAsync(IEnumerable<string> arguments, Uri? url = null, IReadOnlyDictionary<string, string>? environment = null)
    {
        var env = server.PipelineEnvironment();
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            env[name] = value;
        }

        var run = await PipelineRunner.RunAsync(
            [
                .. server.PipelineArguments(DatasetsDirectory),
                $"--dataset={Dataset}",
                $"--output={Output}",
                $"--state-dir={Path.Combine(_work.Path, "state")}",
                $"--sagemaker-metadata={Path.Combine(_work.Path, "no-sagemaker.json")}",
                .. url is null ? Array.Empty<string>() : [$"--label-studio-url={url}"],
                .. arguments,
            ],
            env,
            TimeSpan.FromMinutes(5));
        return run with { Output = server.Redact(run.Output) };
    }

    public async Task<PipelineRun> RunOkAsync(params string[] arguments)
    {
        var run = await RunAsync(arguments);
        Assert.True(run.ExitCode == 0, run.ToString());
        return run;
    }

    /// <summary>The project's labeling config, read as the pipeline reads it.</summary>
    public static LabelConfigInfo Config(JsonObject project) => LabelConfigValidator.Read(project["label_config"]!.GetValue<string>());

    /// <summary>The task showing <paramref name="file"/> (its data URL ends with the file name).</summary>
    public static JsonObject TaskFor(IEnumerable<JsonObject> tasks, string file) =>
        Assert.Single(tasks, t => t["data"]!.AsObject().Any(p => p.Value?.ToString().EndsWith(file, StringComparison.Ordinal) == true));

    public void Dispose() => _work.Dispose();
}
