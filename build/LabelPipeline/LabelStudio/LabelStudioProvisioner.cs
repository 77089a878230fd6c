using Microsoft.Extensions.Logging;

namespace LabelPipeline.LabelStudio;

/// <summary>What a provisioning call did, so a re-run can prove it created nothing.</summary>
public enum Provisioned
{
    Created,
    Reused,
    Updated,
}

/// <summary>
/// Creates the project and storage a dataset version needs, or finds the ones an earlier run made. Label Studio allows
/// duplicate project titles and storage titles, so de-duplication is ours: look up by exact title before creating.
/// </summary>
public sealed partial class LabelStudioProvisioner(LabelStudioClient client, ILogger logger)
{
    /// <summary>The project titled <paramref name="title"/>, created or with its config brought up to date.</summary>
    public async Task<(Project Project, Provisioned Action)> EnsureProjectAsync(string title, string description, string labelConfig, CancellationToken ct)
    {
        // The title filter is a case-insensitive substring match: keep only exact titles.
        var matches = (await client.ListProjectsAsync(title, ct).ConfigureAwait(false))
            .Where(p => string.Equals(p.Title, title, StringComparison.Ordinal))
            .OrderBy(p => p.Id)
            .ToArray();
        if (matches.Length == 0)
        {
            var created = await client.CreateProjectAsync(new ProjectRequest { Title = title, Description = description, LabelConfig = labelConfig }, ct).ConfigureAwait(false);
            return (created, Provisioned.Created);
        }

        if (matches.Length > 1)
        {
            logger.LogWarning(
                "{Count} projects are titled '{Title}' (ids {Ids}); using the oldest, {Id}. Delete the others in Label Studio to remove the ambiguity.",
                matches.Length,
                title,
                string.Join(", ", matches.Select(p => p.Id)),
                matches[0].Id);
        }

        var project = matches[0];
        if (project.LabelConfig.Length == 0)
        {
            // List responses may omit the config; read the project itself before comparing.
            project = await client.GetProjectAsync(project.Id, ct).ConfigureAwait(false);
        }

        if (NormalizeXml(project.LabelConfig) == NormalizeXml(labelConfig))
        {
            return (project, Provisioned.Reused);
        }

        var updated = await client.UpdateProjectAsync(project.Id, new ProjectRequest { LabelConfig = labelConfig }, ct).ConfigureAwait(false);
        return (updated, Provisioned.Updated);
    }

    /// <summary>The local-files import storage titled <paramref name="title"/> on the project, created or updated to <paramref name="settings"/>.</summary>
    public async Task<(LocalFilesStorage Storage, Provisioned Action)> EnsureLocalFilesStorageAsync(
        int projectId,
        string title,
        LocalFilesStorageRequest settings,
        CancellationToken ct)
    {
        var existing = (await client.ListLocalFilesStoragesAsync(projectId, ct).ConfigureAwait(false))
            .Where(s => string.Equals(s.Title, title, StringComparison.Ordinal))
            .OrderBy(s => s.Id)
            .ToArray();
        var wanted = settings with { Project = projectId, Title = title };
        if (existing.Length == 0)
        {
            return (await client.CreateLocalFilesStorageAsync(wanted, ct).ConfigureAwait(false), Provisioned.Created);
        }

        if (existing.Length > 1)
        {
            logger.LogWarning(
                "{Count} local-files storages are titled '{Title}' on project {Project} (ids {Ids}); using the oldest.",
                existing.Length,
                title,
                projectId,
                string.Join(", ", existing.Select(s => s.Id)));
        }

        var storage = existing[0];
        if (storage.Path == wanted.Path && storage.RegexFilter == wanted.RegexFilter && storage.UseBlobUrls == (wanted.UseBlobUrls ?? true)
            && (storage.RecursiveScan ?? false) == (wanted.RecursiveScan ?? false))
        {
            return (storage, Provisioned.Reused);
        }

        return (await client.UpdateLocalFilesStorageAsync(storage.Id, wanted, ct).ConfigureAwait(false), Provisioned.Updated);
    }

    /// <summary>
    /// Syncs the storage and waits for a terminal status: Label Studio OSS syncs inside the request, a server with a
    /// job queue answers "queued" at once. A failed sync raises with Label Studio's traceback.
    /// </summary>
    public async Task<LocalFilesStorage> SyncLocalFilesStorageAsync(int storageId, TimeSpan timeout, CancellationToken ct)
    {
        var deadline = DateTimeOffset.UtcNow + timeout;
        var storage = await client.SyncLocalFilesStorageAsync(storageId, ct).ConfigureAwait(false);
        var delay = TimeSpan.FromMilliseconds(200);
        var lastReport = DateTimeOffset.UtcNow;
        while (!storage.IsTerminal)
        {
            if (DateTimeOffset.UtcNow > deadline)
            {
                throw new TimeoutException(
                    $"Storage {storageId} is still '{storage.Status}' after {timeout.TotalSeconds:0} s. Label Studio may be busy: run Sync again later, or raise --sync-timeout.");
            }

            if (DateTimeOffset.UtcNow - lastReport > TimeSpan.FromSeconds(5))
            {
                logger.LogInformation("Storage {Id} sync is {Status}...", storageId, storage.Status);
                lastReport = DateTimeOffset.UtcNow;
            }

            await Task.Delay(delay, ct).ConfigureAwait(false);
            delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 2000));
            storage = await client.GetLocalFilesStorageAsync(storageId, ct).ConfigureAwait(false);
        }

        if (storage.Status == "failed")
        {
            throw new InvalidOperationException($"Label Studio failed to sync storage {storageId}:\n{storage.Traceback ?? "(no traceback)"}");
        }

        if (storage.Status == "completed_with_errors")
        {
            logger.LogWarning("Storage {Id} synced with errors:\n{Traceback}", storageId, storage.Traceback);
        }

        return storage;
    }

    private static string NormalizeXml(string xml)
    {
        try
        {
            return System.Xml.Linq.XElement.Parse(xml).ToString(System.Xml.Linq.SaveOptions.DisableFormatting);
        }
        catch (System.Xml.XmlException)
        {
            return xml;
        }
    }
}
