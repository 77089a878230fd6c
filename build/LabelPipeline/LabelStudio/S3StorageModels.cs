using Newtonsoft.Json.Linq;

namespace LabelPipeline.LabelStudio;

// Wire records for Label Studio's S3 import storage (CONTRACT §4.2). Label Studio never returns aws_access_key_id or
// aws_secret_access_key; it does return aws_session_token, so the storage record below carries none of the three.

public sealed record S3Storage : ImportStorage
{
    public string? Bucket { get; init; }
    public string? Prefix { get; init; }
    public bool? Presign { get; init; }
    public int? PresignTtl { get; init; }
    public string? RegionName { get; init; }
    public string? S3Endpoint { get; init; }
}

/// <summary>Create, update and validate body. Secrets: <see cref="ToString"/> shows only whether keys are set.</summary>
public sealed record S3StorageRequest
{
    /// <summary>Only for <c>/validate</c> of an existing storage (Label Studio then uses its stored secrets where the body has none).</summary>
    public int? Id { get; init; }

    public int? Project { get; init; }
    public string? Title { get; init; }
    public string? Description { get; init; }
    public string? Bucket { get; init; }
    public string? Prefix { get; init; }
    public string? RegexFilter { get; init; }
    public bool? UseBlobUrls { get; init; }
    public bool? Presign { get; init; }
    public int? PresignTtl { get; init; }
    public string? RegionName { get; init; }
    public string? S3Endpoint { get; init; }
    public bool? RecursiveScan { get; init; }
    public string? AwsAccessKeyId { get; init; }
    public string? AwsSecretAccessKey { get; init; }
    public string? AwsSessionToken { get; init; }

    /// <summary>The keys only: what a credentials refresh PATCHes. Empty strings clear stored keys (Label Studio then uses its environment).</summary>
    public static S3StorageRequest Keys(string? accessKeyId, string? secretAccessKey, string? sessionToken) => new()
    {
        AwsAccessKeyId = accessKeyId ?? string.Empty,
        AwsSecretAccessKey = secretAccessKey ?? string.Empty,
        AwsSessionToken = sessionToken ?? string.Empty,
    };

    /// <summary>The same request without keys, e.g. to compare settings.</summary>
    public S3StorageRequest WithoutKeys() => this with { AwsAccessKeyId = null, AwsSecretAccessKey = null, AwsSessionToken = null };

    public override string ToString() =>
        $"S3StorageRequest {{ Project = {Project}, Title = {Title}, Bucket = {Bucket}, Prefix = {Prefix}, RegexFilter = {RegexFilter}, UseBlobUrls = {UseBlobUrls}, "
        + $"Presign = {Presign}, PresignTtl = {PresignTtl}, RegionName = {RegionName}, S3Endpoint = {S3Endpoint}, RecursiveScan = {RecursiveScan}, "
        + $"Keys = {(string.IsNullOrEmpty(AwsAccessKeyId) ? "(none)" : "(given)")}, SessionToken = {(string.IsNullOrEmpty(AwsSessionToken) ? "(none)" : "(given)")} }}";
}

/// <summary>Label Studio refused an S3 storage's settings (its validation reads the bucket with the keys it was given).</summary>
public sealed class LabelStudioStorageValidationException(string message, LabelStudioApiException inner) : Exception(message, inner)
{
    /// <summary>Label Studio's own words, e.g. "Cannot find bucket b in S3".</summary>
    public string Detail => ((LabelStudioApiException)InnerException!).Detail;
}
