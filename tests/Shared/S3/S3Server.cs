using System.Diagnostics;
using System.Text;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using LabelPipeline.Aws;

namespace LabelPipeline.TestSupport.S3;

/// <summary>
/// A real s3rver 3.7.1 (tests/s3/server.js) on 127.0.0.1 with a free port and a private data folder, for one test
/// class. When tests/s3/node_modules (or node) is missing the tests skip, unless LABELPIPELINE_REQUIRE_S3=1, when they fail.
/// </summary>
public sealed class S3Server : IAsyncLifetime
{
    /// <summary>s3rver's built-in key: what the tests' own admin client uses.</summary>
    public const string AdminKeyId = "S3RVER";

    private readonly TempDirectory _data = new();
    private readonly StringBuilder _log = new();
    private Process? _process;

    /// <summary>Why the tests skip (null when the server runs).</summary>
    public string? SkipReason { get; private set; }

    public Uri Endpoint { get; private set; } = null!;

    /// <summary>An S3 client with s3rver's own key, for arranging and inspecting buckets.</summary>
    public AmazonS3Client Admin { get; private set; } = null!;

    public static bool Required => Environment.GetEnvironmentVariable("LABELPIPELINE_REQUIRE_S3") == "1";

    /// <summary>tests/s3/server.js, which starts s3rver from tests/s3/node_modules (installed by tests/s3/install.sh).</summary>
    private static string ServerScript => Path.Combine(Repository.Root, "tests", "s3", "server.js");

    private static string NodeModules => Path.Combine(Repository.Root, "tests", "s3", "node_modules");

    public AwsEndpoints Endpoints => new() { Region = "us-east-1", S3 = Endpoint };

    public async Task InitializeAsync()
    {
        if (!Directory.Exists(Path.Combine(NodeModules, "s3rver")))
        {
            Unavailable($"s3rver is not installed: run 'bash tests/s3/install.sh' ({NodeModules} is missing).");
            return;
        }

        var start = new ProcessStartInfo("node")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(ServerScript)!,
        };

        // --openssl-legacy-provider: s3rver's ListObjectsV2 continuation tokens use DES (TEST-INFRASTRUCTURE §B.2).
        foreach (var argument in new[] { "--openssl-legacy-provider", ServerScript, "-d", _data.Path, "-a", "127.0.0.1", "-p", "0" })
        {
            start.ArgumentList.Add(argument);
        }

        try
        {
            _process = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            Unavailable($"node is not installed ({e.Message}).");
            return;
        }

        var ready = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        _process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                return;
            }

            lock (_log)
            {
                _log.AppendLine(e.Data);
            }

            const string marker = "s3rver listening on ";
            if (e.Data.StartsWith(marker, StringComparison.Ordinal))
            {
                ready.TrySetResult(new Uri(e.Data[marker.Length..].Trim() + "/"));
            }
        };
        _process.ErrorDataReceived += (_, e) =>
        {
            lock (_log)
            {
                _log.AppendLine(e.Data);
            }
        };
        _process.Exited += (_, _) => ready.TrySetException(new InvalidOperationException("s3rver exited:\n" + Log));
        _process.EnableRaisingEvents = true;
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        Endpoint = await ready.Task.WaitAsync(TimeSpan.FromSeconds(30));
        Admin = CreateClient(new BasicAWSCredentials(AdminKeyId, AdminKeyId));
    }

    public string Log
    {
        get
        {
            lock (_log)
            {
                return _log.ToString();
            }
        }
    }

    /// <summary>A client as the pipeline configures one (path style, no aws-chunked bodies).</summary>
    public AmazonS3Client CreateClient(AWSCredentials credentials) => AwsClients.CreateS3(credentials, Endpoints);

    /// <summary>Lets s3rver accept another access key id (s3rver checks ids, never signatures).</summary>
    public Task AddKeyAsync(string keyId, string secret) => AdminAsync(HttpMethod.Put, $"{Uri.EscapeDataString(keyId)}?secret={Uri.EscapeDataString(secret)}");

    /// <summary>Makes a key id unknown again: its requests get 403 InvalidAccessKeyId, as revoked or expired keys do.</summary>
    public Task RevokeKeyAsync(string keyId) => AdminAsync(HttpMethod.Delete, Uri.EscapeDataString(keyId));

    public async Task<string> CreateBucketAsync(string? name = null)
    {
        name ??= "b-" + Guid.NewGuid().ToString("N")[..20];
        await Admin.PutBucketAsync(new PutBucketRequest { BucketName = name });
        return name;
    }

    public async Task PutTextAsync(string bucket, string key, string content) =>
        await Admin.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = key, ContentBody = content, UseChunkEncoding = false });

    public async Task<string> GetTextAsync(string bucket, string key)
    {
        using var response = await Admin.GetObjectAsync(bucket, key);
        using var reader = new StreamReader(response.ResponseStream);
        return await reader.ReadToEndAsync();
    }

    public async Task<byte[]> GetBytesAsync(string bucket, string key)
    {
        using var response = await Admin.GetObjectAsync(bucket, key);
        using var buffer = new MemoryStream();
        await response.ResponseStream.CopyToAsync(buffer);
        return buffer.ToArray();
    }

    /// <summary>Every key of the bucket with its ETag and last-modified time (to prove an object was not rewritten).</summary>
    public async Task<IReadOnlyDictionary<string, (string ETag, DateTime? Modified, long? Size)>> ListAsync(string bucket)
    {
        var result = new SortedDictionary<string, (string, DateTime?, long?)>(StringComparer.Ordinal);
        await foreach (var item in Admin.Paginators.ListObjectsV2(new ListObjectsV2Request { BucketName = bucket }).S3Objects)
        {
            result[item.Key] = (item.ETag, item.LastModified, item.Size);
        }

        return result;
    }

    public async Task<IReadOnlyList<CORSRule>> CorsRulesAsync(string bucket)
    {
        try
        {
            return (await Admin.GetCORSConfigurationAsync(new GetCORSConfigurationRequest { BucketName = bucket })).Configuration?.Rules ?? [];
        }
        catch (AmazonS3Exception e) when (e.ErrorCode == "NoSuchCORSConfiguration")
        {
            return [];
        }
    }

    /// <summary>A browser's CORS preflight for a GET of <paramref name="key"/> from <paramref name="origin"/>.</summary>
    public async Task<(int Status, string? AllowOrigin, string? AllowMethods, string Body)> PreflightAsync(string bucket, string key, string origin, string method = "GET")
    {
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Options, new Uri(Endpoint, $"{bucket}/{key}"));
        request.Headers.Add("Origin", origin);
        request.Headers.Add("Access-Control-Request-Method", method);
        using var response = await http.SendAsync(request);
        string? Header(string name) => response.Headers.TryGetValues(name, out var values) ? string.Join(",", values) : null;
        return ((int)response.StatusCode, Header("Access-Control-Allow-Origin"), Header("Access-Control-Allow-Methods"), await response.Content.ReadAsStringAsync());
    }

    public async Task DisposeAsync()
    {
        Admin?.Dispose();
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process?.Dispose();
        _data.Dispose();
    }

    private async Task AdminAsync(HttpMethod method, string path)
    {
        using var http = new HttpClient();
        using var response = await http.SendAsync(new HttpRequestMessage(method, new Uri(Endpoint, "__admin/keys/" + path)));
        response.EnsureSuccessStatusCode();
    }

    private void Unavailable(string reason)
    {
        if (Required)
        {
            throw new InvalidOperationException(reason + " LABELPIPELINE_REQUIRE_S3=1 makes that a failure.");
        }

        SkipReason = reason;
    }
}
