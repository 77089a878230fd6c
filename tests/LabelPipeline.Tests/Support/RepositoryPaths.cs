namespace LabelPipeline.Tests.Support;

/// <summary>Finds the repository (and the shared reference folder beside it) from the test's output folder.</summary>
public static class RepositoryPaths
{
    public static string Root => Repository.Root;

    /// <summary>The read-only shared folder next to the clone (datasets, Label Studio contract).</summary>
    public static string Shared => Repository.Shared;

    public static string SharedDatasets => Path.Combine(Shared, "datasets");

    public static string Template => Path.Combine(Root, "templates", "timeseries-labeling.xml");
}
