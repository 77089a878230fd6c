using System.Text.RegularExpressions;
using LabelPipeline.Deployment;
using Xunit;

namespace Docker.Tests;

/// <summary>Secrets never show through ToString (records print all their members by default).</summary>
public sealed class SecretHygieneTests
{
    [Fact]
    public void Options_do_not_print_the_password_or_token()
    {
        var options = new LabelStudioDeploymentOptions { StateDirectory = "/tmp/x", Password = "pa55-word-value", Token = "0123456789abcdef0123" };

        var text = options.ToString();

        Assert.DoesNotContain("pa55-word-value", text, StringComparison.Ordinal);
        Assert.DoesNotContain("0123456789abcdef0123", text, StringComparison.Ordinal);
        Assert.Contains("(given)", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Credentials_and_endpoints_print_only_a_fingerprint()
    {
        var credentials = LabelStudioCredentials.Generate();
        var endpoint = new LabelStudioEndpoint(
            new Uri("http://127.0.0.1:8080"), new Uri("http://127.0.0.1:8080"), credentials.Token, credentials.Username,
            DeploymentAction.Started, "0123456789abcdef", "/tmp/c.json");

        foreach (var text in new[] { credentials.ToString(), endpoint.ToString() })
        {
            Assert.DoesNotContain(credentials.Token, text, StringComparison.Ordinal);
            Assert.DoesNotContain(credentials.Password, text, StringComparison.Ordinal);
        }

        Assert.Contains(credentials.TokenFingerprint, credentials.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Generated_tokens_are_40_lowercase_hex_and_differ()
    {
        var first = LabelStudioCredentials.Generate();
        var second = LabelStudioCredentials.Generate();

        Assert.Matches(new Regex("^[0-9a-f]{40}$"), first.Token);
        Assert.NotEqual(first.Token, second.Token);
        Assert.NotEqual(first.Password, second.Password);
        Assert.True(first.Password.Length >= 20);
        Assert.Matches(new Regex("^sha256:[0-9a-f]{8}$"), first.TokenFingerprint);
    }

    [Fact]
    public async Task The_credentials_file_is_created_owner_only_and_round_trips()
    {
        var directory = Path.Combine(Path.GetTempPath(), "labelpipeline-docker-tests", Guid.NewGuid().ToString("N"));
        try
        {
            var path = Path.Combine(directory, ".labelpipeline", "label-studio-v.credentials.json");
            var credentials = LabelStudioCredentials.Generate("someone@example.com");

            await LabelStudioCredentialStore.SaveAsync(path, credentials, "v", CancellationToken.None);
            await LabelStudioCredentialStore.SaveAsync(path, credentials, "v", CancellationToken.None); // replacing keeps the mode

            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Path.GetDirectoryName(path)!));
            Assert.Equal(credentials, await LabelStudioCredentialStore.LoadAsync(path, CancellationToken.None));
            Assert.Single(Directory.GetFiles(Path.GetDirectoryName(path)!));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
