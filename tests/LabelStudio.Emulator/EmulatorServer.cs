using LabelStudio.Emulator.Auth;
using LabelStudio.Emulator.Contract;
using LabelStudio.Emulator.Hosting;
using LabelStudio.Emulator.State;
using LabelStudio.Emulator.Storages;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace LabelStudio.Emulator;

/// <summary>
/// A running in-memory Label Studio (Community) on 127.0.0.1, held to CONTRACT.md:
/// <code>
/// await using var ls = await EmulatorServer.StartAsync(new EmulatorOptions { OpenApiSpecPath = spec }, ct);
/// // ls.BaseUrl, ls.LegacyToken, ls.CreatePersonalAccessToken(), ls.Inspect.TaskCount(id), ls.ContractViolations
/// </code>
/// </summary>
public sealed class EmulatorServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly EmulatorContext _emulator;
    private readonly ContractViolationLog _violations;

    private EmulatorServer(WebApplication app, EmulatorContext emulator, ContractViolationLog violations, ContractValidator? contract, Uri baseUrl)
    {
        _app = app;
        _emulator = emulator;
        _violations = violations;
        Contract = contract;
        BaseUrl = baseUrl;
        Inspect = new EmulatorInspection(emulator);
    }

    /// <summary>e.g. <c>http://127.0.0.1:41234/</c> (always with a trailing slash).</summary>
    public Uri BaseUrl { get; }

    public EmulatorOptions Options => _emulator.Options;

    /// <summary>The user's legacy token (send as <c>Authorization: Token …</c> or <c>X-Api-Key</c>).</summary>
    public string LegacyToken
    {
        get
        {
            lock (_emulator.Store.Gate)
            {
                return _emulator.Store.LegacyToken;
            }
        }
    }

    public string UserEmail => _emulator.Store.User.Email;

    /// <summary>The compiled spec when <see cref="EmulatorOptions.OpenApiSpecPath"/> is set, e.g. to validate bodies directly.</summary>
    public ContractValidator? Contract { get; }

    /// <summary>Every contract violation seen so far (client requests and emulator responses), oldest first.</summary>
    public IReadOnlyList<ContractViolation> ContractViolations => _violations.Snapshot();

    /// <summary>Read-only counts of projects, storages, tasks … .</summary>
    public EmulatorInspection Inspect { get; }

    public static async Task<EmulatorServer> StartAsync(EmulatorOptions options, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(options);
        var contract = options.OpenApiSpecPath is null ? null : await ContractValidator.LoadAsync(options.OpenApiSpecPath, ct).ConfigureAwait(false);
        var now = options.Clock.GetUtcNow();
        var store = new EmulatorStore
        {
            User = new UserRecord { Id = 1, Email = options.UserEmail, DateJoined = now },
            Organization = new OrganizationRecord
            {
                ApiTokensEnabled = options.PersonalAccessTokensEnabled,
                LegacyApiTokensEnabled = options.LegacyTokensEnabled,
            },
            LegacyToken = options.LegacyToken,
        };
        IImportStorageType[] storageTypes = [new LocalFilesStorageType(options), new S3StorageType(options)];
        var emulator = new EmulatorContext(options, store, new JwtTokens(options.Clock), storageTypes);
        var violations = new ContractViolationLog();
        var app = EmulatorApp.Build(emulator, contract, violations);
        await app.StartAsync(ct).ConfigureAwait(false);

        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault()
            ?? throw new InvalidOperationException("Kestrel reported no listening address.");
        return new EmulatorServer(app, emulator, violations, contract, new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal).TrimEnd('/') + "/"));
    }

    /// <summary>Absolute URL of a path on the emulator, e.g. <c>Url("/api/projects/")</c>.</summary>
    public Uri Url(string pathAndQuery) => new(BaseUrl, pathAndQuery.TrimStart('/'));

    /// <summary>Mints a Personal Access Token (a JWT refresh token, 200-year lifetime) for the user, as the UI's "Create token".</summary>
    public string CreatePersonalAccessToken() => _emulator.Jwt.Create("refresh", _emulator.Store.User.Id, JwtTokens.PersonalAccessTokenLifetime);

    /// <summary>Flips the organization's token settings at run time (as <c>POST /api/jwt/settings</c> does).</summary>
    public void SetTokenSettings(bool? legacyTokensEnabled = null, bool? personalAccessTokensEnabled = null)
    {
        lock (_emulator.Store.Gate)
        {
            _emulator.Store.Organization.LegacyApiTokensEnabled = legacyTokensEnabled ?? _emulator.Store.Organization.LegacyApiTokensEnabled;
            _emulator.Store.Organization.ApiTokensEnabled = personalAccessTokensEnabled ?? _emulator.Store.Organization.ApiTokensEnabled;
        }
    }

    /// <summary>Forgets the violations seen so far: a test that provoked them on purpose, and checked them, calls this.</summary>
    public void ClearContractViolations() => _violations.Clear();

    /// <summary>Blocks until the server stops (standalone use: Ctrl+C).</summary>
    public Task WaitForShutdownAsync(CancellationToken ct) => _app.WaitForShutdownAsync(ct);

    /// <summary>Stops the server; then throws when contract violations are left (see <see cref="EmulatorOptions.FailOnContractViolations"/>).</summary>
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync(CancellationToken.None).ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
        var left = _violations.Snapshot();
        if (Options.FailOnContractViolations && left.Count > 0)
        {
            throw new ContractViolationException(left);
        }
    }
}
