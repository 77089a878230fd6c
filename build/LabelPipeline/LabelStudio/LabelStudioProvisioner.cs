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
            var created = await CreateOnceAsync(
                $"project '{title}'",
                token => client.CreateProjectAsync(new ProjectRequest { Title = title, Description = description, LabelConfig = labelConfig }, token),
                async token => (await client.ListProjectsAsync(title, token).ConfigureAwait(false))
                    .Where(p => string.Equals(p.Title, title, StringComparison.Ordinal))
                    .MinBy(p => p.Id),
                ct).ConfigureAwait(false);
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
        var wanted = settings with { Project = projectId, Title = title };
        var storage = TitledOldest(await client.ListLocalFilesStoragesAsync(projectId, ct).ConfigureAwait(false), title, "local-files", projectId);
        if (storage is null)
        {
            var created = await CreateOnceAsync(
                $"local-files storage '{title}' on project {projectId}",
                token => client.CreateLocalFilesStorageAsync(wanted, token),
                async token => Titled(await client.ListLocalFilesStoragesAsync(projectId, token).ConfigureAwait(false), title).FirstOrDefault(),
                ct).ConfigureAwait(false);
            return (created, Provisioned.Created);
        }

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
        var storage = await StartSyncOnceAsync(
            $"storage {storageId}",
            token => client.SyncLocalFilesStorageAsync(storageId, token),
            token => client.GetLocalFilesStorageAsync(storageId, token),
            s => s.Status,
            ct).ConfigureAwait(false);
        return await WaitForSyncAsync(storage, $"storage {storageId}", $"storage {storageId}", deadline, timeout,
            token => client.GetLocalFilesStorageAsync(storageId, token), ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Polls a started sync (backing off from 200 ms to 2 s, a line every 5 s) until a terminal status; raises on
    /// failure with Label Studio's traceback, warns when it completed with errors.
    /// </summary>
    /// <param name="name">How the log names the storage, e.g. "S3 storage 7".</param>
    /// <param name="described">How a failure names it, e.g. with its bucket and prefix.</param>
    private async Task<T> WaitForSyncAsync<T>(
        T storage, string name, string described, DateTimeOffset deadline, TimeSpan timeout, Func<CancellationToken, Task<T>> get, CancellationToken ct)
        where T : ImportStorage
    {
        var delay = TimeSpan.FromMilliseconds(200);
        var lastReport = DateTimeOffset.UtcNow;
        while (!storage.IsTerminal)
        {
            if (DateTimeOffset.UtcNow > deadline)
            {
                throw new TimeoutException(
                    $"{Capitalised(name)} is still '{storage.Status}' after {timeout.TotalSeconds:0} s. Label Studio may be busy: run Sync again later, or raise --sync-timeout.");
            }

            if (DateTimeOffset.UtcNow - lastReport > TimeSpan.FromSeconds(5))
            {
                logger.LogInformation("{Storage} sync is {Status}...", Capitalised(name), storage.Status);
                lastReport = DateTimeOffset.UtcNow;
            }

            await Task.Delay(delay, ct).ConfigureAwait(false);
            delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 2000));
            storage = await get(ct).ConfigureAwait(false);
        }

        if (storage.Status == "failed")
        {
            throw new InvalidOperationException($"Label Studio failed to sync {described}:\n{storage.Traceback ?? "(no traceback)"}");
        }

        if (storage.Status == "completed_with_errors")
        {
            logger.LogWarning("{Storage} synced with errors:\n{Traceback}", Capitalised(name), storage.Traceback);
        }

        return storage;
    }

    /// <summary>The project's storages with this title, oldest first (the title is how a re-run finds its storage).</summary>
    private static T[] Titled<T>(IEnumerable<T> storages, string title) where T : ImportStorage =>
        storages.Where(s => string.Equals(s.Title, title, StringComparison.Ordinal)).OrderBy(s => s.Id).ToArray();

    /// <summary>The oldest storage with this title, or null; several (made by hand, or by an old version) get a warning.</summary>
    private T? TitledOldest<T>(IEnumerable<T> storages, string title, string kind, int projectId) where T : ImportStorage
    {
        var titled = Titled(storages, title);
        if (titled.Length > 1)
        {
            logger.LogWarning(
                "{Count} {Kind} storages are titled '{Title}' on project {Project} (ids {Ids}); using the oldest.",
                titled.Length,
                kind,
                title,
                projectId,
                string.Join(", ", titled.Select(s => s.Id)));
        }

        return titled.FirstOrDefault();
    }

    private static string Capitalised(string text) => text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..];

    /// <summary>Creations tried in all, when each failure leaves open whether the server created the thing.</summary>
    private const int MaxCreateAttempts = 4;

    /// <summary>
    /// Creates something Label Studio would happily duplicate, at most once. The client never repeats a creation by
    /// itself; when one fails ambiguously (5xx, timeout, connection lost: the server may have created it and the answer
    /// got lost), this looks it up by title and only creates again when it is not there.
    /// </summary>
    private async Task<T> CreateOnceAsync<T>(string what, Func<CancellationToken, Task<T>> create, Func<CancellationToken, Task<T?>> find, CancellationToken ct)
        where T : class
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await create(ct).ConfigureAwait(false);
            }
            catch (Exception e) when (LabelStudioResilience.IsAmbiguous(e))
            {
                logger.LogWarning("Creating {What} failed without a clear answer ({Reason}); checking whether Label Studio created it anyway.", what, e.Message);
                T? found;
                try
                {
                    found = await find(ct).ConfigureAwait(false);
                }
                catch (Exception recheck) when (LabelStudioResilience.IsAmbiguous(recheck))
                {
                    throw new LabelStudioUnreachableException(
                        $"Creating {what} failed ({e.Message}), and checking whether it exists failed too ({recheck.Message}). " +
                        "Run again when Label Studio answers: the next run finds it by title if it was created, so nothing is duplicated.",
                        recheck);
                }

                if (found is not null)
                {
                    logger.LogWarning("Label Studio did create {What}; its answer was lost on the way. Using it.", what);
                    return found;
                }

                if (attempt >= MaxCreateAttempts)
                {
                    throw;
                }

                logger.LogWarning("{What} does not exist; creating it again (attempt {Attempt} of {Attempts}).", what, attempt + 1, MaxCreateAttempts);
            }
        }
    }

    /// <summary>
    /// Starts a storage sync. After an ambiguous failure it reads the storage first: a sync still queued or running on
    /// the server is waited for, not raced by a second scan (two concurrent scans could import a file twice); one that
    /// is not running is started again, which Label Studio makes harmless (files already imported are skipped).
    /// </summary>
    private async Task<T> StartSyncOnceAsync<T>(
        string what, Func<CancellationToken, Task<T>> start, Func<CancellationToken, Task<T>> read, Func<T, string?> status, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await start(ct).ConfigureAwait(false);
            }
            catch (Exception e) when (LabelStudioResilience.IsAmbiguous(e) && attempt < MaxCreateAttempts)
            {
                var current = await read(ct).ConfigureAwait(false);
                if (status(current) is "queued" or "in_progress")
                {
                    logger.LogWarning("Starting the sync of {What} failed without a clear answer ({Reason}), but it is {Status}: waiting for it.", what, e.Message, status(current));
                    return current;
                }

                logger.LogWarning(
                    "Starting the sync of {What} failed without a clear answer ({Reason}); it is not running, so starting it again (attempt {Attempt} of {Attempts}).",
                    what,
                    e.Message,
                    attempt + 1,
                    MaxCreateAttempts);
            }
        }
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
