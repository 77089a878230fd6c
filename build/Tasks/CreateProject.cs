using Cake.Common.Diagnostics;
using Cake.Frosting;
using LabelPipeline.LabelStudio;

namespace Build.Tasks;

[TaskName(nameof(CreateProject))]
[TaskDescription("Generates the labeling config from the dataset and creates (or reuses) the project for the dataset version")]
[IsDependentOn(typeof(Prepare))] // first: bad data fails before Label Studio is started
[IsDependentOn(typeof(ConfigureCors))]
public sealed class CreateProject : AsyncFrostingTask<BuildContext>
{
    public override async Task RunAsync(BuildContext context)
    {
        var prepared = context.PrepareDataset();
        var dataset = prepared.Source;
        var schema = prepared.PreparedSchema;
        context.Information(
            "{0} files, {1} rows, {2} tasks; time column '{3}' ({4}); {5} channels",
            dataset.Files.Count,
            prepared.Manifest.Sources.Sum(s => s.Fixes.RowsRead),
            prepared.Prepared.Files.Count,
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
