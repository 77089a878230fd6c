namespace Build;

/// <summary>Repository-relative locations, in one place.</summary>
public static class Paths
{
    public const string LabelConfigTemplate = "templates/timeseries-labeling.xml";
    public const string DefaultDatasetsDirectory = "datasets";
    public const string DefaultOutputDirectory = "artifacts";

    /// <summary>
    /// Prepare's task files go to <c>&lt;datasets-dir&gt;/.prepared/&lt;dataset&gt;/&lt;version&gt;/</c> by default: inside the folder
    /// Deploy mounts into Label Studio (so local-files storage can serve them), beside but never inside the sources.
    /// </summary>
    public const string DefaultPreparedFolder = ".prepared";

    /// <summary>Git-ignored; holds the generated Label Studio credentials (0600).</summary>
    public const string DefaultStateDirectory = ".labelpipeline";
}
