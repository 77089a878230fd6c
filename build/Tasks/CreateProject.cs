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
        var prepared = BuildContext.Need(context.Prepared, nameof(Prepare));
        var schema = prepared.TaskSchema;
        context.Information(
            "{0} files, {1} rows, {2} tasks; time column '{3}' ({4}); {5} channels",
            prepared.Source.Files.Count,
            prepared.Manifest.Sources.Sum(s => s.Fixes.RowsRead),
            prepared.TaskFiles.Files.Count,
            schema.TimeColumn,
            schema.TimeFormat?.Pattern ?? "numeric",
            schema.Channels.Count);

        var services = context.Services;
        var project = await new ProvisionProjectStage(services.LabelStudio(context.LabelStudio), services.Logger)
            .RunAsync(prepared, context.Settings.ProjectStage, services.CancellationToken);
        context.Project = project;
        context.Information("Project '{0}' (id {1}): {2}", project.Title, project.Id, project.Action switch
        {
            Provisioned.Created => "created",
            Provisioned.Updated => "labeling config updated",
            _ => "reused, unchanged",
        });
    }
}
