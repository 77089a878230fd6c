using Cake.Common.Diagnostics;
using Cake.Frosting;

namespace Build.Tasks;

[TaskName(nameof(ImportPredictions))]
[TaskDescription("With --predictions: checks the model output (source file names and times) against the prepared dataset and labeling config, cuts regions to the window tasks showing them, attaches them to the tasks as predictions of --model-version (replacing that version's earlier ones) and shows them to annotators")]
[IsDependentOn(typeof(Sync))]
public sealed class ImportPredictions : AsyncFrostingTask<BuildContext>
{
    public override bool ShouldRun(BuildContext context)
    {
        if (context.Settings.PredictionStage is null)
        {
            context.Information("Skipping ImportPredictions: no --predictions file given.");
            return false;
        }

        return true;
    }

    public override async Task RunAsync(BuildContext context)
    {
        var services = context.Services;
        var imported = await new ImportPredictionsStage(services.LabelStudio(context.LabelStudio), services.Logger).RunAsync(
            BuildContext.Need(context.Project, nameof(CreateProject)),
            BuildContext.Need(context.Prepared, nameof(Prepare)),
            context.Settings.PredictionStage!,
            services.CancellationToken);
        context.Imported = imported;
        context.Information(
            "ImportPredictions: {0} tasks got a new prediction, {1} unchanged, {2} earlier predictions of '{3}' removed",
            imported.Summary.Created,
            imported.Summary.Unchanged,
            imported.Summary.Deleted,
            imported.Summary.ModelVersion);
        if (imported.Summary.ScoreTab is { } tab)
        {
            context.Information("Annotators who label from the Data Manager tab '{0}' (id {1}) see the highest-scored tasks first.", LabelPipeline.Predictions.ScoreTab.Title, tab);
        }
    }
}
