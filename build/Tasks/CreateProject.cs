using Cake.Common.Diagnostics;
using Cake.Frosting;
using LabelPipeline.LabelStudio;

namespace Build.Tasks;

[TaskName(nameof(CreateProject))]
[TaskDescription("Generates the labeling config from the dataset and creates (or reuses) the project for the dataset version")]
[IsDependentOn(typeof(ConfigureCors))]
public sealed class CreateProject : AsyncFrostingTask<BuildContext>
{
    public override async Task RunAsync(BuildContext context)
    {
        var inspection = context.InspectDataset();
        var dataset = context.Dataset!;
        foreach (var warning in inspection.Warnings)
        {
            context.Warning(warning);
        }

        var schema = inspection.Schema;
        context.Information(
            "{0} files, {1} rows; time column '{2}' ({3}); {4} channels",
            dataset.Files.Count,
            inspection.Files.Sum(f => f.Rows),
            schema.TimeColumn,
            schema.TimeFormat?.Pattern ?? "numeric",
            schema.Channels.Count);

        var config = await context.GenerateLabelConfigAsync();
        var description = $"Time-series labels for dataset {dataset.Name} version {dataset.Version}, managed by LabelPipeline.";
        var (project, action) = await new LabelStudioProvisioner(context.LabelStudioClient, context.Logger)
            .EnsureProjectAsync(dataset.ProjectTitle, description, config, context.CancellationToken);
        context.Information("Project '{0}' (id {1}): {2}", project.Title, project.Id, action switch
        {
            Provisioned.Created => "created",
            Provisioned.Updated => "labeling config updated",
            _ => "reused, unchanged",
        });

        context.ProjectId = project.Id;
    }
}
