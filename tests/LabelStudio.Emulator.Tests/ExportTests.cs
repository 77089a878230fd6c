using System.Net;
using System.Text.Json.Nodes;
using LabelStudio.Emulator.Tests.Support;
using Xunit;

namespace LabelStudio.Emulator.Tests;

/// <summary>Easy export and snapshot exports (CONTRACT §6).</summary>
public sealed class ExportTests
{
    [Fact]
    public async Task Easy_export_is_an_attachment_of_annotated_tasks_with_ids_for_predictions_and_users()
    {
        await using var ls = await EmulatorHarness.StartAsync();
        var (project, annotated, _) = await SeedAsync(ls);

        foreach (var query in new[] { "exportType=JSON", "export_type=JSON", string.Empty })
        {
            var reply = await ls.GetAsync($"/api/projects/{project}/export?{query}");
            Assert.Equal(HttpStatusCode.OK, reply.Status);
            Assert.Equal("attachment", reply.ContentHeaders.ContentDisposition?.DispositionType);
            Assert.Matches($"project-{project}-at-\\d{{4}}-\\d{{2}}-\\d{{2}}-\\d{{2}}-\\d{{2}}-[0-9a-f]{{8}}\\.json", reply.ContentHeaders.ContentDisposition!.FileName!.Trim('"'));
            var tasks = reply.Json.AsArray();
            var task = Assert.Single(tasks)!;
            Assert.Equal(annotated, task["id"]!.GetValue<int>());
            Assert.Equal("/data/local-files/?d=a.csv", task["data"]!["csv"]!.GetValue<string>());
            Assert.Equal(System.Text.Json.JsonValueKind.Number, JsonValueKindOf(task["predictions"]![0]));
            Assert.Equal(1, task["annotations"]![0]!["completed_by"]!.GetValue<int>());
            Assert.Null(task["is_labeled"]);
            Assert.Null(task["overlap"]);
        }

        var all = await ls.GetAsync($"/api/projects/{project}/export?exportType=JSON&download_all_tasks=true");
        Assert.Equal(2, all.Json.AsArray().Count);
        ls.AssertNoContractViolations();
    }

    [Fact]
    public async Task Export_formats_and_convert_answer_as_the_real_server_does()
    {
        await using var ls = await EmulatorHarness.StartAsync();
        var (project, _, _) = await SeedAsync(ls);

        // Objects, as Label Studio 1.8.3dev answers (the spec says strings: errata); only JSON here.
        var formats = await ls.GetAsync($"/api/projects/{project}/export/formats");
        Assert.Equal(HttpStatusCode.OK, formats.Status);
        var json = Assert.Single(formats.Json.AsArray())!;
        Assert.Equal(("JSON", "JSON"), (json["name"]!.GetValue<string>(), json["title"]!.GetValue<string>()));

        var export = (await ls.PostAsync($"/api/projects/{project}/exports/", new JsonObject { ["title"] = "x" })).Json["id"]!.GetValue<int>();
        var converted = await ls.PostAsync($"/api/projects/{project}/exports/{export}/convert", new JsonObject { ["export_type"] = "JSON" });
        Assert.Equal(HttpStatusCode.OK, converted.Status);
        Assert.Equal("JSON", converted.Json["export_type"]!.GetValue<string>());
        Assert.True(converted.Json["converted_format"]!.GetValue<int>() > 0);

        var unknown = await ls.PostAsync($"/api/projects/{project}/exports/{export}/convert", new JsonObject { ["export_type"] = "NOPE" });
        Assert.Equal(HttpStatusCode.BadRequest, unknown.Status);
        Assert.Equal("NOPE is not supported export format", unknown.Json["validation_errors"]!["export_type"]![0]!.GetValue<string>());
        var csv = await ls.PostAsync($"/api/projects/{project}/exports/{export}/convert", new JsonObject { ["export_type"] = "CSV" });
        Assert.Equal(HttpStatusCode.BadRequest, csv.Status);
        Assert.Contains("converter", csv.Json["validation_errors"]!["export_type"]![0]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await ls.PostAsync($"/api/projects/{project}/exports/999/convert", new JsonObject { ["export_type"] = "JSON" })).Status);
        ls.AssertNoContractViolations();
    }

    [Fact]
    public async Task A_wrongly_typed_export_option_is_a_400_at_its_path_not_a_500()
    {
        await using var ls = await EmulatorHarness.StartAsync();
        var (project, _, _) = await SeedAsync(ls);

        var wrong = await ls.PostAsync($"/api/projects/{project}/exports/", new JsonObject
        {
            ["title"] = "x",
            ["serialization_options"] = new JsonObject { ["predictions"] = new JsonObject { ["only_id"] = "maybe" } },
            ["task_filter_options"] = new JsonObject { ["only_with_annotations"] = "maybe" },
        });
        Assert.Equal(HttpStatusCode.BadRequest, wrong.Status);
        Assert.Null(wrong.Json["exc_info"]);
        Assert.Equal("Must be a valid boolean.", wrong.Json["validation_errors"]!["serialization_options"]!["predictions"]!["only_id"]![0]!.GetValue<string>());
        Assert.Equal("Must be a valid boolean.", wrong.Json["validation_errors"]!["task_filter_options"]!["only_with_annotations"]![0]!.GetValue<string>());

        // DRF's other spellings are booleans.
        var spelled = await ls.PostAsync($"/api/projects/{project}/exports/", new JsonObject
        {
            ["title"] = "y",
            ["serialization_options"] = new JsonObject { ["predictions"] = new JsonObject { ["only_id"] = "no" } },
        });
        Assert.Equal(HttpStatusCode.Created, spelled.Status);
        ls.AssertOnlyContractViolations(v => v.Direction == Contract.ContractDirection.Request && v.Method == "POST");
    }

    [Fact]
    public async Task Snapshot_is_completed_at_once_and_downloads_the_frozen_tasks()
    {
        await using var ls = await EmulatorHarness.StartAsync();
        var (project, annotated, _) = await SeedAsync(ls);

        var created = await ls.PostAsync($"/api/projects/{project}/exports/", new JsonObject
        {
            ["title"] = "nightly",
            ["task_filter_options"] = new JsonObject { ["only_with_annotations"] = true },
            ["serialization_options"] = new JsonObject { ["annotations__completed_by"] = new JsonObject { ["only_id"] = false } },
        });
        Assert.Equal(HttpStatusCode.Created, created.Status);
        Assert.Equal("completed", created.Json["status"]!.GetValue<string>());
        var id = created.Json["id"]!.GetValue<int>();

        // Later annotations do not change the snapshot.
        var other = (await ls.GetAsync($"/api/tasks?project={project}")).Json["tasks"]!.AsArray().Select(t => t!["id"]!.GetValue<int>()).Single(t => t != annotated);
        await ls.PostAsync($"/api/tasks/{other}/annotations/", new JsonObject { ["result"] = new JsonArray(TaskAnnotationTests.Region()) });

        Assert.Equal(id, (await ls.GetAsync($"/api/projects/{project}/exports")).Json[0]!["id"]!.GetValue<int>());
        Assert.Equal("completed", (await ls.GetAsync($"/api/projects/{project}/exports/{id}")).Json["status"]!.GetValue<string>());
        var file = await ls.GetAsync($"/api/projects/{project}/exports/{id}/download?exportType=JSON");
        Assert.Equal(HttpStatusCode.OK, file.Status);
        Assert.Equal("attachment", file.ContentHeaders.ContentDisposition?.DispositionType);
        var task = Assert.Single(file.Json.AsArray())!;
        Assert.Equal("admin@example.com", task["annotations"]![0]!["completed_by"]!["email"]!.GetValue<string>());

        var notConverted = await ls.GetAsync($"/api/projects/{project}/exports/{id}/download?exportType=CSV");
        Assert.Equal(HttpStatusCode.NotFound, notConverted.Status);
        Assert.Equal("CSV format is not converted yet", notConverted.Text);
        Assert.Equal(HttpStatusCode.NoContent, (await ls.DeleteAsync($"/api/projects/{project}/exports/{id}")).Status);
        ls.AssertNoContractViolations();
    }

    [Fact]
    public async Task A_slow_snapshot_must_be_polled_and_is_not_downloadable_until_completed()
    {
        await using var ls = await EmulatorHarness.StartAsync(o => o with { ExportSnapshotPolls = 2 });
        var (project, _, _) = await SeedAsync(ls);

        var created = await ls.PostAsync($"/api/projects/{project}/exports", new JsonObject());
        Assert.Equal("in_progress", created.Json["status"]!.GetValue<string>());
        var id = created.Json["id"]!.GetValue<int>();

        var early = await ls.GetAsync($"/api/projects/{project}/exports/{id}/download?exportType=JSON");
        Assert.Equal(HttpStatusCode.NotFound, early.Status);
        Assert.Equal("Export is not completed", early.Text);

        Assert.Equal("in_progress", (await ls.GetAsync($"/api/projects/{project}/exports/{id}")).Json["status"]!.GetValue<string>());
        var done = await ls.GetAsync($"/api/projects/{project}/exports/{id}");
        Assert.Equal("completed", done.Json["status"]!.GetValue<string>());
        Assert.NotNull(done.Json["finished_at"]);

        // A snapshot without options exports every task (only_with_annotations defaults to false).
        var file = await ls.GetAsync($"/api/projects/{project}/exports/{id}/download?exportType=JSON");
        Assert.Equal(2, file.Json.AsArray().Count);
        ls.AssertNoContractViolations();
    }

    /// <summary>A project with two local-file tasks; the first has a prediction and an annotation.</summary>
    private static async Task<(int Project, int Annotated, int Prediction)> SeedAsync(EmulatorHarness ls)
    {
        var project = await ls.CreateProjectAsync();
        var annotated = await ls.CreateTaskAsync(project, new JsonObject { ["csv"] = "/data/local-files/?d=a.csv" });
        await ls.CreateTaskAsync(project, new JsonObject { ["csv"] = "/data/local-files/?d=b.csv" });
        var prediction = await ls.PostAsync("/api/predictions/", new JsonObject
        {
            ["task"] = annotated,
            ["result"] = new JsonArray(TaskAnnotationTests.Region()),
            ["score"] = 0.9,
            ["model_version"] = "v1",
        });
        Assert.Equal(HttpStatusCode.Created, prediction.Status);
        await ls.PostAsync($"/api/tasks/{annotated}/annotations/", new JsonObject { ["result"] = new JsonArray(TaskAnnotationTests.Region()) });
        return (project, annotated, prediction.Json["id"]!.GetValue<int>());
    }

    private static System.Text.Json.JsonValueKind JsonValueKindOf(JsonNode? node) => node?.GetValueKind() ?? System.Text.Json.JsonValueKind.Null;
}
