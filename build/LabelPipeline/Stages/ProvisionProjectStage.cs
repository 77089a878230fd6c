using LabelPipeline.LabelConfig;
using LabelPipeline.LabelStudio;
using LabelPipeline.Prepare;
using Microsoft.Extensions.Logging;

namespace LabelPipeline.Stages;

/// <summary>Stage 2: the labeling config generated from the task files' schema, and the project with it (reused by title).</summary>
public sealed class ProvisionProjectStage(LabelStudioClient client, ILogger logger)
{
    public async Task<ProjectRef> RunAsync(PreparedDataset dataset, ProjectSettings settings, CancellationToken ct)
    {
        var config = await GenerateLabelConfigAsync(dataset, settings, ct).ConfigureAwait(false);
        var description = $"Time-series labels for dataset {dataset.Source.Name} version {dataset.Source.Version}, managed by LabelPipeline.";
        var (project, action) = await new LabelStudioProvisioner(client, logger)
            .EnsureProjectAsync(dataset.Source.ProjectTitle, description, config, ct).ConfigureAwait(false);
        return new ProjectRef(project.Id, project.Title, action);
    }

    /// <summary>The labeling config for the dataset, from the template (also what ConvertExport assumes when given none).</summary>
    public static async Task<string> GenerateLabelConfigAsync(PreparedDataset dataset, ProjectSettings settings, CancellationToken ct)
    {
        var template = await File.ReadAllTextAsync(settings.LabelConfigTemplate, ct).ConfigureAwait(false);
        return LabelConfigGenerator.Generate(template, dataset.TaskSchema, settings.Labels);
    }
}
