using Cake.Common.Diagnostics;
using Cake.Frosting;
using LabelPipeline.Datasets;
using LabelPipeline.LabelStudio;

namespace Build.Tasks;

[TaskName(nameof(ConnectStorage))]
[TaskDescription("Connects the dataset folder to the project as Label Studio import storage (reused by title)")]
[IsDependentOn(typeof(CreateProject))]
public sealed class ConnectStorage : AsyncFrostingTask<BuildContext>
{
    public override async Task RunAsync(BuildContext context)
    {
        var settings = context.Settings;
        var projectId = context.RequireProjectId();

        // Label Studio sees the datasets folder at --local-files-root (Deploy mounts it there read-only).
        var serverPath = $"{settings.LocalFilesRoot}/{settings.Dataset}/{settings.DatasetVersion}";
        var title = $"{settings.Dataset} {settings.DatasetVersion} (local files)";
        var (storage, action) = await new LabelStudioProvisioner(context.LabelStudioClient, context.Logger).EnsureLocalFilesStorageAsync(
            projectId,
            title,
            new LocalFilesStorageRequest { Path = serverPath, RegexFilter = Dataset.CsvRegex, UseBlobUrls = true, RecursiveScan = false },
            context.CancellationToken);
        context.Information("Local-files storage '{0}' (id {1}) over {2}: {3}", title, storage.Id, serverPath, action.ToString().ToLowerInvariant());
        context.StorageId = storage.Id;
    }
}
