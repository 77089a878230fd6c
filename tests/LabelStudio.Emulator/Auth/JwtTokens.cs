using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace LabelStudio.Emulator.Auth;

/// <summary>
/// simplejwt-style HS256 tokens. A Personal Access Token is a long-lived <c>refresh</c> token; <c>/api/token/refresh/</c>
/// trades it for a short-lived <c>access</c> token. The signing key is per emulator instance, so only tokens it minted pass.
/// </summary>
internal sealed class JwtTokens(TimeProvider clock)
{
    /// <summary>Label Studio's LSAPIToken lifetime: 200 years.</summary>
    public static readonly TimeSpan PersonalAccessTokenLifetime = TimeSpan.FromDays(365 * 200);

    private readonly byte[] _key = RandomNumberGenerator.GetBytes(32);

    public string Create(string tokenType, int userId, TimeSpan lifetime)
    {
        var now = clock.GetUtcNow();
        var header = new JsonObject { ["alg"] = "HS256", ["typ"] = "JWT" };
        var payload = new JsonObject
        {
            ["token_type"] = tokenType,
            ["exp"] = (now + lifetime).ToUnixTimeSeconds(),
            ["iat"] = now.ToUnixTimeSeconds(),
            ["jti"] = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)),
            ["user_id"] = userId.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        var unsigned = Base64Url(header.ToJsonString()) + "." + Base64Url(payload.ToJsonString());
        return unsigned + "." + Base64Url(Sign(unsigned));
    }

    /// <summary>The user id of a well-signed, unexpired token of the given type; null otherwise.</summary>
    public int? Validate(string token, string expectedType)
    {
        var parts = token.Split('.');
        if (parts.Length != 3)
        {
            return null;
        }

        byte[] signature;
        JsonObject? payload;
        try
        {
            signature = FromBase64Url(parts[2]);
            payload = JsonNode.Parse(FromBase64Url(parts[1])) as JsonObject;
        }
        catch (Exception e) when (e is FormatException or System.Text.Json.JsonException)
        {
            return null;
        }

        if (payload is null || !CryptographicOperations.FixedTimeEquals(signature, Sign(parts[0] + "." + parts[1])))
        {
            return null;
        }

        // simplejwt: a token whose exp is at or before now is expired.
        var exp = payload["exp"]?.GetValue<long>() ?? 0;
        if (exp <= clock.GetUtcNow().ToUnixTimeSeconds() || payload["token_type"]?.GetValue<string>() != expectedType)
        {
            return null;
        }

        return int.TryParse(payload["user_id"]?.ToString(), out var userId) ? userId : null;
    }

    private byte[] Sign(string unsigned) => HMACSHA256.HashData(_key, Encoding.ASCII.GetBytes(unsigned));

    private static string Base64Url(string text) => Base64Url(Encoding.UTF8.GetBytes(text));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static byte[] FromBase64Url(string text)
    {
        var base64 = text.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(base64.PadRight(base64.Length + ((4 - (base64.Length % 4)) % 4), '='));
    }
}
