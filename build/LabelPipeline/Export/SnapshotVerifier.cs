using LabelPipeline.IO;
using Newtonsoft.Json.Linq;

namespace LabelPipeline.Export;

/// <summary>
/// Rebuilds a snapshot from the inputs it recorded (its saved export and labeling config, the dataset's series) and
/// lists every file whose content differs from what the manifest says, plus series that changed since.
/// </summary>
public static class SnapshotVerifier
{
    public static IReadOnlyList<string> Verify(string snapshotDirectory, SnapshotRules current, CancellationToken ct)
    {
        var manifestPath = Path.Combine(snapshotDirectory, SnapshotLayout.Manifest);
        if (!File.Exists(manifestPath))
        {
            throw new ExportException($"{manifestPath} does not exist: run Export first (or check --output, --dataset, --dataset-version).");
        }

        var manifest = JObject.Parse(File.ReadAllText(manifestPath));
        var differences = new List<string>();
        var recordedSeries = ((JArray?)manifest["series"] ?? []).ToDictionary(s => (string)s["file"]!, s => (string)s["sha256"]!);
        foreach (var file in current.Dataset.Files)
        {
            var name = Path.GetFileName(file);
            if (!recordedSeries.Remove(name, out var sha))
            {
                differences.Add($"series {name}: new since the snapshot");
            }
            else if (sha != Hashes.Sha256File(file))
            {
                differences.Add($"series {name}: content changed since the snapshot");
            }
        }

        differences.AddRange(recordedSeries.Keys.Select(name => $"series {name}: missing now"));

        var rules = manifest["rules"]!;
        var source = manifest["source"]!;
        var rebuilt = SnapshotBuilder.StagingDirectory(snapshotDirectory);
        try
        {
            SnapshotBuilder.BuildInto(
                Path.Combine(snapshotDirectory, SnapshotLayout.Export),
                new SnapshotOptions(
                    current,
                    File.ReadAllText(Path.Combine(snapshotDirectory, SnapshotLayout.LabelConfig)),
                    new SnapshotSource((string)source["kind"]!, (string?)source["label_studio_version"], (int?)source["project_id"], (int?)source["export_id"], (string?)source["export_method"]))
                {
                    Annotations = AnnotationSelections.Parse((string)rules["annotations"]!),
                    AnomalyLabels = rules["anomaly_labels"]!.Select(l => (string)l!).ToHashSet(StringComparer.Ordinal),
                    InstantWidth = rules["instant_width_seconds"]?.Type == JTokenType.Null ? null : TimeSpan.FromSeconds((double)rules["instant_width_seconds"]!),
                    PredictionModelVersion = (string?)manifest["prediction_review"]?["model_version"],
                    Quality = (string?)rules["quality"] != "off",
                },
                rebuilt,
                ct);
            var expected = ((JArray)manifest["files"]!).ToDictionary(f => (string)f["path"]!, f => (string)f["sha256"]!);
            foreach (var (path, sha) in expected)
            {
                var actual = Path.Combine(rebuilt, path);
                if (!File.Exists(actual))
                {
                    differences.Add($"{path}: no longer produced");
                }
                else if (Hashes.Sha256File(actual) != sha)
                {
                    differences.Add($"{path}: rebuilt content differs from the manifest");
                }
                else if (!File.Exists(Path.Combine(snapshotDirectory, path)) || Hashes.Sha256File(Path.Combine(snapshotDirectory, path)) != sha)
                {
                    differences.Add($"{path}: the file in the snapshot was changed or removed");
                }
            }

            var produced = Directory.EnumerateFiles(rebuilt, "*", SearchOption.AllDirectories)
                .Select(f => Path.GetRelativePath(rebuilt, f).Replace('\\', '/'))
                .Where(f => f != SnapshotLayout.Manifest && !expected.ContainsKey(f));
            differences.AddRange(produced.Select(f => $"{f}: produced now, not in the manifest"));
            return differences;
        }
        finally
        {
            if (Directory.Exists(rebuilt))
            {
                Directory.Delete(rebuilt, recursive: true);
            }
        }
    }
}
