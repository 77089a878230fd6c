using LabelPipeline.Export;
using LabelPipeline.IO;
using Newtonsoft.Json.Linq;

namespace LabelPipeline.Tests.Export;

/// <summary>A snapshot whose inputs have not changed is not rebuilt: same files, same times; any changed input rebuilds it.</summary>
public sealed class SnapshotReuseTests : SnapshotTestBase
{
    private readonly string _export;

    public SnapshotReuseTests()
        : base(("a.csv", "timestamp,v\n" + string.Concat(Enumerable.Range(0, 12).Select(i => $"2021-01-01 0{i / 6}:{i % 6}0:00,{i}\n"))))
    {
        _export = Temp.Write("export.json", """
            [{"id": 1, "annotations": [{"id": 11, "completed_by": 1, "was_cancelled": false, "result": [
              {"value": {"start": "2021-01-01 00:10:00", "end": "2021-01-01 00:30:00", "instant": false, "timeserieslabels": ["Anomaly"]},
               "id": "r1", "from_name": "label", "to_name": "ts", "type": "timeserieslabels", "origin": "manual"}]}],
              "data": {"csv": "/data/local-files/?d=ds/v1/a.csv"}}]
            """);
    }

    private SnapshotOptions Options(int? exportId = null, string[]? anomalyLabels = null) => base.Options() with
    {
        AnomalyLabels = (anomalyLabels ?? ["Anomaly"]).ToHashSet(),
        Source = new SnapshotSource("label-studio", "1.23.0", 1, exportId ?? 5, "snapshot"),
    };

    private string Output => Path.Combine(Temp.Path, "out", "ds", "v1");

    private Dictionary<string, (DateTime, string)> Files() => Directory.GetFiles(Output, "*", SearchOption.AllDirectories)
        .ToDictionary(f => f, f => (File.GetLastWriteTimeUtc(f), Hashes.Sha256File(f)));

    [Fact]
    public void An_unchanged_rebuild_touches_no_file_and_says_so()
    {
        // ConvertExport's provenance: no server, no export id.
        var options = Options() with { Source = new SnapshotSource("export-file", null, null, null, null) };
        var first = SnapshotBuilder.Build(_export, options, Output, CancellationToken.None);
        Assert.False(first.Unchanged);
        var before = Files();
        Thread.Sleep(20); // a rewrite would get a later time stamp

        var second = SnapshotBuilder.Build(_export, options, Output, CancellationToken.None);
        Assert.True(second.Unchanged);
        Assert.Equal((first.Tasks, first.Annotations, first.Regions, first.LookoutRows), (second.Tasks, second.Annotations, second.Regions, second.LookoutRows));
        Assert.Equal(first.RegionsPerLabel, second.RegionsPerLabel);
        Assert.Equal(before, Files());
    }

    [Fact]
    public void A_new_export_id_of_the_same_annotations_rewrites_only_the_manifest_source()
    {
        SnapshotBuilder.Build(_export, Options(exportId: 5), Output, CancellationToken.None);
        var before = Files();
        var summary = SnapshotBuilder.Build(_export, Options(exportId: 6), Output, CancellationToken.None);
        Assert.True(summary.Unchanged);
        var manifest = Path.Combine(Output, SnapshotLayout.Manifest);
        Assert.Equal(6, (int)JObject.Parse(File.ReadAllText(manifest))["source"]!["export_id"]!);
        Assert.Equal(before.Where(f => f.Key != manifest), Files().Where(f => f.Key != manifest));

        // The rewritten manifest is the one a full build writes.
        var rebuilt = Path.Combine(Temp.Path, "rebuilt");
        SnapshotBuilder.Build(_export, Options(exportId: 6), rebuilt, CancellationToken.None);
        Assert.Equal(File.ReadAllText(Path.Combine(rebuilt, SnapshotLayout.Manifest)), File.ReadAllText(manifest));
    }

    [Fact]
    public void A_changed_series_rule_export_or_missing_output_rebuilds()
    {
        SnapshotBuilder.Build(_export, Options(), Output, CancellationToken.None);
        Assert.False(SnapshotBuilder.Build(_export, Options(anomalyLabels: ["Anomaly", "Normal"]), Output, CancellationToken.None).Unchanged);

        File.Delete(Path.Combine(Output, SnapshotLayout.LookoutLabels));
        Assert.False(SnapshotBuilder.Build(_export, Options(anomalyLabels: ["Anomaly", "Normal"]), Output, CancellationToken.None).Unchanged);

        File.AppendAllText(Dataset.Files[0], "2021-01-01 02:00:00,12\n");
        Assert.False(SnapshotBuilder.Build(_export, Options(anomalyLabels: ["Anomaly", "Normal"]), Output, CancellationToken.None).Unchanged);

        File.WriteAllText(_export, File.ReadAllText(_export).Replace("00:30:00", "00:40:00", StringComparison.Ordinal));
        Assert.False(SnapshotBuilder.Build(_export, Options(anomalyLabels: ["Anomaly", "Normal"]), Output, CancellationToken.None).Unchanged);
        Assert.True(SnapshotBuilder.Build(_export, Options(anomalyLabels: ["Anomaly", "Normal"]), Output, CancellationToken.None).Unchanged);
    }

    /// <summary>Two annotators on the task: the snapshot writes quality/agreement.csv and the manifest's agreement block.</summary>
    private string TwoAnnotatorExport() => Temp.Write("two.json", File.ReadAllText(_export).Replace(
        "\"annotations\": [",
        """
        "annotations": [{"id": 12, "completed_by": 2, "was_cancelled": false, "result": [
          {"value": {"start": "2021-01-01 00:20:00", "end": "2021-01-01 00:40:00", "instant": false, "timeserieslabels": ["Anomaly"]},
           "id": "r2", "from_name": "label", "to_name": "ts", "type": "timeserieslabels", "origin": "manual"}]},
        """,
        StringComparison.Ordinal));

    [Fact]
    public void A_snapshot_without_the_quality_files_it_would_now_write_is_rebuilt()
    {
        var export = TwoAnnotatorExport();
        var manifestPath = Path.Combine(Output, SnapshotLayout.Manifest);
        var agreement = Path.Combine(Output, "quality", "agreement.csv");

        // Built with --quality off, then on: rebuilt with the file and the figures; again: reused, the same figures.
        Assert.False(SnapshotBuilder.Build(export, Options() with { Quality = false }, Output, CancellationToken.None).Unchanged);
        Assert.False(File.Exists(agreement));
        var built = SnapshotBuilder.Build(export, Options(), Output, CancellationToken.None);
        Assert.False(built.Unchanged);
        Assert.True(File.Exists(agreement));
        Assert.Equal(0.666667, built.Quality!.Agreement!.MeanPointF1); // 3 rows each, 2 in common (00:20, 00:30): 2·2/(3+3), as written
        var reused = SnapshotBuilder.Build(export, Options(), Output, CancellationToken.None);
        Assert.True(reused.Unchanged);
        Assert.Equivalent(built.Quality, reused.Quality, strict: true);

        // A manifest as an older tool wrote it (no quality rule, no blocks, no quality files): rebuilt.
        var manifest = JObject.Parse(File.ReadAllText(manifestPath));
        ((JObject)manifest["rules"]!).Remove("quality");
        manifest.Remove("agreement");
        ((JArray)manifest["files"]!).Where(f => ((string)f["path"]!).StartsWith("quality/", StringComparison.Ordinal)).ToList().ForEach(f => f.Remove());
        File.WriteAllText(manifestPath, manifest.ToString());
        Directory.Delete(Path.Combine(Output, "quality"), recursive: true);
        Assert.False(SnapshotBuilder.Build(export, Options(), Output, CancellationToken.None).Unchanged);
        Assert.True(File.Exists(agreement));

        // An agreement block missing a figure the gates read: rebuilt.
        manifest = JObject.Parse(File.ReadAllText(manifestPath));
        ((JObject)manifest["agreement"]!).Remove("pairs_without_positive_rows");
        File.WriteAllText(manifestPath, manifest.ToString());
        Assert.False(SnapshotBuilder.Build(export, Options(), Output, CancellationToken.None).Unchanged);
        Assert.True(SnapshotBuilder.Build(export, Options(), Output, CancellationToken.None).Unchanged);
    }
}
