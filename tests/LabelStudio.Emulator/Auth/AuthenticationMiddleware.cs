using LabelStudio.Emulator.Hosting;
using LabelStudio.Emulator.State;
using Microsoft.AspNetCore.Http;

namespace LabelStudio.Emulator.Auth;

/// <summary>
/// Label Studio's authentication chain (CONTRACT §1): XApiKeySupportMiddleware turns <c>X-Api-Key</c> into a Token
/// header; JWTAuthenticationMiddleware accepts a valid <c>Bearer</c> access token when the organization has API tokens
/// enabled and silently ignores a bad one; DRF's TokenAuthenticationPhaseout checks <c>Token</c> keys and rejects valid
/// legacy keys while the organization has legacy tokens disabled. Anything else is 401.
/// </summary>
internal sealed class AuthenticationMiddleware(RequestDelegate next, EmulatorStore store, JwtTokens jwt)
{
    public const string LegacyDisabledDetail =
        "Authentication token no longer valid: legacy token authentication has been disabled for this organization";

    public const string NotProvidedDetail = "Authentication credentials were not provided.";

    public Task InvokeAsync(HttpContext context)
    {
        var mode = context.GetEndpoint()?.Metadata.GetMetadata<AuthMetadata>()?.Mode ?? AuthMode.None;
        if (mode != AuthMode.None)
        {
            var outcome = Authenticate(context.Request);
            if (outcome.User is not null)
            {
                Caller.Set(context, outcome.User);
            }
            else if (mode == AuthMode.Required || (mode == AuthMode.Optional && outcome.Failure is not null))
            {
                throw ApiException.Unauthorized(outcome.Failure ?? NotProvidedDetail);
            }
        }

        return next(context);
    }

    private (UserRecord? User, string? Failure) Authenticate(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        if (header.Length == 0 && request.Headers.TryGetValue("X-Api-Key", out var apiKey) && apiKey.ToString().Length > 0)
        {
            header = "Token " + apiKey;
        }

        var parts = header.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length == 0)
        {
            return (null, null);
        }

        lock (store.Gate)
        {
            if (parts[0].Equals("Bearer", StringComparison.OrdinalIgnoreCase))
            {
                // An invalid or expired Bearer is ignored by the JWT middleware; DRF then finds no credentials.
                return parts.Length == 2 && store.Organization.ApiTokensEnabled && jwt.Validate(parts[1], "access") == store.User.Id
                    ? (store.User, null)
                    : (null, null);
            }

            if (!parts[0].Equals("Token", StringComparison.OrdinalIgnoreCase))
            {
                return (null, null);
            }

            return parts.Length switch
            {
                1 => (null, "Invalid token header. No credentials provided."),
                > 2 => (null, "Invalid token header. Token string should not contain spaces."),
                _ when parts[1] != store.LegacyToken => (null, "Invalid token."),
                _ when !store.Organization.LegacyApiTokensEnabled => (null, LegacyDisabledDetail),
                _ => (store.User, null),
            };
        }
    }
}
