using System.Net;
using System.Text.Json.Nodes;
using LabelStudio.Emulator.Contract;
using LabelStudio.Emulator.Tests.Support;
using Xunit;

namespace LabelStudio.Emulator.Tests;

/// <summary>Local files import storage and serving (CONTRACT §4.1, §4.3).</summary>
public sealed class LocalFilesStorageTests
{
    [Fact]
    public async Task Create_does_not_sync_and_sync_makes_one_task_per_file_sorted_by_name()
    {
        await using var ls = await EmulatorHarness.StartAsync();
        var folder = Path.Combine(ls.DocumentRoot, "series");
        ls.WriteFile("series/b.csv");
        ls.WriteFile("series/a.csv");
        ls.WriteFile("series/notes.txt", "not a series");
        ls.WriteFile("series/nested/c.csv");
        var project = await ls.CreateProjectAsync();

        var created = await ls.PostAsync("/api/storages/localfiles/", Storage(project, folder, @".*\.csv"));
        Assert.Equal(HttpStatusCode.Created, created.Status);
        Assert.Equal("localfiles", created.Json["type"]!.GetValue<string>());
        Assert.Equal("initialized", created.Json["status"]!.GetValue<string>());
        Assert.Equal(0, ls.Server.Inspect.TaskCount(project));
        var id = created.Json["id"]!.GetValue<int>();

        var synced = await ls.PostAsync($"/api/storages/localfiles/{id}/sync");
        Assert.Equal(HttpStatusCode.OK, synced.Status);
        Assert.Equal("completed", synced.Json["status"]!.GetValue<string>());
        Assert.Equal(2, synced.Json["last_sync_count"]!.GetValue<int>());
        Assert.Equal(0, synced.Json["meta"]!["tasks_existed"]!.GetValue<int>());
        Assert.NotNull(synced.Json["last_sync"]);

        var tasks = (await ls.GetAsync($"/api/tasks?project={project}")).Json["tasks"]!.AsArray();
        Assert.Equal(["/data/local-files/?d=series/a.csv", "/data/local-files/?d=series/b.csv"], tasks.Select(t => t!["data"]!["csv"]!.GetValue<string>()));
        Assert.Equal(Path.Combine(folder, "a.csv"), tasks[0]!["storage_filename"]!.GetValue<string>());

        // In the database the data is literally {"$undefined$": …}; every serialization renames it to the config's $csv.
        Assert.Equal("{\"$undefined$\":\"/data/local-files/?d=series/a.csv\"}", ls.Server.Inspect.StoredTaskData(tasks[0]!["id"]!.GetValue<int>()));

        var list = await ls.GetAsync($"/api/storages/localfiles?project={project}");
        Assert.Single(list.Json.AsArray());
        ls.AssertNoContractViolations();
    }

    [Fact]
    public async Task Resync_is_idempotent_per_file_and_counts_only_new_tasks()
    {
        await using var ls = await EmulatorHarness.StartAsync();
        ls.WriteFile("s/a.csv");
        ls.WriteFile("s/b.csv");
        var project = await ls.CreateProjectAsync();
        var id = await CreateStorageAsync(ls, project, Path.Combine(ls.DocumentRoot, "s"), @".*\.csv");
        await ls.PostAsync($"/api/storages/localfiles/{id}/sync");

        var again = await ls.PostAsync($"/api/storages/localfiles/{id}/sync");
        Assert.Equal(0, again.Json["last_sync_count"]!.GetValue<int>());
        Assert.Equal(2, again.Json["meta"]!["tasks_existed"]!.GetValue<int>());
        Assert.Equal(2, ls.Server.Inspect.TaskCount(project));

        // A deleted task is not re-created: its key stays linked. A new file is.
        var firstTask = (await ls.GetAsync($"/api/tasks?project={project}")).Json["tasks"]![0]!["id"]!.GetValue<int>();
        Assert.Equal(HttpStatusCode.NoContent, (await ls.DeleteAsync($"/api/tasks/{firstTask}/")).Status);
        ls.WriteFile("s/c.csv");
        var third = await ls.PostAsync($"/api/storages/localfiles/{id}/sync/");
        Assert.Equal(1, third.Json["last_sync_count"]!.GetValue<int>());
        Assert.Equal(2, third.Json["meta"]!["tasks_existed"]!.GetValue<int>());
        Assert.Equal(2, ls.Server.Inspect.TaskCount(project));
        ls.AssertNoContractViolations();
    }

    [Theory]
    [InlineData(@".*\.csv", new[] { "a.csv", "a.csv.bak", "ba.csv" })] // re.match: anchored at the start, not at the end
    [InlineData(@"\.csv$", new string[0])]                                // cannot match: names do not start with '.'
    [InlineData("a", new[] { "a.csv", "a.csv.bak" })]                     // a prefix, not a substring
    [InlineData(@"(?P<day>a)\.csv", new[] { "a.csv", "a.csv.bak" })]        // Python's named groups
    [InlineData("", new[] { "a.csv", "a.csv.bak", "ba.csv", "readme.md" })] // empty: no filter
    public async Task Regex_filter_is_python_re_match_on_the_file_name(string regex, string[] expected)
    {
        await using var ls = await EmulatorHarness.StartAsync();
        foreach (var name in new[] { "a.csv", "ba.csv", "a.csv.bak", "readme.md" })
        {
            ls.WriteFile("r/" + name);
        }

        var project = await ls.CreateProjectAsync();
        var id = await CreateStorageAsync(ls, project, Path.Combine(ls.DocumentRoot, "r"), regex);
        await ls.PostAsync($"/api/storages/localfiles/{id}/sync");

        var tasks = (await ls.GetAsync($"/api/tasks?project={project}")).Json["tasks"]!.AsArray();
        Assert.Equal(expected, tasks.Select(t => Path.GetFileName(t!["storage_filename"]!.GetValue<string>())));
        ls.AssertNoContractViolations();
    }

    [Fact]
    public async Task Recursive_scan_includes_subfolders()
    {
        await using var ls = await EmulatorHarness.StartAsync();
        ls.WriteFile("deep/top.csv");
        ls.WriteFile("deep/sub/inner.csv");
        var project = await ls.CreateProjectAsync();
        var body = Storage(project, Path.Combine(ls.DocumentRoot, "deep"), @".*\.csv");
        body["recursive_scan"] = true;
        var id = (await ls.PostAsync("/api/storages/localfiles", body)).Json["id"]!.GetValue<int>();

        var synced = await ls.PostAsync($"/api/storages/localfiles/{id}/sync");

        Assert.Equal(2, synced.Json["last_sync_count"]!.GetValue<int>());
        var urls = (await ls.GetAsync($"/api/tasks?project={project}")).Json["tasks"]!.AsArray().Select(t => t!["data"]!["csv"]!.GetValue<string>());
        Assert.Equal(["/data/local-files/?d=deep/sub/inner.csv", "/data/local-files/?d=deep/top.csv"], urls);
        ls.AssertNoContractViolations();
    }

    [Fact]
    public async Task Create_validates_existence_the_strict_child_rule_and_serving()
    {
        await using var ls = await EmulatorHarness.StartAsync();
        var project = await ls.CreateProjectAsync();
        var outside = Directory.CreateTempSubdirectory("ls-outside-").FullName;
        try
        {
            await AssertRejectedAsync(ls, Storage(project, Path.Combine(ls.DocumentRoot, "missing"), null), "does not exist");
            await AssertRejectedAsync(ls, Storage(project, ls.DocumentRoot, null), $"must start with LOCAL_FILES_DOCUMENT_ROOT={ls.DocumentRoot} and must be a child");
            await AssertRejectedAsync(ls, Storage(project, outside, null), "must be a child, e.g.: " + ls.DocumentRoot + "/abc");
            var missingProject = await ls.PostAsync("/api/storages/localfiles/", new JsonObject { ["path"] = ls.DocumentRoot });
            Assert.Equal("This field is required.", missingProject.Json["validation_errors"]!["project"]![0]!.GetValue<string>());
        }
        finally
        {
            Directory.Delete(outside);
        }

        Directory.CreateDirectory(Path.Combine(ls.DocumentRoot, "ok"));
        Assert.Equal(HttpStatusCode.OK, (await ls.PostAsync("/api/storages/localfiles/validate", Storage(project, Path.Combine(ls.DocumentRoot, "ok"), null))).Status);
        Assert.Equal(0, ls.Server.Inspect.StorageCount());
        ls.AssertNoContractViolations();
    }

    [Fact]
    public async Task Serving_disabled_rejects_storages_and_files()
    {
        await using var ls = await EmulatorHarness.StartAsync(o => o with { LocalFilesServingEnabled = false });
        ls.WriteFile("x/a.csv");
        var project = await ls.CreateProjectAsync();

        await AssertRejectedAsync(ls, Storage(project, Path.Combine(ls.DocumentRoot, "x"), null), "Serving local files can be dangerous");
        Assert.Equal(HttpStatusCode.Forbidden, (await ls.GetAsync("/data/local-files/?d=x/a.csv")).Status);
        ls.AssertNoContractViolations();
    }

    [Fact]
    public async Task List_requires_the_project_parameter()
    {
        await using var ls = await EmulatorHarness.StartAsync();

        var reply = await ls.GetAsync("/api/storages/localfiles/");

        Assert.Equal(HttpStatusCode.BadRequest, reply.Status);
        Assert.Equal("query parameter \"project\" is required", reply.Json["validation_errors"]!["non_field_errors"]![0]!.GetValue<string>());

        // The request itself breaks the spec (project is a required query parameter): the validator says so.
        ls.AssertOnlyContractViolations(v => v.Direction == ContractDirection.Request && v.Message.Contains("'project'", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Served_files_need_auth_and_a_storage_covering_them()
    {
        await using var ls = await EmulatorHarness.StartAsync();
        ls.WriteFile("served/a b.csv", "timestamp,value\n0,42\n");
        ls.WriteFile("other/secret.csv");
        var project = await ls.CreateProjectAsync();
        var id = await CreateStorageAsync(ls, project, Path.Combine(ls.DocumentRoot, "served"), null);
        await ls.PostAsync($"/api/storages/localfiles/{id}/sync");
        var url = (await ls.GetAsync($"/api/tasks?project={project}")).Json["tasks"]![0]!["data"]!["csv"]!.GetValue<string>();
        Assert.Equal("/data/local-files/?d=served/a%20b.csv", url);

        var file = await ls.GetAsync(url);
        Assert.Equal(HttpStatusCode.OK, file.Status);
        Assert.Equal("timestamp,value\n0,42\n", file.Text);
        Assert.Equal(HttpStatusCode.NotFound, (await ls.GetAsync("/data/local-files/?d=other/secret.csv")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await ls.GetAsync("/data/local-files/?d=served/missing.csv")).Status);
        ls.Auth = null;
        Assert.Equal(HttpStatusCode.Forbidden, (await ls.GetAsync(url)).Status);
        ls.AssertNoContractViolations();
    }

    [Fact]
    public async Task Undefined_lands_under_the_first_named_value_variable_and_uses_the_host()
    {
        await using var ls = await EmulatorHarness.StartAsync(o => o with { Host = "http://labels.example:8080" });
        ls.WriteFile("h/a.csv");
        const string config = """
            <View>
              <Header value="Look at $csv"/>
              <Text name="info" value="$meta"/>
              <TimeSeries name="ts" value="$csv" valueType="url"><Channel column="value"/></TimeSeries>
              <TimeSeriesLabels name="label" toName="ts"><Label value="Anomaly"/></TimeSeriesLabels>
            </View>
            """;
        var project = await ls.CreateProjectAsync("Text first", config);
        var id = await CreateStorageAsync(ls, project, Path.Combine(ls.DocumentRoot, "h"), null);
        await ls.PostAsync($"/api/storages/localfiles/{id}/sync");

        var data = (await ls.GetAsync($"/api/tasks?project={project}")).Json["tasks"]![0]!["data"]!.AsObject();

        Assert.Equal(["meta"], data.Select(p => p.Key));
        Assert.Equal("http://labels.example:8080/data/local-files/?d=h/a.csv", data["meta"]!.GetValue<string>());
        ls.AssertNoContractViolations();
    }

    [Fact]
    public async Task Csv_without_blob_urls_fails_the_sync_with_a_traceback_and_json_task_files_import()
    {
        await using var ls = await EmulatorHarness.StartAsync();
        ls.WriteFile("t/a.csv");
        ls.WriteFile("j/tasks.json", """[{"data": {"csv": "s3://b/1.csv"}}, {"csv": "s3://b/2.csv"}]""");
        var project = await ls.CreateProjectAsync();

        var csv = await CreateStorageAsync(ls, project, Path.Combine(ls.DocumentRoot, "t"), null, useBlobUrls: false);
        var failed = await ls.PostAsync($"/api/storages/localfiles/{csv}/sync");
        Assert.Equal(HttpStatusCode.OK, failed.Status);
        Assert.Equal("failed", failed.Json["status"]!.GetValue<string>());
        Assert.Contains("is not a JSON/JSONL/Parquet file", failed.Json["traceback"]!.GetValue<string>());
        Assert.Contains("Traceback", failed.Json["traceback"]!.GetValue<string>());

        var json = await CreateStorageAsync(ls, project, Path.Combine(ls.DocumentRoot, "j"), null, useBlobUrls: false);
        var imported = await ls.PostAsync($"/api/storages/localfiles/{json}/sync");
        Assert.Equal(2, imported.Json["last_sync_count"]!.GetValue<int>());
        Assert.Equal(2, ls.Server.Inspect.TaskCount(project));
        ls.AssertNoContractViolations();
    }

    [Fact]
    public async Task Queued_sync_must_be_polled_until_completed()
    {
        await using var ls = await EmulatorHarness.StartAsync(o => o with { StorageSync = StorageSyncMode.Queued, StorageSyncPolls = 3 });
        ls.WriteFile("q/a.csv");
        var project = await ls.CreateProjectAsync();
        var id = await CreateStorageAsync(ls, project, Path.Combine(ls.DocumentRoot, "q"), null);

        var started = await ls.PostAsync($"/api/storages/localfiles/{id}/sync");
        Assert.Equal("queued", started.Json["status"]!.GetValue<string>());
        Assert.NotNull(started.Json["last_sync_job"]);
        Assert.Equal(0, ls.Server.Inspect.TaskCount(project));

        var statuses = new List<string>();
        for (var poll = 0; poll < 5; poll++)
        {
            statuses.Add((await ls.GetAsync($"/api/storages/localfiles/{id}")).Json["status"]!.GetValue<string>());
        }

        Assert.Equal(["in_progress", "in_progress", "completed", "completed", "completed"], statuses);
        Assert.Equal(1, ls.Server.Inspect.TaskCount(project));
        ls.AssertNoContractViolations();
    }

    /// <summary>A create body; regex_filter is left out when null (the spec types it as a non-null string).</summary>
    private static JsonObject Storage(int project, string path, string? regex, bool useBlobUrls = true)
    {
        var body = new JsonObject { ["project"] = project, ["title"] = "series", ["path"] = path, ["use_blob_urls"] = useBlobUrls };
        if (regex is not null)
        {
            body["regex_filter"] = regex;
        }

        return body;
    }

    private static async Task<int> CreateStorageAsync(EmulatorHarness ls, int project, string path, string? regex, bool useBlobUrls = true)
    {
        var body = Storage(project, path, regex, useBlobUrls);
        var reply = await ls.PostAsync("/api/storages/localfiles/", body);
        Assert.Equal(HttpStatusCode.Created, reply.Status);
        return reply.Json["id"]!.GetValue<int>();
    }

    private static async Task AssertRejectedAsync(EmulatorHarness ls, JsonObject body, string message)
    {
        var reply = await ls.PostAsync("/api/storages/localfiles/", body);
        Assert.Equal(HttpStatusCode.BadRequest, reply.Status);
        Assert.Contains(message, reply.Json["validation_errors"]!["non_field_errors"]![0]!.GetValue<string>());
    }
}
