using System.Net;
using System.Net.Sockets;
using Amazon.Runtime;

namespace LabelPipeline.Aws;

/// <summary>An S3, STS or SageMaker step failed; the message says what, where and how to fix it, and never holds a secret.</summary>
public sealed class AwsException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>Turns AWS SDK failures into <see cref="AwsException"/>s a user can act on.</summary>
public static class AwsFailures
{
    /// <summary>The S3 error codes that mean "these credentials may not do this".</summary>
    private static readonly HashSet<string> DeniedCodes = new(StringComparer.Ordinal)
    {
        "AccessDenied", "AllAccessDisabled", "InvalidAccessKeyId", "SignatureDoesNotMatch", "ExpiredToken", "InvalidToken",
        "TokenRefreshRequired", "InvalidClientTokenId", "AccountProblem",
    };

    /// <summary>S3's answers to "too many requests" and passing server trouble; the SDK retries them before they get here.</summary>
    private static readonly HashSet<string> ThrottlingCodes = new(StringComparer.Ordinal)
    {
        "SlowDown", "ServiceUnavailable", "InternalError", "RequestTimeout", "Throttling", "ThrottlingException", "RequestLimitExceeded",
    };

    /// <param name="action">What was being done, e.g. "listing".</param>
    /// <param name="location">e.g. <c>s3://bucket/prefix/</c>.</param>
    /// <param name="permission">The IAM action(s) the step needs, e.g. <c>s3:ListBucket</c>.</param>
    public static AwsException S3(Exception error, string action, string location, string permission, AwsEndpoints endpoints)
    {
        var where = endpoints.S3 is { } endpoint ? $" at {endpoint}" : $" in {endpoints.Region}";
        if (IsUnreachable(error, out var reason))
        {
            return new AwsException(
                $"Cannot reach S3{where} while {action} {location} ({reason}). Check --s3-endpoint (scheme, host and port) and that the server runs; "
                + "without --s3-endpoint, check --region and the network path to AWS.",
                error);
        }

        if (error is not AmazonServiceException service)
        {
            return new AwsException($"S3{where} failed while {action} {location}: {error.Message}", error);
        }

        var code = service.ErrorCode ?? string.Empty;
        var bucket = location.StartsWith("s3://", StringComparison.Ordinal) ? location[5..].Split('/')[0] : location;
        if (code == "NoSuchBucket" || (service.StatusCode == HttpStatusCode.NotFound && code is "" or "NotFound"))
        {
            return new AwsException(
                $"Bucket '{bucket}' does not exist{where} (while {action} {location}). Create it (aws s3 mb s3://{bucket}), or fix --bucket"
                + (endpoints.S3 is null ? " or --region." : " or --s3-endpoint."),
                error);
        }

        if (DeniedCodes.Contains(code) || service.StatusCode == HttpStatusCode.Forbidden)
        {
            var expired = code is "ExpiredToken" or "InvalidToken" or "TokenRefreshRequired"
                ? " The credentials are temporary and have expired: refresh them (aws sso login, or a new session) and run again."
                : string.Empty;
            return new AwsException(
                $"Access denied{where} while {action} {location} ({(code.Length > 0 ? code : "403")}). The run's AWS identity needs {permission} "
                + $"on this bucket (README: IAM permissions).{expired}",
                error);
        }

        if (code is "PermanentRedirect" or "AuthorizationHeaderMalformed" or "IllegalLocationConstraintException")
        {
            return new AwsException(
                $"Bucket '{bucket}' is not in region {endpoints.Region} ({code} while {action} {location}). Pass --region=<the bucket's region>.",
                error);
        }

        if ((int)service.StatusCode is 429 or >= 500 || ThrottlingCodes.Contains(code))
        {
            return new AwsException(
                $"S3{where} was throttling or failing while {action} {location} ({(int)service.StatusCode} {(code.Length > 0 ? code : service.StatusCode.ToString())}), "
                + $"still after {AwsClients.Attempts} attempts. Nothing is left half-done: run again later (every step skips what is already in place).",
                error);
        }

        return new AwsException(
            $"S3{where} refused {action} {location}: {(int)service.StatusCode} {(code.Length > 0 ? code : service.StatusCode.ToString())}: {service.Message}"
            + (endpoints.S3 is not null ? " Is --s3-endpoint an S3-compatible server?" : string.Empty),
            error);
    }

    /// <summary>True when the request never got an HTTP answer (refused, DNS, TLS, timeout).</summary>
    public static bool IsUnreachable(Exception error, out string reason)
    {
        for (var e = error; e is not null; e = e.InnerException)
        {
            if (e is HttpRequestException or SocketException or WebException or TaskCanceledException or TimeoutException)
            {
                reason = e.Message;
                return true;
            }
        }

        reason = string.Empty;
        return false;
    }
}
