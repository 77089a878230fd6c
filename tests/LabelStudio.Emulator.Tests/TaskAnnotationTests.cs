using System.Net;
using System.Text.Json.Nodes;
using LabelStudio.Emulator.Tests.Support;
using Xunit;

namespace LabelStudio.Emulator.Tests;

/// <summary>Tasks and annotations (CONTRACT §5.1, §5.2).</summary>
public sealed class TaskAnnotationTests
{
    internal static JsonObject Region(string id = "r1") => new()
    {
        ["id"] = id,
        ["from_name"] = "label",
        ["to_name"] = "ts",
        ["type"] = "timeserieslabels",
        ["origin"] = "manual",
        ["value"] = new JsonObject { ["start"] = 1, ["end"] = 3, ["instant"] = false, ["timeserieslabels"] = new JsonArray("Anomaly") },
    };

    [Fact]
    public async Task Task_list_pages_100_by_default_and_404s_past_the_end()
    {
        await using var ls = await EmulatorHarness.StartAsync();
        var project = await ls.CreateProjectAsync();
        var empty = await ls.GetAsync($"/api/tasks?project={project}");
        Assert.Equal(0, empty.Json["total"]!.GetValue<int>());
        var import = new JsonArray(Enumerable.Range(0, 105).Select(i => (JsonNode)new JsonObject { ["data"] = new JsonObject { ["csv"] = $"/data/local-files/?d=s/{i}.csv" } }).ToArray());
        Assert.Equal(HttpStatusCode.Created, (await ls.PostAsync($"/api/projects/{project}/import", import)).Status);

        var first = await ls.GetAsync($"/api/tasks?project={project}");
        Assert.Equal(105, first.Json["total"]!.GetValue<int>());
        Assert.Equal(100, first.Json["tasks"]!.AsArray().Count);
        Assert.Null(first.Json["tasks"]![0]!["annotations"]);
        var second = await ls.GetAsync($"/api/tasks/?project={project}&page=2");
        Assert.Equal(5, second.Json["tasks"]!.AsArray().Count);
        Assert.Equal(HttpStatusCode.NotFound, (await ls.GetAsync($"/api/tasks?project={project}&page=3")).Status);
        var sized = await ls.GetAsync($"/api/tasks?project={project}&page=11&page_size=10");
        Assert.Equal(5, sized.Json["tasks"]!.AsArray().Count);
        ls.AssertNoContractViolations();
    }

    [Fact]
    public async Task Annotation_is_201_with_LS_fields_and_completed_by_defaults_to_the_caller()
    {
        await using var ls = await EmulatorHarness.StartAsync();
        var project = await ls.CreateProjectAsync();
        var task = await ls.CreateTaskAsync(project, new JsonObject { ["csv"] = "/data/local-files/?d=a.csv" });

        var reply = await ls.PostAsync($"/api/tasks/{task}/annotations/", new JsonObject { ["result"] = new JsonArray(Region()), ["lead_time"] = 12.5 });

        Assert.Equal(HttpStatusCode.Created, reply.Status);
        var annotation = reply.Json.AsObject();
        foreach (var key in new[] { "id", "result", "created_username", "created_ago", "completed_by", "was_cancelled", "ground_truth", "created_at", "updated_at",
                     "draft_created_at", "lead_time", "import_id", "last_action", "bulk_created", "task", "project", "updated_by", "parent_prediction",
                     "parent_annotation", "last_created_by" })
        {
            Assert.True(annotation.ContainsKey(key), key);
        }

        Assert.Equal(1, annotation["completed_by"]!.GetValue<int>());
        Assert.Equal(task, annotation["task"]!.GetValue<int>());
        Assert.Equal(project, annotation["project"]!.GetValue<int>());
        Assert.Equal("0 minutes", annotation["created_ago"]!.GetValue<string>());
        Assert.EndsWith("admin@example.com, 1", annotation["created_username"]!.GetValue<string>());

        var full = await ls.GetAsync($"/api/tasks/{task}/");
        Assert.True(full.Json["is_labeled"]!.GetValue<bool>());
        Assert.Equal(1, full.Json["total_annotations"]!.GetValue<int>());
        Assert.Single(full.Json["annotations"]!.AsArray());

        var id = annotation["id"]!.GetValue<int>();
        var patched = await ls.PatchAsync($"/api/annotations/{id}/", new JsonObject { ["result"] = new JsonArray(Region("r1"), Region("r2")) });
        Assert.Equal(2, patched.Json["result"]!.AsArray().Count);
        Assert.Equal(2, (await ls.GetAsync($"/api/annotations/{id}")).Json["result"]!.AsArray().Count);
        Assert.Equal(HttpStatusCode.NoContent, (await ls.DeleteAsync($"/api/annotations/{id}/")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await ls.GetAsync($"/api/annotations/{id}/")).Status);
        ls.AssertNoContractViolations();
    }

    [Fact]
    public async Task Cancelled_annotations_are_stored_but_not_counted()
    {
        await using var ls = await EmulatorHarness.StartAsync();
        var project = await ls.CreateProjectAsync();
        var skipped = await ls.CreateTaskAsync(project, new JsonObject { ["csv"] = "a" });
        var labeled = await ls.CreateTaskAsync(project, new JsonObject { ["csv"] = "b" });
        await ls.PostAsync($"/api/tasks/{skipped}/annotations", new JsonObject { ["result"] = new JsonArray(), ["was_cancelled"] = true });
        await ls.PostAsync($"/api/tasks/{labeled}/annotations", new JsonObject { ["result"] = new JsonArray(Region()) });

        var page = await ls.GetAsync($"/api/tasks?project={project}&fields=all");
        Assert.Equal(1, page.Json["total_annotations"]!.GetValue<int>());
        var tasks = page.Json["tasks"]!.AsArray();
        Assert.Equal(0, tasks[0]!["total_annotations"]!.GetValue<int>());
        Assert.Equal(1, tasks[0]!["cancelled_annotations"]!.GetValue<int>());
        Assert.False(tasks[0]!["is_labeled"]!.GetValue<bool>());
        Assert.Single(tasks[0]!["annotations"]!.AsArray());
        Assert.True(tasks[1]!["is_labeled"]!.GetValue<bool>());

        var listed = await ls.GetAsync($"/api/tasks/{skipped}/annotations/");
        Assert.True(listed.Json[0]!["was_cancelled"]!.GetValue<bool>());
        var projectJson = (await ls.GetAsync($"/api/projects/{project}")).Json;
        Assert.Equal(1, projectJson["total_annotations_number"]!.GetValue<int>());
        Assert.Equal(1, projectJson["skipped_annotations_number"]!.GetValue<int>());
        Assert.Equal(1, projectJson["finished_task_number"]!.GetValue<int>());
        Assert.Equal(2, ls.Server.Inspect.AnnotationCount(project));
        ls.AssertNoContractViolations();
    }

    [Fact]
    public async Task Unknown_task_is_404_and_a_task_needs_a_project()
    {
        await using var ls = await EmulatorHarness.StartAsync();

        var missing = await ls.GetAsync("/api/tasks/999/");
        Assert.Equal(HttpStatusCode.NotFound, missing.Status);
        var annotationOnMissing = await ls.PostAsync("/api/tasks/999/annotations/", new JsonObject { ["result"] = new JsonArray() });
        Assert.Equal(HttpStatusCode.NotFound, annotationOnMissing.Status);
        var noProject = await ls.PostAsync("/api/tasks/", new JsonObject { ["data"] = new JsonObject { ["csv"] = "x" } });
        Assert.Equal("This field is required.", noProject.Json["validation_errors"]!["project"]![0]!.GetValue<string>());
        ls.AssertNoContractViolations();
    }
}
