using LabelPipeline.LabelStudio;
using Microsoft.Extensions.Logging;

namespace LabelPipeline.Export;

/// <summary>
/// Fetches a project's annotations from Label Studio — a snapshot export (create, poll, download), or the direct
/// export where snapshots are unavailable — streams them to disk, and builds the label snapshot from that file.
/// </summary>
public sealed class LabelExporter(LabelStudioClient client, ILogger logger)
{
    /// <summary>The title of the snapshots this pipeline creates.</summary>
    public const string SnapshotTitle = "LabelPipeline";

    public async Task<SnapshotSummary> ExportAsync(int projectId, SnapshotRules rules, string snapshotDirectory, TimeSpan timeout, CancellationToken ct)
    {
        // The config is read from the project, not regenerated: it may have been changed in the UI.
        var project = await client.GetProjectAsync(projectId, ct).ConfigureAwait(false);
        var version = await client.GetVersionAsync(ct).ConfigureAwait(false);
        var unknown = rules.AnomalyLabels.Where(l => !LabelConfig.LabelConfigValidator.Read(project.LabelConfig).Labels.Contains(l)).ToArray();
        if (unknown.Length > 0)
        {
            throw new ExportException($"--anomaly-labels names {string.Join(", ", unknown)}, which project {projectId} does not define.");
        }

        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(snapshotDirectory))!);
        var download = SnapshotBuilder.ExportDownloadPath(snapshotDirectory);
        try
        {
            var (exportId, method) = await DownloadAsync(projectId, download, timeout, ct).ConfigureAwait(false);
            var summary = SnapshotBuilder.Build(
                download,
                new SnapshotOptions(rules, project.LabelConfig, new SnapshotSource("label-studio", version.Release, projectId, exportId, method))
                {
                    Progress = new SnapshotProgress(logger, TimeSpan.FromSeconds(5)).Report,
                },
                snapshotDirectory,
                ct);
            if (summary.Annotations == 0)
            {
                logger.LogWarning(
                    "Project {Project} has no annotations yet: the snapshot's labels are empty. Label the tasks in Label Studio, then run Export again.",
                    projectId);
            }

            return summary;
        }
        finally
        {
            File.Delete(download);
        }
    }

    private async Task<(int? ExportId, string Method)> DownloadAsync(int projectId, string path, TimeSpan timeout, CancellationToken ct)
    {
        ExportSnapshot snapshot;
        try
        {
            snapshot = await client.CreateExportSnapshotAsync(projectId, new ExportSnapshotRequest
            {
                Title = SnapshotTitle,

                // Predictions as objects, not ids, so the snapshot can tell confirmed from adjusted and rejected regions.
                SerializationOptions = new Newtonsoft.Json.Linq.JObject { ["predictions"] = new Newtonsoft.Json.Linq.JObject { ["only_id"] = false } },
            }, ct).ConfigureAwait(false);
        }
        catch (LabelStudioApiException e) when ((int)e.StatusCode is 404 or 405 or 501)
        {
            logger.LogInformation("Snapshot exports are not available ({Status}); using the direct export.", (int)e.StatusCode);
            await DownloadToFileAsync(path, s => client.DownloadDirectExportAsync(projectId, s, ct)).ConfigureAwait(false);
            return (null, "direct");
        }

        var deadline = DateTimeOffset.UtcNow + timeout;
        var delay = TimeSpan.FromMilliseconds(200);
        while (!snapshot.IsTerminal)
        {
            if (DateTimeOffset.UtcNow > deadline)
            {
                throw new TimeoutException($"Export snapshot {snapshot.Id} of project {projectId} is still '{snapshot.Status}' after {timeout.TotalSeconds:0} s; run Export again later or raise --sync-timeout.");
            }

            logger.LogInformation("Export snapshot {Id} is {Status}...", snapshot.Id, snapshot.Status);
            await Task.Delay(delay, ct).ConfigureAwait(false);
            delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 5000));
            snapshot = await client.GetExportSnapshotAsync(projectId, snapshot.Id, ct).ConfigureAwait(false);
        }

        if (snapshot.Status == "failed")
        {
            logger.LogWarning("Export snapshot {Id} failed in Label Studio; using the direct export.", snapshot.Id);
            await DownloadToFileAsync(path, s => client.DownloadDirectExportAsync(projectId, s, ct)).ConfigureAwait(false);
            return (null, "direct");
        }

        // Unchanged annotations give the same content (md5): keep the earlier snapshot's id and drop the new copy, so a
        // re-run with nothing new produces the same manifest, byte for byte, and does not pile up snapshots.
        var earlier = (await client.ListExportSnapshotsAsync(projectId, ct).ConfigureAwait(false))
            .Where(e => e.Id != snapshot.Id && e.Title == SnapshotTitle && e.Status == "completed" && e.Md5 is not null && e.Md5 == snapshot.Md5)
            .MinBy(e => e.Id);
        if (earlier is not null)
        {
            await client.DeleteExportSnapshotAsync(projectId, snapshot.Id, ct).ConfigureAwait(false);
            logger.LogInformation("Annotations unchanged since export snapshot {Id}; reusing it.", earlier.Id);
            snapshot = earlier;
        }

        await DownloadToFileAsync(path, s => client.DownloadExportSnapshotAsync(projectId, snapshot.Id, s, ct)).ConfigureAwait(false);
        return (snapshot.Id, "snapshot");
    }

    private static async Task DownloadToFileAsync(string path, Func<Stream, Task> download)
    {
        await using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true);
        await download(file).ConfigureAwait(false);
    }
}
