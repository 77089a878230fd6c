namespace LabelStudio.Emulator.Tests.Support;

/// <summary>Where the shared contract lives: <c>../shared</c> beside the repository clone.</summary>
public static class TestPaths
{
    public static string RepositoryRoot { get; } = FindRoot();

    public static string Spec => Path.GetFullPath(Path.Combine(RepositoryRoot, "..", "shared", "label-studio", "openapi-pipeline-subset.yaml"));

    private static string FindRoot([System.Runtime.CompilerServices.CallerFilePath] string sourceFile = "")
    {
        // This file is tests/LabelStudio.Emulator.Tests/Support/: three levels under the root.
        var fromSource = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(sourceFile)!, "..", "..", ".."));
        if (File.Exists(Path.Combine(fromSource, "LabelPipeline.sln")))
        {
            return fromSource;
        }

        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "LabelPipeline.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("Cannot find LabelPipeline.sln above " + AppContext.BaseDirectory);
    }
}
