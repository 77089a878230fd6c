using Cake.Common;
using Cake.Core;
using Cake.Core.Diagnostics;
using Cake.Frosting;

namespace Frosting.Tests.Support;

/// <summary>The shared context of the test graphs: reads arguments in its constructor, as a real build context does.</summary>
public sealed class GraphContext : FrostingContext
{
    public GraphContext(ICakeContext context)
        : base(context)
    {
        Journal = Journal.Current;
        Foo = context.Argument("foo", "none");
        Purge = context.HasArgument("purge");
        Version = context.Argument("version", "none");
        VerbosityAtConstruction = context.Log.Verbosity;
        Journal.Add("context");
        Journal.Construct(this);
    }

    public Journal Journal { get; }

    public string Foo { get; }

    public bool Purge { get; }

    public string Version { get; }

    public Verbosity VerbosityAtConstruction { get; }

    /// <summary>Records that a task ran with this context.</summary>
    public void Ran(string task)
    {
        Journal.Add(task);
        Journal.Saw(this);
    }
}

/// <summary>A context no graph uses: for the lifetime/context mismatch test.</summary>
public sealed class OtherContext(ICakeContext context) : FrostingContext(context);
