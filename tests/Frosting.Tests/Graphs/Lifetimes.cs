using Cake.Core;
using Cake.Frosting;
using Frosting.Tests.Support;

namespace Frosting.Tests.Graphs.Lifetimes;

public sealed class One : FrostingTask<GraphContext>
{
    public override void Run(GraphContext context) => context.Ran("One");
}

[IsDependentOn(typeof(One))]
public sealed class Two : FrostingTask<GraphContext>
{
    public override void Run(GraphContext context) => context.Ran("Two");
}

[IsDependentOn(typeof(One))]
public sealed class Broken : FrostingTask<GraphContext>
{
    public override void Run(GraphContext context) => throw new InvalidOperationException("broken task");
}

public sealed class Lifetime : FrostingLifetime<GraphContext>
{
    public override void Setup(GraphContext context, ISetupContext info) => context.Ran($"Setup:{info.TargetTask.Name}");

    public override void Teardown(GraphContext context, ITeardownContext info) => context.Ran($"Teardown:{(info.Successful ? "ok" : "failed")}");
}

public sealed class TaskLifetime : FrostingTaskLifetime<GraphContext>
{
    public override void Setup(GraphContext context, ITaskSetupContext info) => context.Ran($"TaskSetup:{info.Task.Name}");

    public override void Teardown(GraphContext context, ITaskTeardownContext info) => context.Ran($"TaskTeardown:{info.Task.Name}");
}

public sealed class SetupOnly : FrostingSetup<GraphContext>
{
    public override void Setup(GraphContext context, ISetupContext info) => context.Ran("SetupOnly");
}

public sealed class TeardownOnly : FrostingTeardown<GraphContext>
{
    public override void Teardown(GraphContext context, ITeardownContext info) => context.Ran("TeardownOnly");
}

/// <summary>Typed on a context the host does not use.</summary>
public sealed class Mismatched : FrostingLifetime<OtherContext>
{
    public override void Setup(OtherContext context, ISetupContext info)
    {
    }

    public override void Teardown(OtherContext context, ITeardownContext info)
    {
    }
}
