using System.Globalization;
using LabelPipeline.Aws;

namespace Build;

/// <summary>
/// The S3 mode's settings, read once like <see cref="PipelineSettings"/> (<c>--name=value</c> or LABELPIPELINE_NAME).
/// Parsed and checked always, so a typo fails fast; <see cref="Bucket"/> is required only with <c>--storage=s3</c>.
/// </summary>
public sealed partial record S3Settings
{
    public string? Bucket { get; init; }

    /// <summary>Normalised: empty, or segments joined by '/' with a trailing '/'. The dataset goes to <c>&lt;prefix&gt;&lt;dataset&gt;/&lt;version&gt;/</c>.</summary>
    public required string Prefix { get; init; }

    /// <summary>Null: AWS_REGION, AWS_DEFAULT_REGION, the profile, SageMaker's metadata (see <see cref="AwsRegion"/>).</summary>
    public string? Region { get; init; }

    public Uri? S3Endpoint { get; init; }

    public Uri? StsEndpoint { get; init; }

    public Uri? SageMakerEndpoint { get; init; }

    public required string SageMakerMetadataPath { get; init; }

    /// <summary>Raw <c>--label-studio-origin</c> (checked: an http(s) URL or <c>*</c>).</summary>
    public string? LabelStudioOrigin { get; init; }

    /// <summary>Label Studio hands out presigned URLs (the browser reads S3, so CORS is needed); false: it streams the files itself.</summary>
    public bool Presign { get; init; } = true;

    public int PresignTtlMinutes { get; init; } = 15;

    public StorageCredentialsMode Credentials { get; init; } = StorageCredentialsMode.Session;

    public string? RoleArn { get; init; }

    public TimeSpan CredentialsDuration { get; init; } = TimeSpan.FromHours(1);

    public required string CorsRuleId { get; init; }

    /// <summary>False: the files are already in the bucket (put there by another process); Upload only checks they are.</summary>
    public bool UploadDataset { get; init; } = true;

    /// <summary>Copy the label snapshot to the bucket after Export (<c>--upload</c>).</summary>
    public bool UploadSnapshot { get; init; }

    public int UploadParallelism { get; init; } = 4;

    public StorageCredentialsOptions CredentialsOptions => new() { Mode = Credentials, RoleArn = RoleArn, Duration = CredentialsDuration };

    /// <summary>Reads and checks S3 mode's settings; errors are collected in <paramref name="arguments"/>.</summary>
    public static S3Settings Read(ArgumentReader arguments, StorageKind storage)
    {
        var bucket = arguments.Optional(Arguments.Bucket);
        var uploadSnapshot = arguments.Flag(Arguments.UploadSnapshot);
        if (bucket is null && (storage == StorageKind.S3 || uploadSnapshot))
        {
            arguments.Error($"{(storage == StorageKind.S3 ? "--storage=s3" : "--" + Arguments.UploadSnapshot)} needs --{Arguments.Bucket}=<bucket name> (or {Arguments.Bucket.EnvironmentVariable}).");
        }
        else if (bucket is not null && S3Location.BucketNameError(bucket) is { } bucketError)
        {
            arguments.Error(Arguments.Bucket, bucket, bucketError);
        }

        var prefix = arguments.Text(Arguments.Prefix);
        if (S3Location.PrefixError(prefix) is { } prefixError)
        {
            arguments.Error(Arguments.Prefix, prefix, prefixError);
        }

        var origin = arguments.Optional(Arguments.LabelStudioOrigin);
        if (origin is not null && origin != Origins.Any && Origins.Normalize(origin, out var originError) is null)
        {
            arguments.Error(Arguments.LabelStudioOrigin, origin, $"{originError}, or * to allow any origin");
        }

        var credentials = arguments.Choice(Arguments.StorageCredentials) switch
        {
            "assume-role" => StorageCredentialsMode.AssumeRole,
            "none" => StorageCredentialsMode.None,
            _ => StorageCredentialsMode.Session,
        };
        var roleArn = arguments.Optional(Arguments.StorageRoleArn);
        if (credentials == StorageCredentialsMode.AssumeRole && roleArn is null)
        {
            arguments.Error($"--{Arguments.StorageCredentials}=assume-role needs --{Arguments.StorageRoleArn}=arn:aws:iam::<account>:role/<read-only role>.");
        }
        else if (roleArn is not null && !roleArn.StartsWith("arn:", StringComparison.Ordinal))
        {
            arguments.Error(Arguments.StorageRoleArn, roleArn, "expected a role ARN such as arn:aws:iam::123456789012:role/label-studio-read");
        }

        const string EndpointExample = "http://127.0.0.1:9000 (scheme, host and port)";
        var settings = new S3Settings
        {
            Bucket = bucket,
            Prefix = S3Location.NormalizePrefix(prefix),
            Region = arguments.Optional(Arguments.Region),
            S3Endpoint = arguments.Url(Arguments.S3Endpoint, EndpointExample),
            StsEndpoint = arguments.Url(Arguments.StsEndpoint, EndpointExample),
            SageMakerEndpoint = arguments.Url(Arguments.SageMakerEndpoint, EndpointExample),
            SageMakerMetadataPath = arguments.Text(Arguments.SageMakerMetadata),
            LabelStudioOrigin = origin,
            Presign = arguments.Flag(Arguments.Presign),
            PresignTtlMinutes = arguments.WholeNumber(Arguments.PresignTtl),
            Credentials = credentials,
            RoleArn = roleArn,
            CredentialsDuration = Duration(arguments, Arguments.StorageCredentialsDuration),
            CorsRuleId = arguments.Text(Arguments.CorsRuleId),
            UploadDataset = arguments.Flag(Arguments.UploadDataset),
            UploadSnapshot = uploadSnapshot,
            UploadParallelism = arguments.WholeNumber(Arguments.UploadParallelism),
        };

        if (settings.CorsRuleId.Length > 255)
        {
            arguments.Error($"--{Arguments.CorsRuleId}: at most 255 characters.");
        }

        return settings;
    }

    // Seconds ("3600") or with a unit ("60m", "1h"); STS accepts 15 minutes to 12 hours (the role's maximum).
    private static TimeSpan Duration(ArgumentReader arguments, Argument argument)
    {
        var text = arguments.Text(argument);
        var unit = char.ToLowerInvariant(text[^1]) switch { 'h' => 3600, 'm' => 60, 's' => 1, _ => 0 };
        var number = unit == 0 ? text : text[..^1];
        if (int.TryParse(number, NumberStyles.None, CultureInfo.InvariantCulture, out var value))
        {
            var seconds = (long)value * (unit == 0 ? 1 : unit);
            if (seconds is >= 900 and <= 43_200)
            {
                return TimeSpan.FromSeconds(seconds);
            }
        }

        arguments.Error(argument, text, "expected 900 to 43200 seconds (or 15m to 12h)");
        return TimeSpan.FromHours(1);
    }
}
