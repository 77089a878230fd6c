namespace Frosting.Tests.Support;

/// <summary>Assertions that print the whole run (exit code, events, output) when they fail.</summary>
public static class Expect
{
    public static void Succeeded(HostRun run) => Xunit.Assert.True(run.ExitCode == 0, $"expected exit 0:\n{run}");

    public static void Failed(HostRun run) => Xunit.Assert.True(run.ExitCode != 0, $"expected a non-zero exit:\n{run}");

    public static void Events(HostRun run, params string[] expected) =>
        Xunit.Assert.True(run.Events.SequenceEqual(expected), $"expected events: {string.Join(", ", expected)}\n{run}");

    public static void Output(HostRun run, string expected) =>
        Xunit.Assert.True(run.Output.Contains(expected, StringComparison.Ordinal), $"expected output to contain «{expected}»:\n{run}");

    public static void NoOutput(HostRun run, string unexpected) =>
        Xunit.Assert.False(run.Output.Contains(unexpected, StringComparison.Ordinal), $"expected output without «{unexpected}»:\n{run}");

    /// <summary>Every task and lifetime got the one context instance the host built.</summary>
    public static void OneSharedContext(HostRun run)
    {
        Xunit.Assert.True(run.Journal.Constructed.Count == 1, $"expected one context, got {run.Journal.Constructed.Count}:\n{run}");
        Xunit.Assert.NotEmpty(run.Journal.Contexts);
        Xunit.Assert.All(run.Journal.Contexts, c => Xunit.Assert.Same(run.Context, c));
    }
}
