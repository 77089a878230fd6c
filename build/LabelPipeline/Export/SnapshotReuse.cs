using LabelPipeline.IO;
using LabelPipeline.LabelConfig;
using LabelPipeline.Quality;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace LabelPipeline.Export;

/// <summary>
/// Decides whether a snapshot already holds what a build would write: its manifest records the sha256 of every input
/// (the export, the labeling config, each series, Prepare's manifest), the rules and the tool version. When all match
/// and every file it lists is still there at its recorded size, nothing is rebuilt and no file is touched; only a new
/// <c>source</c> block (a fresh export id from the same annotations) is written into the manifest.
/// </summary>
internal static class SnapshotReuse
{
    /// <summary>The existing snapshot's summary when it is current; null when it must be built.</summary>
    public static SnapshotSummary? TryReuse(string exportFile, SnapshotOptions options, string snapshotDirectory)
    {
        var manifestPath = Path.Combine(snapshotDirectory, SnapshotLayout.Manifest);
        if (!File.Exists(manifestPath))
        {
            return null;
        }

        JObject manifest;
        try
        {
            using var text = File.OpenText(manifestPath);
            using var json = new JsonTextReader(text) { DateParseHandling = DateParseHandling.None, FloatParseHandling = FloatParseHandling.Double };
            manifest = JObject.Load(json);
        }
        catch (JsonException)
        {
            return null; // damaged: rebuild
        }

        var config = LabelConfigValidator.Read(options.LabelConfig);
        if ((string?)manifest["tool"]?["version"] != SnapshotBuilder.ToolVersion
            || (string?)manifest["dataset"]?["name"] != options.Dataset.Name
            || (string?)manifest["dataset"]?["version"] != options.Dataset.Version
            || (string?)manifest["label_config_sha256"] != Hashes.Sha256(options.LabelConfig)
            || !SameJson(manifest["rules"], SnapshotBuilder.RulesJson(options, config))
            || (string?)manifest["prediction_review"]?["model_version"] != (manifest["prediction_review"] is null ? null : options.PredictionModelVersion)
            || !PreparedMatches(manifest["prepared"], options.Prepared)
            || manifest["files"] is not JArray files
            || manifest["series"] is not JArray series
            || manifest["counts"] is not JObject counts)
        {
            return null;
        }

        // The rules record whether quality was measured (a snapshot from before the quality files, or built with
        // SnapshotOptions.Quality off, is rebuilt when this run measures it, and the other way round). The gates read
        // the figures back from the manifest (a block missing one: rebuild). A folder holding files its manifest does not list is rebuilt (the rebuild removes them).
        var quality = options.Quality ? QualityFigures.Read(manifest["agreement"], manifest["detector"]) : null;
        if ((options.Quality && quality is null)
            || Directory.EnumerateFiles(snapshotDirectory, "*", SearchOption.AllDirectories).Count() != files.Count + 1)
        {
            return null;
        }

        // Every file still there at its size (cheap); the export by content.
        foreach (var file in files)
        {
            var path = Path.Combine(snapshotDirectory, (string)file["path"]!);
            if (!File.Exists(path) || new FileInfo(path).Length != (long)file["bytes"]!)
            {
                return null;
            }
        }

        var export = files.FirstOrDefault(f => (string?)f["path"] == SnapshotLayout.Export);
        if (export is null || new FileInfo(exportFile).Length != (long)export["bytes"]! || Hashes.Sha256File(exportFile) != (string?)export["sha256"])
        {
            return null;
        }

        // The series by content: sizes first, then sha256.
        if (series.Count != options.Dataset.Files.Count)
        {
            return null;
        }

        for (var i = 0; i < series.Count; i++)
        {
            var file = options.Dataset.Files[i];
            if ((string?)series[i]["file"] != Path.GetFileName(file) || new FileInfo(file).Length != (long)series[i]["bytes"]!)
            {
                return null;
            }
        }

        for (var i = 0; i < series.Count; i++)
        {
            if (SnapshotBuilder.SeriesSha256(options, options.Dataset.Files[i]).Sha256 != (string?)series[i]["sha256"])
            {
                return null;
            }
        }

        var source = SnapshotBuilder.SourceJson(options.Source);
        if (!SameJson(manifest["source"], source))
        {
            // Same labels from a new export (Export creates one each run): only the provenance changes.
            manifest["source"] = source;
            var temporary = manifestPath + ".tmp";
            using (var text = new StreamWriter(temporary, false, new System.Text.UTF8Encoding(false)) { NewLine = "\n" })
            {
                using (var json = new JsonTextWriter(text) { Formatting = Formatting.Indented, CloseOutput = false })
                {
                    manifest.WriteTo(json);
                }

                text.Write('\n');
            }

            File.Move(temporary, manifestPath, overwrite: true);
        }

        return new SnapshotSummary(
            snapshotDirectory,
            (int)counts["tasks"]!,
            (int)counts["annotations"]!,
            (int)counts["regions"]!,
            (int)counts["lookout_rows"]!,
            ((JObject)counts["regions_per_label"]!).Properties().ToDictionary(p => p.Name, p => (int)p.Value, StringComparer.Ordinal))
        {
            Warnings = manifest["warnings"] is JArray warnings ? warnings.Select(w => (string)w!).ToArray() : [],
            PredictionReview = manifest["prediction_review"] is JObject review
                ? new PredictionReviewCounts((int)review["tasks_reviewed"]!, (int)review["annotations_reviewed"]!, (int)review["predicted_regions"]!,
                    (int)review["confirmed"]!, (int)review["adjusted"]!, (int)review["rejected"]!, (int)review["added"]!)
                : null,
            Quality = quality,
            Unchanged = true,
        };
    }

    /// <summary>Compared as written: a null string is a String token in a built block but a Null token once read back.</summary>
    private static bool SameJson(JToken? recorded, JToken built) => recorded?.ToString(Formatting.None) == built.ToString(Formatting.None);

    private static bool PreparedMatches(JToken? recorded, Prepare.PreparedManifest? prepared) => prepared is null
        ? recorded is null
        : recorded is JObject block && (string?)block["manifest_sha256"] == Hashes.Sha256(prepared.ToJson()) && (string?)block["fingerprint"] == prepared.Fingerprint;
}
