using System.Text;
using Docker.Tests.Support;
using Xunit;

namespace Docker.Tests;

/// <summary>The secret search finds a secret however it is wrapped, and nothing that is not there.</summary>
public sealed class SecretScannerTests
{
    private const string Secret = "s3cr3t/Pa55+word=xyz";

    private static readonly SecretScanner Scanner = new(new Dictionary<string, string> { ["password"] = Secret });

    [Fact]
    public void Base64_of_a_longer_blob_is_found_at_every_alignment_and_with_any_neighbours()
    {
        var random = new Random(6);
        for (var before = 0; before < 6; before++)
        {
            for (var after = 0; after < 6; after++)
            {
                var prefix = new byte[before];
                var suffix = new byte[after];
                random.NextBytes(prefix);
                random.NextBytes(suffix);
                byte[] blob = [.. prefix, .. Encoding.UTF8.GetBytes(Secret), .. suffix];
                var base64 = Convert.ToBase64String(blob);
                Assert.Contains(Scanner.Find($"Authorization: Basic {base64}", "header"), f => f.StartsWith("password (base64", StringComparison.Ordinal));
                var base64Url = base64.Replace('+', '-').Replace('/', '_').TrimEnd('=');
                Assert.NotEmpty(Scanner.Find(base64Url, "jwt"));
            }
        }
    }

    [Theory]
    [InlineData("plain", "token=" + Secret)]
    [InlineData("URL-encoded", "?p=s3cr3t%2FPa55%2Bword%3Dxyz&x=1")]
    [InlineData("JSON-escaped", "{\"p\": \"s3cr3t/Pa55\\u002Bword=xyz\"}")] // System.Text.Json escapes '+'
    public void Encoded_forms_are_found(string encoding, string text) =>
        Assert.Contains(Scanner.Find(text, "text"), f => f.StartsWith($"password ({encoding})", StringComparison.Ordinal));

    [Fact]
    public void Hex_is_found_inside_a_longer_dump() =>
        Assert.NotEmpty(Scanner.Find(Convert.ToHexString(Encoding.UTF8.GetBytes("x" + Secret + "y")).ToLowerInvariant(), "dump"));

    [Fact]
    public void Other_text_and_a_near_miss_are_not_reported()
    {
        Assert.Empty(Scanner.Find("s3cr3t/Pa55+word=xy " + Convert.ToBase64String(Encoding.UTF8.GetBytes("s3cr3t/Pa55+word=xy")), "near miss"));
        Assert.Throws<ArgumentException>(() => new SecretScanner(new Dictionary<string, string> { ["short"] = "abc" }));
    }
}
