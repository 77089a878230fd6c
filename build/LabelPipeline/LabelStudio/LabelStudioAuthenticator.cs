using System.Net.Http.Headers;
using System.Text;
using Newtonsoft.Json.Linq;

namespace LabelPipeline.LabelStudio;

/// <summary>
/// Chooses the Authorization header for a token, as Label Studio's own SDK does: a JWT refresh token (a Personal
/// Access Token) is exchanged for an access token sent as <c>Bearer</c> and refreshed before it expires; anything else
/// is a legacy token sent as <c>Token</c>.
/// </summary>
internal sealed class LabelStudioAuthenticator(string token, Func<string, CancellationToken, Task<string>> refresh)
{
    private static readonly TimeSpan ExpiryMargin = TimeSpan.FromSeconds(30);
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly bool _isPersonalAccessToken = IsJwt(token);
    private string? _access;
    private DateTimeOffset _accessExpires;

    public bool CanRefresh => _isPersonalAccessToken;

    public async Task<AuthenticationHeaderValue> GetHeaderAsync(CancellationToken ct)
    {
        if (!_isPersonalAccessToken)
        {
            return new AuthenticationHeaderValue("Token", token);
        }

        await _gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (_access is null || DateTimeOffset.UtcNow >= _accessExpires - ExpiryMargin)
            {
                _access = await refresh(token, ct).ConfigureAwait(false);
                _accessExpires = ReadExpiry(_access) ?? DateTimeOffset.UtcNow.AddMinutes(4);
            }

            return new AuthenticationHeaderValue("Bearer", _access);
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Invalidate() => _access = null;

    /// <summary>Three base64url parts whose payload is JSON: the shape of Label Studio's PATs.</summary>
    internal static bool IsJwt(string value) => value.Split('.') is [_, var payload, _] && DecodePayload(payload) is not null;

    private static DateTimeOffset? ReadExpiry(string jwt) =>
        jwt.Split('.') is [_, var payload, _] && DecodePayload(payload)?["exp"]?.Type is JTokenType.Integer or JTokenType.Float
            ? DateTimeOffset.FromUnixTimeSeconds((long)DecodePayload(payload)!["exp"]!)
            : null;

    private static JObject? DecodePayload(string part)
    {
        try
        {
            var base64 = part.Replace('-', '+').Replace('_', '/');
            base64 = base64.PadRight(base64.Length + ((4 - (base64.Length % 4)) % 4), '=');
            return JObject.Parse(Encoding.UTF8.GetString(Convert.FromBase64String(base64)));
        }
        catch (Exception e) when (e is FormatException or Newtonsoft.Json.JsonException or ArgumentException)
        {
            return null;
        }
    }
}
