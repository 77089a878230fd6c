using Amazon.Runtime;
using LabelPipeline.Aws;
using S3.Tests.Support;

namespace S3.Tests;

/// <summary>Identity, session keys and AssumeRole against the fake STS on loopback.</summary>
public sealed class AwsSessionTests : IDisposable
{
    private const string RoleArn = "arn:aws:iam::123456789012:role/label-studio-read";
    private readonly FakeAws _aws = new();
    private readonly ListLogger _log = new();

    public void Dispose() => _aws.Dispose();

    private AwsSession Session(AWSCredentials credentials) =>
        new(new AwsEndpoints { Region = "us-east-1", Sts = _aws.Endpoint }, _log, _ => Task.FromResult(credentials));

    [Fact]
    public async Task The_identity_is_printed_once_per_run()
    {
        _aws.Identities["AKIADEV"] = "arn:aws:iam::123456789012:user/dev";
        using var session = Session(new BasicAWSCredentials("AKIADEV", "dev-secret"));
        await session.EnsureIdentityAsync(CancellationToken.None);
        var identity = await session.EnsureIdentityAsync(CancellationToken.None);
        Assert.Equal(("123456789012", "arn:aws:iam::123456789012:user/dev"), (identity.Account, identity.Arn));
        Assert.Equal(1, _aws.GetCallerIdentityCount);
        Assert.Single(_log.Messages, l => l.Contains("AWS account 123456789012, identity arn:aws:iam::123456789012:user/dev", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Session_mode_hands_over_the_current_keys_with_the_token_and_never_logs_secrets()
    {
        using var session = Session(new SessionAWSCredentials("ASIASESSION1", "session-secret", "session-token-xyz"));
        var keys = await session.GetStorageCredentialsAsync(new StorageCredentialsOptions(), CancellationToken.None);
        Assert.NotNull(keys);
        Assert.Equal(("ASIASESSION1", "session-secret", "session-token-xyz"), (keys.AccessKeyId, keys.SecretAccessKey, keys.SessionToken));
        Assert.DoesNotContain("session-secret", keys.ToString());
        Assert.DoesNotContain("session-token-xyz", keys.ToString());
        Assert.DoesNotContain("session-secret", _log.Text);
        Assert.DoesNotContain("session-token-xyz", _log.Text);
    }

    [Fact]
    public async Task Assume_role_returns_the_roles_keys_and_when_they_expire()
    {
        _aws.Roles[RoleArn] = ("ASIAROLEKEY", "role-secret");
        using var session = Session(new BasicAWSCredentials("AKIADEV", "dev-secret"));
        var options = new StorageCredentialsOptions { Mode = StorageCredentialsMode.AssumeRole, RoleArn = RoleArn, Duration = TimeSpan.FromHours(2) };
        var keys = await session.GetStorageCredentialsAsync(options, CancellationToken.None);
        Assert.NotNull(keys);
        Assert.Equal("ASIAROLEKEY", keys.AccessKeyId);
        Assert.Equal(_aws.IssuedTokens.Single(), keys.SessionToken);
        Assert.InRange(keys.Expiration!.Value, DateTimeOffset.UtcNow.AddMinutes(115), DateTimeOffset.UtcNow.AddMinutes(121));
        var call = Assert.Single(_aws.AssumeRoleCalls);
        Assert.Equal((RoleArn, 7200, "AKIADEV"), (call.RoleArn, call.DurationSeconds, call.CallerKeyId));
        Assert.Contains(_log.Messages, l => l.Contains("expire at", StringComparison.Ordinal) && l.Contains("role " + RoleArn, StringComparison.Ordinal));
        Assert.DoesNotContain("role-secret", _log.Text);

        // Asked again in the same run (ConnectStorage, then Sync, then Export): one AssumeRole.
        Assert.Same(keys, await session.GetStorageCredentialsAsync(options, CancellationToken.None));
        Assert.Single(_aws.AssumeRoleCalls);
    }

    [Fact]
    public async Task Role_chaining_is_capped_at_one_hour_with_a_warning()
    {
        _aws.Identities["ASIANOTEBOOK"] = "arn:aws:sts::123456789012:assumed-role/SageMakerExecution/SageMaker";
        _aws.Roles[RoleArn] = ("ASIAROLEKEY", "role-secret");
        using var session = Session(new SessionAWSCredentials("ASIANOTEBOOK", "s", "t"));
        await session.GetStorageCredentialsAsync(new StorageCredentialsOptions { Mode = StorageCredentialsMode.AssumeRole, RoleArn = RoleArn, Duration = TimeSpan.FromHours(6) }, CancellationToken.None);
        Assert.Equal(3600, Assert.Single(_aws.AssumeRoleCalls).DurationSeconds);
        Assert.Contains(_log.Messages, l => l.StartsWith("Warning:", StringComparison.Ordinal) && l.Contains("role chaining", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_refused_role_says_what_the_trust_policy_needs()
    {
        using var session = Session(new BasicAWSCredentials("AKIADEV", "dev-secret"));
        var error = await Assert.ThrowsAsync<AwsException>(() => session.GetStorageCredentialsAsync(
            new StorageCredentialsOptions { Mode = StorageCredentialsMode.AssumeRole, RoleArn = "arn:aws:iam::123456789012:role/not-granted" }, CancellationToken.None));
        Assert.Contains("AccessDenied", error.Message);
        Assert.Contains("trust policy", error.Message);
        Assert.DoesNotContain("dev-secret", error.Message);
    }

    [Fact]
    public async Task None_mode_gives_no_keys()
    {
        using var session = Session(new BasicAWSCredentials("AKIADEV", "dev-secret"));
        Assert.Null(await session.GetStorageCredentialsAsync(new StorageCredentialsOptions { Mode = StorageCredentialsMode.None }, CancellationToken.None));
        Assert.Equal(0, _aws.GetCallerIdentityCount);
    }

    [Fact]
    public async Task No_credentials_anywhere_is_a_clear_error()
    {
        using var session = new AwsSession(new AwsEndpoints { Region = "us-east-1", Sts = _aws.Endpoint }, _log, _ => throw new AmazonClientException("Failed to resolve AWS credentials."));
        var error = await Assert.ThrowsAsync<AwsException>(() => session.EnsureIdentityAsync(CancellationToken.None));
        Assert.StartsWith("No AWS credentials found", error.Message, StringComparison.Ordinal);
        Assert.Contains("AWS_PROFILE", error.Message);
    }
}
