using LabelPipeline.Datasets;
using LabelPipeline.Prepare;
using Microsoft.Extensions.Logging;

namespace LabelPipeline.Stages;

/// <summary>Stage 1: the dataset version's source CSVs → task files the editor renders, and the manifest mapping them back.</summary>
public sealed class PrepareDatasetStage(ILogger logger)
{
    /// <summary>Cheap when nothing changed: unchanged sources are recognised by sha256 and no task file is rewritten.</summary>
    public PreparedDataset Run(DatasetSettings settings, CancellationToken ct)
    {
        var source = Dataset.Open(settings.Name, settings.Version, settings.DatasetDirectory);
        return DatasetPreparer.Run(source, settings.Prepare, settings.TaskFilesDirectory, ct, progress: new PrepareProgress(logger, TimeSpan.FromSeconds(5)));
    }
}
