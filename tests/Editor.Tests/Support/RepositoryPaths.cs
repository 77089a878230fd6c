namespace Editor.Tests.Support;

/// <summary>Finds the repository (and the shared reference folder beside it) from the test's source or output folder.</summary>
public static class RepositoryPaths
{
    public static string Root { get; } = FindRoot();

    /// <summary>The read-only shared folder next to the clone (datasets, Label Studio contract).</summary>
    public static string Shared => Path.GetFullPath(Path.Combine(Root, "..", "shared"));

    public static string SharedDatasets => Path.Combine(Shared, "datasets");

    /// <summary>The project's own sample datasets (<c>datasets/&lt;name&gt;/&lt;version&gt;/</c>).</summary>
    public static string Datasets => Path.Combine(Root, "datasets");

    public static string Template => Path.Combine(Root, "templates", "timeseries-labeling.xml");

    /// <summary>The node tool: lsf-check.js, serve.js, the editor page, and the fetched LSF bundle in lsf/.</summary>
    public static string EditorTool => Path.Combine(Root, "tests", "editor");

    public static string OpenApiSpec => Path.Combine(Shared, "label-studio", "openapi-pipeline-subset.yaml");

    private static string FindRoot([System.Runtime.CompilerServices.CallerFilePath] string sourceFile = "")
    {
        // The compiler records this file's path: tests/Editor.Tests/Support/ lies three levels under the root.
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
