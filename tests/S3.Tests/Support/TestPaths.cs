namespace S3.Tests.Support;

/// <summary>The repository (and the shared reference folder beside it), found from this source file's location.</summary>
public static class TestPaths
{
    public static string Root { get; } = FindRoot();

    public static string Shared => Path.GetFullPath(Path.Combine(Root, "..", "shared"));

    public static string Spec => Path.Combine(Shared, "label-studio", "openapi-pipeline-subset.yaml");

    public static string Datasets => Path.Combine(Root, "datasets");

    /// <summary>The sample dataset every pipeline test uploads.</summary>
    public static string[] SyntheticFiles => Directory.GetFiles(Path.Combine(Datasets, "synthetic", "v1"), "*.csv").Order(StringComparer.Ordinal).ToArray();

    public static string S3Server => Path.Combine(Root, "tests", "s3", "server.js");

    public static string S3NodeModules => Path.Combine(Root, "tests", "s3", "node_modules");

    private static string FindRoot([System.Runtime.CompilerServices.CallerFilePath] string sourceFile = "")
    {
        // This file is tests/S3.Tests/Support/: three levels under the root.
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

/// <summary>A scratch folder removed after the test.</summary>
public sealed class TempDirectory : IDisposable
{
    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "labelpipeline-s3-tests", Guid.NewGuid().ToString("N"));

    public TempDirectory() => Directory.CreateDirectory(Path);

    public string Write(string relativePath, string content)
    {
        var full = System.IO.Path.Combine(Path, relativePath);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
        File.WriteAllText(full, content);
        return full;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a leftover temp folder must not fail a test.
        }
    }
}
