using System.Text;

namespace LabelPipeline.IO;

/// <summary>
/// Writes a file so readers see the old content or the new one, never half of it: a temporary file beside it, then a
/// rename over it. The one way the pipeline replaces a file (Prepare's manifests, the credentials file).
/// </summary>
public static class AtomicFile
{
    private static readonly UTF8Encoding Utf8 = new(false);

    public static Task WriteAllTextAsync(string path, string content, CancellationToken ct) =>
        ReplaceAsync(path, temp => File.WriteAllTextAsync(temp, content, Utf8, ct));

    public static void WriteAllText(string path, string content) =>
        ReplaceAsync(path, temp =>
        {
            File.WriteAllText(temp, content, Utf8);
            return Task.CompletedTask;
        }).GetAwaiter().GetResult(); // completes synchronously: the delegate does

    /// <summary>Replaces <paramref name="path"/> with what <paramref name="write"/> puts in the temporary file it is given.</summary>
    public static async Task ReplaceAsync(string path, Func<string, Task> write)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(directory);
        var temp = Path.Combine(directory, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
        try
        {
            await write(temp).ConfigureAwait(false);
            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp))
            {
                File.Delete(temp);
            }
        }
    }
}
