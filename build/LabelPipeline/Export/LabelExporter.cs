using LabelPipeline.LabelConfig;
using LabelPipeline.LabelStudio;
using Microsoft.Extensions.Logging;

namespace LabelPipeline.Export;

/// <summary>What an export wrote.</summary>
public sealed record ExportSummary(string LabelsFile, int Tasks, int Annotations, int Ranges, int Rows);

/// <summary>Fetches every annotation of a project and writes the Lookout/SiteWise labels file.</summary>
public sealed class LabelExporter(LabelStudioClient client, ILogger logger)
{
    public async Task<ExportSummary> ExportAsync(int projectId, string outputDirectory, IReadOnlySet<string> anomalyLabels, CancellationToken ct)
    {
        // The config is read from the project, not regenerated: annotators may have changed it in the UI.
        var project = await client.GetProjectAsync(projectId, ct).ConfigureAwait(false);
        var config = LabelConfigValidator.Read(project.LabelConfig);
        var unknown = anomalyLabels.Where(l => !config.Labels.Contains(l)).ToArray();
        if (unknown.Length > 0)
        {
            throw new ExportException(
                $"--anomaly-labels names {string.Join(", ", unknown)}, which project {projectId} does not define (its labels: {string.Join(", ", config.Labels)}).");
        }

        var ranges = new List<LabeledRange>();
        var tasks = 0;
        var annotations = 0;
        await foreach (var task in client.ListTasksAsync(projectId, withAnnotations: true, ct).ConfigureAwait(false))
        {
            tasks++;
            annotations += task.Annotations.Count(a => !a.WasCancelled);
            ranges.AddRange(RangeExtractor.Extract(task, config));
        }

        var merged = LookoutLabels.Merge(ranges, anomalyLabels);
        var path = Path.Combine(outputDirectory, LookoutLabels.FileName);
        await AtomicFile.WriteAllTextAsync(path, LookoutLabels.Render(merged), ct).ConfigureAwait(false);
        if (annotations == 0)
        {
            logger.LogWarning("Project {Project} has no annotations yet: wrote an empty {File}. Label the tasks in Label Studio, then run Export again.", projectId, path);
        }

        if (config.TimeFormat is null && merged.Count > 0)
        {
            logger.LogWarning("The project's time axis is numeric (no timeFormat), so {File} holds numbers, not UTC timestamps.", path);
        }

        return new ExportSummary(path, tasks, annotations, ranges.Count, merged.Count);
    }
}
