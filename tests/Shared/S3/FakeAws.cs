using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Security;
using System.Text;
using System.Text.RegularExpressions;
using System.Web;

namespace LabelPipeline.TestSupport.S3;

/// <summary>One AssumeRole call as the fake STS received it.</summary>
public sealed record AssumeRoleCall(string CallerKeyId, string RoleArn, int DurationSeconds, string SessionName);

/// <summary>
/// A small STS and SageMaker on loopback (HttpListener), answering the AWS wire formats the SDK and the pipeline's
/// SigV4-signed SageMaker call expect: STS Query/XML (GetCallerIdentity, AssumeRole) and SageMaker JSON 1.1
/// (DescribeSpace). Nothing installable emulates either (TEST-INFRASTRUCTURE §C). It does not check signatures; it
/// records the caller's access key id from the Authorization header.
/// </summary>
public sealed class FakeAws : IDisposable
{
    public const string Account = "123456789012";

    private readonly HttpListener _listener = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public FakeAws()
    {
        var port = FreePort.Next();
        Endpoint = new Uri($"http://127.0.0.1:{port}/");
        _listener.Prefixes.Add(Endpoint.ToString());
        _listener.Start();
        _loop = Task.Run(LoopAsync);
    }

    public Uri Endpoint { get; }

    /// <summary>Caller ARNs by access key id (default: an IAM user named after the key).</summary>
    public ConcurrentDictionary<string, string> Identities { get; } = new();

    /// <summary>Roles AssumeRole grants, with the keys it hands out; any other role is AccessDenied.</summary>
    public ConcurrentDictionary<string, (string KeyId, string Secret)> Roles { get; } = new();

    public ConcurrentQueue<AssumeRoleCall> AssumeRoleCalls { get; } = new();

    /// <summary>Session tokens handed out by AssumeRole, newest last.</summary>
    public ConcurrentQueue<string> IssuedTokens { get; } = new();

    /// <summary>Spaces DescribeSpace knows: (domain, space) → Url.</summary>
    public ConcurrentDictionary<(string Domain, string Space), string> Spaces { get; } = new();

    /// <summary>The Authorization headers of SageMaker calls (to check they were SigV4-signed for "sagemaker").</summary>
    public ConcurrentQueue<string> SageMakerAuthorizations { get; } = new();

    public int GetCallerIdentityCount;

    public void Dispose()
    {
        _stop.Cancel();

        // Close alone: after Stop, Close removes the prefixes a second time, which on Linux binds the port again and
        // fails with "Address already in use" when another test took the freed port meanwhile (seen once in S3.Tests).
        _listener.Close();
        try
        {
            _loop.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
            // Stopped.
        }

        _stop.Dispose();
    }

    private async Task LoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            try
            {
                await HandleAsync(context);
            }
            catch (Exception e)
            {
                await WriteAsync(context, 500, "text/plain", e.ToString());
            }
        }
    }

    private async Task HandleAsync(HttpListenerContext context)
    {
        using var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8);
        var body = await reader.ReadToEndAsync();
        var authorization = context.Request.Headers["Authorization"] ?? string.Empty;
        var keyId = Regex.Match(authorization, "Credential=([^/]+)/").Groups[1].Value;
        var target = context.Request.Headers["X-Amz-Target"];
        if (target == "SageMaker.DescribeSpace")
        {
            SageMakerAuthorizations.Enqueue(authorization);
            var request = System.Text.Json.JsonDocument.Parse(body).RootElement;
            var key = (request.GetProperty("DomainId").GetString()!, request.GetProperty("SpaceName").GetString()!);
            if (Spaces.TryGetValue(key, out var url))
            {
                await WriteAsync(context, 200, "application/x-amz-json-1.1", $$"""{"DomainId":"{{key.Item1}}","SpaceName":"{{key.Item2}}","Status":"InService","Url":"{{url}}"}""");
            }
            else
            {
                await WriteAsync(context, 400, "application/x-amz-json-1.1", """{"__type":"com.amazonaws.sagemaker#ResourceNotFound","message":"Space not found"}""");
            }

            return;
        }

        var form = HttpUtility.ParseQueryString(body);
        switch (form["Action"])
        {
            case "GetCallerIdentity":
                Interlocked.Increment(ref GetCallerIdentityCount);
                var arn = Identities.GetValueOrDefault(keyId, $"arn:aws:iam::{Account}:user/{keyId}");
                await WriteAsync(context, 200, "text/xml", $"""
                    <GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
                      <GetCallerIdentityResult><Arn>{SecurityElement.Escape(arn)}</Arn><UserId>AIDA{keyId}</UserId><Account>{Account}</Account></GetCallerIdentityResult>
                      <ResponseMetadata><RequestId>{Guid.NewGuid()}</RequestId></ResponseMetadata>
                    </GetCallerIdentityResponse>
                    """);
                return;
            case "AssumeRole":
                var roleArn = form["RoleArn"] ?? string.Empty;
                var duration = int.Parse(form["DurationSeconds"] ?? "3600", CultureInfo.InvariantCulture);
                AssumeRoleCalls.Enqueue(new AssumeRoleCall(keyId, roleArn, duration, form["RoleSessionName"] ?? string.Empty));
                if (!Roles.TryGetValue(roleArn, out var keys))
                {
                    await WriteAsync(context, 403, "text/xml", $"""
                        <ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
                          <Error><Type>Sender</Type><Code>AccessDenied</Code><Message>User: arn:aws:iam::{Account}:user/{keyId} is not authorized to perform: sts:AssumeRole on resource: {SecurityElement.Escape(roleArn)}</Message></Error>
                          <RequestId>{Guid.NewGuid()}</RequestId>
                        </ErrorResponse>
                        """);
                    return;
                }

                var token = "assumed-token-" + Guid.NewGuid().ToString("N");
                IssuedTokens.Enqueue(token);
                var expiration = DateTime.UtcNow.AddSeconds(duration).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
                await WriteAsync(context, 200, "text/xml", $"""
                    <AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
                      <AssumeRoleResult>
                        <AssumedRoleUser><Arn>{SecurityElement.Escape(roleArn.Replace(":iam::", ":sts::", StringComparison.Ordinal).Replace(":role/", ":assumed-role/", StringComparison.Ordinal))}/{form["RoleSessionName"]}</Arn><AssumedRoleId>AROA:{form["RoleSessionName"]}</AssumedRoleId></AssumedRoleUser>
                        <Credentials><AccessKeyId>{keys.KeyId}</AccessKeyId><SecretAccessKey>{keys.Secret}</SecretAccessKey><SessionToken>{token}</SessionToken><Expiration>{expiration}</Expiration></Credentials>
                      </AssumeRoleResult>
                      <ResponseMetadata><RequestId>{Guid.NewGuid()}</RequestId></ResponseMetadata>
                    </AssumeRoleResponse>
                    """);
                return;
            default:
                await WriteAsync(context, 400, "text/xml", "<ErrorResponse><Error><Code>InvalidAction</Code><Message>Unknown action</Message></Error></ErrorResponse>");
                return;
        }
    }

    private static async Task WriteAsync(HttpListenerContext context, int status, string contentType, string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        context.Response.StatusCode = status;
        context.Response.ContentType = contentType;
        context.Response.ContentLength64 = bytes.Length;
        await context.Response.OutputStream.WriteAsync(bytes);
        context.Response.Close();
    }
}
