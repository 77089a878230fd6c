using Amazon.Runtime.CredentialManagement;

namespace LabelPipeline.Aws;

/// <summary>
/// The run's region without asking the network: the SDK's own fallback would query the instance metadata service,
/// which off AWS costs a timeout and (on a developer's machine) sends traffic nowhere useful.
/// </summary>
public static class AwsRegion
{
    /// <summary>S3-compatible servers rarely care; signatures still need a region.</summary>
    public const string CustomEndpointDefault = "us-east-1";

    /// <summary>In order: <c>--region</c>, AWS_REGION, AWS_DEFAULT_REGION, the AWS profile's region, SageMaker's metadata ARN, and for a custom endpoint us-east-1.</summary>
    public static string Resolve(string? explicitRegion, string sageMakerMetadataPath, bool customEndpoint, Func<string, string?>? environment = null)
    {
        environment ??= Environment.GetEnvironmentVariable;
        if (explicitRegion is { Length: > 0 })
        {
            return explicitRegion;
        }

        foreach (var name in new[] { "AWS_REGION", "AWS_DEFAULT_REGION" })
        {
            if (environment(name) is { Length: > 0 } fromEnvironment)
            {
                return fromEnvironment;
            }
        }

        if (ProfileRegion(environment("AWS_PROFILE") ?? "default") is { } fromProfile)
        {
            return fromProfile;
        }

        try
        {
            if (SageMakerMetadata.Read(sageMakerMetadataPath, null) is { } resource)
            {
                return resource.Region;
            }
        }
        catch (AwsException)
        {
            // A metadata file without a region says nothing about the region; fall through.
        }

        return customEndpoint
            ? CustomEndpointDefault
            : throw new AwsException("No AWS region: pass --region=<the bucket's region> (or set AWS_REGION, or a region in your AWS profile).");
    }

    private static string? ProfileRegion(string profile)
    {
        try
        {
            return new CredentialProfileStoreChain().TryGetProfile(profile, out var found) ? found.Region?.SystemName : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException or FormatException)
        {
            return null; // an unreadable profile file is the credential chain's error to report, not the region's
        }
    }
}
