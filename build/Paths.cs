namespace Build;

/// <summary>Repository-relative locations, in one place.</summary>
public static class Paths
{
    public const string LabelConfigTemplate = "templates/timeseries-labeling.xml";
    public const string DefaultDatasetsDirectory = "datasets";
    public const string DefaultOutputDirectory = "artifacts";

    /// <summary>Git-ignored; holds the generated Label Studio credentials (0600).</summary>
    public const string DefaultStateDirectory = ".labelpipeline";
}
