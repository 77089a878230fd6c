using Frosting.Tests.Support;
using Xunit;
using BadDependency = Frosting.Tests.Graphs.BadDependency;

namespace Frosting.Tests;

public sealed class RegistrationTests
{
    [Fact]
    public void A_dependency_on_a_type_that_is_not_a_task_fails_the_run()
    {
        var run = HostRunner.Run(typeof(BadDependency.Orphan));

        Expect.Failed(run);
        Expect.Events(run, "context");
        Expect.Output(run, "Error: The dependency 'System.String' of task 'Default' is not a valid task");
    }

    [Fact]
    public void A_task_typed_on_another_context_is_left_out_with_a_warning()
    {
        var graph = typeof(Graphs.WrongContext.Here);

        var here = HostRunner.Run(graph, "--target=Here");
        var elsewhere = HostRunner.Run(graph, "--target=Elsewhere");

        Expect.Succeeded(here);
        Expect.Events(here, "context", "Here");
        Expect.Output(here, "Task Elsewhere cannot be used since the context isn't convertible to Frosting.Tests.Support.OtherContext.");
        Expect.Failed(elsewhere);
        Expect.Output(elsewhere, "The target 'Elsewhere' was not found.");
    }

    [Fact]
    public void Exceptions_of_the_context_constructor_are_reported_as_themselves()
    {
        var run = HostRunner.Run(typeof(Graphs.Chain.A), h => h.UseContext<ThrowingContext>());

        Expect.Failed(run);
        Expect.Output(run, "Error: --dataset is required");
        Expect.NoOutput(run, "target of an invocation");
    }

    public sealed class ThrowingContext : Cake.Frosting.FrostingContext
    {
        public ThrowingContext(Cake.Core.ICakeContext context)
            : base(context) => throw new ArgumentException("--dataset is required");
    }
}
