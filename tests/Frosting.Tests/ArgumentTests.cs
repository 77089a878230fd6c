using Cake.Core.Diagnostics;
using Frosting.Tests.Support;
using Xunit;
using Chain = Frosting.Tests.Graphs.Chain;

namespace Frosting.Tests;

/// <summary>Arguments and verbosity reach the context's constructor, before any task runs.</summary>
public sealed class ArgumentTests
{
    private static readonly Type Graph = typeof(Chain.A);

    [Theory]
    [InlineData("--foo=bar")]
    [InlineData("--foo|bar")]
    [InlineData("--FOO=bar")]
    [InlineData("--foo:bar")]
    public void An_unknown_option_becomes_a_Cake_argument(string args)
    {
        var run = HostRunner.Run(Graph, [.. args.Split('|'), "--target=A"]);

        Expect.Succeeded(run);
        Expect.Events(run, "context", "A");
        Assert.Equal("bar", run.Context?.Foo);
        Assert.False(run.Context?.Purge);
    }

    [Fact]
    public void A_bare_flag_is_an_argument_the_context_can_test()
    {
        var run = HostRunner.Run(Graph, "--purge", "--target=A");

        Expect.Succeeded(run);
        Assert.True(run.Context?.Purge, run.ToString());
        Assert.Equal("none", run.Context?.Foo);
    }

    [Fact]
    public void A_host_flag_given_a_value_is_an_argument_not_the_flag()
    {
        var run = HostRunner.Run(Graph, "--version=1.2.3", "--target=A");

        Expect.Succeeded(run);
        Expect.Events(run, "context", "A");
        Assert.Equal("1.2.3", run.Context?.Version);
    }

    [Theory]
    [InlineData("", Verbosity.Normal)]
    [InlineData("-v|q", Verbosity.Quiet)]
    [InlineData("--verbosity|quiet", Verbosity.Quiet)]
    [InlineData("--verbosity=Minimal", Verbosity.Minimal)]
    [InlineData("-v|m", Verbosity.Minimal)]
    [InlineData("-v|n", Verbosity.Normal)]
    [InlineData("-v|verbose", Verbosity.Verbose)]
    [InlineData("-v|v", Verbosity.Verbose)]
    [InlineData("--verbosity=diagnostic", Verbosity.Diagnostic)]
    [InlineData("-v|d", Verbosity.Diagnostic)]
    public void Verbosity_is_parsed_and_applies_before_the_context_is_built(string args, Verbosity expected)
    {
        var run = HostRunner.Run(Graph, [.. args.Split('|', StringSplitOptions.RemoveEmptyEntries), "--target=Verbosity"]);

        Expect.Succeeded(run);
        Expect.Events(run, "context", $"Verbosity:{expected}");
        Assert.Equal(expected, run.Context?.VerbosityAtConstruction);
    }

    [Fact]
    public void Quiet_verbosity_silences_the_task_headers()
    {
        var normal = HostRunner.Run(Graph, "--target=A");
        var quiet = HostRunner.Run(Graph, "--target=A", "--verbosity=quiet");

        Expect.Output(normal, "========");
        Expect.NoOutput(quiet, "========");
    }

    [Fact]
    public void An_unknown_verbosity_fails()
    {
        var run = HostRunner.Run(Graph, "--verbosity=loud");

        Expect.Failed(run);
        Expect.Events(run);
        Expect.Output(run, "loud");
    }
}
