namespace LabelPipeline.TestSupport;

/// <summary>The repository and the read-only shared folder beside the clone, found once for every suite.</summary>
public static class Repository
{
    public static string Root { get; } = FindRoot();

    /// <summary>The read-only shared folder next to the clone (datasets, Label Studio contract).</summary>
    public static string Shared => Path.GetFullPath(Path.Combine(Root, "..", "shared"));

    /// <summary>The repository's own sample datasets (<c>datasets/&lt;name&gt;/&lt;version&gt;/</c>).</summary>
    public static string Datasets => Path.Combine(Root, "datasets");

    /// <summary>The sample dataset the pipeline tests upload: synthetic/v1's CSV files, in ordinal order.</summary>
    public static string[] SyntheticFiles => Directory.GetFiles(Path.Combine(Datasets, "synthetic", "v1"), "*.csv").Order(StringComparer.Ordinal).ToArray();

    /// <summary>The public datasets in the shared folder (NAB, SKAB): read from there, never copied into the repository.</summary>
    public static string SharedDatasets => Path.Combine(Shared, "datasets");

    /// <summary>The labeling-config template the pipeline generates configs from.</summary>
    public static string Template => Path.Combine(Root, "templates", "timeseries-labeling.xml");

    /// <summary>The bad-input corpus.</summary>
    public static string Corpus => Path.Combine(Root, "tests", "corpus");

    /// <summary>The node tool: lsf-check.js, serve.js, the editor page, and the fetched LSF bundle in lsf/.</summary>
    public static string EditorTool => Path.Combine(Root, "tests", "editor");

    /// <summary>The Label Studio OpenAPI subset the emulator holds every exchange to.</summary>
    public static string OpenApiSpec => Path.Combine(Shared, "label-studio", "openapi-pipeline-subset.yaml");

    private static string FindRoot([System.Runtime.CompilerServices.CallerFilePath] string sourceFile = "")
    {
        // The compiler records this file's path: tests/Shared/ lies two levels under the root.
        var fromSource = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(sourceFile)!, "..", ".."));
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
