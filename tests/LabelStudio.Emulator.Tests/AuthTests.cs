using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using LabelStudio.Emulator.Tests.Support;
using Xunit;

namespace LabelStudio.Emulator.Tests;

/// <summary>Health, version and the three ways to authenticate (CONTRACT §1, §2).</summary>
public sealed class AuthTests
{
    [Fact]
    public async Task Health_is_json_text_under_text_html_and_version_reports_community()
    {
        await using var ls = await EmulatorHarness.StartAsync();
        ls.Auth = null;

        var health = await ls.GetAsync("/health");
        Assert.Equal(HttpStatusCode.OK, health.Status);
        Assert.StartsWith("text/html", health.ContentType);
        Assert.Equal("{\"status\": \"UP\"}", health.Text);
        Assert.Equal(HttpStatusCode.OK, (await ls.GetAsync("/health/")).Status);

        foreach (var path in new[] { "/api/version", "/api/version/" })
        {
            var version = await ls.GetAsync(path);
            Assert.Equal(HttpStatusCode.OK, version.Status);
            Assert.Equal("1.23.0", version.Json["release"]!.GetValue<string>());
            Assert.Equal("Community", version.Json["edition"]!.GetValue<string>());
        }

        ls.AssertNoContractViolations();
    }

    [Fact]
    public async Task Missing_or_wrong_credentials_get_401_in_the_error_envelope()
    {
        await using var ls = await EmulatorHarness.StartAsync();
        ls.Auth = null;

        var missing = await ls.GetAsync("/api/current-user/whoami");
        Assert.Equal(HttpStatusCode.Unauthorized, missing.Status);
        Assert.Equal("Token", missing.Headers.WwwAuthenticate.ToString());
        var envelope = missing.Json.AsObject();
        Assert.Equal(["id", "status_code", "version", "detail", "exc_info"], envelope.Select(p => p.Key));
        Assert.True(Guid.TryParse(envelope["id"]!.GetValue<string>(), out _));
        Assert.Equal(401, envelope["status_code"]!.GetValue<int>());
        Assert.Equal("1.23.0", envelope["version"]!.GetValue<string>());
        Assert.Equal("Authentication credentials were not provided.", envelope["detail"]!.GetValue<string>());
        Assert.Null(envelope["exc_info"]);

        ls.Auth = new AuthenticationHeaderValue("Token", new string('f', 40));
        var wrong = await ls.GetAsync("/api/projects/");
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.Status);
        Assert.Equal("Invalid token.", wrong.Json["detail"]!.GetValue<string>());

        ls.AssertNoContractViolations();
    }

    [Fact]
    public async Task Legacy_token_works_as_Token_header_and_as_X_Api_Key()
    {
        await using var ls = await EmulatorHarness.StartAsync();

        var whoami = await ls.GetAsync("/api/current-user/whoami");
        Assert.Equal(HttpStatusCode.OK, whoami.Status);
        Assert.Equal("admin@example.com", whoami.Json["email"]!.GetValue<string>());
        Assert.Equal(1, whoami.Json["id"]!.GetValue<int>());

        ls.Auth = null;
        var viaApiKey = await ls.GetAsync("/api/current-user/whoami", r => r.Headers.Add("X-Api-Key", ls.Server.LegacyToken));
        Assert.Equal(HttpStatusCode.OK, viaApiKey.Status);

        ls.Auth = new AuthenticationHeaderValue("Token", ls.Server.LegacyToken);
        Assert.Equal(ls.Server.LegacyToken, (await ls.GetAsync("/api/current-user/token")).Json["token"]!.GetValue<string>());
        ls.AssertNoContractViolations();
    }

    [Fact]
    public async Task Disabled_legacy_tokens_are_rejected_with_Label_Studios_message()
    {
        await using var ls = await EmulatorHarness.StartAsync(o => o with { LegacyTokensEnabled = false });

        var reply = await ls.GetAsync("/api/current-user/whoami");
        Assert.Equal(HttpStatusCode.Unauthorized, reply.Status);
        Assert.Equal(
            "Authentication token no longer valid: legacy token authentication has been disabled for this organization",
            reply.Json["detail"]!.GetValue<string>());

        ls.Auth = null;
        var viaApiKey = await ls.GetAsync("/api/projects", r => r.Headers.Add("X-Api-Key", ls.Server.LegacyToken));
        Assert.Contains("legacy token authentication has been disabled", viaApiKey.Json["detail"]!.GetValue<string>());

        // A PAT still works, and through it the organization can turn legacy tokens back on (OSS lets any member).
        ls.Auth = await BearerAsync(ls, ls.Server.CreatePersonalAccessToken());
        var settings = await ls.PostAsync("/api/jwt/settings", new JsonObject { ["legacy_api_tokens_enabled"] = true });
        Assert.Equal(HttpStatusCode.OK, settings.Status);
        Assert.True(settings.Json["legacy_api_tokens_enabled"]!.GetValue<bool>());
        ls.Auth = new AuthenticationHeaderValue("Token", ls.Server.LegacyToken);
        Assert.Equal(HttpStatusCode.OK, (await ls.GetAsync("/api/current-user/whoami")).Status);
        ls.AssertNoContractViolations();
    }

    [Fact]
    public async Task Personal_access_token_is_refreshed_into_a_short_lived_bearer_token()
    {
        var clock = new ManualClock();
        await using var ls = await EmulatorHarness.StartAsync(o => o with { Clock = clock, LegacyTokensEnabled = false });
        var pat = ls.Server.CreatePersonalAccessToken();
        Assert.Equal(3, pat.Split('.').Length);

        // A PAT is a refresh token: it cannot authenticate by itself, neither as Token nor as Bearer.
        ls.Auth = new AuthenticationHeaderValue("Token", pat);
        Assert.Equal(HttpStatusCode.Unauthorized, (await ls.GetAsync("/api/current-user/whoami")).Status);
        ls.Auth = new AuthenticationHeaderValue("Bearer", pat);
        Assert.Equal(HttpStatusCode.Unauthorized, (await ls.GetAsync("/api/current-user/whoami")).Status);

        ls.Auth = await BearerAsync(ls, pat);
        Assert.Equal(HttpStatusCode.OK, (await ls.GetAsync("/api/current-user/whoami")).Status);

        // About five minutes later the access token has expired: 401 until the client refreshes again.
        clock.Advance(TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(1));
        var expired = await ls.GetAsync("/api/current-user/whoami");
        Assert.Equal(HttpStatusCode.Unauthorized, expired.Status);
        Assert.Equal("Authentication credentials were not provided.", expired.Json["detail"]!.GetValue<string>());

        ls.Auth = await BearerAsync(ls, pat);
        Assert.Equal(HttpStatusCode.OK, (await ls.GetAsync("/api/projects/")).Status);
        ls.AssertNoContractViolations();
    }

    [Fact]
    public async Task Rotate_returns_a_new_personal_access_token_and_blacklists_the_old_one()
    {
        await using var ls = await EmulatorHarness.StartAsync();
        var old = ls.Server.CreatePersonalAccessToken();

        var rotated = await ls.PostAsync("/api/token/rotate/", new JsonObject { ["refresh"] = old });
        Assert.Equal(HttpStatusCode.OK, rotated.Status);
        var fresh = rotated.Json["refresh"]!.GetValue<string>();
        Assert.NotEqual(old, fresh);

        var again = await ls.PostAsync("/api/token/rotate/", new JsonObject { ["refresh"] = old });
        Assert.Equal(HttpStatusCode.BadRequest, again.Status);
        Assert.Equal("Token is invalid or already blacklisted.", again.Json["detail"]!.GetValue<string>());
        ls.Auth = null;
        Assert.Equal(HttpStatusCode.Unauthorized, (await ls.PostAsync("/api/token/refresh/", new JsonObject { ["refresh"] = old })).Status);
        Assert.Equal(HttpStatusCode.OK, (await ls.PostAsync("/api/token/refresh/", new JsonObject { ["refresh"] = fresh })).Status);
        ls.AssertNoContractViolations();
    }

    [Fact]
    public async Task Refresh_rejects_tokens_it_did_not_mint_and_bearer_needs_api_tokens_enabled()
    {
        await using var ls = await EmulatorHarness.StartAsync(o => o with { PersonalAccessTokensEnabled = false });
        ls.Auth = null;

        var forged = await ls.PostAsync("/api/token/refresh/", new JsonObject { ["refresh"] = "aaa.bbb.ccc" });
        Assert.Equal(HttpStatusCode.Unauthorized, forged.Status);
        Assert.Equal("Token is invalid or expired", forged.Json["detail"]!.GetValue<string>());

        var legacy = await ls.PostAsync("/api/token/refresh", new JsonObject { ["refresh"] = ls.Server.LegacyToken });
        Assert.Equal(HttpStatusCode.Unauthorized, legacy.Status);

        // The organization has API tokens disabled: the exchange works, but Bearer is ignored.
        ls.Auth = await BearerAsync(ls, ls.Server.CreatePersonalAccessToken());
        Assert.Equal(HttpStatusCode.Unauthorized, (await ls.GetAsync("/api/current-user/whoami")).Status);
        ls.AssertNoContractViolations();
    }

    private static async Task<AuthenticationHeaderValue> BearerAsync(EmulatorHarness ls, string pat)
    {
        var saved = ls.Auth;
        ls.Auth = null;
        var refreshed = await ls.PostAsync("/api/token/refresh/", new JsonObject { ["refresh"] = pat });
        ls.Auth = saved;
        Assert.Equal(HttpStatusCode.OK, refreshed.Status);
        var access = refreshed.Json["access"]!.GetValue<string>();
        Assert.NotEqual(pat, access);
        return new AuthenticationHeaderValue("Bearer", access);
    }
}
