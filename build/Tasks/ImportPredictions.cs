using Cake.Common.Diagnostics;
using Cake.Frosting;
using LabelPipeline.LabelConfig;
using LabelPipeline.Predictions;

namespace Build.Tasks;

[TaskName(nameof(ImportPredictions))]
[TaskDescription("With --predictions: checks the model output (source file names and times) against the prepared dataset and labeling config, cuts regions to the window tasks showing them, attaches them to the tasks as predictions of --model-version (replacing that version's earlier ones) and shows them to annotators")]
[IsDependentOn(typeof(Sync))]
public sealed class ImportPredictions : AsyncFrostingTask<BuildContext>
{
    public override bool ShouldRun(BuildContext context)
    {
        if (context.Settings.PredictionsFile is null)
        {
            context.Information("Skipping ImportPredictions: no --predictions file given.");
            return false;
        }

        return true;
    }

    public override async Task RunAsync(BuildContext context)
    {
        var settings = context.Settings;
        var ct = context.CancellationToken;
        var projectId = context.RequireProjectId();
        var file = PredictionFileReader.Read(settings.PredictionsFile!);
        // Model output speaks of the sources; Prepare's manifest says which task files (windows, overview) show them.
        var prepared = context.PrepareDataset();

        // The project's config, not the generated one: labels or the time format may have been changed in the UI.
        var project = await context.LabelStudioClient.GetProjectAsync(projectId, ct);
        var config = LabelConfigValidator.Read(project.LabelConfig);
        var planned = PredictionPlanner.Plan(file, new PredictionPlanOptions
        {
            Config = config,
            Series = PredictionTargets.FromManifest(prepared.Manifest),
            SeriesTimeFormat = prepared.SourceSchema.TimeFormat,
            TimeZone = PredictionTargets.Zone(prepared.Manifest),
            ModelVersion = settings.ModelVersion!,
            DefaultLabel = settings.PredictionLabel,
            Scores = settings.ScoreIntervals,
        });
        context.Information(
            "Predictions {0} ({1}): {2} regions on {3} tasks, model version '{4}'",
            settings.PredictionsFile,
            file.Kind == PredictionFileKind.Scores
                ? $"scores, threshold {settings.ScoreIntervals.Threshold}, min duration {settings.ScoreIntervals.MinDuration.TotalSeconds} s, merge gap {settings.ScoreIntervals.MergeGap.TotalSeconds} s"
                : "intervals",
            planned.Sum(p => p.Result.Count),
            planned.Count,
            settings.ModelVersion);

        var summary = await new PredictionImporter(context.LabelStudioClient, context.Logger)
            .ImportAsync(projectId, config.DataKey, settings.ModelVersion!, planned, ct);
        context.Information(
            "ImportPredictions: {0} tasks got a new prediction, {1} unchanged, {2} earlier predictions of '{3}' removed",
            summary.Created,
            summary.Unchanged,
            summary.Deleted,
            summary.ModelVersion);
        if (summary.ScoreTab is { } tab)
        {
            context.Information("Annotators who label from the Data Manager tab '{0}' (id {1}) see the highest-scored tasks first.", LabelPipeline.Predictions.ScoreTab.Title, tab);
        }
    }
}
