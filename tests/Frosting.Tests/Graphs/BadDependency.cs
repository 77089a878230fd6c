using Cake.Frosting;
using Frosting.Tests.Support;

namespace Frosting.Tests.Graphs.BadDependency;

[TaskName("Default")]
[IsDependentOn(typeof(string))]
public sealed class Orphan : FrostingTask<GraphContext>
{
    public override void Run(GraphContext context) => context.Ran("Orphan");
}
