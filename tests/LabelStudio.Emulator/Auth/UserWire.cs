using System.Text.Json.Nodes;
using LabelStudio.Emulator.State;

namespace LabelStudio.Emulator.Auth;

/// <summary>UserSimpleSerializer: the nested user of projects, exports and expanded annotations.</summary>
internal sealed record UserSimpleWire(int Id, string FirstName, string LastName, string Email, string? Avatar)
{
    // A user without an uploaded avatar has avatar null (see the errata allow-list).
    public static UserSimpleWire From(UserRecord user) => new(user.Id, user.FirstName, user.LastName, user.Email, null);
}

/// <summary>The OSS UserSerializer as <c>/api/current-user/whoami</c> returns it.</summary>
internal sealed record WhoAmIWire(
    int Id,
    string FirstName,
    string LastName,
    string Username,
    string Email,
    DateTimeOffset LastActivity,
    JsonObject CustomHotkeys,
    string? Avatar,
    string Initials,
    string Phone,
    int ActiveOrganization,
    bool? AllowNewsletters,
    DateTimeOffset DateJoined)
{
    public static WhoAmIWire From(UserRecord user, int organizationId, DateTimeOffset now)
    {
        // User.get_initials: first letters of the names, else the email's first two characters.
        var initials = user.FirstName.Length > 0 || user.LastName.Length > 0
            ? string.Concat(user.FirstName.Take(1).Concat(user.LastName.Take(1)))
            : user.Email[..Math.Min(2, user.Email.Length)];
        return new WhoAmIWire(user.Id, user.FirstName, user.LastName, user.Email, user.Email, now, [], null, initials, string.Empty, organizationId, null, user.DateJoined);
    }
}

internal sealed record TokenRefreshResponseWire(string Access);

internal sealed record TokenRotateResponseWire(string Refresh);

internal sealed record LegacyTokenWire(string Token);

/// <summary>The OSS JWTSettingsSerializer (LSE adds api_token_ttl_days).</summary>
internal sealed record JwtSettingsWire(bool ApiTokensEnabled, bool LegacyApiTokensEnabled);
