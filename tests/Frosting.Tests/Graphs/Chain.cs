using Cake.Frosting;
using Frosting.Tests.Support;

// A → B → Charlie → Default, and Early (a reverse dependency) before Charlie.
namespace Frosting.Tests.Graphs.Chain;

[TaskDescription("The first step")]
public sealed class A : FrostingTask<GraphContext>
{
    public override void Run(GraphContext context) => context.Ran("A");
}

[IsDependentOn(typeof(A))]
public sealed class B : AsyncFrostingTask<GraphContext>
{
    public override async Task RunAsync(GraphContext context)
    {
        await Task.Yield();
        context.Ran("B");
    }
}

[TaskName("Charlie")]
[TaskDescription("The third step")]
[IsDependentOn(typeof(B))]
public sealed class C : FrostingTask<GraphContext>
{
    public override void Run(GraphContext context) => context.Ran("Charlie");
}

[IsDependeeOf(typeof(C))]
public sealed class Early : FrostingTask<GraphContext>
{
    public override void Run(GraphContext context) => context.Ran("Early");
}

[TaskDescription("Runs the whole chain")]
[IsDependentOn(typeof(C))]
public sealed class Default : FrostingTask<GraphContext>
{
    public override void Run(GraphContext context) => context.Ran("Default");
}

/// <summary>Records the log's verbosity while the tasks run.</summary>
public sealed class Verbosity : FrostingTask<GraphContext>
{
    public override void Run(GraphContext context) => context.Ran($"Verbosity:{context.Log.Verbosity}");
}

/// <summary>Records where the run is.</summary>
public sealed class Where : FrostingTask<GraphContext>
{
    public override void Run(GraphContext context) => context.Ran($"Where:{context.Environment.WorkingDirectory.FullPath}");
}

/// <summary>A task with no body of its own: registered without an action.</summary>
[IsDependentOn(typeof(A))]
public sealed class Empty : FrostingTask<GraphContext>;
