using System.Net;
using System.Text.RegularExpressions;

namespace RealServer.Tests.Support;

/// <summary>
/// A browser-like session with the real server: logged in through its Django login form (CSRF token, session cookie).
/// Local files are served only to such a session, never to the API token.
/// </summary>
public sealed partial class WebSession : IDisposable
{
    private WebSession(HttpClient http) => Http = http;

    public HttpClient Http { get; }

    public static async Task<WebSession> LogInAsync(RealLabelStudio server)
    {
        var http = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false }) { BaseAddress = server.BaseUrl };
        var form = await http.GetStringAsync("user/login/");
        var csrf = CsrfInput().Match(form);
        Assert.True(csrf.Success, "the login page has no csrfmiddlewaretoken");
        using var request = new HttpRequestMessage(HttpMethod.Post, "user/login/")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["csrfmiddlewaretoken"] = csrf.Groups[1].Value,
                ["email"] = RealLabelStudio.Username,
                ["password"] = server.Password,
            }),
        };
        request.Headers.Referrer = new Uri(server.BaseUrl, "user/login/");
        using var response = await http.SendAsync(request);
        Assert.True(response.StatusCode == HttpStatusCode.Found, $"login answered {(int)response.StatusCode}, not a redirect");
        return new WebSession(http);
    }

    public void Dispose() => Http.Dispose();

    [GeneratedRegex("name=\"csrfmiddlewaretoken\" value=\"([^\"]+)\"")]
    private static partial Regex CsrfInput();
}
