namespace LabelStudio.Emulator.Faults;

/// <summary>What an injected fault does to one request, from a client's point of view.</summary>
public enum FaultKind
{
    /// <summary>500 in Label Studio's error envelope, before the request is processed.</summary>
    InternalServerError,

    /// <summary>502 with a proxy's HTML page (nginx in front of Label Studio), before the request is processed.</summary>
    BadGateway,

    /// <summary>503 with a proxy's HTML page, before the request is processed.</summary>
    ServiceUnavailable,

    /// <summary>429 with <c>Retry-After</c> (DRF throttling), before the request is processed.</summary>
    TooManyRequests,

    /// <summary>No answer: the request hangs for <see cref="FaultPlan.HangFor"/> (past the client's timeout), then the connection is cut.</summary>
    Timeout,

    /// <summary>The connection is cut before the request is processed.</summary>
    DropConnection,

    /// <summary>
    /// The request is processed (a creation happens), then the connection is cut before the answer: the ambiguous case
    /// a client must resolve by looking, not by repeating.
    /// </summary>
    ResponseLost,

    /// <summary>The request is processed normally after <see cref="FaultPlan.SlowBy"/>.</summary>
    Slow,
}

/// <summary>Fault kind names for command lines and reports.</summary>
public static class FaultKinds
{
    /// <summary>Every kind.</summary>
    public static IReadOnlyList<FaultKind> All { get; } = Enum.GetValues<FaultKind>();

    /// <summary>The short name: <c>500</c>, <c>502</c>, <c>503</c>, <c>429</c>, <c>timeout</c>, <c>drop</c>, <c>lost</c>, <c>slow</c>.</summary>
    public static string Name(FaultKind kind) => kind switch
    {
        FaultKind.InternalServerError => "500",
        FaultKind.BadGateway => "502",
        FaultKind.ServiceUnavailable => "503",
        FaultKind.TooManyRequests => "429",
        FaultKind.Timeout => "timeout",
        FaultKind.DropConnection => "drop",
        FaultKind.ResponseLost => "lost",
        FaultKind.Slow => "slow",
        _ => kind.ToString(),
    };

    /// <summary>Parses a comma-separated list of short names (or <c>all</c>).</summary>
    public static IReadOnlyList<FaultKind> Parse(string list)
    {
        if (list.Trim().Equals("all", StringComparison.OrdinalIgnoreCase))
        {
            return All;
        }

        return list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(name => All.Where(k => Name(k).Equals(name, StringComparison.OrdinalIgnoreCase)).Cast<FaultKind?>().FirstOrDefault()
                ?? throw new ArgumentException($"Unknown fault kind '{name}'. Kinds: all, {string.Join(", ", All.Select(Name))}."))
            .ToArray();
    }
}
