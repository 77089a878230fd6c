using System.Globalization;

namespace Build;

/// <summary>
/// Reads the arguments of <see cref="Arguments"/> the same way everywhere: the command line wins over the
/// LABELPIPELINE_* variable; each value is checked against its kind, default and range. Errors are collected, so one
/// run names every bad argument at once (<see cref="ThrowIfInvalid"/>); an unknown argument is refused with the
/// closest known name.
/// </summary>
public sealed class ArgumentReader
{
    private readonly IReadOnlyDictionary<string, string> _commandLine;
    private readonly Func<string, string?> _environment;
    private readonly List<string> _errors = [];

    /// <param name="commandLine">The arguments given (name without dashes → value; a bare <c>--flag</c> has an empty value).</param>
    /// <param name="environment">Reads an environment variable (null when unset).</param>
    public ArgumentReader(IReadOnlyDictionary<string, string> commandLine, Func<string, string?> environment)
    {
        _commandLine = new Dictionary<string, string>(commandLine, StringComparer.OrdinalIgnoreCase);
        _environment = environment;
        foreach (var name in commandLine.Keys.Where(name => !IsKnown(name)).Order(StringComparer.Ordinal))
        {
            _errors.Add(Closest(name) is { } closest
                ? $"--{name}: unknown argument; did you mean --{closest}?"
                : $"--{name}: unknown argument (--help lists them).");
        }
    }

    public IReadOnlyList<string> Errors => _errors;

    /// <summary>Whether the argument came from the command line (not from its environment variable).</summary>
    public bool FromCommandLine(Argument argument) => _commandLine.ContainsKey(argument.Name);

    /// <summary>The trimmed value given, or null when the argument is absent (or empty). A bare <c>--flag</c> reads as "true".</summary>
    public string? Optional(Argument argument)
    {
        var text = _commandLine.TryGetValue(argument.Name, out var given)
            ? given.Length == 0 ? "true" : given
            : _environment(argument.EnvironmentVariable);
        return string.IsNullOrWhiteSpace(text) ? null : text.Trim();
    }

    /// <summary>The value given, else the table's default.</summary>
    public string Text(Argument argument) =>
        Optional(argument) ?? argument.Default ?? throw new InvalidOperationException($"--{argument.Name} has no default in the argument table.");

    /// <summary>A full path, relative ones resolved against <paramref name="workingDirectory"/>; null when absent and without default.</summary>
    public string? Path(Argument argument, string workingDirectory) =>
        (Optional(argument) ?? argument.Default) is { } text ? System.IO.Path.GetFullPath(text, workingDirectory) : null;

    /// <summary>true/false/1/0/yes/no/on/off (any case); anything else is an error, never silently true.</summary>
    public bool Flag(Argument argument)
    {
        var text = Optional(argument) ?? argument.Default ?? "false";
        switch (text.ToLowerInvariant())
        {
            case "true" or "1" or "yes" or "on":
                return true;
            case "false" or "0" or "no" or "off":
                return false;
            default:
                Error(argument, text, "expected true or false (also 1/0, yes/no, on/off)");
                return bool.TryParse(argument.Default, out var fallback) && fallback;
        }
    }

    /// <summary>A whole number in the table's range.</summary>
    public int WholeNumber(Argument argument)
    {
        var fallback = int.Parse(argument.Default ?? "0", CultureInfo.InvariantCulture);
        if (Optional(argument) is not { } text)
        {
            return fallback;
        }

        if (int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value >= argument.Min && value <= argument.Max)
        {
            return value;
        }

        Error(argument, text, $"expected a whole number from {argument.Min:0} to {argument.Max:0}");
        return fallback;
    }

    /// <summary>A finite decimal number (invariant culture) in the table's range.</summary>
    public double Number(Argument argument, string? hint = null)
    {
        var fallback = double.Parse(argument.Default ?? "0", CultureInfo.InvariantCulture);
        if (Optional(argument) is not { } text)
        {
            return fallback;
        }

        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value) && value >= argument.Min && value <= argument.Max)
        {
            return value;
        }

        var range = argument.Min == double.MinValue ? "a number" : $"a number from {argument.Min:0.###} to {argument.Max:0.###}";
        Error(argument, text, hint is null ? $"expected {range}" : $"expected {range}{hint}");
        return fallback;
    }

    /// <summary>One of the table's choices, lower case.</summary>
    public string Choice(Argument argument)
    {
        var text = Text(argument).ToLowerInvariant();
        if (argument.Choices.Contains(text, StringComparer.Ordinal))
        {
            return text;
        }

        var choices = argument.Choices.Where(c => c != "groundtruth").ToList(); // an alias, not advertised
        Error(argument, text, $"expected {string.Join(", ", choices.SkipLast(1))} or {choices[^1]}");
        return argument.Default!;
    }

    /// <summary>Comma-separated values (trimmed, empty ones dropped); the table's default when absent.</summary>
    public IReadOnlyList<string>? List(Argument argument) =>
        (Optional(argument) ?? argument.Default)?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>An absolute http(s) URL with a host, or null when absent.</summary>
    public Uri? Url(Argument argument, string example)
    {
        if (Optional(argument) is not { } text)
        {
            return null;
        }

        if (Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" && uri.Host.Length > 0)
        {
            return uri;
        }

        Error(argument, text, $"expected an http(s) URL such as {example}");
        return null;
    }

    /// <summary>Parses with <paramref name="parse"/>, whose <see cref="ArgumentException"/> becomes this argument's error.</summary>
    public T Parse<T>(Argument argument, Func<string, T> parse, T fallback)
    {
        try
        {
            return parse(Text(argument));
        }
        catch (ArgumentException e)
        {
            _errors.Add(e.Message);
            return fallback;
        }
    }

    /// <summary>An error that is about more than one value (e.g. a combination of arguments).</summary>
    public void Error(string message) => _errors.Add(message);

    /// <summary><c>--name=value: what was expected.</c> (a secret's value is not repeated).</summary>
    public void Error(Argument argument, string value, string expected) =>
        _errors.Add($"--{argument.Name}={(argument.Secret ? "…" : value)}: {expected}.");

    /// <summary>Throws one <see cref="ArgumentException"/> listing every error found so far.</summary>
    public void ThrowIfInvalid()
    {
        if (_errors.Count > 0)
        {
            throw new ArgumentException("Invalid arguments:\n  " + string.Join("\n  ", _errors));
        }
    }

    /// <summary>Known: in the table, one of Cake's options, or a Cake configuration key.</summary>
    public static bool IsKnown(string name) =>
        Arguments.Find(name) is not null
        || Arguments.CakeOptions.Contains(name)
        || Arguments.CakeConfigurationPrefixes.Any(p => name.StartsWith(p, StringComparison.OrdinalIgnoreCase));

    /// <summary>The known argument nearest to a misspelt one (edit distance at most a third of its length, at least 2), or null.</summary>
    public static string? Closest(string name)
    {
        var candidates = Arguments.All.Select(a => a.Name).Concat(Arguments.CakeOptions.Where(o => o.Length > 2));
        var best = candidates
            .Select(candidate => (candidate, distance: EditDistance(name.ToLowerInvariant(), candidate)))
            .OrderBy(c => c.distance)
            .ThenBy(c => c.candidate, StringComparer.Ordinal)
            .First();
        return best.distance <= Math.Max(2, name.Length / 3) ? best.candidate : null;
    }

    /// <summary>Levenshtein distance with adjacent transpositions (optimal string alignment): "flase" is one step from "false".</summary>
    public static int EditDistance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++)
        {
            d[i, 0] = i;
        }

        for (var j = 0; j <= b.Length; j++)
        {
            d[0, j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
                }
            }
        }

        return d[a.Length, b.Length];
    }
}
