using LabelStudio.Emulator.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace LabelStudio.Emulator.Auth;

/// <summary>Token exchange, the current user and the organization's token settings (CONTRACT §1.2).</summary>
internal static class AuthEndpoints
{
    public static void Map(IEndpointRouteBuilder api)
    {
        api.MapPost("/token/refresh", RefreshAsync).WithMetadata(new AuthMetadata(AuthMode.None));
        api.MapPost("/token/rotate", RotateAsync);
        api.MapGet("/current-user/whoami", WhoAmI);
        api.MapGet("/current-user/token", CurrentToken);
        api.MapGet("/jwt/settings", GetJwtSettings);
        api.MapPost("/jwt/settings", UpdateJwtSettingsAsync);
    }

    /// <summary>simplejwt's TokenRefreshView: a valid PAT (refresh token) buys an access token with a short exp.</summary>
    private static async Task<IResult> RefreshAsync(HttpRequest request, EmulatorContext emulator, CancellationToken ct)
    {
        var fields = new RequestFields(await Wire.ReadObjectAsync(request, ct).ConfigureAwait(false));
        var refresh = fields.String("refresh", allowNull: false);
        if (!refresh.HasValue)
        {
            fields.AddError("refresh", "This field is required.");
        }

        fields.ThrowIfInvalid();
        lock (emulator.Store.Gate)
        {
            var userId = emulator.Jwt.Validate(refresh.Value ?? string.Empty, "refresh");
            if (userId != emulator.Store.User.Id)
            {
                throw new ApiException(StatusCodes.Status401Unauthorized, "Token is invalid or expired");
            }

            if (emulator.Store.BlacklistedTokens.Contains(refresh.Value!))
            {
                throw new ApiException(StatusCodes.Status401Unauthorized, "Token is blacklisted");
            }

            var access = emulator.Jwt.Create("access", emulator.Store.User.Id, emulator.Options.AccessTokenLifetime);
            return Wire.Json(new TokenRefreshResponseWire(access));
        }
    }

    /// <summary>
    /// Label Studio 1.17+ (jwt_auth/views.py LSAPITokenRotateView): the caller's valid PAT is blacklisted and a new one
    /// returned; an invalid or blacklisted one is a 400. The real 1.8.3dev server has no PATs at all (404, errata).
    /// </summary>
    private static async Task<IResult> RotateAsync(HttpRequest request, EmulatorContext emulator, CancellationToken ct)
    {
        var fields = new RequestFields(await Wire.ReadObjectAsync(request, ct).ConfigureAwait(false));
        var refresh = fields.String("refresh", allowNull: false);
        if (!refresh.HasValue || string.IsNullOrEmpty(refresh.Value))
        {
            fields.AddError("refresh", "This field is required.");
        }

        fields.ThrowIfInvalid();
        lock (emulator.Store.Gate)
        {
            var userId = emulator.Jwt.Validate(refresh.Value!, "refresh");
            if (userId != emulator.Store.User.Id || !emulator.Store.BlacklistedTokens.Add(refresh.Value!))
            {
                throw new ApiException(StatusCodes.Status400BadRequest, "Token is invalid or already blacklisted.");
            }

            return Wire.Json(new TokenRotateResponseWire(emulator.Jwt.Create("refresh", userId.Value, JwtTokens.PersonalAccessTokenLifetime)));
        }
    }

    private static IResult WhoAmI(HttpContext context, EmulatorContext emulator) =>
        Wire.Json(WhoAmIWire.From(Caller.Get(context), emulator.Store.Organization.Id, emulator.Now));

    /// <summary>Returns the legacy key as <c>{"token": …}</c> (the spec's <c>{"detail": …}</c> is wrong, §8.1).</summary>
    private static IResult CurrentToken(EmulatorContext emulator)
    {
        lock (emulator.Store.Gate)
        {
            return Wire.Json(new LegacyTokenWire(emulator.Store.LegacyToken));
        }
    }

    private static IResult GetJwtSettings(EmulatorContext emulator)
    {
        lock (emulator.Store.Gate)
        {
            var org = emulator.Store.Organization;
            return Wire.Json(new JwtSettingsWire(org.ApiTokensEnabled, org.LegacyApiTokensEnabled));
        }
    }

    /// <summary>Any org member may change these in OSS; the view answers 200 with the data (the spec says 201, §8.5).</summary>
    private static async Task<IResult> UpdateJwtSettingsAsync(HttpRequest request, EmulatorContext emulator, CancellationToken ct)
    {
        var fields = new RequestFields(await Wire.ReadObjectAsync(request, ct).ConfigureAwait(false));
        var api = fields.Bool("api_tokens_enabled");
        var legacy = fields.Bool("legacy_api_tokens_enabled");
        fields.ThrowIfInvalid();
        lock (emulator.Store.Gate)
        {
            var org = emulator.Store.Organization;
            org.ApiTokensEnabled = api.HasValue ? api.Value!.Value : org.ApiTokensEnabled;
            org.LegacyApiTokensEnabled = legacy.HasValue ? legacy.Value!.Value : org.LegacyApiTokensEnabled;
            return Wire.Json(new JwtSettingsWire(org.ApiTokensEnabled, org.LegacyApiTokensEnabled));
        }
    }
}
