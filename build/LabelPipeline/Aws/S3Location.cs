using System.Text.RegularExpressions;

namespace LabelPipeline.Aws;

/// <summary>A "folder" in a bucket: <see cref="Prefix"/> is empty or ends with '/', so <c>Prefix + name</c> is a key.</summary>
public sealed partial record S3Location
{
    public S3Location(string bucket, string prefix)
    {
        Bucket = bucket;
        Prefix = NormalizePrefix(prefix);
    }

    public string Bucket { get; }

    public string Prefix { get; }

    /// <summary><c>s3://&lt;bucket&gt;/&lt;prefix&gt;/&lt;dataset&gt;/&lt;version&gt;/</c>: where a dataset version's files go.</summary>
    public static S3Location ForDataset(string bucket, string prefix, string dataset, string version) =>
        new(bucket, $"{NormalizePrefix(prefix)}{dataset}/{version}/");

    public string KeyOf(string fileName) => Prefix + fileName;

    public override string ToString() => $"s3://{Bucket}/{Prefix}";

    /// <summary>"a//b/" and "/a/b" both become "a/b/"; "" stays "".</summary>
    public static string NormalizePrefix(string prefix)
    {
        var segments = prefix.Split('/', StringSplitOptions.RemoveEmptyEntries);
        return segments.Length == 0 ? string.Empty : string.Join('/', segments) + "/";
    }

    /// <summary>S3's general-purpose bucket naming rules, or null when the name is fine.</summary>
    public static string? BucketNameError(string bucket)
    {
        if (bucket.Length is < 3 or > 63)
        {
            return "a bucket name has 3 to 63 characters";
        }

        if (!BucketName().IsMatch(bucket) || bucket.Contains("..", StringComparison.Ordinal))
        {
            return "a bucket name uses lower-case letters, digits, '.' and '-', and starts and ends with a letter or digit";
        }

        return null;
    }

    /// <summary>A prefix segment that would make keys ambiguous or unusable, or null when the prefix is fine.</summary>
    public static string? PrefixError(string prefix)
    {
        var segments = prefix.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (segments.Any(s => s is "." or ".."))
        {
            return "'.' and '..' segments are not allowed";
        }

        return prefix.Contains('\\') ? "use '/' between segments, not '\\'" : null;
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9.-]*[a-z0-9]$", RegexOptions.CultureInvariant)]
    private static partial Regex BucketName();
}
