using System.Net;
using System.Text;

namespace Docker.Tests.Support;

/// <summary>
/// Searches text and files for secrets, in plain and in the encodings a leak usually takes: URL-encoded (both
/// forms), base64 and base64url (at every byte alignment, so a secret inside a longer encoded blob, e.g. a Basic
/// auth header or a JSON document, is found too), and hex.
/// </summary>
public sealed class SecretScanner
{
    private readonly List<(string Name, string Encoding, string Needle)> _needles = [];

    public SecretScanner(IReadOnlyDictionary<string, string> secrets)
    {
        foreach (var (name, secret) in secrets)
        {
            if (secret.Length < 8)
            {
                throw new ArgumentException($"Secret '{name}' is too short to search for without false alarms.");
            }

            foreach (var (encoding, needle) in Encodings(secret).DistinctBy(e => e.Needle))
            {
                _needles.Add((name, encoding, needle));
            }
        }
    }

    public int Needles => _needles.Count;

    /// <summary>Every encoding of <paramref name="secret"/> searched for.</summary>
    public static IEnumerable<(string Encoding, string Needle)> Encodings(string secret)
    {
        yield return ("plain", secret);
        yield return ("URL-encoded", Uri.EscapeDataString(secret));
        yield return ("form-encoded", WebUtility.UrlEncode(secret));
        yield return ("JSON-escaped", System.Text.Json.JsonSerializer.Serialize(secret)[1..^1]);
        var bytes = Encoding.UTF8.GetBytes(secret);
        yield return ("hex", Convert.ToHexString(bytes).ToLowerInvariant());
        yield return ("HEX", Convert.ToHexString(bytes));
        for (var offset = 0; offset < 3; offset++)
        {
            // The characters that depend on the secret's bytes only, whatever precedes or follows it in the blob.
            var encoded = Convert.ToBase64String([.. new byte[offset], .. bytes]);
            var first = (offset * 8 + 5) / 6;
            var last = (offset + bytes.Length) * 8 / 6;
            var stable = encoded[first..last];
            yield return ($"base64 (alignment {offset})", stable);
            yield return ($"base64url (alignment {offset})", stable.Replace('+', '-').Replace('/', '_'));
        }
    }

    /// <summary>Each secret found in <paramref name="text"/>, as "name (encoding) in where".</summary>
    public IEnumerable<string> Find(string text, string where) =>
        _needles
            .Where(n => text.Contains(n.Needle, StringComparison.Ordinal))
            .Select(n => $"{n.Name} ({n.Encoding}) in {where}");

    /// <summary>Every file under <paramref name="directory"/> (read as UTF-8, invalid bytes replaced), except <paramref name="except"/>.</summary>
    public IEnumerable<string> FindInFiles(string directory, params string[] except) =>
        Directory.Exists(directory)
            ? Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories)
                .Where(f => !except.Contains(f, StringComparer.Ordinal))
                .SelectMany(f => Find(File.ReadAllText(f, Encoding.UTF8), f))
            : [];
}
