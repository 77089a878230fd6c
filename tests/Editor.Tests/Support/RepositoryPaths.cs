namespace Editor.Tests.Support;

/// <summary>Finds the repository (and the shared reference folder beside it) from the test's source or output folder.</summary>
public static class RepositoryPaths
{
    public static string Root => Repository.Root;

    /// <summary>The read-only shared folder next to the clone (datasets, Label Studio contract).</summary>
    public static string Shared => Repository.Shared;

    public static string SharedDatasets => Path.Combine(Shared, "datasets");

    /// <summary>The project's own sample datasets (<c>datasets/&lt;name&gt;/&lt;version&gt;/</c>).</summary>
    public static string Datasets => Path.Combine(Root, "datasets");

    public static string Template => Path.Combine(Root, "templates", "timeseries-labeling.xml");

    /// <summary>The node tool: lsf-check.js, serve.js, the editor page, and the fetched LSF bundle in lsf/.</summary>
    public static string EditorTool => Path.Combine(Root, "tests", "editor");

    public static string OpenApiSpec => Path.Combine(Shared, "label-studio", "openapi-pipeline-subset.yaml");
}
