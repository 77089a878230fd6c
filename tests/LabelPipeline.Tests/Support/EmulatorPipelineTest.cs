using LabelPipeline.LabelStudio;
using LabelStudio.Emulator;
using LabelStudio.Emulator.Faults;

namespace LabelPipeline.Tests.Support;

/// <summary>
/// The base of the end-to-end test classes: the real pipeline executable against the Label Studio emulator held to the
/// OpenAPI subset (every request and answer schema-checked). xUnit makes one instance per test, so each test gets its
/// own emulator, scratch folder (output, state) and a client to arrange and inspect the emulator's state.
/// </summary>
public abstract class EmulatorPipelineTest : IAsyncLifetime
{
    private readonly HttpClient _http = new();
    private readonly bool _scratchDatasets;

    /// <param name="scratchDatasets">
    /// True: the datasets folder starts empty in the scratch folder and the test puts its datasets there; false: the
    /// repository's own datasets/ (synthetic/v1).
    /// </param>
    protected EmulatorPipelineTest(bool scratchDatasets)
    {
        _scratchDatasets = scratchDatasets;
        DatasetsDir = scratchDatasets ? Path.Combine(Temp.Path, "datasets") : Repository.Datasets;
    }

    protected TempDirectory Temp { get; } = new();

    protected EmulatorServer Emulator { get; private set; } = null!;

    /// <summary>The pipeline's own client, pointed at <see cref="Emulator"/>: arranges annotations, inspects what a run left.</summary>
    protected LabelStudioClient Client { get; private set; } = null!;

    /// <summary>--datasets-dir and the emulator's local-files document root.</summary>
    protected string DatasetsDir { get; }

    /// <summary>--output: where the snapshots go.</summary>
    protected string Output => Path.Combine(Temp.Path, "artifacts");

    public async Task InitializeAsync()
    {
        if (_scratchDatasets)
        {
            Directory.CreateDirectory(DatasetsDir);
        }

        await StartEmulatorAsync(faults: null);
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await Emulator.DisposeAsync();
        Temp.Dispose();
    }

    /// <summary>Replaces the emulator by a fresh one (empty state) that injects <paramref name="faults"/>.</summary>
    protected async Task RestartEmulatorAsync(IFaultInjector faults)
    {
        await Emulator.DisposeAsync();
        await StartEmulatorAsync(faults);
    }

    /// <summary>Runs the pipeline against <see cref="Emulator"/> with the datasets, output and state folders of this test.</summary>
    protected Task<PipelineRun> RunPipelineAsync(
        IEnumerable<string> arguments,
        IReadOnlyDictionary<string, string>? environment = null,
        string token = EmulatorOptions.DefaultLegacyToken) =>
        PipelineRunner.RunAsync(
            [
                $"--label-studio-url={Emulator.BaseUrl}",
                $"--datasets-dir={DatasetsDir}",
                $"--local-files-root={DatasetsDir}",
                $"--output={Output}",
                $"--state-dir={Path.Combine(Temp.Path, "state")}",
                .. arguments,
            ],
            new Dictionary<string, string>(environment ?? new Dictionary<string, string>()) { ["LABELPIPELINE_LABEL_STUDIO_TOKEN"] = token });

    /// <summary>Copies <paramref name="file"/> into dataset <paramref name="dataset"/>, version v1, of <see cref="DatasetsDir"/>.</summary>
    protected void CopyInto(string dataset, string file)
    {
        var target = Path.Combine(DatasetsDir, dataset, "v1", Path.GetFileName(file));
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        File.Copy(file, target);
    }

    private async Task StartEmulatorAsync(IFaultInjector? faults)
    {
        Emulator = await EmulatorServer.StartAsync(
            new EmulatorOptions { LocalFilesDocumentRoot = DatasetsDir, OpenApiSpecPath = Repository.OpenApiSpec, Faults = faults },
            CancellationToken.None);
        Client = new LabelStudioClient(_http, Emulator.BaseUrl, EmulatorOptions.DefaultLegacyToken);
    }
}
