using System.Text.RegularExpressions;

namespace LabelStudio.Emulator.Storages;

/// <summary>
/// Python's <c>re.match(pattern, text)</c>: the match must start at the beginning of the text but need not reach its end,
/// so <c>.*\.csv</c> matches <c>a.csv</c> and <c>a.csv.bak</c>, while <c>\.csv$</c> matches nothing that starts with a name.
/// </summary>
internal sealed class PythonRegex
{
    private readonly Regex _regex;

    public PythonRegex(string pattern)
    {
        // Python's named-group syntax, in .NET's spelling; \G pins the match to the start as re.match does.
        var dotnet = pattern.Replace("(?P<", "(?<", StringComparison.Ordinal);
        dotnet = Regex.Replace(dotnet, @"\(\?P=(\w+)\)", @"\k<$1>");
        _regex = new Regex(@"\G(?:" + dotnet + ")", RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
    }

    public bool Match(string text) => _regex.IsMatch(text);
}
