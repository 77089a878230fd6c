using Amazon.Runtime;
using LabelPipeline.Aws;
using S3.Tests.Support;

namespace S3.Tests;

/// <summary>Label Studio's origin and URL: --label-studio-origin, a SageMaker notebook instance, a Studio space, else local.</summary>
public sealed class LabelStudioAddressTests : IDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly ListLogger _log = new();

    public void Dispose() => _temp.Dispose();

    private LabelStudioAddressRequest Request(string? metadataJson = null, string? origin = null) => new()
    {
        ExplicitOrigin = origin,
        SageMakerMetadataPath = metadataJson is null ? Path.Combine(_temp.Path, "absent.json") : _temp.Write("resource-metadata.json", metadataJson),
        Port = 8080,
        LocalUrl = new Uri("http://127.0.0.1:8080/"),
    };

    private static Task<Uri> NoSpace(SageMakerResource resource, CancellationToken ct) => throw new InvalidOperationException("DescribeSpace must not be called here.");

    private const string NotebookMetadata = """
        {"ResourceArn": "arn:aws:sagemaker:eu-west-1:123456789012:notebook-instance/Labeling-NB", "ResourceName": "Labeling-NB"}
        """;

    [Fact]
    public async Task A_notebook_instance_gives_its_origin_and_the_proxy_url()
    {
        var address = await new LabelStudioAddressResolver(_log).ResolveAsync(Request(NotebookMetadata), NoSpace, CancellationToken.None);
        Assert.Equal(["https://labeling-nb.notebook.eu-west-1.sagemaker.aws"], address.CorsOrigins);
        Assert.Equal(new Uri("https://labeling-nb.notebook.eu-west-1.sagemaker.aws/proxy/8080/"), address.ExternalUrl);
    }

    [Fact]
    public async Task The_explicit_origin_wins_over_SageMaker_and_keeps_its_path_for_the_url()
    {
        var address = await new LabelStudioAddressResolver(_log).ResolveAsync(Request(NotebookMetadata, "https://Labels.Example.com/ls/"), NoSpace, CancellationToken.None);
        Assert.Equal(["https://labels.example.com"], address.CorsOrigins);
        Assert.Equal(new Uri("https://labels.example.com/ls/"), address.ExternalUrl);
    }

    [Fact]
    public async Task Star_is_allowed_only_when_asked_for_and_warns()
    {
        var address = await new LabelStudioAddressResolver(_log).ResolveAsync(Request(origin: "*"), NoSpace, CancellationToken.None);
        Assert.Equal(["*"], address.CorsOrigins);
        Assert.Contains(_log.Messages, l => l.StartsWith("Warning:", StringComparison.Ordinal) && l.Contains("any web site", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Off_SageMaker_the_local_url_gives_both_loopback_spellings()
    {
        var address = await new LabelStudioAddressResolver(_log).ResolveAsync(Request(), NoSpace, CancellationToken.None);
        Assert.Equal(["http://127.0.0.1:8080", "http://localhost:8080"], address.CorsOrigins);
        Assert.Null(address.ExternalUrl);
    }

    [Fact]
    public async Task A_Studio_space_asks_SageMaker_DescribeSpace_signed_with_SigV4()
    {
        using var aws = new FakeAws();
        aws.Spaces[("d-abc123", "my-space")] = "https://xyz789space.studio.us-west-2.sagemaker.aws/jupyterlab/default";
        var metadata = """
            {"AppType": "JupyterLab", "DomainId": "d-abc123", "SpaceName": "my-space", "ResourceName": "default",
             "ResourceArn": "arn:aws:sagemaker:us-west-2:123456789012:app/d-abc123/my-space/JupyterLab/default"}
            """;
        var endpoints = new AwsEndpoints { Region = "us-west-2", SageMaker = aws.Endpoint };
        async Task<Uri> Describe(SageMakerResource space, CancellationToken ct)
        {
            using var api = new SageMakerApi(new SessionAWSCredentials("ASIASTUDIO", "secret", "token"), endpoints with { Region = space.Region });
            return await api.DescribeSpaceUrlAsync(space.DomainId!, space.SpaceName!, ct);
        }

        var address = await new LabelStudioAddressResolver(_log).ResolveAsync(Request(metadata), Describe, CancellationToken.None);
        Assert.Equal(["https://xyz789space.studio.us-west-2.sagemaker.aws"], address.CorsOrigins);
        Assert.Equal(new Uri("https://xyz789space.studio.us-west-2.sagemaker.aws/jupyterlab/default/proxy/8080/"), address.ExternalUrl);
        var authorization = Assert.Single(aws.SageMakerAuthorizations);
        Assert.StartsWith("AWS4-HMAC-SHA256 Credential=ASIASTUDIO/", authorization, StringComparison.Ordinal);
        Assert.Contains("/us-west-2/sagemaker/aws4_request", authorization, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_space_says_how_to_go_on()
    {
        using var aws = new FakeAws();
        using var api = new SageMakerApi(new BasicAWSCredentials("AKIA", "secret"), new AwsEndpoints { Region = "us-east-1", SageMaker = aws.Endpoint });
        var error = await Assert.ThrowsAsync<AwsException>(() => api.DescribeSpaceUrlAsync("d-1", "nope", CancellationToken.None));
        Assert.Contains("ResourceNotFound", error.Message);
        Assert.Contains("--label-studio-origin", error.Message);
    }

    [Fact]
    public void The_region_comes_from_the_metadata_arn_when_nothing_else_says()
    {
        var path = _temp.Write("m.json", NotebookMetadata);
        Assert.Equal("eu-west-1", AwsRegion.Resolve(null, path, customEndpoint: false, _ => null));
        Assert.Equal("ap-south-1", AwsRegion.Resolve(null, path, customEndpoint: false, n => n == "AWS_REGION" ? "ap-south-1" : null));
        Assert.Equal("sa-east-1", AwsRegion.Resolve("sa-east-1", path, customEndpoint: false, n => n == "AWS_REGION" ? "ap-south-1" : null));
        var error = Assert.Throws<AwsException>(() => AwsRegion.Resolve(null, Path.Combine(_temp.Path, "absent.json"), customEndpoint: false, n => n == "AWS_PROFILE" ? "no-such-profile-for-tests" : null));
        Assert.Contains("--region", error.Message);
    }
}
