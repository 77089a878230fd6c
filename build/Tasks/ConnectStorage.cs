using Cake.Common.Diagnostics;
using Cake.Frosting;

namespace Build.Tasks;

[TaskName(nameof(ConnectStorage))]
[TaskDescription("Connects the dataset (local folder or S3 prefix) to the project as Label Studio import storage (reused by title)")]
[IsDependentOn(typeof(CreateProject))]
[IsDependentOn(typeof(Upload))]
public sealed class ConnectStorage : AsyncFrostingTask<BuildContext>
{
    public override async Task RunAsync(BuildContext context)
    {
        var services = context.Services;
        var project = BuildContext.Need(context.Project, nameof(CreateProject));
        var stage = new ConnectStorageStage(services.LabelStudio(context.LabelStudio), services.Logger);
        var storage = context.Settings.Storage == StorageKind.S3
            ? await stage.ConnectS3Async(project, context.S3.StorageStage(context.Settings), services.Aws, services.CancellationToken)
            : await stage.ConnectLocalAsync(project, context.Settings.LocalStorageStage, services.CancellationToken);
        context.Storage = storage;
        context.Information(
            "{0} storage '{1}' (id {2}) over {3}: {4}",
            storage.Kind == StorageKind.S3 ? "S3" : "Local-files",
            storage.Title,
            storage.Id,
            storage.Location,
            storage.Action.ToString().ToLowerInvariant());
    }
}
