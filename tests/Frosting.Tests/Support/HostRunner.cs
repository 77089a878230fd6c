using Cake.Frosting;

namespace Frosting.Tests.Support;

/// <summary>What a run returned, printed and did.</summary>
public sealed record HostRun(int ExitCode, string Output, Journal Journal, GraphContext? Context)
{
    public IReadOnlyList<string> Events => Journal.Events;

    public override string ToString() => $"exit {ExitCode}\nevents: {string.Join(", ", Events)}\n{Output}";
}

/// <summary>Runs a <see cref="CakeHost"/> over the tasks of one graph namespace, with the output captured.</summary>
public static class HostRunner
{
    public static HostRun Run(Type graphMarker, params string[] args) => Run(graphMarker, configure: null, args);

    public static HostRun Run(Type graphMarker, Action<CakeHost>? configure, params string[] args)
    {
        var graph = graphMarker.Namespace;
        var journal = new Journal();
        var output = new StringWriter();
        var host = new CakeHost()
            .UseContext<GraphContext>()
            .AddAssembly(typeof(HostRunner).Assembly)
            .UseTaskFilter(t => t.Namespace == graph)
            .UseConsoleOutput(output);
        configure?.Invoke(host);

        Journal.Use(journal);
        try
        {
            var exitCode = host.Run(args);
            var context = journal.Constructed.OfType<GraphContext>().SingleOrDefault();
            return new HostRun(exitCode, output.ToString(), journal, context);
        }
        finally
        {
            Journal.Use(null);
        }
    }
}
