using Microsoft.Extensions.Logging;

namespace LabelPipeline.Aws;

/// <summary>
/// Where people open Label Studio and the browser origin(s) the bucket's CORS rule must allow.
/// </summary>
/// <param name="CorsOrigins">Normalised origins (<c>scheme://host[:port]</c>), or <c>["*"]</c> when explicitly asked for.</param>
/// <param name="ExternalUrl">The URL browsers use when it is not the local one (LABEL_STUDIO_HOST); null: the local URL.</param>
/// <param name="Source">Where the answer came from, for the log.</param>
public sealed record LabelStudioAddress(IReadOnlyList<string> CorsOrigins, Uri? ExternalUrl, string Source);

/// <summary>Origins as browsers send them in the <c>Origin</c> header, which S3 compares exactly.</summary>
public static class Origins
{
    /// <summary>Allows any origin: only when asked for explicitly (<c>--label-studio-origin=*</c>), with a warning.</summary>
    public const string Any = "*";

    /// <summary>
    /// <c>scheme://host[:port]</c>: lower case, the default port dropped, no path, no trailing slash. Returns null and an
    /// error for anything that is not an absolute http(s) URL.
    /// </summary>
    public static string? Normalize(string text, out string? error)
    {
        error = null;
        if (!Uri.TryCreate(text.Trim(), UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || uri.Host.Length == 0)
        {
            error = "expected an http(s) URL such as https://labels.example.com or https://<notebook>.notebook.<region>.sagemaker.aws";
            return null;
        }

        return OriginOf(uri);
    }

    public static string OriginOf(Uri uri) =>
        uri.IsDefaultPort ? $"{uri.Scheme}://{uri.IdnHost.ToLowerInvariant()}" : $"{uri.Scheme}://{uri.IdnHost.ToLowerInvariant()}:{uri.Port}";
}

/// <summary>What <see cref="LabelStudioAddressResolver"/> works from.</summary>
public sealed record LabelStudioAddressRequest
{
    /// <summary><c>--label-studio-origin</c>: an origin or full URL (its path kept for LABEL_STUDIO_HOST), or <c>*</c>.</summary>
    public string? ExplicitOrigin { get; init; }

    /// <summary>SageMaker's resource metadata file (<c>/opt/ml/metadata/resource-metadata.json</c> on SageMaker).</summary>
    public required string SageMakerMetadataPath { get; init; }

    /// <summary>The port Label Studio listens on, which SageMaker's Jupyter proxy forwards (<c>/proxy/&lt;port&gt;/</c>).</summary>
    public required int Port { get; init; }

    /// <summary>Where Label Studio answers on this machine (<c>--label-studio-url</c>, or http://127.0.0.1:port).</summary>
    public required Uri LocalUrl { get; init; }

    /// <summary>The region to assume when the metadata's ARN has none (AWS_REGION, --region).</summary>
    public string? FallbackRegion { get; init; }
}

/// <summary>
/// Label Studio's origin and URL, in order: <c>--label-studio-origin</c>; a SageMaker notebook instance
/// (<c>https://&lt;name&gt;.notebook.&lt;region&gt;.sagemaker.aws</c>, UI at <c>/proxy/&lt;port&gt;/</c>); a SageMaker Studio
/// JupyterLab space (its host from DescribeSpace, UI at <c>/jupyterlab/default/proxy/&lt;port&gt;/</c>); else the local URL.
/// </summary>
public sealed class LabelStudioAddressResolver(ILogger logger)
{
    /// <param name="describeSpaceUrl">Calls SageMaker DescribeSpace for a Studio space (only a space's URL knows its host).</param>
    public async Task<LabelStudioAddress> ResolveAsync(
        LabelStudioAddressRequest request,
        Func<SageMakerResource, CancellationToken, Task<Uri>> describeSpaceUrl,
        CancellationToken ct)
    {
        if (request.ExplicitOrigin is { Length: > 0 } text)
        {
            if (text.Trim() == Origins.Any)
            {
                logger.LogWarning(
                    "--label-studio-origin=*: the bucket's CORS rule will let any web site's scripts read objects whose presigned URL they hold. Prefer Label Studio's exact origin.");
                return new LabelStudioAddress([Origins.Any], null, "--label-studio-origin=*");
            }

            var origin = Origins.Normalize(text, out var error) ?? throw new AwsException($"--label-studio-origin={text}: {error}.");
            var url = new Uri(text.Trim());
            var external = url.AbsolutePath is "/" or "" ? new Uri(origin + "/") : url;
            return new LabelStudioAddress([origin], external, "--label-studio-origin");
        }

        var resource = SageMakerMetadata.Read(request.SageMakerMetadataPath, request.FallbackRegion);
        if (resource is { Kind: SageMakerResourceKind.NotebookInstance })
        {
            var origin = $"https://{resource.Name.ToLowerInvariant()}.notebook.{resource.Region}.sagemaker.aws";
            return new LabelStudioAddress([origin], new Uri($"{origin}/proxy/{request.Port}/"), $"SageMaker notebook instance {resource.Name} ({request.SageMakerMetadataPath})");
        }

        if (resource is { Kind: SageMakerResourceKind.StudioSpace })
        {
            var spaceUrl = await describeSpaceUrl(resource, ct).ConfigureAwait(false);
            var origin = Origins.OriginOf(spaceUrl);
            var path = resource.AppType is "JupyterLab" or null ? "jupyterlab" : "jupyter";
            return new LabelStudioAddress(
                [origin],
                new Uri($"{origin}/{path}/default/proxy/{request.Port}/"),
                $"SageMaker Studio space {resource.SpaceName} in domain {resource.DomainId} ({request.SageMakerMetadataPath})");
        }

        // A browser on this machine may say localhost or 127.0.0.1: both are origins of the local URL.
        var local = Origins.OriginOf(request.LocalUrl);
        var origins = new List<string> { local };
        if (request.LocalUrl.IsLoopback)
        {
            var port = request.LocalUrl.IsDefaultPort ? string.Empty : $":{request.LocalUrl.Port}";
            foreach (var host in new[] { "127.0.0.1", "localhost" })
            {
                var alias = $"{request.LocalUrl.Scheme}://{host}{port}";
                if (!origins.Contains(alias))
                {
                    origins.Add(alias);
                }
            }
        }

        return new LabelStudioAddress(origins, null, "the local URL " + request.LocalUrl);
    }
}
