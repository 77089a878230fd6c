using System.Text.Json.Nodes;

namespace S3.Tests.Support;

public static class SnapshotAssert
{
    /// <summary>Every file byte for byte, the manifest too except its source block (which export, and its id).</summary>
    public static void Identical(string expected, string actual)
    {
        static string[] Files(string d) => Directory.GetFiles(d, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(d, f)).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(Files(expected), Files(actual));
        Assert.NotEqual(string.Empty, File.ReadAllText(Path.Combine(expected, "lookout", "labels.csv")));
        foreach (var file in Files(expected).Where(f => f != "manifest.json"))
        {
            Assert.True(File.ReadAllBytes(Path.Combine(expected, file)).SequenceEqual(File.ReadAllBytes(Path.Combine(actual, file))), $"{file} differs");
        }

        var a = JsonNode.Parse(File.ReadAllText(Path.Combine(expected, "manifest.json")))!.AsObject();
        var b = JsonNode.Parse(File.ReadAllText(Path.Combine(actual, "manifest.json")))!.AsObject();
        a.Remove("source");
        b.Remove("source");
        Assert.True(JsonNode.DeepEquals(a, b), $"{a}\n---\n{b}");
    }
}
