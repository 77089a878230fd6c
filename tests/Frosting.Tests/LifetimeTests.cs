using Frosting.Tests.Support;
using Xunit;
using Lifetimes = Frosting.Tests.Graphs.Lifetimes;

namespace Frosting.Tests;

public sealed class LifetimeTests
{
    private static readonly Type Graph = typeof(Lifetimes.One);

    [Fact]
    public void Setup_and_teardown_run_once_around_the_tasks_with_the_shared_context()
    {
        var run = HostRunner.Run(Graph, h => h.UseLifetime<Lifetimes.Lifetime>().UseTaskLifetime<Lifetimes.TaskLifetime>(), "--target=Two");

        Expect.Succeeded(run);
        Expect.Events(
            run,
            "context",
            "Setup:Two",
            "TaskSetup:One",
            "One",
            "TaskTeardown:One",
            "TaskSetup:Two",
            "Two",
            "TaskTeardown:Two",
            "Teardown:ok");
        Expect.OneSharedContext(run);
        Assert.Equal(8, run.Journal.Contexts.Count); // every lifetime call and task recorded the context it got
    }

    [Fact]
    public void Teardown_runs_after_a_failure_and_the_build_still_fails()
    {
        var run = HostRunner.Run(Graph, h => h.UseLifetime<Lifetimes.Lifetime>(), "--target=Broken");

        Expect.Failed(run);
        Expect.Events(run, "context", "Setup:Broken", "One", "Teardown:failed");
        Expect.Output(run, "Error: broken task");
    }

    [Fact]
    public void Separate_setup_and_teardown_classes_are_used()
    {
        var run = HostRunner.Run(Graph, h => h.UseSetup<Lifetimes.SetupOnly>().UseTeardown<Lifetimes.TeardownOnly>(), "--target=One");

        Expect.Succeeded(run);
        Expect.Events(run, "context", "SetupOnly", "One", "TeardownOnly");
    }

    [Fact]
    public void Dry_run_runs_no_task_body_but_Cake_still_runs_setup_and_teardown()
    {
        // Cake 7's DryRunScriptHost performs the run-wide setup and teardown; only the task actions are skipped.
        var run = HostRunner.Run(Graph, h => h.UseLifetime<Lifetimes.Lifetime>().UseTaskLifetime<Lifetimes.TaskLifetime>(), "--target=Two", "--dryrun");

        Expect.Succeeded(run);
        Expect.Events(run, "context", "Setup:Two", "Teardown:ok");
        Expect.Output(run, "1. One\n2. Two".ReplaceLineEndings());
    }

    [Fact]
    public void A_lifetime_typed_on_another_context_fails_with_a_hint()
    {
        var run = HostRunner.Run(Graph, h => h.UseLifetime<Lifetimes.Mismatched>(), "--target=One");

        Expect.Failed(run);
        Expect.Events(run, "context");
        Expect.Output(run, "call UseContext<OtherContext>()");
    }
}
