using System.Text;

namespace LabelStudio.Emulator.Storages;

/// <summary>The bits of pathlib and urllib Label Studio's local-files storage relies on, lexically (no symlinks, no '..' folding).</summary>
internal static class PythonPaths
{
    /// <summary>pathlib's normal form: repeated separators and '.' segments dropped, no trailing slash.</summary>
    public static string Normalize(string path)
    {
        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries).Where(s => s != ".");
        return (path.StartsWith('/') ? "/" : string.Empty) + string.Join('/', segments);
    }

    /// <summary><c>root in Path(path).parents</c>: path lies strictly below root (never equal to it).</summary>
    public static bool IsStrictChild(string path, string root)
    {
        var child = Normalize(path);
        var parent = Normalize(root);
        if (child == parent)
        {
            return false;
        }

        return parent == "/" ? child.StartsWith('/') && child.Length > 1 : child.StartsWith(parent + "/", StringComparison.Ordinal);
    }

    /// <summary><c>Path(path).relative_to(root)</c> for a path under root.</summary>
    public static string RelativeTo(string path, string root)
    {
        var child = Normalize(path);
        var parent = Normalize(root);
        return parent == "/" ? child.TrimStart('/') : child[(parent.Length + 1)..];
    }

    /// <summary><c>urllib.parse.quote(text)</c> with its default safe '/': unreserved characters and '/' stay, the rest is %XX of UTF-8.</summary>
    public static string Quote(string text)
    {
        var builder = new StringBuilder();
        foreach (var b in Encoding.UTF8.GetBytes(text))
        {
            var c = (char)b;
            if (c is (>= 'A' and <= 'Z') or (>= 'a' and <= 'z') or (>= '0' and <= '9') or '_' or '.' or '-' or '~' or '/')
            {
                builder.Append(c);
            }
            else
            {
                builder.Append('%').Append(b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        return builder.ToString();
    }
}
