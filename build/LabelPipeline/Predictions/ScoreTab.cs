using LabelPipeline.LabelStudio;
using Microsoft.Extensions.Logging;
using Newtonsoft.Json.Linq;

namespace LabelPipeline.Predictions;

/// <summary>
/// The Data Manager tab that lists a project's tasks by prediction score, highest first, so annotators who label from
/// it see likely anomalies first. Found by title and made to order by score; created only when missing, so a re-run
/// never makes a second tab. Label Studio's <c>predictions_score</c> is the mean score of the task's predictions of the
/// project's <c>model_version</c> (data_manager/managers.py annotate_predictions_score), which ImportPredictions sets.
/// </summary>
public sealed class ScoreTab(LabelStudioClient client, ILogger logger)
{
    public const string Title = "Likely anomalies first";

    /// <summary>Label Studio's ordering key: the prediction score column, descending.</summary>
    public const string Ordering = "-tasks:predictions_score";

    /// <returns>The tab's id.</returns>
    public async Task<int> EnsureAsync(int projectId, CancellationToken ct)
    {
        var views = await client.ListViewsAsync(projectId, ct).ConfigureAwait(false);
        var mine = views.Where(v => v.Title == Title).OrderBy(v => v.Id).FirstOrDefault();
        if (mine is null)
        {
            var created = await client.CreateViewAsync(new DataManagerViewRequest { Project = projectId, Data = Data(null) }, ct).ConfigureAwait(false);
            logger.LogInformation("Project {Project}: Data Manager tab '{Title}' created (tasks by prediction score, highest first).", projectId, Title);
            return created.Id;
        }

        if (mine.Ordering.SequenceEqual([Ordering]))
        {
            return mine.Id;
        }

        // Someone re-sorted the tab in the UI: put the score order back, keeping its filters and columns.
        await client.UpdateViewAsync(mine.Id, new DataManagerViewRequest { Project = projectId, Data = Data(mine.Data) }, ct).ConfigureAwait(false);
        logger.LogInformation("Project {Project}: Data Manager tab '{Title}' orders by prediction score again.", projectId, Title);
        return mine.Id;
    }

    private static JObject Data(JObject? existing)
    {
        var data = existing is null ? [] : (JObject)existing.DeepClone();
        data["title"] = Title;
        data["ordering"] = new JArray(Ordering);
        return data;
    }
}
