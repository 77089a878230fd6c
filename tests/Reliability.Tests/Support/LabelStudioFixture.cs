using LabelStudio.Emulator;

namespace Reliability.Tests.Support;

/// <summary>
/// One emulator for a test class, serving local files from anywhere (document root <c>/</c>), with every exchange
/// checked against the OpenAPI contract.
/// </summary>
public sealed class LabelStudioFixture : IAsyncLifetime
{
    public EmulatorServer Server { get; private set; } = null!;

    public async Task InitializeAsync() =>
        Server = await EmulatorServer.StartAsync(
            new EmulatorOptions { LocalFilesDocumentRoot = "/", OpenApiSpecPath = Repository.OpenApiSpec },
            CancellationToken.None);

    public async Task DisposeAsync() => await Server.DisposeAsync();

    /// <summary>The pipeline's arguments and environment for a run against this server.</summary>
    public static (string[] Arguments, Dictionary<string, string> Environment) Pipeline(EmulatorServer server, string datasetsDir, string scratch, params string[] more) =>
        (
            [
                $"--label-studio-url={server.BaseUrl}",
                $"--datasets-dir={datasetsDir}",
                $"--local-files-root={datasetsDir}",
                $"--output={Path.Combine(scratch, "output")}",
                $"--state-dir={Path.Combine(scratch, "state")}",
                .. more,
            ],
            new Dictionary<string, string> { ["LABELPIPELINE_LABEL_STUDIO_TOKEN"] = server.LegacyToken });
}
