using Frosting.Tests.Support;
using Xunit;
using Chain = Frosting.Tests.Graphs.Chain;

namespace Frosting.Tests;

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessWideCollection
{
    /// <summary>Tests that change the process's current directory (Cake's environment sets it), run alone.</summary>
    public const string Name = "Process-wide state";
}

[Collection(ProcessWideCollection.Name)]
public sealed class WorkingDirectoryTests : IDisposable
{
    private static readonly Type Graph = typeof(Chain.A);
    private readonly string _original = Directory.GetCurrentDirectory();
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("frosting-tests-");

    public void Dispose()
    {
        Directory.SetCurrentDirectory(_original);
        _root.Delete(recursive: true);
    }

    [Theory]
    [InlineData("--working")]
    [InlineData("-w")]
    public void Working_option_sets_the_working_directory(string option)
    {
        var run = HostRunner.Run(Graph, option, _root.FullName, "--target=Where");

        Expect.Succeeded(run);
        Expect.Events(run, "context", $"Where:{_root.FullName}");
    }

    [Fact]
    public void UseWorkingDirectory_resolves_against_the_current_directory()
    {
        var child = _root.CreateSubdirectory("build");
        Directory.SetCurrentDirectory(child.FullName);

        var run = HostRunner.Run(Graph, h => h.UseWorkingDirectory(".."), "--target=Where");

        Expect.Succeeded(run);
        Expect.Events(run, "context", $"Where:{_root.FullName}");
    }

    [Fact]
    public void Working_option_wins_over_UseWorkingDirectory()
    {
        var child = _root.CreateSubdirectory("other");

        var run = HostRunner.Run(Graph, h => h.UseWorkingDirectory(_root.FullName), "--working", child.FullName, "--target=Where");

        Expect.Succeeded(run);
        Expect.Events(run, "context", $"Where:{child.FullName}");
    }

    [Fact]
    public void A_missing_working_directory_fails()
    {
        var run = HostRunner.Run(Graph, "--working", Path.Combine(_root.FullName, "missing"), "--target=Where");

        Expect.Failed(run);
        Expect.Events(run);
        Expect.Output(run, "does not exist");
    }
}
