using LabelPipeline.LabelConfig;
using LabelPipeline.LabelStudio;
using LabelPipeline.Predictions;
using LabelPipeline.Prepare;
using Microsoft.Extensions.Logging;

namespace LabelPipeline.Stages;

/// <summary>
/// Stage 5: model output (in source terms) checked against the prepared dataset and the project's labeling config,
/// cut to the window tasks that show it, and attached as predictions of one model version.
/// </summary>
public sealed class ImportPredictionsStage(LabelStudioClient client, ILogger logger)
{
    public async Task<ImportResult> RunAsync(ProjectRef project, PreparedDataset dataset, PredictionSettings settings, CancellationToken ct)
    {
        var file = PredictionFileReader.Read(settings.File);

        // The project's config, not the generated one: labels or the time format may have been changed in the UI.
        var config = LabelConfigValidator.Read((await client.GetProjectAsync(project.Id, ct).ConfigureAwait(false)).LabelConfig);

        // Model output speaks of the sources; Prepare's manifest says which task files (windows, overview) show them.
        var planned = PredictionPlanner.Plan(file, new PredictionPlanOptions
        {
            Config = config,
            Series = PredictionTargets.FromManifest(dataset.Manifest),
            SeriesTimeFormat = dataset.SourceSchema.TimeFormat,
            TimeZone = PredictionTargets.Zone(dataset.Manifest),
            ModelVersion = settings.ModelVersion,
            DefaultLabel = settings.DefaultLabel,
            Scores = settings.Scores,
        });
        var scores = settings.Scores;
        logger.LogInformation(
            "Predictions {File} ({Kind}): {Regions} regions on {Tasks} tasks, model version '{Version}'",
            settings.File,
            file.Kind == PredictionFileKind.Scores
                ? $"scores, threshold {scores.Threshold}, min duration {scores.MinDuration.TotalSeconds} s, merge gap {scores.MergeGap.TotalSeconds} s"
                : "intervals",
            planned.Sum(p => p.Result.Count),
            planned.Count,
            settings.ModelVersion);

        var summary = await new PredictionImporter(client, logger)
            .ImportAsync(project.Id, config.DataKey, settings.ModelVersion, planned, ct).ConfigureAwait(false);
        return new ImportResult(file.Kind, planned.Sum(p => p.Result.Count), planned.Count, summary);
    }
}
