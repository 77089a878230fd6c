using System.Text;

namespace LabelPipeline.Deployment;

/// <summary>
/// Where and how Label Studio runs in Docker. The defaults are what a user gets without any argument.
/// Secrets (<see cref="Password"/>, <see cref="Token"/>) never show in <see cref="object.ToString"/>.
/// </summary>
public sealed partial record LabelStudioDeploymentOptions
{
    /// <summary>A pinned release: the walkthrough's unpinned <c>latest</c> broke when Label Studio changed under it.</summary>
    public const string DefaultImage = "heartexlabs/label-studio:1.23.0";

    public const string DefaultContainerName = "labelpipeline-label-studio";
    public const string DefaultDataVolume = "labelpipeline-label-studio-data";
    public const int DefaultHostPort = 8080;

    /// <summary>Where the datasets folder appears inside the container (Label Studio's local-files document root).</summary>
    public const string DefaultLocalFilesRoot = "/label-studio/files";

    /// <summary>The Label Studio image (name:tag, or an id).</summary>
    public string Image { get; init; } = DefaultImage;

    /// <summary>Whether the image may be pulled from its registry; tests use <see cref="DockerPullPolicy.Never"/>.</summary>
    public DockerPullPolicy Pull { get; init; } = DockerPullPolicy.Missing;

    /// <summary>A fixed name, so every run finds the container of the last one.</summary>
    public string ContainerName { get; init; } = DefaultContainerName;

    /// <summary>Published on 127.0.0.1 only: nothing else on the network can reach Label Studio.</summary>
    public int HostPort { get; init; } = DefaultHostPort;

    /// <summary>The named volume for /label-studio/data (database, uploads). A named volume, not a host folder: Docker
    /// gives it the image's ownership (uid 1001), so there is no permission error to fix by hand.</summary>
    public string DataVolume { get; init; } = DefaultDataVolume;

    /// <summary>The host folder with the datasets, mounted read-only at <see cref="LocalFilesRoot"/> and served by
    /// Label Studio's local-files storage. Null: no folder is mounted and local-files serving stays off.</summary>
    public string? DatasetsDirectory { get; init; }

    /// <summary>The mount point of <see cref="DatasetsDirectory"/> in the container (LOCAL_FILES_DOCUMENT_ROOT).</summary>
    public string LocalFilesRoot { get; init; } = DefaultLocalFilesRoot;

    /// <summary>The URL browsers use when it is not http://127.0.0.1:port (a proxy, e.g. a SageMaker notebook's
    /// /proxy/8080): LABEL_STUDIO_HOST.</summary>
    public Uri? ExternalUrl { get; init; }

    /// <summary>A private folder (created 0700) for the saved credentials and the short-lived env file;
    /// the build passes <c>.labelpipeline/</c> under the repository (git-ignored).</summary>
    public required string StateDirectory { get; init; }

    /// <summary>How long to wait for /health after starting the container (the first start runs migrations).</summary>
    public TimeSpan HealthTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>The first user's e-mail-like name; null: the saved one, else <see cref="LabelStudioCredentials.DefaultUsername"/>.</summary>
    public string? Username { get; init; }

    /// <summary>Secret. The first user's password; null: the saved one, else a random one.</summary>
    public string? Password { get; init; }

    /// <summary>Secret. The legacy API token (6 to 40 characters); null: the saved one, else a random 40-hex one.
    /// Given here it overrides the saved one, but Label Studio applies it only to a fresh data volume.</summary>
    public string? Token { get; init; }

    /// <summary>Label Studio's database: null is SQLite in the data volume; else PostgreSQL (a container Deploy runs, or
    /// an existing server).</summary>
    public PostgresOptions? Postgres { get; init; }

    /// <summary>The process runtime's <c>label-studio</c> executable; null: installed with pip into a virtual
    /// environment under the state folder (version <see cref="LabelStudioVersion"/>).</summary>
    public string? Command { get; init; }

    /// <summary>The release pip installs for the process runtime: the image's tag (1.23.0 by default).</summary>
    public string LabelStudioVersion =>
        Image.LastIndexOf(':') is var colon and > 0 && Image[(colon + 1)..] is var tag && ReleaseTag().IsMatch(tag)
            ? tag
            : DefaultImage[(DefaultImage.LastIndexOf(':') + 1)..];

    [System.Text.RegularExpressions.GeneratedRegex(@"^\d+\.\d+(\.\d+)?([.+-][0-9A-Za-z.]+)?$")]
    private static partial System.Text.RegularExpressions.Regex ReleaseTag();

    /// <summary>A container health check for <c>docker ps</c>; null: none (the deployment probes /health itself).</summary>
    public DockerHealthCheck? ContainerHealthCheck { get; init; }

    /// <summary>The engine restarts Label Studio with the daemon unless it was stopped on purpose.</summary>
    public DockerRestartPolicy Restart { get; init; } = DockerRestartPolicy.UnlessStopped;

    /// <summary>The JSON file (0600) that keeps this data volume's credentials across runs.</summary>
    public string CredentialsFile => Path.Combine(StateDirectory, $"label-studio-{DataVolume}.credentials.json");

    /// <summary>Where Label Studio answers on this machine.</summary>
    public Uri BaseUrl => new($"http://127.0.0.1:{HostPort}");

    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append($"Image = {Image}, Pull = {Pull}, ContainerName = {ContainerName}, HostPort = {HostPort}, DataVolume = {DataVolume}, ");
        builder.Append($"DatasetsDirectory = {DatasetsDirectory}, LocalFilesRoot = {LocalFilesRoot}, ExternalUrl = {ExternalUrl}, ");
        builder.Append($"StateDirectory = {StateDirectory}, HealthTimeout = {HealthTimeout}, Username = {Username}, ");
        builder.Append($"Password = {(Password is null ? "(none)" : "(given)")}, Token = {(Token is null ? "(none)" : "(given)")}, ");
        builder.Append($"Postgres = {Postgres?.ToString() ?? "(SQLite)"}");
        return true;
    }
}

/// <summary>What <see cref="LabelStudioDeployment.EnsureRunningAsync"/> did to get a working Label Studio.</summary>
public enum DeploymentAction
{
    /// <summary>No container existed: a new one was started.</summary>
    Started,

    /// <summary>The container of an earlier run was healthy, on the same image and configuration: left as it was.</summary>
    Reused,

    /// <summary>A container existed but was stopped, unhealthy, or on another image or configuration: it was removed and
    /// a new one started on the same data volume (the data was kept).</summary>
    Replaced,
}

/// <summary>A running Label Studio that accepted the token. <see cref="Token"/> is a secret: not in <see cref="ToString"/>.</summary>
/// <param name="BaseUrl">Where the API answers on this machine, e.g. http://127.0.0.1:8080.</param>
/// <param name="BrowserUrl">Where people open it: the external URL when one was given, else <paramref name="BaseUrl"/>.</param>
/// <param name="Token">The legacy API token, for <c>Authorization: Token …</c>.</param>
/// <param name="Username">The user to sign in as; the password is in <paramref name="CredentialsFile"/>.</param>
/// <param name="CredentialsFile">The private file with the username, password and token.</param>
public sealed record LabelStudioEndpoint(
    Uri BaseUrl,
    Uri BrowserUrl,
    string Token,
    string Username,
    DeploymentAction Action,
    string ContainerId,
    string CredentialsFile)
{
    public override string ToString() => $"{BaseUrl} ({Action}, container {ContainerId[..Math.Min(12, ContainerId.Length)]}, user {Username})";
}
