namespace LabelPipeline.Datasets;

/// <summary>A named, versioned folder of CSV series: one CSV file becomes one Label Studio task.</summary>
public sealed record Dataset(string Name, string Version, string Directory, IReadOnlyList<string> Files)
{
    /// <summary>The file pattern Label Studio's storage imports (Python <c>re.match</c> on the file name).</summary>
    public const string CsvRegex = @".*\.csv$";

    /// <summary>Finds the dataset's CSV files, sorted by name as Label Studio's local storage sorts them.</summary>
    public static Dataset Open(string name, string version, string directory)
    {
        var full = Path.GetFullPath(directory);
        if (!System.IO.Directory.Exists(full))
        {
            var parent = Path.GetDirectoryName(full);
            var available = parent is not null && System.IO.Directory.Exists(parent)
                ? string.Join(", ", System.IO.Directory.GetDirectories(parent).Select(Path.GetFileName).Order(StringComparer.Ordinal))
                : "none";
            throw new DatasetException(
                $"Dataset folder '{directory}' does not exist (dataset '{name}', version '{version}'). " +
                $"Versions next to it: {(available.Length == 0 ? "none" : available)}. " +
                "Pass --dataset and --dataset-version for a folder datasets/<name>/<version>/, or --dataset-path=<folder>.");
        }

        var files = System.IO.Directory.EnumerateFiles(full, "*.csv", SearchOption.TopDirectoryOnly)
            .Order(StringComparer.Ordinal)
            .ToArray();
        if (files.Length == 0)
        {
            throw new DatasetException(
                $"Dataset folder '{directory}' holds no .csv files. Put one CSV per series there (header row, time in the first column).");
        }

        return new Dataset(name, version, full, files);
    }

    /// <summary>The title of the Label Studio project for this dataset version (Label Studio allows 3..50 characters).</summary>
    public string ProjectTitle
    {
        get
        {
            var title = $"{Name} {Version}";
            return title.Length <= 50 ? title : title[..50];
        }
    }
}
