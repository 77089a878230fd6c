using LabelPipeline.LabelStudio;
using LabelStudio.Emulator;
using Newtonsoft.Json.Linq;

namespace Editor.Tests.Support;

/// <summary>
/// The base of the loop tests (pipeline → emulator → Label Studio's editor → pipeline): a scratch folder, the Label Studio
/// emulator held to the OpenAPI subset, started by the test once <see cref="EditorTool.RequireAsync"/> passed (so a
/// missing browser skips before anything starts), the pipeline run against it, a client to inspect it, and the
/// annotator's actions the editor tool plays.
/// </summary>
public abstract class EditorLoopTest : IAsyncLifetime
{
    private readonly HttpClient _http = new();
    private EmulatorServer? _emulator;
    private LabelStudioClient? _client;
    private string _datasets = Repository.Datasets;

    protected TempDirectory Temp { get; } = new();

    protected EmulatorServer Emulator => _emulator ?? throw new InvalidOperationException("The test did not start the emulator (StartEmulatorAsync).");

    /// <summary>The pipeline's own client, pointed at <see cref="Emulator"/>.</summary>
    protected LabelStudioClient Client => _client ?? throw new InvalidOperationException("The test did not start the emulator (StartEmulatorAsync).");

    /// <summary>--output: where the snapshots go.</summary>
    protected string Output => Path.Combine(Temp.Path, "artifacts");

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        _http.Dispose();
        if (_emulator is not null)
        {
            await _emulator.DisposeAsync();
        }

        Temp.Dispose();
    }

    /// <summary>Starts the emulator serving <paramref name="datasets"/> (the repository's datasets/ by default) as local files.</summary>
    protected async Task StartEmulatorAsync(string? datasets = null)
    {
        _datasets = datasets ?? Repository.Datasets;
        _emulator = await EmulatorServer.StartAsync(
            new EmulatorOptions { LocalFilesDocumentRoot = _datasets, OpenApiSpecPath = Repository.OpenApiSpec },
            CancellationToken.None);
        _client = new LabelStudioClient(_http, _emulator.BaseUrl, _emulator.LegacyToken);
    }

    /// <summary>Runs the pipeline against <see cref="Emulator"/> with labels Anomaly and Normal and this test's folders.</summary>
    protected Task<PipelineRun> RunPipelineAsync(params string[] arguments) =>
        PipelineRunner.RunAsync(
            [
                $"--label-studio-url={Emulator.BaseUrl}",
                $"--datasets-dir={_datasets}",
                $"--local-files-root={_datasets}",
                $"--output={Output}",
                $"--state-dir={Path.Combine(Temp.Path, "state")}",
                "--labels=Anomaly,Normal",
                .. arguments,
            ],
            new Dictionary<string, string> { ["LABELPIPELINE_LABEL_STUDIO_TOKEN"] = Emulator.LegacyToken });

    /// <summary>One action of the annotator's session, as the editor tool (tests/editor/harness.js) plays it.</summary>
    protected static JObject Act(string type, params (string Name, object Value)[] fields)
    {
        var action = new JObject { ["type"] = type };
        foreach (var (name, value) in fields)
        {
            action[name] = JToken.FromObject(value);
        }

        return action;
    }
}
