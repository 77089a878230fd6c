using Newtonsoft.Json.Linq;

namespace Editor.Tests.Support;

/// <summary>The browser tests run one at a time: each starts Chromium, and the machine has two cores.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class BrowserCollection
{
    public const string Name = "Browser";
}

/// <summary>
/// Makes every case of <see cref="EditorCases"/> and checks them all in one lsf-check.js batch (one browser), once for
/// the test class; each test then asserts on its case's result.
/// </summary>
public sealed class EditorSuiteFixture : IAsyncLifetime
{
    private static readonly TimeSpan BatchTimeout = TimeSpan.FromMinutes(10);
    private readonly TempDirectory _temp = new();
    private readonly Dictionary<string, EditorCase> _cases = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Exception> _buildErrors = new(StringComparer.Ordinal);
    private EditorRun? _run;
    private Exception? _runError;

    public EditorRun? Run => _run;

    public async Task InitializeAsync()
    {
        if (await EditorTool.UnavailableAsync() is not null)
        {
            return; // each test skips (or fails when the browser is required)
        }

        var workspace = new CaseWorkspace(_temp.Path);
        foreach (var definition in EditorCases.All)
        {
            try
            {
                _cases[definition.Name] = definition.Build(workspace);
            }
            catch (Exception e)
            {
                _buildErrors[definition.Name] = e;
            }
        }

        var manifest = new JObject
        {
            ["timeoutMs"] = 30_000,
            ["cases"] = new JArray(_cases.Values.Select(c => c.ToManifestCase())),
        };
        try
        {
            _run = await EditorTool.RunAsync(manifest, _temp.Path, BatchTimeout);
        }
        catch (Exception e)
        {
            _runError = e;
        }
    }

    /// <summary>The case and its result; skips when the browser is unavailable, throws when the case could not be checked.</summary>
    public async Task<(EditorCase Case, EditorCaseResult Result)> ResultAsync(string name)
    {
        await EditorTool.RequireAsync();
        if (_buildErrors.TryGetValue(name, out var build))
        {
            Skip.If(
                !Directory.Exists(Repository.SharedDatasets) && !EditorTool.Required,
                $"{Repository.SharedDatasets} is missing (../shared is not beside the clone): {build.Message}");
            throw new InvalidOperationException($"Case '{name}' could not be made: {build.Message}", build);
        }

        if (_runError is not null)
        {
            throw new InvalidOperationException($"The editor batch failed: {_runError.Message}", _runError);
        }

        return (_cases[name], _run![name]);
    }

    public Task DisposeAsync()
    {
        _temp.Dispose();
        return Task.CompletedTask;
    }
}
