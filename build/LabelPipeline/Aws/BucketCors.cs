using System.Net;
using System.Text.RegularExpressions;
using Amazon.S3;
using Amazon.S3.Model;
using Microsoft.Extensions.Logging;

namespace LabelPipeline.Aws;

/// <summary>What <see cref="BucketCors.EnsureRuleAsync"/> did to the bucket's CORS configuration.</summary>
public enum CorsChange
{
    /// <summary>Our rule was not there: appended after the foreign rules.</summary>
    Added,

    /// <summary>Our rule was there with other settings: replaced in place.</summary>
    Updated,

    /// <summary>Our rule was there as wanted: nothing was written.</summary>
    Unchanged,

    /// <summary>Our rule was removed (others remain).</summary>
    Removed,

    /// <summary>Our rule was the last one: the whole configuration was deleted.</summary>
    Deleted,

    /// <summary>Our rule was not there to remove.</summary>
    Absent,
}

/// <summary>
/// The rule Label Studio's browser needs to read the series through presigned URLs: GET and HEAD from the Label Studio
/// origin(s), any request header (the editor may send Range), ETag exposed.
/// </summary>
public static class LabelStudioCorsRule
{
    public const string DefaultId = "labelpipeline-label-studio";

    public static CORSRule Create(string id, IReadOnlyList<string> origins) => new()
    {
        Id = id,
        AllowedOrigins = [.. origins],
        AllowedMethods = ["GET", "HEAD"],
        AllowedHeaders = ["*"],
        ExposeHeaders = ["ETag"],
        MaxAgeSeconds = 3000,
    };
}

/// <summary>
/// Read-merge-write of a bucket's CORS configuration. PutBucketCors replaces the whole configuration, so our rule is
/// upserted by its ID and every foreign rule is written back unchanged and in its order; nothing is written when our
/// rule is already as wanted. Removal takes out only our rule, and deletes the configuration only when nothing is left.
/// </summary>
public sealed class BucketCors(IAmazonS3 s3, AwsEndpoints endpoints, ILogger logger)
{
    /// <summary>S3's limit on rules per configuration.</summary>
    public const int MaxRules = 100;

    public async Task<IReadOnlyList<CORSRule>> ReadAsync(string bucket, CancellationToken ct)
    {
        try
        {
            var response = await s3.GetCORSConfigurationAsync(new GetCORSConfigurationRequest { BucketName = bucket }, ct).ConfigureAwait(false);
            return response.Configuration?.Rules ?? [];
        }
        catch (AmazonS3Exception e) when (e.ErrorCode == "NoSuchCORSConfiguration" || (e.StatusCode == HttpStatusCode.NotFound && e.ErrorCode != "NoSuchBucket"))
        {
            return [];
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            throw AwsFailures.S3(e, "reading the CORS configuration of", $"s3://{bucket}", "s3:GetBucketCORS", endpoints);
        }
    }

    /// <summary>Makes the bucket's configuration hold <paramref name="rule"/> (matched by ID), keeping every other rule.</summary>
    public async Task<CorsChange> EnsureRuleAsync(string bucket, CORSRule rule, CancellationToken ct)
    {
        var current = await ReadAsync(bucket, ct).ConfigureAwait(false);
        var (rules, change) = CorsRules.Upsert(current, rule);
        WarnAboutEarlierMatches(rules, rule);
        if (change == CorsChange.Unchanged)
        {
            return change;
        }

        if (rules.Count > MaxRules)
        {
            throw new AwsException(
                $"The CORS configuration of s3://{bucket} would have {rules.Count} rules; S3 allows {MaxRules}. Remove unused rules, or use --presign=false (no CORS needed).");
        }

        await WriteAsync(bucket, rules, ct).ConfigureAwait(false);

        // There is no conditional PutBucketCors: read back, so a concurrent writer that dropped our rule is noticed.
        var after = await ReadAsync(bucket, ct).ConfigureAwait(false);
        if (!after.Any(r => CorsRules.SameRule(r, rule)))
        {
            throw new AwsException($"The CORS rule '{rule.Id}' is missing from s3://{bucket} right after writing it: another process changed the configuration. Run again.");
        }

        return change;
    }

    /// <summary>Takes out the rule with <paramref name="id"/>; the configuration is deleted only when no other rule is left.</summary>
    public async Task<CorsChange> RemoveRuleAsync(string bucket, string id, CancellationToken ct)
    {
        var current = await ReadAsync(bucket, ct).ConfigureAwait(false);
        var rules = CorsRules.Remove(current, id);
        if (rules.Count == current.Count)
        {
            return CorsChange.Absent;
        }

        if (rules.Count > 0)
        {
            await WriteAsync(bucket, rules, ct).ConfigureAwait(false);
            return CorsChange.Removed;
        }

        try
        {
            await s3.DeleteCORSConfigurationAsync(new DeleteCORSConfigurationRequest { BucketName = bucket }, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            throw AwsFailures.S3(e, "deleting the CORS configuration of", $"s3://{bucket}", "s3:PutBucketCORS", endpoints);
        }

        return CorsChange.Deleted;
    }

    private async Task WriteAsync(string bucket, List<CORSRule> rules, CancellationToken ct)
    {
        try
        {
            await s3.PutCORSConfigurationAsync(
                new PutCORSConfigurationRequest { BucketName = bucket, Configuration = new CORSConfiguration { Rules = rules } },
                ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            throw AwsFailures.S3(e, "writing the CORS configuration of", $"s3://{bucket}", "s3:PutBucketCORS", endpoints);
        }
    }

    /// <summary>S3 applies the first rule that matches origin and method, so a foreign rule before ours may shadow it.</summary>
    private void WarnAboutEarlierMatches(List<CORSRule> rules, CORSRule ours)
    {
        foreach (var earlier in rules.TakeWhile(r => r.Id != ours.Id))
        {
            var origins = ours.AllowedOrigins ?? [];
            if (origins.Any(o => (earlier.AllowedOrigins ?? []).Any(pattern => CorsRules.OriginMatches(pattern, o)))
                && (earlier.AllowedMethods ?? []).Contains("GET", StringComparer.OrdinalIgnoreCase))
            {
                logger.LogWarning(
                    "The CORS rule '{Earlier}' comes before '{Ours}' and also matches {Origins}: S3 uses the first matching rule, so its settings apply to Label Studio.",
                    earlier.Id ?? "(no id)",
                    ours.Id,
                    string.Join(", ", origins));
            }
        }
    }
}

/// <summary>The pure part of the CORS merge, kept apart so it is tested without a bucket.</summary>
public static class CorsRules
{
    /// <summary>Our rule replaces the one with its ID in place, or is appended; other rules keep their order.</summary>
    public static (List<CORSRule> Rules, CorsChange Change) Upsert(IReadOnlyList<CORSRule> current, CORSRule ours)
    {
        var rules = current.ToList();
        var index = rules.FindIndex(r => r.Id == ours.Id);
        if (index < 0)
        {
            rules.Add(ours);
            return (rules, CorsChange.Added);
        }

        if (SameRule(rules[index], ours) && rules.Count(r => r.Id == ours.Id) == 1)
        {
            return (rules, CorsChange.Unchanged);
        }

        rules[index] = ours;
        rules.RemoveAll(r => r.Id == ours.Id && !ReferenceEquals(r, ours)); // a duplicate of our ID (hand edit) goes too
        return (rules, CorsChange.Updated);
    }

    public static List<CORSRule> Remove(IReadOnlyList<CORSRule> current, string id) => current.Where(r => r.Id != id).ToList();

    /// <summary>Same settings, with lists compared as sets (S3 may return them in another order) and methods case-insensitively.</summary>
    public static bool SameRule(CORSRule a, CORSRule b) =>
        a.Id == b.Id
        && SameSet(a.AllowedOrigins, b.AllowedOrigins, StringComparer.Ordinal)
        && SameSet(a.AllowedMethods, b.AllowedMethods, StringComparer.OrdinalIgnoreCase)
        && SameSet(a.AllowedHeaders, b.AllowedHeaders, StringComparer.OrdinalIgnoreCase)
        && SameSet(a.ExposeHeaders, b.ExposeHeaders, StringComparer.OrdinalIgnoreCase)
        && (a.MaxAgeSeconds ?? 0) == (b.MaxAgeSeconds ?? 0);

    /// <summary>S3's origin matching: exact, or one '*' wildcard standing for any run of characters.</summary>
    public static bool OriginMatches(string pattern, string origin) =>
        pattern == "*" || (pattern.Contains('*', StringComparison.Ordinal)
            ? Regex.IsMatch(origin, "^" + Regex.Escape(pattern).Replace(@"\*", ".*", StringComparison.Ordinal) + "$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1))
            : string.Equals(pattern, origin, StringComparison.OrdinalIgnoreCase));

    private static bool SameSet(List<string>? a, List<string>? b, StringComparer comparer) =>
        new HashSet<string>(a ?? [], comparer).SetEquals(b ?? []);
}
