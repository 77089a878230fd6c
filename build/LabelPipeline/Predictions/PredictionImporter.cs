using System.Globalization;
using LabelPipeline.Datasets;
using LabelPipeline.LabelStudio;
using LabelPipeline.TimeSeries;
using Microsoft.Extensions.Logging;
using Newtonsoft.Json.Linq;

namespace LabelPipeline.Predictions;

/// <summary>What an import did, per task.</summary>
/// <param name="Created">Tasks that got a new prediction of the model version (first time, or replacing a changed one).</param>
/// <param name="Unchanged">Tasks whose prediction of the model version was already exactly this: left alone.</param>
/// <param name="Deleted">Earlier predictions of the model version removed (replaced, or the new output has nothing for the task).</param>
/// <param name="Regions">Regions in the model output.</param>
/// <param name="ScoreTab">The Data Manager tab ordering tasks by prediction score (<see cref="Predictions.ScoreTab"/>); null when nothing was imported.</param>
public sealed record PredictionImportSummary(string ModelVersion, int Created, int Unchanged, int Deleted, int Regions, bool ProjectUpdated, int? ScoreTab = null);

/// <summary>
/// Attaches planned predictions to a project's tasks (matched by task file name: a window or overview Prepare made), replacing earlier predictions of
/// the same model version, and makes the project show that model version to annotators. Idempotent: a re-run with the
/// same output changes nothing. Every task is matched before anything is sent, so an unknown series fails cleanly.
/// </summary>
public sealed class PredictionImporter(LabelStudioClient client, ILogger logger)
{
    public async Task<PredictionImportSummary> ImportAsync(
        int projectId, string dataKey, string modelVersion, IReadOnlyList<SeriesPrediction> predictions, CancellationToken ct)
    {
        var tasks = new Dictionary<string, int>(StringComparer.Ordinal);
        await foreach (var task in client.ListTasksAsync(projectId, withAnnotations: false, ct).ConfigureAwait(false))
        {
            var series = SeriesNames.FromUrl(task.Data[dataKey]?.ToString() ?? task.StorageFilename ?? string.Empty);
            tasks.TryAdd(series, task.Id);
        }

        var missing = predictions.Where(p => !tasks.ContainsKey(p.Series)).Select(p => p.Series).ToList();
        if (missing.Count > 0)
        {
            throw new PredictionException(
                $"Project {projectId} has no task for {string.Join(", ", missing)}: run Sync first (the default target runs it), or check --dataset-version.");
        }

        var existing = (await client.ListPredictionsAsync(projectId, ct).ConfigureAwait(false))
            .Where(p => p.ModelVersion == modelVersion)
            .ToLookup(p => p.Task);
        var wanted = predictions.ToDictionary(p => tasks[p.Series]);
        var toDelete = new List<Prediction>();
        var toCreate = new List<PredictionRequest>();
        var unchanged = 0;
        foreach (var taskId in tasks.Values.Order())
        {
            var old = existing[taskId].ToList();
            if (!wanted.TryGetValue(taskId, out var prediction))
            {
                toDelete.AddRange(old); // this model version now flags nothing here
                continue;
            }

            if (old.Count == 1 && JToken.DeepEquals(Numbers(old[0].Result), Numbers(prediction.Result)) && Nullable.Equals(old[0].Score, prediction.Score))
            {
                unchanged++;
                continue;
            }

            toDelete.AddRange(old);
            toCreate.Add(new PredictionRequest { Task = taskId, Result = prediction.Result, Score = prediction.Score, ModelVersion = modelVersion });
        }

        // Old ones first, so a failure in between leaves fewer predictions rather than two of one version; a re-run completes it.
        foreach (var prediction in toDelete)
        {
            await client.DeletePredictionAsync(prediction.Id, ct).ConfigureAwait(false);
        }

        var created = toCreate.Count == 0 ? 0 : await client.ImportPredictionsAsync(projectId, toCreate, ct).ConfigureAwait(false);
        if (created != toCreate.Count)
        {
            throw new PredictionException($"Label Studio created {created} of {toCreate.Count} predictions for project {projectId}; run ImportPredictions again.");
        }

        var project = await client.GetProjectAsync(projectId, ct).ConfigureAwait(false);
        var updated = false;
        if (predictions.Count > 0 && (project.ModelVersion != modelVersion || project.ShowCollabPredictions != true))
        {
            await client.UpdateProjectAsync(projectId, new ProjectRequest { ShowCollabPredictions = true, ModelVersion = modelVersion }, ct).ConfigureAwait(false);
            updated = true;
            logger.LogInformation("Project {Project} now shows predictions of model version '{Version}' to annotators.", projectId, modelVersion);
        }

        int? tab = predictions.Count > 0 ? await new ScoreTab(client, logger).EnsureAsync(projectId, ct).ConfigureAwait(false) : null;
        return new PredictionImportSummary(modelVersion, created, unchanged, toDelete.Count, predictions.Sum(p => p.Result.Count), updated, tab);
    }

    /// <summary>A copy with every number as a double: 1 and 1.0 are the same value, whichever way a server writes it back.</summary>
    private static JToken Numbers(JToken token) => token switch
    {
        JValue { Type: JTokenType.Integer or JTokenType.Float } number => new JValue(Convert.ToDouble(number.Value, CultureInfo.InvariantCulture)),
        JArray array => new JArray(array.Select(Numbers)),
        JObject json => new JObject(json.Properties().Select(p => new JProperty(p.Name, Numbers(p.Value)))),
        _ => token,
    };

    /// <summary>Each series' first and last timestamp, read with the dataset's time format (numbers on a numeric axis).</summary>
    public static IReadOnlyDictionary<string, SeriesExtent> Extents(DatasetInspection inspection)
    {
        var format = inspection.Schema.TimeFormat;
        RangeBound Parse(string text, string file) => format is not null
            ? format.TryParse(text, out var time) ? RangeBound.At(time) : throw new PredictionException($"{file}: time '{text}' does not match {format.Pattern}.")
            : RangeBound.At(double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture));
        return inspection.Files.ToDictionary(
            f => Path.GetFileName(f.Path),
            f => new SeriesExtent(Parse(f.FirstTime, f.Path), Parse(f.LastTime, f.Path)),
            StringComparer.Ordinal);
    }
}
