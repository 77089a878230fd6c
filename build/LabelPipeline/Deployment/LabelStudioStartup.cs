using System.Diagnostics;
using System.Net;
using LabelPipeline.LabelStudio;
using Microsoft.Extensions.Logging;
using Newtonsoft.Json.Linq;

namespace LabelPipeline.Deployment;

/// <summary>Where the credentials of a deployment came from (they decide how a rejected token is explained).</summary>
public enum CredentialSource
{
    Saved,
    Given,
    Generated,
}

/// <summary>
/// What every way of running Label Studio shares (a container or a local process): the first-boot credentials
/// (given, saved or generated), the health wait, and the proof that the token works.
/// </summary>
public sealed class LabelStudioStartup(HttpClient http, ILogger logger)
{
    private static readonly TimeSpan ProbeInterval = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan ProbeRequestTimeout = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan ProgressInterval = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan AliveCheckInterval = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan WhoAmITimeout = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Waits for /health. Every 2 s <paramref name="stillStarting"/> checks that the server has not died (an exception
    /// to throw when it has); on time-out <paramref name="timedOut"/> makes the error (it gets the last problem seen).
    /// </summary>
    public async Task WaitForHealthAsync(
        LabelStudioDeploymentOptions options,
        Func<CancellationToken, Task<Exception?>> stillStarting,
        Func<string, CancellationToken, Task<Exception>> timedOut,
        CancellationToken ct)
    {
        var stopwatch = Stopwatch.StartNew();
        var nextProgress = ProgressInterval;
        var nextAliveCheck = AliveCheckInterval;
        while (true)
        {
            var problem = await ProbeHealthAsync(options, ct).ConfigureAwait(false);
            if (problem is null)
            {
                logger.LogInformation("Label Studio answered {Url}health after {Seconds:0.0} s.", options.BaseUrl, stopwatch.Elapsed.TotalSeconds);
                return;
            }

            if (stopwatch.Elapsed >= nextAliveCheck)
            {
                nextAliveCheck = stopwatch.Elapsed + AliveCheckInterval;
                if (await stillStarting(ct).ConfigureAwait(false) is { } died)
                {
                    throw died;
                }
            }

            if (stopwatch.Elapsed >= options.HealthTimeout)
            {
                throw await timedOut(problem, ct).ConfigureAwait(false);
            }

            if (stopwatch.Elapsed >= nextProgress)
            {
                nextProgress = stopwatch.Elapsed + ProgressInterval;
                logger.LogInformation(
                    "Waiting for Label Studio at {Url}health: {Elapsed:0} s of {Timeout:0} s ({Problem}).",
                    options.BaseUrl, stopwatch.Elapsed.TotalSeconds, options.HealthTimeout.TotalSeconds, problem);
            }

            await Task.Delay(ProbeInterval, ct).ConfigureAwait(false);
        }
    }

    /// <summary>Polls /health for at most <paramref name="window"/>; null when it answered, else the last problem.</summary>
    public async Task<string?> ProbeHealthForAsync(LabelStudioDeploymentOptions options, TimeSpan window, CancellationToken ct)
    {
        var stopwatch = Stopwatch.StartNew();
        string? problem;
        while ((problem = await ProbeHealthAsync(options, ct).ConfigureAwait(false)) is not null && stopwatch.Elapsed < window)
        {
            await Task.Delay(ProbeInterval, ct).ConfigureAwait(false);
        }

        return problem;
    }

    public async Task<(LabelStudioCredentials Credentials, CredentialSource Source, LabelStudioCredentials? Saved)> ResolveCredentialsAsync(
        LabelStudioDeploymentOptions options, CancellationToken ct)
    {
        var saved = await LabelStudioCredentialStore.LoadAsync(options.CredentialsFile, ct).ConfigureAwait(false);
        if (saved is not null && PrivateFiles.IsReadableByOthers(options.CredentialsFile))
        {
            logger.LogWarning("{File} holds secrets but others can read it: run `chmod 600 {File}`.", options.CredentialsFile, options.CredentialsFile);
        }

        var credentials = new LabelStudioCredentials(
            options.Username ?? saved?.Username ?? LabelStudioCredentials.DefaultUsername,
            options.Password ?? saved?.Password ?? LabelStudioCredentials.GeneratePassword(),
            options.Token ?? saved?.Token ?? LabelStudioCredentials.GenerateToken());
        var source = options.Token is not null ? CredentialSource.Given : saved is not null ? CredentialSource.Saved : CredentialSource.Generated;

        // Label Studio stores the token as a 40-character key and ignores tokens of 5 characters or fewer.
        if (credentials.Token.Length is < 6 or > 40 || credentials.Token.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
        {
            throw new DeploymentException(
                "The Label Studio token must be 6 to 40 characters without spaces (Label Studio's legacy token key; 40 hex characters is best). " +
                "A Personal Access Token (a long JWT) cannot be set at first boot: omit --label-studio-token to let Deploy generate one.");
        }

        if (!credentials.Username.Contains('@', StringComparison.Ordinal) || credentials.Username.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
        {
            throw new DeploymentException(
                $"The Label Studio user name '{credentials.Username}' must look like an e-mail address (Label Studio stores it as the user's e-mail), without spaces.");
        }

        if (credentials.Password.Length == 0 || credentials.Password.Any(char.IsControl))
        {
            throw new DeploymentException("The Label Studio password must not be empty or contain line breaks.");
        }

        logger.LogInformation(
            "Label Studio user {User}, token {Fingerprint} ({Source}).",
            credentials.Username,
            credentials.TokenFingerprint,
            source switch
            {
                CredentialSource.Given => "given",
                CredentialSource.Saved => "saved in " + options.CredentialsFile,
                _ => "newly generated",
            });
        return (credentials, source, saved);
    }

    /// <summary>Null when /health answers 200; else what went wrong. Refused or reset connections are normal while starting.</summary>
    public Task<string?> ProbeHealthAsync(LabelStudioDeploymentOptions options, CancellationToken ct) =>
        LabelStudioClient.ProbeHealthAsync(http, options.BaseUrl, ProbeRequestTimeout, ct);

    /// <summary>Proves the token works; returns the user's e-mail. A 401 explains Label Studio's first-boot-only token.</summary>
    /// <param name="logHint">Where to look when it fails (the container's or the process's log).</param>
    public async Task<string> VerifyTokenAsync(
        LabelStudioDeploymentOptions options, LabelStudioCredentials credentials, CredentialSource source, string logHint, CancellationToken ct)
    {
        var url = new Uri(options.BaseUrl, "/api/current-user/whoami");
        HttpStatusCode status;
        string body;
        try
        {
            (status, body) = await LabelStudioClient.ProbeTokenAsync(http, options.BaseUrl, credentials.Token, WhoAmITimeout, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is HttpRequestException or IOException || (e is OperationCanceledException && !ct.IsCancellationRequested))
        {
            throw new DeploymentException(
                $"Label Studio answered {options.BaseUrl}health but not {url}: {e.Message} {logHint}", e);
        }

        var detail = Redact(ReadDetail(body), credentials);
        if (status == HttpStatusCode.Unauthorized)
        {
            throw TokenRejected(options, credentials, source, detail);
        }

        if ((int)status is < 200 or > 299)
        {
            throw new DeploymentException(
                $"Label Studio at {url} answered HTTP {(int)status} to the token check: {detail}. {logHint}");
        }

        string? email = null;
        try
        {
            email = (string?)JObject.Parse(body)["email"];
        }
        catch (Newtonsoft.Json.JsonException)
        {
            // The user's e-mail is only for the log; an odd body does not make the token wrong.
        }

        return email is { Length: > 0 } ? email : credentials.Username;
    }

    private DeploymentException TokenRejected(LabelStudioDeploymentOptions options, LabelStudioCredentials credentials, CredentialSource source, string detail)
    {
        var purge = $"or start over with `Teardown --purge` (deletes the data volume {options.DataVolume} and all labeling data in it, and the saved credentials).";
        if (detail.Contains("legacy token", StringComparison.OrdinalIgnoreCase))
        {
            return new DeploymentException(
                $"Label Studio at {options.BaseUrl} rejected the API token (fingerprint {credentials.TokenFingerprint}): \"{detail}\". " +
                $"The organization in the data volume {options.DataVolume} was created with legacy API tokens turned off " +
                "(LABEL_STUDIO_ENABLE_LEGACY_API_TOKEN is read only when the organization is created). Turn them on in Label Studio under " +
                $"Organization → Settings → Access Token Settings, {purge}");
        }

        var fix = source switch
        {
            CredentialSource.Given =>
                $"Run Deploy without --label-studio-token to use the token saved in {options.CredentialsFile} (when the run that created the volume saved one), " +
                "pass the token the volume was first started with, ",
            CredentialSource.Saved =>
                $"The token saved in {options.CredentialsFile} is not the one this volume was initialised with (the volume comes from elsewhere, or the file was replaced): " +
                "pass the volume's token with --label-studio-token, ",
            _ =>
                $"No saved credentials were found at {options.CredentialsFile} (the state folder was deleted, or another --state-dir is in use): " +
                "restore that file, pass the volume's token with --label-studio-token, ",
        };
        return new DeploymentException(
            $"Label Studio at {options.BaseUrl} rejected the API token (fingerprint {credentials.TokenFingerprint}) with 401: \"{detail}\". " +
            $"Label Studio applies LABEL_STUDIO_USER_TOKEN only at first boot, when the data volume {options.DataVolume} is empty; " +
            $"this volume was initialised by an earlier run with another token. {fix}{purge}");
    }

    private static string ReadDetail(string body)
    {
        try
        {
            if ((string?)JObject.Parse(body)["detail"] is { Length: > 0 } detail)
            {
                return detail;
            }
        }
        catch (Newtonsoft.Json.JsonException)
        {
            // Not Label Studio's error envelope: fall back to the start of the body.
        }

        var text = body.ReplaceLineEndings(" ").Trim();
        return text.Length > 200 ? text[..200] + "…" : text;
    }

    public async Task SaveIfChangedAsync(
        LabelStudioDeploymentOptions options, LabelStudioCredentials credentials, LabelStudioCredentials? saved, CancellationToken ct)
    {
        if (saved != credentials)
        {
            await LabelStudioCredentialStore.SaveAsync(options.CredentialsFile, credentials, options.DataVolume, ct).ConfigureAwait(false);
            logger.LogInformation("Saved the Label Studio credentials in {File} (owner-only).", options.CredentialsFile);
        }
    }

    public static string Redact(string text, LabelStudioCredentials credentials) =>
        text.Replace(credentials.Token, "***", StringComparison.Ordinal).Replace(credentials.Password, "***", StringComparison.Ordinal);
}
