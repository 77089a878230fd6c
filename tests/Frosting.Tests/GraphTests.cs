using Frosting.Tests.Support;
using Xunit;
using Chain = Frosting.Tests.Graphs.Chain;

namespace Frosting.Tests;

/// <summary>Dependency order and the run modes (exclusive, dry run, tree, descriptions) on the Chain graph.</summary>
public sealed class GraphTests
{
    private static readonly Type Graph = typeof(Chain.A);

    [Fact]
    public void Default_target_runs_every_prerequisite_in_dependency_order()
    {
        var run = HostRunner.Run(Graph);

        Expect.Succeeded(run);
        Expect.Events(run, "context", "A", "B", "Early", "Charlie", "Default");
        Expect.OneSharedContext(run);
        Expect.Output(run, "Task                          Duration"); // Cake's own task summary
        Expect.Output(run, "Charlie                       00:00:00");
    }

    [Fact]
    public void A_target_runs_its_prerequisites_and_nothing_after_it()
    {
        var run = HostRunner.Run(Graph, "--target", "Charlie");

        Expect.Succeeded(run);
        Expect.Events(run, "context", "A", "B", "Early", "Charlie");
    }

    [Theory]
    [InlineData("-t=charlie")]
    [InlineData("--Target=Charlie")]
    public void Target_option_and_task_names_are_case_insensitive(string target)
    {
        var run = HostRunner.Run(Graph, target);

        Expect.Succeeded(run);
        Expect.Events(run, "context", "A", "B", "Early", "Charlie");
    }

    [Theory]
    [InlineData("--exclusive")]
    [InlineData("-e")]
    public void Exclusive_runs_only_the_target(string exclusive)
    {
        var run = HostRunner.Run(Graph, "--target", "Charlie", exclusive);

        Expect.Succeeded(run);
        Expect.Events(run, "context", "Charlie");
    }

    [Fact]
    public void A_task_without_a_body_is_registered_without_an_action()
    {
        var run = HostRunner.Run(Graph, "--target=Empty");

        Expect.Succeeded(run);
        Expect.Events(run, "context", "A");
        Expect.Output(run, "Empty");
    }

    [Theory]
    [InlineData("--dryrun")]
    [InlineData("--noop")]
    [InlineData("--whatif")]
    public void Dry_run_lists_the_plan_and_runs_no_task_body(string dryRun)
    {
        var run = HostRunner.Run(Graph, dryRun);

        Expect.Succeeded(run);
        Expect.Events(run, "context");
        Expect.Output(run, "1. A\n2. B\n3. Early\n4. Charlie\n5. Default".ReplaceLineEndings());
        Expect.Output(run, "No tasks were actually executed.");
    }

    [Fact]
    public void Tree_prints_the_dependency_graph_and_runs_nothing()
    {
        var run = HostRunner.Run(Graph, "--tree");

        Expect.Succeeded(run);
        Expect.Events(run, "context");
        Expect.Output(run, "Default\n└─Charlie\n   └─B\n      └─A".ReplaceLineEndings());
        Expect.Output(run, "Empty\n└─A".ReplaceLineEndings());
    }

    [Fact]
    public void Description_lists_every_task_with_its_description_and_runs_nothing()
    {
        var run = HostRunner.Run(Graph, "--description");

        Expect.Succeeded(run);
        Expect.Events(run, "context");
        Assert.Matches(@"(?m)^\s*Charlie\s+The third step\s*$", run.Output);
        Assert.Matches(@"(?m)^\s*A\s+The first step\s*$", run.Output);
        Assert.Matches(@"(?m)^\s*Default\s+Runs the whole chain\s*$", run.Output);
        Assert.Matches(@"(?m)^\s*Early\s*$", run.Output);
    }

    [Fact]
    public void Unknown_target_fails_with_a_clear_error()
    {
        var run = HostRunner.Run(Graph, "--target=Nope");

        Expect.Failed(run);
        Expect.Events(run, "context");
        Expect.Output(run, "Error: The target 'Nope' was not found.");
    }

    [Fact]
    public void Tasks_outside_the_filter_are_not_registered()
    {
        var run = HostRunner.Run(Graph, "--target=Boom"); // a task of the Failures graph

        Expect.Failed(run);
        Expect.Output(run, "The target 'Boom' was not found.");
    }

    [Fact]
    public void Help_lists_the_options()
    {
        var run = HostRunner.Run(Graph, "--help");

        Expect.Succeeded(run);
        Expect.Events(run);
        Expect.Output(run, "--target <TARGET>");
        Expect.Output(run, "--exclusive");
    }

    [Fact]
    public void Version_prints_a_version_and_runs_nothing()
    {
        var run = HostRunner.Run(Graph, "--version");

        Expect.Succeeded(run);
        Expect.Events(run);
        Assert.False(string.IsNullOrWhiteSpace(run.Output), run.ToString());
    }
}
