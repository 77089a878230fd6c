using System.Globalization;
using Amazon.Runtime;
using Amazon.Runtime.Credentials;
using Amazon.S3;
using Amazon.SecurityToken;
using Amazon.SecurityToken.Model;
using Microsoft.Extensions.Logging;

namespace LabelPipeline.Aws;

/// <summary>Which keys Label Studio's S3 storage gets (<c>--storage-credentials</c>).</summary>
public enum StorageCredentialsMode
{
    /// <summary>The run's own current credentials from the SDK's default chain, session token included.</summary>
    Session,

    /// <summary>Fresh keys of a (read-only) role from STS AssumeRole.</summary>
    AssumeRole,

    /// <summary>No keys: Label Studio uses its own environment (env variables or an instance role it can reach).</summary>
    None,
}

/// <summary>Keys handed to Label Studio. The secret and the token never appear in <see cref="ToString"/>.</summary>
public sealed record StorageCredentials(string AccessKeyId, string SecretAccessKey, string? SessionToken, DateTimeOffset? Expiration, string Source)
{
    /// <summary>The last four characters of the key id: enough to tell keys apart in a log, too little to use.</summary>
    public string KeyHint => AccessKeyId.Length > 4 ? "…" + AccessKeyId[^4..] : "…";

    public override string ToString() =>
        $"{Source} (key {KeyHint}{(SessionToken is null ? string.Empty : ", with session token")}{(Expiration is { } at ? ", expires " + at.ToString("u", CultureInfo.InvariantCulture) : string.Empty)})";
}

/// <summary>Who the run is, as STS GetCallerIdentity says.</summary>
public sealed record CallerIdentity(string Account, string Arn, string UserId)
{
    /// <summary>Credentials of an assumed role (SageMaker execution roles, SSO): AssumeRole from them is role chaining, capped at one hour.</summary>
    public bool IsAssumedRole => Arn.Contains(":assumed-role/", StringComparison.Ordinal);
}

/// <summary>How the storage credentials are made.</summary>
public sealed record StorageCredentialsOptions
{
    public StorageCredentialsMode Mode { get; init; } = StorageCredentialsMode.Session;

    /// <summary><c>--storage-role-arn</c>, required for <see cref="StorageCredentialsMode.AssumeRole"/>.</summary>
    public string? RoleArn { get; init; }

    /// <summary><c>--storage-credentials-duration</c>: AssumeRole's DurationSeconds (900 s to the role's maximum, 12 h).</summary>
    public TimeSpan Duration { get; init; } = TimeSpan.FromHours(1);

    public string RoleSessionName { get; init; } = "labelpipeline-label-studio";
}

/// <summary>
/// The run's AWS side: the caller's credentials from the SDK's default chain (resolved once), the identity STS reports
/// for them (printed once), the S3 client built on them, and the credentials handed to Label Studio.
/// Every AWS client of a run comes from here, so settings and error wording live in one place.
/// </summary>
public sealed class AwsSession(AwsEndpoints endpoints, ILogger logger, Func<CancellationToken, Task<AWSCredentials>>? defaultChain = null) : IDisposable
{
    /// <summary>Role chaining (AssumeRole with role credentials) is capped at one hour by STS.</summary>
    private static readonly TimeSpan RoleChainingLimit = TimeSpan.FromHours(1);

    private readonly SemaphoreSlim _gate = new(1, 1);
    private AWSCredentials? _credentials;
    private CallerIdentity? _identity;
    private AmazonS3Client? _s3;
    private AmazonSecurityTokenServiceClient? _sts;
    private (StorageCredentialsOptions Options, StorageCredentials? Credentials)? _storageCredentials;

    public AwsEndpoints Endpoints => endpoints;

    /// <summary>The caller's credentials; a clear error when the default chain finds none.</summary>
    public async Task<AWSCredentials> GetCredentialsAsync(CancellationToken ct)
    {
        await _gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (_credentials is not null)
            {
                return _credentials;
            }

            AWSCredentials credentials;
            try
            {
                credentials = defaultChain is null
                    ? await DefaultAWSCredentialsIdentityResolver.GetCredentialsAsync().ConfigureAwait(false)
                    : await defaultChain(ct).ConfigureAwait(false);
                await credentials.GetCredentialsAsync().ConfigureAwait(false); // a profile naming a missing source fails here, not later
            }
            catch (AmazonClientException e)
            {
                throw new AwsException(
                    "No AWS credentials found. The AWS SDK looked in the environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN), "
                    + "the shared config and credentials files (AWS_PROFILE), web identity, and the container and instance roles (SageMaker, EC2). "
                    + "Set one of them up, e.g. 'aws configure sso' then AWS_PROFILE=<profile>, or run on SageMaker with an execution role.",
                    e);
            }

            return _credentials = credentials;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>STS GetCallerIdentity, once per run: the log says which account and identity every later AWS call uses.</summary>
    public async Task<CallerIdentity> EnsureIdentityAsync(CancellationToken ct)
    {
        if (_identity is not null)
        {
            return _identity;
        }

        var sts = await GetStsAsync(ct).ConfigureAwait(false);
        GetCallerIdentityResponse response;
        try
        {
            response = await sts.GetCallerIdentityAsync(new GetCallerIdentityRequest(), ct).ConfigureAwait(false);
        }
        catch (Exception e) when (endpoints.S3 is not null && endpoints.Sts is null && AwsFailures.IsUnreachable(e, out var reason) && !ct.IsCancellationRequested)
        {
            // An S3-compatible store (MinIO, Ceph) often runs where AWS STS is out of reach: that is no reason to stop.
            var key = (await (await GetCredentialsAsync(ct).ConfigureAwait(false)).GetCredentialsAsync().ConfigureAwait(false)).AccessKey;
            logger.LogWarning(
                "AWS STS is out of reach ({Reason}), so the run's identity is unknown; using access key …{Key} with the S3-compatible store at {Endpoint}. Pass --sts-endpoint if the store has one.",
                reason,
                key.Length > 4 ? key[^4..] : string.Empty,
                endpoints.S3);
            return _identity = new CallerIdentity("unknown", "unknown (STS not reached)", "unknown");
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            throw StsFailure(e, "GetCallerIdentity", "The credentials the AWS SDK found were rejected: they may have expired or been revoked. Refresh them and run again.");
        }

        _identity = new CallerIdentity(response.Account ?? "?", response.Arn ?? "?", response.UserId ?? "?");
        logger.LogInformation("AWS account {Account}, identity {Arn} (region {Region})", _identity.Account, _identity.Arn, endpoints.Region);
        return _identity;
    }

    public async Task<IAmazonS3> GetS3Async(CancellationToken ct)
    {
        var credentials = await GetCredentialsAsync(ct).ConfigureAwait(false);
        return _s3 ??= AwsClients.CreateS3(credentials, endpoints);
    }

    /// <summary>
    /// The keys Label Studio gets: the caller's current session keys, or an assumed role's, or none. Logs when they
    /// expire, since Label Studio keeps them as static values until the next run replaces them.
    /// </summary>
    public async Task<StorageCredentials?> GetStorageCredentialsAsync(StorageCredentialsOptions options, CancellationToken ct)
    {
        // Once per run: ConnectStorage, Sync and Export all ask, and one AssumeRole (one log line) is enough.
        if (_storageCredentials is { } cached && cached.Options == options)
        {
            return cached.Credentials;
        }

        var credentials = await CreateStorageCredentialsAsync(options, ct).ConfigureAwait(false);
        _storageCredentials = (options, credentials);
        return credentials;
    }

    public void Dispose()
    {
        _s3?.Dispose();
        _sts?.Dispose();
        _gate.Dispose();
    }

    private async Task<StorageCredentials?> CreateStorageCredentialsAsync(StorageCredentialsOptions options, CancellationToken ct)
    {
        StorageCredentials? result;
        switch (options.Mode)
        {
            case StorageCredentialsMode.None:
                logger.LogInformation("Label Studio gets no AWS keys (--storage-credentials=none): it reads S3 with the credentials of its own environment.");
                return null;
            case StorageCredentialsMode.AssumeRole:
                result = await AssumeRoleAsync(options, ct).ConfigureAwait(false);
                break;
            default:
                var credentials = await GetCredentialsAsync(ct).ConfigureAwait(false);
                var current = await credentials.GetCredentialsAsync().ConfigureAwait(false);
                result = new StorageCredentials(
                    current.AccessKey,
                    current.SecretKey,
                    current.UseToken ? current.Token : null,
                    credentials.Expiration is { } expiration ? new DateTimeOffset(DateTime.SpecifyKind(expiration, DateTimeKind.Utc)) : ExpirationFromEnvironment(),
                    "the run's own credentials");
                break;
        }

        if (result.Expiration is { } at)
        {
            var left = at - DateTimeOffset.UtcNow;
            logger.LogInformation(
                "Label Studio's S3 keys: {Credentials}; they expire at {At} (in {Left}). The next Sync or Export run replaces them.",
                result,
                at.ToString("u", CultureInfo.InvariantCulture),
                left <= TimeSpan.Zero ? "already expired" : $"{(int)left.TotalHours}h {left.Minutes:00}m");
        }
        else
        {
            logger.LogInformation(
                result.SessionToken is null
                    ? "Label Studio's S3 keys: {Credentials}; long-term keys, valid until revoked (prefer --storage-credentials=assume-role with a read-only role)."
                    : "Label Studio's S3 keys: {Credentials}; temporary, but their expiry is unknown (set AWS_CREDENTIAL_EXPIRATION to have it shown). The next Sync or Export run replaces them.",
                result);
        }

        return result;
    }

    private async Task<StorageCredentials> AssumeRoleAsync(StorageCredentialsOptions options, CancellationToken ct)
    {
        var roleArn = options.RoleArn ?? throw new AwsException("--storage-credentials=assume-role needs --storage-role-arn=arn:aws:iam::<account>:role/<read-only role>.");
        var identity = await EnsureIdentityAsync(ct).ConfigureAwait(false);
        var duration = options.Duration;
        if (identity.IsAssumedRole && duration > RoleChainingLimit)
        {
            logger.LogWarning(
                "The run's identity is itself an assumed role ({Arn}): AssumeRole from it is role chaining, which STS caps at 1 hour; asking for 1 hour instead of {Asked}.",
                identity.Arn,
                duration);
            duration = RoleChainingLimit;
        }

        var sts = await GetStsAsync(ct).ConfigureAwait(false);
        AssumeRoleResponse response;
        try
        {
            response = await sts.AssumeRoleAsync(
                new AssumeRoleRequest { RoleArn = roleArn, RoleSessionName = options.RoleSessionName, DurationSeconds = (int)duration.TotalSeconds },
                ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            throw StsFailure(
                e,
                $"AssumeRole into {roleArn}",
                $"The role's trust policy must allow {identity.Arn} to call sts:AssumeRole, the caller needs sts:AssumeRole on the role, "
                + "and --storage-credentials-duration must not exceed the role's maximum session duration.");
        }

        var keys = response.Credentials ?? throw new AwsException($"STS AssumeRole into {roleArn} returned no credentials.");
        return new StorageCredentials(
            keys.AccessKeyId,
            keys.SecretAccessKey,
            keys.SessionToken,
            keys.Expiration is { } expiration ? new DateTimeOffset(DateTime.SpecifyKind(expiration, DateTimeKind.Utc)) : null,
            $"role {roleArn}");
    }

    private async Task<AmazonSecurityTokenServiceClient> GetStsAsync(CancellationToken ct)
    {
        var credentials = await GetCredentialsAsync(ct).ConfigureAwait(false);
        return _sts ??= AwsClients.CreateSts(credentials, endpoints);
    }

    private AwsException StsFailure(Exception error, string call, string hint)
    {
        var where = endpoints.Sts is { } endpoint ? $" at {endpoint}" : $" in {endpoints.Region}";
        if (AwsFailures.IsUnreachable(error, out var reason))
        {
            return new AwsException($"Cannot reach STS{where} for {call} ({reason}). Check the network path to AWS (or --sts-endpoint).", error);
        }

        var code = (error as AmazonServiceException)?.ErrorCode;
        return new AwsException($"STS{where} refused {call}: {code ?? error.GetType().Name}: {error.Message} {hint}", error);
    }

    /// <summary>AWS_CREDENTIAL_EXPIRATION, which <c>aws configure export-credentials --format env</c> and credential helpers set.</summary>
    private static DateTimeOffset? ExpirationFromEnvironment() =>
        DateTimeOffset.TryParse(Environment.GetEnvironmentVariable("AWS_CREDENTIAL_EXPIRATION"), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at)
            ? at.ToUniversalTime()
            : null;
}
