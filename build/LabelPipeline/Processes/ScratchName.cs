using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace LabelPipeline.Processes;

/// <summary>
/// Names of a run's scratch files and folders (Prepare's staging, a snapshot being built, a downloaded export) that
/// carry the writing process's id, so a later run can tell what a killed run left (its process is gone: removed) from
/// what a run still going is writing (kept). A name without an id is never removed: it cannot be proven dead.
/// </summary>
public static class ScratchName
{
    /// <summary><c>{prefix}p{pid}-{random}{suffix}</c>.</summary>
    public static string For(string prefix, string suffix, int processId) =>
        string.Create(CultureInfo.InvariantCulture, $"{prefix}p{processId}-{Guid.NewGuid():N}{suffix}");

    /// <summary>A fresh name for this process.</summary>
    public static string Mine(string prefix, string suffix) => For(prefix, suffix, Environment.ProcessId);

    /// <summary>
    /// Removes the files and folders in <paramref name="directory"/> named <c>{prefix}p{pid}-{random}{suffix}</c> (and
    /// with any of <paramref name="extraSuffixes"/> after that) whose process no longer runs. Returns their names.
    /// </summary>
    public static IReadOnlyList<string> RemoveDead(string directory, string prefix, string suffix, params string[] extraSuffixes)
    {
        if (!Directory.Exists(directory))
        {
            return [];
        }

        var pattern = new Regex(
            "^" + Regex.Escape(prefix) + @"p(\d{1,10})-[0-9a-f]{32}" + Regex.Escape(suffix) + "(?:" + string.Join('|', extraSuffixes.Prepend(string.Empty).Select(Regex.Escape)) + ")$",
            RegexOptions.CultureInvariant);
        var removed = new List<string>();
        foreach (var path in Directory.EnumerateFileSystemEntries(directory, prefix + "p*").Order(StringComparer.Ordinal).ToArray())
        {
            var name = Path.GetFileName(path);
            var match = pattern.Match(name);
            if (!match.Success || !int.TryParse(match.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var pid) || IsRunning(pid))
            {
                continue;
            }

            try
            {
                if (Directory.Exists(path))
                {
                    Directory.Delete(path, recursive: true);
                }
                else
                {
                    File.Delete(path);
                }

                removed.Add(name);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Best effort: another run may be removing the same leftover right now.
            }
        }

        return removed;
    }

    private static bool IsRunning(int processId)
    {
        if (processId == Environment.ProcessId)
        {
            return true;
        }

        try
        {
            using var process = Process.GetProcessById(processId);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false; // no such process
        }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            return true; // cannot tell: keep it
        }
    }
}
