using LabelStudio.Emulator.Faults;

namespace LabelStudio.Emulator;

/// <summary>How an emulated sync of an import storage reaches its terminal status.</summary>
public enum StorageSyncMode
{
    /// <summary>Label Studio OSS without Redis: the scan runs inside the sync request, which answers <c>completed</c>.</summary>
    Synchronous,

    /// <summary>
    /// Label Studio with a job queue: the sync request answers <c>queued</c> (with a <c>last_sync_job</c>); each later read of
    /// the storage advances it (<c>queued</c> → <c>in_progress</c> → … → terminal), so a client must poll.
    /// </summary>
    Queued,
}

/// <summary>
/// Everything the emulator can be told, for in-test use (<see cref="EmulatorServer.StartAsync"/>) and, through
/// <see cref="CommandLine.EmulatorCommandLine"/>, for the standalone command. Defaults mirror the pipeline's Deploy target:
/// legacy tokens enabled, PATs enabled, local files serving on when a document root is given.
/// </summary>
public sealed record EmulatorOptions
{
    /// <summary>The first 40-hex legacy token when none is given; fixed so the standalone emulator is easy to script against.</summary>
    public const string DefaultLegacyToken = "0123456789abcdef0123456789abcdef01234567";

    /// <summary>Port on <see cref="ListenAddress"/>; 0 picks a free one (read it back from <see cref="EmulatorServer.BaseUrl"/>).</summary>
    public int Port { get; init; }

    /// <summary>
    /// 127.0.0.1 unless a test needs another local address: the Docker tests listen on the private engine's bridge
    /// gateway, so the stand-in container can forward the API to the emulator (reachable from that bridge and this host only).
    /// </summary>
    public System.Net.IPAddress ListenAddress { get; init; } = System.Net.IPAddress.Loopback;

    /// <summary>Legacy DRF token (40 hex) of the single user, sent as <c>Authorization: Token &lt;key&gt;</c> or <c>X-Api-Key</c>.</summary>
    public string LegacyToken { get; init; } = DefaultLegacyToken;

    /// <summary>The organization's <c>legacy_api_tokens_enabled</c> (LABEL_STUDIO_ENABLE_LEGACY_API_TOKEN at first start).</summary>
    public bool LegacyTokensEnabled { get; init; } = true;

    /// <summary>
    /// Disposing the server throws <see cref="Contract.ContractViolationException"/> when contract violations were recorded
    /// and never cleared (<see cref="EmulatorServer.ClearContractViolations"/>), so the test that caused one fails even when
    /// it never asked. Off for the standalone emulator, which prints them instead.
    /// </summary>
    public bool FailOnContractViolations { get; init; } = true;

    /// <summary>The organization's <c>api_tokens_enabled</c>: Personal Access Tokens and <c>/api/token/refresh/</c>.</summary>
    public bool PersonalAccessTokensEnabled { get; init; } = true;

    /// <summary>Lifetime of access tokens minted by <c>/api/token/refresh/</c> (Label Studio: about five minutes).</summary>
    public TimeSpan AccessTokenLifetime { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>LOCAL_FILES_SERVING_ENABLED. Null means "on when <see cref="LocalFilesDocumentRoot"/> is set".</summary>
    public bool? LocalFilesServingEnabled { get; init; }

    /// <summary>LOCAL_FILES_DOCUMENT_ROOT (absolute). Label Studio's default is <c>/</c>.</summary>
    public string? LocalFilesDocumentRoot { get; init; }

    /// <summary>LABEL_STUDIO_HOST: prefix of local-files URLs in task data. Empty gives Label Studio's relative <c>/data/local-files/?d=…</c>.</summary>
    public string Host { get; init; } = string.Empty;

    /// <summary>Email (and username) of the single user, as LABEL_STUDIO_USERNAME.</summary>
    public string UserEmail { get; init; } = "admin@example.com";

    /// <summary>Release reported by <c>/api/version</c> and in every error envelope.</summary>
    public string Version { get; init; } = "1.23.0";

    /// <summary>Path of <c>openapi-pipeline-subset.yaml</c>; when set, every /api request and response is validated against it.</summary>
    public string? OpenApiSpecPath { get; init; }

    /// <summary>How storage syncs reach a terminal status.</summary>
    public StorageSyncMode StorageSync { get; init; } = StorageSyncMode.Synchronous;

    /// <summary>With <see cref="StorageSyncMode.Queued"/>: reads of the storage before its sync completes (at least 1).</summary>
    public int StorageSyncPolls { get; init; } = 2;

    /// <summary>Reads of a new export snapshot (detail or list) that still show it <c>in_progress</c>; 0 is OSS (completed at once).</summary>
    public int ExportSnapshotPolls { get; init; }

    /// <summary>The emulator's clock (token expiry, timestamps); tests pass a manual one to expire tokens without waiting.</summary>
    public TimeProvider Clock { get; init; } = TimeProvider.System;

    /// <summary>Optional fault injection, run before anything else for every request (see <see cref="IFaultInjector"/>).</summary>
    public IFaultInjector? Faults { get; init; }

    /// <summary>Write ASP.NET Core's request log to the console (standalone use).</summary>
    public bool Verbose { get; init; }

    internal bool EffectiveLocalFilesServingEnabled => LocalFilesServingEnabled ?? LocalFilesDocumentRoot is not null;

    internal string EffectiveDocumentRoot => LocalFilesDocumentRoot ?? "/";
}
