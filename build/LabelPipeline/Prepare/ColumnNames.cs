namespace LabelPipeline.Prepare;

/// <summary>
/// Column names the editor reads back exactly: Label Studio's editor keeps quote characters as part of a name (issue
/// #3459), splits on separators without honouring quotes, and compares names after no trimming. The mapping is stable
/// (the same header always gives the same names) and recorded in the prepare manifest, so it can be reversed.
/// </summary>
public static class ColumnNames
{
    private static readonly char[] Unsafe = ['"', ',', ';', '\t', '|', '\r', '\n'];

    /// <summary>Safe names for a header, in order; unchanged names stay as they are.</summary>
    public static IReadOnlyList<string> MakeSafe(IReadOnlyList<string> header)
    {
        var result = new string[header.Count];
        var taken = new HashSet<string>(StringComparer.OrdinalIgnoreCase); // the editor compares names case-insensitively
        for (var i = 0; i < header.Count; i++)
        {
            var name = header[i].Trim();
            foreach (var c in Unsafe)
            {
                name = name.Replace(c == '"' ? "\"" : c.ToString(), c == '"' ? string.Empty : "_", StringComparison.Ordinal);
            }

            name = name.Trim();
            if (name.Length == 0)
            {
                name = $"column_{i + 1}";
            }

            var candidate = name;
            for (var n = 2; !taken.Add(candidate); n++)
            {
                candidate = $"{name}_{n}";
            }

            result[i] = candidate;
        }

        return result;
    }
}
