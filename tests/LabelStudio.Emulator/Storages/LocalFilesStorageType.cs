using System.Text.Json.Nodes;
using LabelStudio.Emulator.Hosting;

namespace LabelStudio.Emulator.Storages;

/// <summary>
/// Local files import storage (io_storages/localfiles, CONTRACT §4.3): a folder that must be a strict child of
/// LOCAL_FILES_DOCUMENT_ROOT, scanned by file name, whose files become <c>{host}/data/local-files/?d=&lt;relative path&gt;</c> URLs.
/// </summary>
internal sealed class LocalFilesStorageType(EmulatorOptions options) : IImportStorageType
{
    public string Type => "localfiles";

    public IReadOnlyList<string> Fields { get; } = ["path"];

    public IReadOnlyList<string> SecureFields { get; } = [];

    public void ReadFields(RequestFields fields, JsonObject typeFields)
    {
        var path = fields.String("path");
        if (path.HasValue)
        {
            typeFields["path"] = path.Value;
        }
    }

    public Task ValidateConnectionAsync(StorageSnapshot storage, CancellationToken ct)
    {
        var path = storage.Field("path") ?? string.Empty;
        var root = options.EffectiveDocumentRoot;
        if (!Directory.Exists(path) && !File.Exists(path))
        {
            throw ApiException.NonField($"Path {path} does not exist");
        }

        if (!PythonPaths.IsStrictChild(path, root))
        {
            var example = PythonPaths.Normalize(root) == "/" ? "/abc" : PythonPaths.Normalize(root) + "/abc";
            throw ApiException.NonField($"Path {path} must start with LOCAL_FILES_DOCUMENT_ROOT={root} and must be a child, e.g.: {example}");
        }

        if (!options.EffectiveLocalFilesServingEnabled)
        {
            throw ApiException.NonField(
                "Serving local files can be dangerous, so it's disabled by default. You can enable it with LOCAL_FILES_SERVING_ENABLED "
                + "environment variable, please check docs: https://labelstud.io/guide/storage.html#Local-storage");
        }

        return Task.CompletedTask;
    }

    /// <summary><c>path.glob('*')</c> (or rglob), files only, sorted by base name; regex_filter matched against the name alone.</summary>
    public Task<IReadOnlyList<string>> ListKeysAsync(StorageSnapshot storage, CancellationToken ct)
    {
        var folder = PythonPaths.Normalize(storage.Field("path") ?? string.Empty);
        var regex = string.IsNullOrEmpty(storage.RegexFilter) ? null : new PythonRegex(storage.RegexFilter);
        var option = storage.RecursiveScan ? SearchOption.AllDirectories : SearchOption.TopDirectoryOnly;
        IReadOnlyList<string> keys = Directory.EnumerateFiles(folder, "*", option)
            .Select(file => folder + "/" + Path.GetRelativePath(folder, file).Replace(Path.DirectorySeparatorChar, '/'))
            .Where(file => regex is null || regex.Match(Path.GetFileName(file)))
            .OrderBy(Path.GetFileName, StringComparer.Ordinal)
            .ThenBy(file => file, StringComparer.Ordinal)
            .ToList();
        return Task.FromResult(keys);
    }

    public JsonObject BlobTaskData(StorageSnapshot storage, string key)
    {
        var relative = PythonPaths.RelativeTo(key, options.EffectiveDocumentRoot);
        return new JsonObject { [TaskDataKeys.Undefined] = $"{options.Host.TrimEnd('/')}/data/local-files/?d={PythonPaths.Quote(relative)}" };
    }

    public Task<byte[]> ReadObjectAsync(StorageSnapshot storage, string key, CancellationToken ct) => File.ReadAllBytesAsync(key, ct);

    // Local-files URLs are served by Label Studio itself: resolve_uri leaves them alone.
    public string? ResolveUri(StorageSnapshot storage, int taskId, string value) => null;
}

/// <summary>settings.DATA_UNDEFINED_NAME.</summary>
internal static class TaskDataKeys
{
    public const string Undefined = "$undefined$";
}
