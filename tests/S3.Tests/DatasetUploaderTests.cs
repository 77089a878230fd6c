using System.Security.Cryptography;
using LabelPipeline.Aws;
using S3.Tests.Support;

namespace S3.Tests;

/// <summary>Upload with the skip rule against a real s3rver: size, then the SHA-256 metadata, then the MD5 ETag.</summary>
public sealed class DatasetUploaderTests(S3Server s3) : IClassFixture<S3Server>, IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private string[] WriteFiles(params (string Name, string Content)[] files) =>
        files.Select(f => _temp.Write(Path.Combine("ds", f.Name), f.Content)).Order(StringComparer.Ordinal).ToArray();

    [SkippableFact]
    public async Task Second_upload_skips_everything_and_a_changed_file_alone_goes_up_again()
    {
        Skip.If(s3.SkipReason is not null, s3.SkipReason);
        var bucket = await s3.CreateBucketAsync();
        var files = WriteFiles(("a.csv", "timestamp,v\n0,1\n"), ("b.csv", "timestamp,v\n0,2\n"), ("c.csv", "timestamp,v\n0,3\n"));
        var target = S3Location.ForDataset(bucket, "team/p", "ds", "v1");
        var log = new ListLogger();
        var uploader = new DatasetUploader(s3.Admin, s3.Endpoints, log);

        var first = await uploader.UploadAsync(files, target, CancellationToken.None);
        Assert.Equal((3, 0), (first.Uploaded, first.Skipped));
        Assert.Contains(log.Messages, l => l.Contains("Uploaded 3/3", StringComparison.Ordinal));
        Assert.Equal("timestamp,v\n0,2\n", await s3.GetTextAsync(bucket, "team/p/ds/v1/b.csv"));
        var before = await s3.ListAsync(bucket);

        var second = await uploader.UploadAsync(files, target, CancellationToken.None);
        Assert.Equal((0, 3), (second.Uploaded, second.Skipped));
        Assert.Equal(before, await s3.ListAsync(bucket)); // same ETags and times: nothing rewritten

        File.WriteAllText(files[1], "timestamp,v\n0,9\n"); // same size, other content: only the SHA-256 tells
        var third = await uploader.UploadAsync(files, target, CancellationToken.None);
        Assert.Equal((1, 2), (third.Uploaded, third.Skipped));
        Assert.Equal("timestamp,v\n0,9\n", await s3.GetTextAsync(bucket, "team/p/ds/v1/b.csv"));
        var after = await s3.ListAsync(bucket);
        Assert.Equal(before["team/p/ds/v1/a.csv"], after["team/p/ds/v1/a.csv"]);
    }

    [SkippableFact]
    public async Task Nothing_outside_the_prefix_is_touched_and_foreign_objects_under_it_are_reported()
    {
        Skip.If(s3.SkipReason is not null, s3.SkipReason);
        var bucket = await s3.CreateBucketAsync();
        await s3.PutTextAsync(bucket, "other/a.csv", "keep me");
        await s3.PutTextAsync(bucket, "p/ds/v0/a.csv", "older version");
        await s3.PutTextAsync(bucket, "p/ds/v1/extra.csv", "someone else's");
        await s3.PutTextAsync(bucket, "p/ds/v1/sub/deeper.csv", "not directly under the prefix");
        var outside = await s3.ListAsync(bucket);
        var files = WriteFiles(("a.csv", "timestamp,v\n0,1\n"));

        var summary = await new DatasetUploader(s3.Admin, s3.Endpoints, new ListLogger()).UploadAsync(files, S3Location.ForDataset(bucket, "p", "ds", "v1"), CancellationToken.None);
        Assert.Equal(1, summary.Uploaded);
        Assert.Equal(["p/ds/v1/extra.csv"], summary.ForeignKeys);
        var after = await s3.ListAsync(bucket);
        foreach (var (key, value) in outside)
        {
            Assert.Equal(value, after[key]);
        }

        Assert.Equal(outside.Count + 1, after.Count);
        Assert.Equal("keep me", await s3.GetTextAsync(bucket, "other/a.csv"));
    }

    [SkippableFact]
    public async Task An_identical_object_put_by_another_tool_is_recognised_by_its_MD5_ETag()
    {
        Skip.If(s3.SkipReason is not null, s3.SkipReason);
        var bucket = await s3.CreateBucketAsync();
        var content = "timestamp,v\n0,1\n1,2\n";
        await s3.PutTextAsync(bucket, "p/ds/v1/a.csv", content); // no labelpipeline-sha256 metadata
        var files = WriteFiles(("a.csv", content));
        var summary = await new DatasetUploader(s3.Admin, s3.Endpoints, new ListLogger()).UploadAsync(files, S3Location.ForDataset(bucket, "p", "ds", "v1"), CancellationToken.None);
        Assert.Equal((0, 1), (summary.Uploaded, summary.Skipped));
    }

    [SkippableFact]
    public async Task Multipart_and_single_part_uploads_round_trip_byte_for_byte_in_parallel()
    {
        Skip.If(s3.SkipReason is not null, s3.SkipReason);
        var bucket = await s3.CreateBucketAsync();
        var big = new byte[(6 * 1024 * 1024) + 12345];
        new Random(42).NextBytes(big);
        var bigFile = Path.Combine(_temp.Path, "ds", "big.csv");
        Directory.CreateDirectory(Path.GetDirectoryName(bigFile)!);
        await File.WriteAllBytesAsync(bigFile, big);
        var files = WriteFiles(Enumerable.Range(0, 8).Select(i => ($"s{i}.csv", $"timestamp,v\n0,{i}\n")).ToArray()).Append(bigFile).ToArray();
        var log = new ListLogger();
        var uploader = new DatasetUploader(s3.Admin, s3.Endpoints, log) { MultipartThreshold = 5 * 1024 * 1024, Parallelism = 4, ProgressInterval = TimeSpan.Zero };

        var summary = await uploader.UploadAsync(files, S3Location.ForDataset(bucket, "", "ds", "v1"), CancellationToken.None);
        Assert.Equal(9, summary.Uploaded);
        Assert.Equal(SHA256.HashData(big), SHA256.HashData(await s3.GetBytesAsync(bucket, "ds/v1/big.csv")));
        Assert.Equal("timestamp,v\n0,7\n", await s3.GetTextAsync(bucket, "ds/v1/s7.csv"));
        Assert.Contains(log.Messages, l => l.Contains("Upload ", StringComparison.Ordinal) && l.Contains('%'));

        var again = await uploader.UploadAsync(files, S3Location.ForDataset(bucket, "", "ds", "v1"), CancellationToken.None);
        Assert.Equal((0, 9), (again.Uploaded, again.Skipped));
    }

    [SkippableFact]
    public async Task A_bad_endpoint_and_a_refused_key_get_clear_messages()
    {
        Skip.If(s3.SkipReason is not null, s3.SkipReason);
        var bucket = await s3.CreateBucketAsync();
        var nowhere = new AwsEndpoints { Region = "us-east-1", S3 = new Uri("http://127.0.0.1:9/") };
        using var unreachable = AwsClients.CreateS3(new Amazon.Runtime.BasicAWSCredentials("S3RVER", "S3RVER"), nowhere);
        var error = await Assert.ThrowsAsync<AwsException>(() => new DatasetUploader(unreachable, nowhere, new ListLogger()).EnsureBucketAsync(bucket, CancellationToken.None));
        Assert.Contains("Cannot reach S3 at http://127.0.0.1:9/", error.Message);
        Assert.Contains("--s3-endpoint", error.Message);

        using var stranger = s3.CreateClient(new Amazon.Runtime.BasicAWSCredentials("AKIAUNKNOWNKEY", "top-secret-value"));
        var denied = await Assert.ThrowsAsync<AwsException>(() => new DatasetUploader(stranger, s3.Endpoints, new ListLogger()).ListAsync(new S3Location(bucket, "p"), CancellationToken.None));
        Assert.Contains("Access denied", denied.Message);
        Assert.Contains("s3:ListBucket", denied.Message);
        Assert.DoesNotContain("top-secret-value", denied.Message);
    }
}
