using Cake.Frosting;
using Frosting.Tests.Support;

namespace Frosting.Tests.Graphs.WrongContext;

/// <summary>Typed on a context the host does not build: Frosting warns and leaves it out.</summary>
public sealed class Elsewhere : FrostingTask<OtherContext>
{
    public override void Run(OtherContext context) => Journal.Current.Add("Elsewhere");
}

public sealed class Here : FrostingTask<GraphContext>
{
    public override void Run(GraphContext context) => context.Ran("Here");
}
