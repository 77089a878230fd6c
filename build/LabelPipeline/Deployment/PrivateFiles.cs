using System.Text;
using LabelPipeline.IO;

namespace LabelPipeline.Deployment;

/// <summary>
/// Files and folders only their owner can read, private from the moment they exist: the mode is given when the file is
/// created (never a chmod afterwards, which would leave a window where others could open it).
/// </summary>
internal static class PrivateFiles
{
    private const UnixFileMode OwnerReadWrite = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode OwnerAll = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    /// <summary>Creates the folder (and parents) as 0700 when missing; an existing folder keeps its mode.</summary>
    public static void EnsureDirectory(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
        }
        else
        {
            Directory.CreateDirectory(path, OwnerAll);
        }
    }

    /// <summary>Writes a new file, created as 0600; fails if the file exists.</summary>
    public static async Task WriteNewAsync(string path, string content, CancellationToken ct)
    {
        var options = new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.Write,
            Share = FileShare.None,
        };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = OwnerReadWrite;
        }

        await using var stream = new FileStream(path, options);
        await stream.WriteAsync(Encoding.UTF8.GetBytes(content), ct).ConfigureAwait(false);
        await stream.FlushAsync(ct).ConfigureAwait(false);
    }

    /// <summary>Replaces a file atomically with a new 0600 one (written beside it, then renamed over it).</summary>
    public static async Task ReplaceAsync(string path, string content, CancellationToken ct)
    {
        await AtomicFile.ReplaceAsync(path, temporary => WriteNewAsync(temporary, content, ct)).ConfigureAwait(false);
    }

    /// <summary>Whether a file can be read by anyone but its owner (group or other bits set).</summary>
    public static bool IsReadableByOthers(string path) =>
        !OperatingSystem.IsWindows()
        && (File.GetUnixFileMode(path) & (UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.OtherRead | UnixFileMode.OtherWrite)) != 0;

    /// <summary>Deletes a file if it is there; true when something was deleted.</summary>
    public static bool TryDelete(string path)
    {
        try
        {
            if (!File.Exists(path))
            {
                return false;
            }

            File.Delete(path);
            return true;
        }
        catch (IOException)
        {
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }
}
