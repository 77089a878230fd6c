using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Amazon;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using LabelStudio.Emulator.Hosting;

namespace LabelStudio.Emulator.Storages;

/// <summary>
/// S3 import storage (io_storages/s3, CONTRACT §4.2), reading a real bucket through AWSSDK.S3 at the storage's
/// <c>s3_endpoint</c> with the storage's keys, so a sync sees what was really uploaded. Keys left empty fall back to
/// the emulator's environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN), as Label Studio's
/// <c>get_client_and_resource</c> does, then to anonymous requests (Label Studio would go on to boto3's instance-role
/// chain, which is not emulated). The key id and secret are write-only: responses never carry them.
/// </summary>
internal sealed class S3StorageType(EmulatorOptions options, Func<string, string?>? environment = null) : IImportStorageType
{
    private readonly Func<string, string?> _environment = environment ?? Environment.GetEnvironmentVariable;

    public string Type => "s3";

    // The model's field order (S3ImportStorageBase): what responses show, minus the secure fields.
    public IReadOnlyList<string> Fields { get; } =
    [
        "presign", "bucket", "prefix", "aws_access_key_id", "aws_secret_access_key", "aws_session_token", "aws_sse_kms_key_id",
        "region_name", "s3_endpoint", "presign_ttl",
    ];

    public IReadOnlyList<string> SecureFields { get; } = ["aws_access_key_id", "aws_secret_access_key"];

    public void ReadFields(RequestFields fields, JsonObject typeFields)
    {
        foreach (var name in new[] { "bucket", "prefix", "aws_access_key_id", "aws_secret_access_key", "aws_session_token", "aws_sse_kms_key_id", "region_name", "s3_endpoint" })
        {
            var value = fields.String(name);
            if (value.HasValue)
            {
                typeFields[name] = value.Value;
            }
        }

        var presign = fields.Bool("presign");
        if (presign.HasValue)
        {
            typeFields["presign"] = presign.Value;
        }

        var ttl = fields.Int("presign_ttl");
        if (ttl.HasValue)
        {
            if (ttl.Value is < 0 or > 32767)
            {
                fields.AddError("presign_ttl", ttl.Value < 0 ? "Ensure this value is greater than or equal to 0." : "Ensure this value is less than or equal to 32767.");
            }
            else
            {
                typeFields["presign_ttl"] = ttl.Value;
            }
        }

        // Model defaults for a new storage.
        typeFields["presign"] ??= true;
        typeFields["presign_ttl"] ??= 1;
    }

    /// <summary>
    /// S3StorageSerializerMixin.validate + validate_connection: no bucket, no check; with a prefix, ListObjectsV2
    /// (MaxKeys=1) must find a key; without, HeadBucket. ClientErrors become Label Studio's messages; a connection
    /// failure is not caught there, so it is a 500 with botocore's text.
    /// </summary>
    public async Task ValidateConnectionAsync(StorageSnapshot storage, CancellationToken ct)
    {
        var bucket = storage.Field("bucket");
        if (string.IsNullOrEmpty(bucket))
        {
            return;
        }

        var prefix = storage.Field("prefix");
        using var s3 = CreateClient(storage);
        try
        {
            if (!string.IsNullOrEmpty(prefix))
            {
                var listing = await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket, Prefix = prefix, MaxKeys = 1 }, ct).ConfigureAwait(false);
                if ((listing.KeyCount ?? 0) == 0)
                {
                    throw ApiException.NonField($"s3://{bucket}/{prefix} not found.");
                }
            }
            else
            {
                await s3.HeadBucketAsync(new HeadBucketRequest { BucketName = bucket }, ct).ConfigureAwait(false);
            }
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.Forbidden || e.ErrorCode == "SignatureDoesNotMatch")
        {
            throw ApiException.NonField($"Cannot connect to S3 {bucket} with specified AWS credentials");
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound || e.ErrorCode == "NoSuchBucket")
        {
            throw ApiException.NonField($"Cannot find bucket {bucket} in S3");
        }
        catch (Exception e) when (IsConnectionFailure(e) && !ct.IsCancellationRequested)
        {
            throw new InvalidOperationException($"Could not connect to the endpoint URL: \"{EndpointText(storage)}/{bucket}\"", e);
        }
    }

    /// <summary>iter_objects: Prefix = prefix.rstrip('/') + '/', Delimiter '/' unless recursive, keys ending in '/' skipped, regex_filter re.match on the full key.</summary>
    public async Task<IReadOnlyList<string>> ListKeysAsync(StorageSnapshot storage, CancellationToken ct)
    {
        var bucket = storage.Field("bucket") ?? string.Empty;
        var prefix = storage.Field("prefix");
        var regex = string.IsNullOrEmpty(storage.RegexFilter) ? null : new PythonRegex(storage.RegexFilter);
        var request = new ListObjectsV2Request
        {
            BucketName = bucket,
            Prefix = string.IsNullOrEmpty(prefix) ? null : prefix.TrimEnd('/') + "/",
            Delimiter = storage.RecursiveScan ? null : "/",
        };
        using var s3 = CreateClient(storage);
        var keys = new List<string>();
        await foreach (var item in s3.Paginators.ListObjectsV2(request).S3Objects.WithCancellation(ct).ConfigureAwait(false))
        {
            if (item is not null && !item.Key.EndsWith('/') && (regex is null || regex.Match(item.Key)))
            {
                keys.Add(item.Key);
            }
        }

        return keys;
    }

    public JsonObject BlobTaskData(StorageSnapshot storage, string key) =>
        new() { [TaskDataKeys.Undefined] = $"s3://{storage.Field("bucket")}/{key}" };

    public async Task<byte[]> ReadObjectAsync(StorageSnapshot storage, string key, CancellationToken ct)
    {
        using var s3 = CreateClient(storage);
        using var response = await s3.GetObjectAsync(new GetObjectRequest { BucketName = storage.Field("bucket"), Key = key }, ct).ConfigureAwait(false);
        using var buffer = new MemoryStream();
        await response.ResponseStream.CopyToAsync(buffer, ct).ConfigureAwait(false);
        return buffer.ToArray();
    }

    /// <summary><c>s3://bucket/key</c> of this storage's bucket → <c>{host}/tasks/{id}/resolve/?fileuri=&lt;urlsafe base64&gt;</c>.</summary>
    public string? ResolveUri(StorageSnapshot storage, int taskId, string value)
    {
        var bucket = storage.Field("bucket");
        if (string.IsNullOrEmpty(bucket) || !value.StartsWith($"s3://{bucket}/", StringComparison.Ordinal))
        {
            return null;
        }

        var encoded = Convert.ToBase64String(Encoding.UTF8.GetBytes(value)).Replace('+', '-').Replace('/', '_');
        return $"{options.Host.TrimEnd('/')}/tasks/{taskId}/resolve/?fileuri={encoded}";
    }

    /// <summary>A presigned GET for the object (what the resolve endpoint redirects the browser to when presign is on).</summary>
    public async Task<string> PresignAsync(StorageSnapshot storage, string key)
    {
        using var s3 = CreateClient(storage);
        var endpoint = storage.Field("s3_endpoint");
        var minutes = storage.TypeFields["presign_ttl"]?.GetValue<int>() ?? 1;
        return await s3.GetPreSignedURLAsync(new GetPreSignedUrlRequest
        {
            BucketName = storage.Field("bucket"),
            Key = key,
            Verb = HttpVerb.GET,
            Expires = DateTime.UtcNow.AddMinutes(Math.Max(1, minutes)),
            Protocol = endpoint is not null && endpoint.StartsWith("http://", StringComparison.OrdinalIgnoreCase) ? Protocol.HTTP : Protocol.HTTPS,
        }).ConfigureAwait(false);
    }

    /// <summary>The storage's own client: its keys (or the environment's, or none), its endpoint and region.</summary>
    internal AmazonS3Client CreateClient(StorageSnapshot storage)
    {
        var region = storage.Field("region_name") is { Length: > 0 } name ? name : "us-east-1";
        // As Label Studio's boto3 client: 5 attempts on throttling (503 SlowDown), 5xx and lost connections, so a
        // flaky S3 (the fault proxy in tests/S3.Tests) slows a sync down rather than failing it.
        var config = new AmazonS3Config { RetryMode = RequestRetryMode.Standard, MaxErrorRetry = 4, Timeout = TimeSpan.FromSeconds(20) };
        if (storage.Field("s3_endpoint") is { Length: > 0 } endpoint)
        {
            config.ServiceURL = endpoint;
            config.ForcePathStyle = true;
            config.AuthenticationRegion = region;
        }
        else
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(region);
        }

        return new AmazonS3Client(Credentials(storage), config);
    }

    private AWSCredentials Credentials(StorageSnapshot storage)
    {
        // `aws_access_key_id or get_env('AWS_ACCESS_KEY_ID')`: empty strings count as absent.
        string? Pick(string field, string variable) => storage.Field(field) is { Length: > 0 } value ? value : _environment(variable) is { Length: > 0 } env ? env : null;
        var keyId = Pick("aws_access_key_id", "AWS_ACCESS_KEY_ID");
        var secret = Pick("aws_secret_access_key", "AWS_SECRET_ACCESS_KEY");
        var token = Pick("aws_session_token", "AWS_SESSION_TOKEN");
        if (keyId is null || secret is null)
        {
            return new AnonymousAWSCredentials();
        }

        return token is null ? new BasicAWSCredentials(keyId, secret) : new SessionAWSCredentials(keyId, secret, token);
    }

    private static string EndpointText(StorageSnapshot storage) =>
        (storage.Field("s3_endpoint") is { Length: > 0 } endpoint ? endpoint : $"https://s3.{storage.Field("region_name") ?? "us-east-1"}.amazonaws.com").TrimEnd('/');

    private static bool IsConnectionFailure(Exception error)
    {
        for (var e = error; e is not null; e = e.InnerException)
        {
            if (e is HttpRequestException or System.Net.Sockets.SocketException or TaskCanceledException)
            {
                return true;
            }
        }

        return false;
    }
}
