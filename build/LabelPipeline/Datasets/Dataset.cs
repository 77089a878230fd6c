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
        if (File.Exists(full))
        {
            throw new DatasetException(
                $"Dataset version '{version}' ({directory}) is a file, not a folder. A dataset version is a folder of CSV files, one per series: " +
                $"move the file into {Path.Combine(directory, "<series>.csv")} or pass another --dataset-version.");
        }

        if (!System.IO.Directory.Exists(full))
        {
            var parent = Path.GetDirectoryName(full);
            var available = parent is not null && System.IO.Directory.Exists(parent)
                ? string.Join(", ", System.IO.Directory.GetDirectories(parent).Select(Path.GetFileName).Order(StringComparer.Ordinal))
                : "none";
            throw new DatasetException(
                $"Dataset folder '{directory}' does not exist (dataset '{name}', version '{version}'). " +
                $"Versions next to it: {(available.Length == 0 ? "none" : available)}. " +
                "Pass --dataset and --dataset-version for the folder <datasets-dir>/<dataset>/<version>/, and --datasets-dir when the datasets are not in ./datasets.");
        }

        var files = System.IO.Directory.EnumerateFiles(full, "*.csv", SearchOption.TopDirectoryOnly)
            .Order(StringComparer.Ordinal)
            .ToArray();
        if (files.Length == 0)
        {
            throw new DatasetException(
                $"Dataset folder '{directory}' holds no .csv files. Put one CSV per series there (header row, time in the first column).");
        }

        foreach (var file in files)
        {
            RefuseLinkOutside(file, full);
        }

        return new Dataset(name, version, full, files);
    }

    /// <summary>
    /// A symbolic link to a file outside the dataset folder is refused: the dataset would silently take in a file
    /// from elsewhere (and Label Studio, which serves only the datasets folder, could not follow it either).
    /// </summary>
    private static void RefuseLinkOutside(string file, string folder)
    {
        if (new FileInfo(file).LinkTarget is null)
        {
            return;
        }

        var target = new FileInfo(file).ResolveLinkTarget(returnFinalTarget: true)?.FullName;
        var root = new DirectoryInfo(folder).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? folder;
        if (target is null || !File.Exists(target))
        {
            throw new DatasetException($"{file}: a symbolic link to '{new FileInfo(file).LinkTarget}', which does not exist. Remove the link or restore its file.");
        }

        var relative = Path.GetRelativePath(root, target);
        var relativeToLink = Path.GetRelativePath(folder, target);
        if ((relative.StartsWith("..", StringComparison.Ordinal) || Path.IsPathRooted(relative))
            && (relativeToLink.StartsWith("..", StringComparison.Ordinal) || Path.IsPathRooted(relativeToLink)))
        {
            throw new DatasetException(
                $"{file}: a symbolic link to '{target}', outside the dataset folder {folder}. LabelPipeline reads only files inside the dataset " +
                "folder (Label Studio serves only --datasets-dir): copy the file into the folder instead of linking to it.");
        }
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
