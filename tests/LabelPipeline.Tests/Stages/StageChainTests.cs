using LabelPipeline.Export;
using LabelPipeline.LabelStudio;
using LabelPipeline.Predictions;
using LabelPipeline.Prepare;
using LabelPipeline.Stages;
using LabelPipeline.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;
using Newtonsoft.Json.Linq;

namespace LabelPipeline.Tests.Stages;

/// <summary>
/// The stages without Cake or the executable: each takes its settings and the result of the one before, against the
/// emulator. What one stage returns is exactly what the next needs; re-running a stage creates nothing twice.
/// </summary>
public sealed class StageChainTests() : EmulatorPipelineTest(scratchDatasets: true)
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    private readonly NullLogger _log = NullLogger.Instance;

    private PreparedDataset PrepareSynthetic()
    {
        foreach (var file in Repository.SyntheticFiles)
        {
            CopyInto("synthetic", file);
        }

        var settings = new DatasetSettings(
            "synthetic", "v1", Path.Combine(DatasetsDir, "synthetic", "v1"), Path.Combine(DatasetsDir, ".prepared", "synthetic", "v1"), new PrepareOptions());
        return new PrepareDatasetStage(_log).Run(settings, Ct);
    }

    private static ProjectSettings ProjectSettings => new(Repository.Template, ["Anomaly", "Noise"]);

    private async Task<(PreparedDataset Prepared, ProjectRef Project, SyncResult Synced)> ProvisionAsync()
    {
        var prepared = PrepareSynthetic();
        var project = await new ProvisionProjectStage(Client, _log).RunAsync(prepared, ProjectSettings, Ct);
        var storage = await new ConnectStorageStage(Client, _log).ConnectLocalAsync(
            project, new LocalStorageSettings("synthetic v1 (local files)", Path.Combine(DatasetsDir, ".prepared", "synthetic", "v1")), Ct);
        var synced = await new SyncTasksStage(Client, _log).RunAsync(storage, TimeSpan.FromMinutes(1), null, null, Ct);
        return (prepared, project, synced);
    }

    [Fact]
    public async Task Prepare_provision_connect_and_sync_hand_each_other_their_results()
    {
        var (prepared, project, synced) = await ProvisionAsync();

        Assert.Equal(6, prepared.TaskFiles.Files.Count);
        Assert.Equal(Provisioned.Created, project.Action);
        Assert.Equal("synthetic v1", project.Title);
        Assert.Equal(Provisioned.Created, synced.Storage.Action);
        Assert.Equal(StorageKind.Local, synced.Storage.Kind);
        Assert.Equal(6, synced.Created);
        var config = (await Client.GetProjectAsync(project.Id, Ct)).LabelConfig;
        Assert.Equal(await ProvisionProjectStage.GenerateLabelConfigAsync(prepared, ProjectSettings, Ct), config);
        Assert.Contains("value=\"Noise\"", config, StringComparison.Ordinal);

        // Again: the same project and storage, no new task.
        var again = await new ProvisionProjectStage(Client, _log).RunAsync(prepared, ProjectSettings, Ct);
        Assert.Equal((project.Id, Provisioned.Reused), (again.Id, again.Action));
        var storage = await new ConnectStorageStage(Client, _log).ConnectLocalAsync(
            again, new LocalStorageSettings("synthetic v1 (local files)", Path.Combine(DatasetsDir, ".prepared", "synthetic", "v1")), Ct);
        Assert.Equal((synced.Storage.Id, Provisioned.Reused), (storage.Id, storage.Action));
        var resynced = await new SyncTasksStage(Client, _log).RunAsync(storage, TimeSpan.FromMinutes(1), null, null, Ct);
        Assert.Equal(0, resynced.Created);
    }

    [Fact]
    public async Task Import_then_export_turns_a_prediction_and_an_annotation_into_the_snapshot()
    {
        var (prepared, project, _) = await ProvisionAsync();
        var predictions = Path.Combine(Temp.Path, "model.csv");
        await File.WriteAllTextAsync(predictions, "series,start,end,score\n2021-03.csv,2021-03-10 00:00:00,2021-03-10 06:00:00,0.9\n");
        var settings = new PredictionSettings(predictions, "model-a", "Anomaly", new ScoreIntervalOptions(0.5, TimeSpan.Zero, TimeSpan.Zero));

        var imported = await new ImportPredictionsStage(Client, _log).RunAsync(project, prepared, settings, Ct);
        Assert.Equal(PredictionFileKind.Intervals, imported.Kind);
        Assert.Equal((1, 1, 1), (imported.Regions, imported.Tasks, imported.Summary.Created));
        var reimported = await new ImportPredictionsStage(Client, _log).RunAsync(project, prepared, settings, Ct);
        Assert.Equal((0, 1), (reimported.Summary.Created, reimported.Summary.Unchanged));

        var april = await TaskOfAsync(project.Id, "2021-04.csv");
        await Client.CreateAnnotationAsync(april, new AnnotationRequest
        {
            Result =
            [
                new JObject
                {
                    ["value"] = new JObject { ["start"] = "2021-04-05 23:40:00", ["end"] = "2021-04-11 00:50:00", ["instant"] = false, ["timeserieslabels"] = new JArray("Anomaly") },
                    ["id"] = "a1",
                    ["from_name"] = "label",
                    ["to_name"] = "ts",
                    ["type"] = "timeserieslabels",
                    ["origin"] = "manual",
                },
            ],
        }, Ct);

        var rules = new SnapshotRules
        {
            Dataset = prepared.Source,
            Schema = prepared.SourceSchema,
            Prepared = prepared.Manifest,
            AnomalyLabels = new HashSet<string>(StringComparer.Ordinal) { "Anomaly" },
        };
        var directory = Path.Combine(Output, "synthetic", "v1");
        var snapshot = await new ExportLabelsStage(Client, _log).RunAsync(project, rules, directory, TimeSpan.FromMinutes(1), Ct);

        Assert.Equal(directory, snapshot.Directory);
        Assert.Equal((1, 1), (snapshot.Annotations, snapshot.Regions));
        Assert.Equal("2021-04-05T23:40:00.000000,2021-04-11T00:50:00.000000\n", await File.ReadAllTextAsync(Path.Combine(directory, SnapshotLayout.LookoutLabels)));

        // The snapshot's manifest names the project it came from; Verify rebuilds it from the same rules.
        var manifest = JObject.Parse(await File.ReadAllTextAsync(Path.Combine(directory, SnapshotLayout.Manifest)));
        Assert.Equal(project.Id, (int)manifest["source"]!["project_id"]!);
        Assert.Empty(SnapshotVerifier.Verify(directory, rules, Ct));

        // Offline, from the snapshot's own export, the same labels come out.
        var offline = Path.Combine(Temp.Path, "offline");
        var converted = ExportLabelsStage.Convert(
            Path.Combine(directory, SnapshotLayout.Export), rules, await File.ReadAllTextAsync(Path.Combine(directory, SnapshotLayout.LabelConfig)), offline, _log, Ct);
        Assert.Equal(snapshot.Regions, converted.Regions);
        Assert.Equal(
            await File.ReadAllTextAsync(Path.Combine(directory, SnapshotLayout.LookoutLabels)),
            await File.ReadAllTextAsync(Path.Combine(offline, SnapshotLayout.LookoutLabels)));
    }

    [Fact]
    public async Task Export_refuses_anomaly_labels_the_project_does_not_define()
    {
        var (prepared, project, _) = await ProvisionAsync();
        var rules = new SnapshotRules
        {
            Dataset = prepared.Source,
            Schema = prepared.SourceSchema,
            Prepared = prepared.Manifest,
            AnomalyLabels = new HashSet<string>(StringComparer.Ordinal) { "Fault" },
        };
        var error = await Assert.ThrowsAsync<ExportException>(
            () => new ExportLabelsStage(Client, _log).RunAsync(project, rules, Path.Combine(Output, "x"), TimeSpan.FromMinutes(1), Ct));
        Assert.Contains("Fault", error.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(Output, "x")));
    }

    private async Task<int> TaskOfAsync(int projectId, string file)
    {
        await foreach (var task in Client.ListTasksAsync(projectId, withAnnotations: false, Ct))
        {
            if (task.Data["csv"]!.ToString().EndsWith(file, StringComparison.Ordinal))
            {
                return task.Id;
            }
        }

        throw new InvalidOperationException($"No task for {file}.");
    }
}
