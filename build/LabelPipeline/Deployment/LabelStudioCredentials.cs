using System.Security.Cryptography;
using System.Text;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace LabelPipeline.Deployment;

/// <summary>
/// The first-boot user of a deployed Label Studio and its legacy API token. Label Studio applies them only when its
/// data volume is fresh, so they belong to that volume for its whole life. Secrets: <see cref="ToString"/> shows only
/// the user name and a token fingerprint.
/// </summary>
public sealed record LabelStudioCredentials(string Username, string Password, string Token)
{
    /// <summary>The user name Label Studio stores as the e-mail address of the first user.</summary>
    public const string DefaultUsername = "admin@labelpipeline.local";

    private const string PasswordAlphabet = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";

    /// <summary>Something that identifies the token in logs without revealing it: the start of its SHA-256.</summary>
    public string TokenFingerprint => Fingerprint(Token);

    /// <summary>A fresh 40-hex token (20 random bytes, like Label Studio's own keys) and a random password.</summary>
    public static LabelStudioCredentials Generate(string? username = null) =>
        new(username ?? DefaultUsername, GeneratePassword(), GenerateToken());

    /// <summary>40 lowercase hex characters from a CSPRNG: the shape of a Label Studio (DRF) token key.</summary>
    public static string GenerateToken() => RandomNumberGenerator.GetHexString(40, lowercase: true);

    /// <summary>24 letters and digits from a CSPRNG (about 140 bits), easy to paste into the sign-in form.</summary>
    public static string GeneratePassword() => RandomNumberGenerator.GetString(PasswordAlphabet, 24);

    /// <summary>"sha256:" and the first 8 hex characters of the value's SHA-256.</summary>
    public static string Fingerprint(string secret) =>
        "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)))[..8];

    public override string ToString() => $"{Username} (token {TokenFingerprint})";
}

/// <summary>
/// Keeps a deployment's credentials in a JSON file only its owner can read (0600, in a 0700 state folder), so the next
/// run finds the token the data volume was initialised with.
/// </summary>
public static class LabelStudioCredentialStore
{
    /// <summary>Reads the file; null when it does not exist.</summary>
    /// <exception cref="DeploymentException">The file exists but cannot be read as credentials.</exception>
    public static async Task<LabelStudioCredentials?> LoadAsync(string path, CancellationToken ct)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        JObject json;
        try
        {
            json = JObject.Parse(await File.ReadAllTextAsync(path, ct).ConfigureAwait(false));
        }
        catch (JsonException)
        {
            throw new DeploymentException(
                $"The saved Label Studio credentials in {path} are not valid JSON. Restore the file, or delete it and start over with `Teardown --purge` " +
                "(the data volume only accepts the token it was first started with).");
        }

        var username = (string?)json["username"];
        var password = (string?)json["password"];
        var token = (string?)json["token"];
        if (string.IsNullOrEmpty(username) || string.IsNullOrEmpty(password) || string.IsNullOrEmpty(token))
        {
            throw new DeploymentException(
                $"The saved Label Studio credentials in {path} lack the username, password or token. Restore the file, or delete it and start over with `Teardown --purge`.");
        }

        return new LabelStudioCredentials(username, password, token);
    }

    /// <summary>Writes (or atomically replaces) the file as 0600.</summary>
    public static async Task SaveAsync(string path, LabelStudioCredentials credentials, string dataVolume, CancellationToken ct)
    {
        PrivateFiles.EnsureDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var json = new JObject
        {
            ["comment"] = "Written by LabelPipeline's Deploy: the first-boot user and API token of the Label Studio data volume below. Keep it private.",
            ["dataVolume"] = dataVolume,
            ["username"] = credentials.Username,
            ["password"] = credentials.Password,
            ["token"] = credentials.Token,
            ["savedUtc"] = DateTimeOffset.UtcNow.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
        };
        await PrivateFiles.ReplaceAsync(path, json.ToString(Formatting.Indented) + "\n", ct).ConfigureAwait(false);
    }
}
