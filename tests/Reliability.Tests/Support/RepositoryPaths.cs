namespace Reliability.Tests.Support;

/// <summary>Finds the repository (and the shared reference folder beside it) from the test's source or output folder.</summary>
public static class RepositoryPaths
{
    public static string Root => Repository.Root;

    /// <summary>The read-only shared folder next to the clone (Label Studio contract).</summary>
    public static string Shared => Repository.Shared;

    public static string OpenApiSpec => Path.Combine(Shared, "label-studio", "openapi-pipeline-subset.yaml");

    /// <summary>The repository's sample datasets (synthetic/v1).</summary>
    public static string Datasets => Path.Combine(Root, "datasets");

    /// <summary>The bad-input corpus.</summary>
    public static string Corpus => Path.Combine(Root, "tests", "corpus");
}
