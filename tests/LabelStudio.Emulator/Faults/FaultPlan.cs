using System.Text.RegularExpressions;

namespace LabelStudio.Emulator.Faults;

/// <summary>
/// Which requests get a fault: the first rule whose method and path match, and whose <see cref="Limit"/> is not spent,
/// decides with its own rate and kinds. Requests no rule matches pass untouched.
/// </summary>
public sealed record FaultRule
{
    /// <summary>HTTP method to match (case-insensitive); null matches any.</summary>
    public string? Method { get; init; }

    /// <summary>Regular expression on the request path as sent (e.g. <c>^/api/projects/?$</c>); null matches any.</summary>
    public string? Path { get; init; }

    /// <summary>Share of matching requests that get a fault, 0 to 1.</summary>
    public double Rate { get; init; }

    /// <summary>The kinds to choose from, uniformly.</summary>
    public IReadOnlyList<FaultKind> Kinds { get; init; } = FaultKinds.All;

    /// <summary>At most this many faults from this rule (then it steps aside for the next rule); null is no limit.</summary>
    public int? Limit { get; init; }

    /// <summary>Every request, at <paramref name="rate"/>, with <paramref name="kinds"/> (default: all kinds).</summary>
    public static FaultRule Everywhere(double rate, params FaultKind[] kinds) =>
        new() { Rate = rate, Kinds = kinds.Length == 0 ? FaultKinds.All : kinds };

    internal bool Matches(string method, string path) =>
        (Method is null || string.Equals(Method, method, StringComparison.OrdinalIgnoreCase))
        && (Path is null || Regex.IsMatch(path, Path, RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1)));
}

/// <summary>A fault injection plan: rules, the seed that makes a run's draws repeatable, and the fault parameters.</summary>
public sealed record FaultPlan
{
    public IReadOnlyList<FaultRule> Rules { get; init; } = [];

    /// <summary>Seed of the draws: the same plan and the same request sequence give the same faults.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>The <c>Retry-After</c> of a 429, in whole seconds as DRF sends it.</summary>
    public TimeSpan RetryAfter { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How long a <see cref="FaultKind.Timeout"/> hangs before cutting the connection (set it past the client's timeout).</summary>
    public TimeSpan HangFor { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The delay of a <see cref="FaultKind.Slow"/> answer.</summary>
    public TimeSpan SlowBy { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>One rule for every request.</summary>
    public static FaultPlan Everywhere(double rate, int seed = 1, params FaultKind[] kinds) =>
        new() { Rules = [FaultRule.Everywhere(rate, kinds)], Seed = seed };
}
