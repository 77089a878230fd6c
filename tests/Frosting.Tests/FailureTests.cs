using Frosting.Tests.Support;
using Xunit;
using Failures = Frosting.Tests.Graphs.Failures;

namespace Frosting.Tests;

/// <summary>A failing task fails the build, whatever handlers it overrides, unless it continues on error.</summary>
public sealed class FailureTests
{
    private static readonly Type Graph = typeof(Failures.Boom);

    [Fact]
    public void An_async_task_exception_gives_a_non_zero_exit_and_its_message()
    {
        var run = HostRunner.Run(Graph, "--target=Boom");

        Expect.Failed(run);
        Expect.Events(run, "context", "Boom");
        Expect.Output(run, "Error: boom from an async task");
        Expect.Output(run, "Failed"); // Cake's task summary is still printed
        Expect.NoOutput(run, "   at "); // no stack trace below diagnostic verbosity
    }

    [Fact]
    public void Diagnostic_verbosity_logs_the_stack_trace()
    {
        var run = HostRunner.Run(Graph, "--target=Boom", "--verbosity=diagnostic");

        Expect.Failed(run);
        Expect.Output(run, "at Frosting.Tests.Graphs.Failures.Boom.RunAsync");
    }

    [Fact]
    public void Overriding_OnError_still_fails_the_build_and_calls_OnError_and_Finally()
    {
        var run = HostRunner.Run(Graph, "--target=AfterHandled");

        Expect.Failed(run);
        Expect.Events(run, "context", "Handled", "OnError:handled boom", "Finally");
        Expect.Output(run, "Error: handled boom");
        Expect.OneSharedContext(run);
    }

    [Fact]
    public void Finally_runs_after_a_successful_task()
    {
        var run = HostRunner.Run(Graph, "--target=Succeeds");

        Expect.Succeeded(run);
        Expect.Events(run, "context", "Succeeds", "Finally");
    }

    [Fact]
    public void ShouldRun_false_skips_the_task_with_its_message_and_the_build_goes_on()
    {
        var run = HostRunner.Run(Graph, "--target=AfterSkipped", "--verbosity=verbose");

        Expect.Succeeded(run);
        Expect.Events(run, "context", "ShouldRun", "AfterSkipped");
        Expect.Output(run, "not today, the moon is wrong");
        Assert.Matches(@"(?m)^Skipped\s+-\s+Skipped\s*$", run.Output);
    }

    [Fact]
    public void ContinueOnError_reports_the_failure_and_runs_the_rest()
    {
        var run = HostRunner.Run(Graph, "--target=AfterTolerant");

        Expect.Succeeded(run);
        Expect.Events(run, "context", "AfterTolerant");
        Assert.Matches(@"(?m)^Tolerant\s+\S+\s+Failed\s*$", run.Output);
    }

    [Fact]
    public void ContinueOnError_with_OnError_calls_the_handler_and_runs_the_rest()
    {
        var run = HostRunner.Run(Graph, "--target=AfterTolerantHandled");

        Expect.Succeeded(run);
        Expect.Events(run, "context", "OnError:tolerated and handled", "AfterTolerantHandled");
    }
}
