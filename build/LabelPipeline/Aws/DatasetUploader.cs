using System.Collections.Concurrent;
using System.Security.Cryptography;
using Amazon.S3;
using Amazon.S3.Model;
using Amazon.S3.Transfer;
using Microsoft.Extensions.Logging;

namespace LabelPipeline.Aws;

/// <summary>What an upload did: a second run over the same files reports everything skipped.</summary>
/// <param name="ForeignKeys">Objects under the target that are not among the files (left alone, but Label Studio imports them too).</param>
public sealed record UploadSummary(int Uploaded, int Skipped, long BytesUploaded, IReadOnlyList<string> ForeignKeys);

/// <summary>
/// Puts a dataset version's files under one S3 location, in parallel, with progress. A file whose object is already
/// there with the same content is skipped. The decision, per file:
/// <list type="number">
/// <item>no object with the file's key (one listing of the location, no per-file request) → upload;</item>
/// <item>an object of another size → upload;</item>
/// <item>same size: read the object's metadata (HEAD). The pipeline stores each file's SHA-256 as
/// <c>x-amz-meta-labelpipeline-sha256</c>; equal → skip, different → upload;</item>
/// <item>same size but no such metadata (put there by another tool): skip when the ETag is the file's MD5 (true for
/// single-part uploads without SSE-KMS), else upload, which adds the metadata so the next run can decide cheaply.</item>
/// </list>
/// Only keys under the location are listed, read or written; nothing is ever deleted.
/// </summary>
public sealed class DatasetUploader(IAmazonS3 s3, AwsEndpoints endpoints, ILogger logger)
{
    /// <summary>User metadata key (sent as <c>x-amz-meta-labelpipeline-sha256</c>) holding the lower-case hex SHA-256 of the content.</summary>
    public const string Sha256MetadataKey = "labelpipeline-sha256";

    /// <summary>Files uploaded at once; TransferUtility further splits files above <see cref="MultipartThreshold"/> into parallel parts.</summary>
    public int Parallelism { get; init; } = 4;

    /// <summary>From this size on a file goes up in parts (TransferUtility's own default is 16 MiB).</summary>
    public long MultipartThreshold { get; init; } = 16L * 1024 * 1024;

    /// <summary>The least time between two progress lines.</summary>
    public TimeSpan ProgressInterval { get; init; } = TimeSpan.FromSeconds(2);

    /// <param name="relativeKey">The key under <paramref name="target"/> for a file; default: its file name.</param>
    public async Task<UploadSummary> UploadAsync(IReadOnlyList<string> files, S3Location target, CancellationToken ct, Func<string, string>? relativeKey = null)
    {
        var existing = await ListAsync(target, ct, recursive: relativeKey is not null).ConfigureAwait(false);
        var plan = new ConcurrentBag<(string File, string Key, long Size, string Sha256)>();
        var skipped = 0;
        await Parallel.ForEachAsync(files, new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = ct }, async (file, token) =>
        {
            var key = target.KeyOf(relativeKey?.Invoke(file) ?? Path.GetFileName(file));
            var size = new FileInfo(file).Length;
            var (sha256, md5) = await HashAsync(file, token).ConfigureAwait(false);
            if (existing.TryGetValue(key, out var remote) && remote.Size == size && await IsSameContentAsync(target, key, remote, sha256, md5, token).ConfigureAwait(false))
            {
                Interlocked.Increment(ref skipped);
                logger.LogDebug("s3://{Bucket}/{Key} is up to date (same size and SHA-256)", target.Bucket, key);
                return;
            }

            plan.Add((file, key, size, sha256));
        }).ConfigureAwait(false);

        var uploads = plan.OrderBy(p => p.Key, StringComparer.Ordinal).ToArray();
        var total = uploads.Sum(u => u.Size);
        if (uploads.Length > 0)
        {
            logger.LogInformation("Uploading {Count} of {Files} files ({Size}) to {Target}; {Skipped} already there with the same content", uploads.Length, files.Count, Size(total), target, skipped);
        }

        var progress = new Progress(logger, total, uploads.Length, ProgressInterval);
        using var transfer = new TransferUtility(s3, new TransferUtilityConfig { MinSizeBeforePartUpload = MultipartThreshold, ConcurrentServiceRequests = Parallelism });
        await Parallel.ForEachAsync(uploads, new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = ct }, async (upload, token) =>
        {
            var request = new TransferUtilityUploadRequest
            {
                BucketName = target.Bucket,
                Key = upload.Key,
                FilePath = upload.File,
                ContentType = "text/csv",
            };
            request.Metadata.Add(Sha256MetadataKey, upload.Sha256);
            long reported = 0;
            request.UploadProgressEvent += (_, e) => progress.Add(e.TransferredBytes - Interlocked.Exchange(ref reported, e.TransferredBytes));
            try
            {
                await transfer.UploadAsync(request, token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException || !token.IsCancellationRequested)
            {
                throw AwsFailures.S3(e, "uploading to", $"s3://{target.Bucket}/{upload.Key}", "s3:PutObject", endpoints);
            }

            progress.Add(upload.Size - Interlocked.Exchange(ref reported, upload.Size));
            progress.FileDone(upload.Key);
        }).ConfigureAwait(false);

        var datasetKeys = files.Select(f => target.KeyOf(Path.GetFileName(f))).ToHashSet(StringComparer.Ordinal);
        var foreign = existing.Keys.Where(k => !datasetKeys.Contains(k)).Order(StringComparer.Ordinal).ToArray();
        return new UploadSummary(uploads.Length, skipped, total, foreign);
    }

    /// <summary>
    /// HeadBucket: a missing bucket, a wrong region, an endpoint that is no S3 and missing permissions all show here,
    /// before any work. (Not DoesS3BucketExistV2: it reads the ACL, which S3-compatible servers often lack.)
    /// </summary>
    public async Task EnsureBucketAsync(string bucket, CancellationToken ct)
    {
        try
        {
            await s3.HeadBucketAsync(new HeadBucketRequest { BucketName = bucket }, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            throw AwsFailures.S3(e, "checking", $"s3://{bucket}", "s3:ListBucket", endpoints);
        }
    }

    /// <summary>The objects directly under the location (Delimiter '/', as Label Studio's non-recursive scan sees them).</summary>
    /// <param name="recursive">Also list keys in "sub-folders" (a snapshot has lookout/, dense/, source/).</param>
    public async Task<Dictionary<string, S3Object>> ListAsync(S3Location location, CancellationToken ct, bool recursive = false)
    {
        var objects = new Dictionary<string, S3Object>(StringComparer.Ordinal);
        var request = new ListObjectsV2Request { BucketName = location.Bucket, Prefix = location.Prefix, Delimiter = recursive ? null : "/" };
        try
        {
            await foreach (var item in s3.Paginators.ListObjectsV2(request).S3Objects.WithCancellation(ct).ConfigureAwait(false))
            {
                if (item is not null && !item.Key.EndsWith('/'))
                {
                    objects[item.Key] = item;
                }
            }
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            throw AwsFailures.S3(e, "listing", location.ToString(), "s3:ListBucket", endpoints);
        }

        return objects;
    }

    private async Task<bool> IsSameContentAsync(S3Location target, string key, S3Object remote, string sha256, string md5, CancellationToken ct)
    {
        GetObjectMetadataResponse metadata;
        try
        {
            metadata = await s3.GetObjectMetadataAsync(new GetObjectMetadataRequest { BucketName = target.Bucket, Key = key }, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            throw AwsFailures.S3(e, "reading the metadata of", $"s3://{target.Bucket}/{key}", "s3:GetObject", endpoints);
        }

        if (metadata.Metadata[Sha256MetadataKey] is { Length: > 0 } stored)
        {
            return string.Equals(stored, sha256, StringComparison.OrdinalIgnoreCase);
        }

        var etag = (remote.ETag ?? metadata.ETag ?? string.Empty).Trim('"');
        return string.Equals(etag, md5, StringComparison.OrdinalIgnoreCase);
    }

    private static async Task<(string Sha256, string Md5)> HashAsync(string file, CancellationToken ct)
    {
        // One read for both hashes: SHA-256 is the pipeline's own record, MD5 matches a single-part ETag.
        using var sha256 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
#pragma warning disable CA5351 // MD5 is not used for security here: it is what S3 puts in a single-part ETag.
        using var md5 = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
#pragma warning restore CA5351
        await using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true);
        var buffer = new byte[1 << 16];
        int read;
        while ((read = await stream.ReadAsync(buffer, ct).ConfigureAwait(false)) > 0)
        {
            sha256.AppendData(buffer, 0, read);
            md5.AppendData(buffer, 0, read);
        }

        return (Convert.ToHexStringLower(sha256.GetHashAndReset()), Convert.ToHexStringLower(md5.GetHashAndReset()));
    }

    internal static string Size(long bytes) => bytes switch
    {
        < 1024 => $"{bytes} B",
        < 1024 * 1024 => $"{bytes / 1024.0:0.0} KiB",
        _ => $"{bytes / (1024.0 * 1024):0.0} MiB",
    };

    /// <summary>Bytes sent over all parallel uploads, logged at most every <c>interval</c> and once per finished file.</summary>
    private sealed class Progress(ILogger logger, long total, int files, TimeSpan interval)
    {
        private readonly Lock _gate = new();
        private long _sent;
        private int _done;
        private DateTimeOffset _lastReport = DateTimeOffset.UtcNow;

        public void Add(long bytes)
        {
            if (bytes == 0)
            {
                return;
            }

            lock (_gate)
            {
                _sent += bytes;
                if (DateTimeOffset.UtcNow - _lastReport >= interval)
                {
                    Report(null);
                }
            }
        }

        public void FileDone(string key)
        {
            lock (_gate)
            {
                _done++;
                Report(key);
            }
        }

        private void Report(string? finished)
        {
            _lastReport = DateTimeOffset.UtcNow;
            var percent = total == 0 ? 100 : Math.Min(100, _sent * 100 / total);
            if (finished is null)
            {
                logger.LogInformation("Upload {Percent}% ({Sent} of {Total}, {Done} of {Files} files)", percent, Size(_sent), Size(total), _done, files);
            }
            else
            {
                logger.LogInformation("Uploaded {Done}/{Files} {Key} ({Percent}% of {Total})", _done, files, finished, percent, Size(total));
            }
        }
    }
}
