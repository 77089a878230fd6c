using System.Security.Cryptography;
using System.Text;

namespace LabelPipeline.IO;

/// <summary>SHA-256 as the manifests record it: lower-case hex. The one place files and texts are hashed.</summary>
public static class Hashes
{
    /// <summary>A file's SHA-256, streamed (task files and series may be gigabytes).</summary>
    public static string Sha256File(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    /// <summary>The SHA-256 of a text's UTF-8 bytes.</summary>
    public static string Sha256(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
}
