using Cake.Frosting;
using Frosting.Tests.Support;

namespace Frosting.Tests.Graphs.Failures;

public sealed class Boom : AsyncFrostingTask<GraphContext>
{
    public override async Task RunAsync(GraphContext context)
    {
        await Task.Yield();
        context.Ran("Boom");
        throw new InvalidOperationException("boom from an async task");
    }
}

/// <summary>Overrides OnError (which Cake would treat as handling the failure) and Finally.</summary>
public sealed class Handled : FrostingTask<GraphContext>
{
    public override void Run(GraphContext context)
    {
        context.Ran("Handled");
        throw new InvalidOperationException("handled boom");
    }

    public override void OnError(Exception exception, GraphContext context) => context.Ran($"OnError:{exception.Message}");

    public override void Finally(GraphContext context) => context.Ran("Finally");
}

/// <summary>Runs after Handled: must not run, since Handled still fails the build.</summary>
[IsDependentOn(typeof(Handled))]
public sealed class AfterHandled : FrostingTask<GraphContext>
{
    public override void Run(GraphContext context) => context.Ran("AfterHandled");
}

public sealed class Succeeds : FrostingTask<GraphContext>
{
    public override void Run(GraphContext context) => context.Ran("Succeeds");

    public override void Finally(GraphContext context) => context.Ran("Finally");
}

public sealed class Skipped : FrostingTask<GraphContext>
{
    public override string SkippedMessage => "not today, the moon is wrong";

    public override bool ShouldRun(GraphContext context)
    {
        context.Ran("ShouldRun");
        return false;
    }

    public override void Run(GraphContext context) => context.Ran("Skipped");
}

[IsDependentOn(typeof(Skipped))]
public sealed class AfterSkipped : FrostingTask<GraphContext>
{
    public override void Run(GraphContext context) => context.Ran("AfterSkipped");
}

[ContinueOnError]
public sealed class Tolerant : FrostingTask<GraphContext>
{
    public override void Run(GraphContext context) => throw new InvalidOperationException("tolerated boom");
}

[IsDependentOn(typeof(Tolerant))]
public sealed class AfterTolerant : FrostingTask<GraphContext>
{
    public override void Run(GraphContext context) => context.Ran("AfterTolerant");
}

[ContinueOnError]
public sealed class TolerantHandled : FrostingTask<GraphContext>
{
    public override void Run(GraphContext context) => throw new InvalidOperationException("tolerated and handled");

    public override void OnError(Exception exception, GraphContext context) => context.Ran($"OnError:{exception.Message}");
}

[IsDependentOn(typeof(TolerantHandled))]
public sealed class AfterTolerantHandled : FrostingTask<GraphContext>
{
    public override void Run(GraphContext context) => context.Ran("AfterTolerantHandled");
}
