using System.Net.Http.Headers;
using System.Text;
using Amazon;
using Amazon.Runtime;
using Amazon.Runtime.Signing;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace LabelPipeline.Aws;

public enum SageMakerResourceKind
{
    NotebookInstance,
    StudioSpace,
}

/// <summary>The SageMaker resource this process runs in, from its resource metadata file.</summary>
public sealed record SageMakerResource(SageMakerResourceKind Kind, string Name, string Region, string? DomainId, string? SpaceName, string? AppType);

/// <summary>
/// Reads <c>/opt/ml/metadata/resource-metadata.json</c>, the file the AWS walkthrough itself reads. A notebook instance
/// has <c>ResourceName</c> and <c>ResourceArn</c> (<c>arn:aws:sagemaker:&lt;region&gt;:&lt;account&gt;:notebook-instance/&lt;name&gt;</c>);
/// Studio adds <c>DomainId</c>, <c>SpaceName</c> and <c>AppType</c>. The presence of <c>DomainId</c> tells them apart.
/// </summary>
public static class SageMakerMetadata
{
    public const string DefaultPath = "/opt/ml/metadata/resource-metadata.json";

    /// <summary>The resource, or null when the file does not exist (not on SageMaker).</summary>
    public static SageMakerResource? Read(string path, string? fallbackRegion)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        JObject json;
        try
        {
            json = JObject.Parse(File.ReadAllText(path));
        }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException)
        {
            throw new AwsException($"Cannot read SageMaker's metadata file {path} ({e.Message}). Pass --label-studio-origin to say where Label Studio is opened.", e);
        }

        string? Text(string name) => json[name]?.Type == JTokenType.String && json[name]!.ToString() is { Length: > 0 } value ? value : null;
        var arn = Text("ResourceArn");

        // arn:aws:sagemaker:<region>:<account>:<resource>: field 4 is the region, the most robust source.
        var region = arn?.Split(':') is { Length: > 5 } parts && parts[3].Length > 0 ? parts[3] : fallbackRegion;
        var name = Text("ResourceName");
        if (region is null || name is null)
        {
            throw new AwsException(
                $"SageMaker's metadata file {path} has no {(name is null ? "ResourceName" : "region in ResourceArn")}. Pass --label-studio-origin (and --region).");
        }

        var domain = Text("DomainId");
        return domain is null
            ? new SageMakerResource(SageMakerResourceKind.NotebookInstance, name, region, null, null, null)
            : new SageMakerResource(SageMakerResourceKind.StudioSpace, name, region, domain, Text("SpaceName"), Text("AppType"));
    }
}

/// <summary>
/// The one SageMaker call the pipeline needs (DescribeSpace, for a Studio space's URL). AWSSDK.SageMaker is not on the
/// package registry, so the JSON 1.1 request is built by hand and signed with AWSSDK.Core's public SigV4 signer
/// (<see cref="SigV4SigningHandler"/> resolves the credentials on every send).
/// </summary>
public sealed class SageMakerApi : IDisposable
{
    private readonly HttpClient _http;
    private readonly Uri _endpoint;

    public SageMakerApi(AWSCredentials credentials, AwsEndpoints endpoints)
    {
        _endpoint = endpoints.SageMaker ?? new Uri($"https://api.sagemaker.{endpoints.Region}.amazonaws.com/");

        // The signer's docs: no automatic redirects (a redirected request would carry a signature for another URL).
        var transport = new SocketsHttpHandler { AllowAutoRedirect = false };
        _http = new HttpClient(new SigV4SigningHandler(credentials, RegionEndpoint.GetBySystemName(endpoints.Region), "sagemaker", transport))
        {
            Timeout = TimeSpan.FromSeconds(30),
        };
    }

    /// <summary>The space's URL (<c>https://&lt;id&gt;.studio.&lt;region&gt;.sagemaker.aws/…</c>); its host is Label Studio's origin in Studio.</summary>
    public async Task<Uri> DescribeSpaceUrlAsync(string domainId, string spaceName, CancellationToken ct)
    {
        var body = new JObject { ["DomainId"] = domainId, ["SpaceName"] = spaceName }.ToString(Formatting.None);
        using var request = new HttpRequestMessage(HttpMethod.Post, _endpoint) { Content = new StringContent(body, Encoding.UTF8) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/x-amz-json-1.1");
        request.Headers.Add("X-Amz-Target", "SageMaker.DescribeSpace");
        string text;
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, ct).ConfigureAwait(false);
            text = await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            throw new AwsException($"Cannot reach SageMaker at {_endpoint} for DescribeSpace ({e.Message}). Pass --label-studio-origin=https://<space id>.studio.<region>.sagemaker.aws.", e);
        }

        using (response)
        {
            JObject? json = null;
            try
            {
                json = JObject.Parse(text);
            }
            catch (JsonException)
            {
                // Reported below with the status.
            }

            if (!response.IsSuccessStatusCode)
            {
                var code = json?["__type"]?.ToString().Split('#').Last() ?? response.StatusCode.ToString();
                var message = json?["message"]?.ToString() ?? json?["Message"]?.ToString() ?? string.Empty;
                throw new AwsException(
                    $"SageMaker DescribeSpace for space '{spaceName}' in domain {domainId} failed: {(int)response.StatusCode} {code} {message}".TrimEnd()
                    + ". The execution role needs sagemaker:DescribeSpace; or pass --label-studio-origin=https://<space id>.studio.<region>.sagemaker.aws.");
            }

            var url = json?["Url"]?.ToString();
            if (string.IsNullOrEmpty(url))
            {
                throw new AwsException($"SageMaker DescribeSpace for space '{spaceName}' returned no Url. Pass --label-studio-origin.");
            }

            // DescribeNotebookInstance's Url has no scheme; accept a space URL either way.
            return new Uri(url.Contains("://", StringComparison.Ordinal) ? url : "https://" + url);
        }
    }

    public void Dispose() => _http.Dispose();
}
