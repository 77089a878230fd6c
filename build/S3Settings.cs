using System.Globalization;
using LabelPipeline.Storage;

namespace Build;

/// <summary>
/// The S3 mode's settings, read once like <see cref="PipelineSettings"/> (<c>--name=value</c> or LABELPIPELINE_NAME).
/// Parsed and checked always, so a typo fails fast; <see cref="Bucket"/> is required only with <c>--storage=s3</c>.
/// </summary>
public sealed record S3Settings
{
    public const int DefaultPresignTtlMinutes = 15;

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

    public int PresignTtlMinutes { get; init; } = DefaultPresignTtlMinutes;

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

    public static S3Settings Read(Func<string, string?> get, StorageKind storage)
    {
        var errors = new List<string>();
        string? Optional(string name) => get(name) is { Length: > 0 } value ? value.Trim() : null;

        bool Flag(string name, bool fallback)
        {
            var text = Optional(name);
            switch (text?.ToLowerInvariant())
            {
                case null:
                    return fallback;
                case "true" or "1" or "yes" or "on":
                    return true;
                case "false" or "0" or "no" or "off":
                    return false;
                default:
                    errors.Add($"--{name}={text}: expected true or false.");
                    return fallback;
            }
        }

        int Integer(string name, int fallback, int min, int max)
        {
            var value = ArgumentValues.Integer(name, Optional(name), fallback, min, max, out var error);
            if (error is not null)
            {
                errors.Add(error);
            }

            return value;
        }

        Uri? Endpoint(string name)
        {
            var text = Optional(name);
            if (text is null)
            {
                return null;
            }

            if (Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" && uri.Host.Length > 0)
            {
                return uri;
            }

            errors.Add($"--{name}={text}: expected an http(s) URL such as http://127.0.0.1:9000 (scheme, host and port).");
            return null;
        }

        var bucket = Optional(Arguments.Bucket);
        if (bucket is null && (storage == StorageKind.S3 || Optional(Arguments.UploadSnapshot) is { } up && up is not ("false" or "0" or "no")))
        {
            errors.Add($"{(storage == StorageKind.S3 ? "--storage=s3" : "--" + Arguments.UploadSnapshot)} needs --{Arguments.Bucket}=<bucket name> (or {Arguments.EnvironmentVariable(Arguments.Bucket)}).");
        }
        else if (bucket is not null && S3Location.BucketNameError(bucket) is { } bucketError)
        {
            errors.Add($"--{Arguments.Bucket}={bucket}: {bucketError}.");
        }

        var prefix = get(Arguments.Prefix) ?? "labelpipeline";
        if (S3Location.PrefixError(prefix) is { } prefixError)
        {
            errors.Add($"--{Arguments.Prefix}={prefix}: {prefixError}.");
        }

        var origin = Optional(Arguments.LabelStudioOrigin);
        if (origin is not null && origin != Origins.Any && Origins.Normalize(origin, out var originError) is null)
        {
            errors.Add($"--{Arguments.LabelStudioOrigin}={origin}: {originError}, or * to allow any origin.");
        }

        var credentialsText = Optional(Arguments.StorageCredentials) ?? "session";
        var credentials = credentialsText.ToLowerInvariant() switch
        {
            "session" => StorageCredentialsMode.Session,
            "assume-role" => StorageCredentialsMode.AssumeRole,
            "none" => StorageCredentialsMode.None,
            _ => Invalid(StorageCredentialsMode.Session, $"--{Arguments.StorageCredentials}={credentialsText}: expected session, assume-role or none."),
        };
        var roleArn = Optional(Arguments.StorageRoleArn);
        if (credentials == StorageCredentialsMode.AssumeRole && roleArn is null)
        {
            errors.Add($"--{Arguments.StorageCredentials}=assume-role needs --{Arguments.StorageRoleArn}=arn:aws:iam::<account>:role/<read-only role>.");
        }
        else if (roleArn is not null && !roleArn.StartsWith("arn:", StringComparison.Ordinal))
        {
            errors.Add($"--{Arguments.StorageRoleArn}={roleArn}: expected a role ARN such as arn:aws:iam::123456789012:role/label-studio-read.");
        }

        var settings = new S3Settings
        {
            Bucket = bucket,
            Prefix = S3Location.NormalizePrefix(prefix),
            Region = Optional(Arguments.Region),
            S3Endpoint = Endpoint(Arguments.S3Endpoint),
            StsEndpoint = Endpoint(Arguments.StsEndpoint),
            SageMakerEndpoint = Endpoint(Arguments.SageMakerEndpoint),
            SageMakerMetadataPath = Optional(Arguments.SageMakerMetadata) ?? SageMakerMetadata.DefaultPath,
            LabelStudioOrigin = origin,
            Presign = Flag(Arguments.Presign, true),
            PresignTtlMinutes = Integer(Arguments.PresignTtl, DefaultPresignTtlMinutes, 1, 10_080),
            Credentials = credentials,
            RoleArn = roleArn,
            CredentialsDuration = Duration(Arguments.StorageCredentialsDuration, TimeSpan.FromHours(1)),
            CorsRuleId = Optional(Arguments.CorsRuleId) ?? LabelStudioCorsRule.DefaultId,
            UploadDataset = Flag(Arguments.UploadDataset, true),
            UploadSnapshot = Flag(Arguments.UploadSnapshot, false),
            UploadParallelism = Integer(Arguments.UploadParallelism, 4, 1, 64),
        };

        if (settings.CorsRuleId.Length > 255)
        {
            errors.Add($"--{Arguments.CorsRuleId}: at most 255 characters.");
        }

        if (errors.Count > 0)
        {
            throw new ArgumentException("Invalid arguments:\n  " + string.Join("\n  ", errors));
        }

        return settings;

        T Invalid<T>(T fallback, string error)
        {
            errors.Add(error);
            return fallback;
        }

        // Seconds ("3600") or with a unit ("60m", "1h"); STS accepts 15 minutes to 12 hours (the role's maximum).
        TimeSpan Duration(string name, TimeSpan fallback)
        {
            var text = Optional(name);
            if (text is null)
            {
                return fallback;
            }

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

            errors.Add($"--{name}={text}: expected 900 to 43200 seconds (or 15m to 12h).");
            return fallback;
        }
    }
}
