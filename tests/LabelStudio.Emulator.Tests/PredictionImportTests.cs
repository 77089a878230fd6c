using System.Net;
using System.Text.Json.Nodes;
using LabelStudio.Emulator.Tests.Support;
using Xunit;

namespace LabelStudio.Emulator.Tests;

/// <summary>Predictions and the task import (CONTRACT §5.3, §5.4).</summary>
public sealed class PredictionImportTests
{
    [Fact]
    public async Task Import_creates_tasks_with_predictions_and_returns_counters()
    {
        await using var ls = await EmulatorHarness.StartAsync();
        var project = await ls.CreateProjectAsync();
        var payload = new JsonArray(
            new JsonObject
            {
                ["data"] = new JsonObject { ["csv"] = "/data/local-files/?d=a.csv" },
                ["predictions"] = new JsonArray(new JsonObject { ["model_version"] = "v3", ["score"] = 0.91, ["result"] = new JsonArray(TaskAnnotationTests.Region()) }),
            },
            new JsonObject { ["data"] = new JsonObject { ["csv"] = "/data/local-files/?d=b.csv" } });

        var reply = await ls.PostAsync($"/api/projects/{project}/import?return_task_ids=true", payload);

        Assert.Equal(HttpStatusCode.Created, reply.Status);
        Assert.Equal(2, reply.Json["task_count"]!.GetValue<int>());
        Assert.Equal(1, reply.Json["prediction_count"]!.GetValue<int>());
        Assert.Equal(2, reply.Json["task_ids"]!.AsArray().Count);
        var first = reply.Json["task_ids"]![0]!.GetValue<int>();
        var predictions = await ls.GetAsync($"/api/predictions/?task={first}");
        Assert.Equal("v3", Assert.Single(predictions.Json.AsArray())!["model_version"]!.GetValue<string>());

        var missingKey = await ls.PostAsync($"/api/projects/{project}/import", new JsonArray(new JsonObject { ["data"] = new JsonObject { ["series"] = "x" } }));
        Assert.Equal(HttpStatusCode.BadRequest, missingKey.Status);
        Assert.Contains("\"csv\" key is expected", missingKey.Json["validation_errors"]!["non_field_errors"]![0]!.GetValue<string>());
        ls.AssertNoContractViolations();

        // Label Studio also takes flat tasks ({"csv": …}); the spec only documents {"data": …}, so a client sending them is flagged.
        var flat = await ls.PostAsync($"/api/projects/{project}/import", new JsonArray(new JsonObject { ["csv"] = "/data/local-files/?d=c.csv" }));
        Assert.Equal(HttpStatusCode.Created, flat.Status);
        Assert.Equal(3, ls.Server.Inspect.TaskCount(project));
        ls.AssertOnlyContractViolations(v => v.Direction == Contract.ContractDirection.Request && v.Message.Contains("data: PropertyRequired", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Bulk_prediction_import_counts_and_rejects_foreign_tasks()
    {
        await using var ls = await EmulatorHarness.StartAsync();
        var project = await ls.CreateProjectAsync();
        var other = await ls.CreateProjectAsync("Other project");
        var task = await ls.CreateTaskAsync(project, new JsonObject { ["csv"] = "a" });
        var foreign = await ls.CreateTaskAsync(other, new JsonObject { ["csv"] = "b" });

        var created = await ls.PostAsync($"/api/projects/{project}/import/predictions", new JsonArray(
            new JsonObject { ["task"] = task, ["result"] = new JsonArray(TaskAnnotationTests.Region()), ["score"] = 0.5 },
            new JsonObject { ["task"] = task, ["result"] = new JsonArray(TaskAnnotationTests.Region("r2")), ["model_version"] = "v2" }));
        Assert.Equal(HttpStatusCode.Created, created.Status);
        Assert.Equal(2, created.Json["created"]!.GetValue<int>());
        var listed = (await ls.GetAsync($"/api/predictions?project={project}")).Json.AsArray();
        Assert.Equal(["undefined", "v2"], listed.Select(p => p!["model_version"]!.GetValue<string>()));

        var rejected = await ls.PostAsync($"/api/projects/{project}/import/predictions", new JsonArray(
            new JsonObject { ["task"] = foreign, ["result"] = new JsonArray() }));
        Assert.Equal(HttpStatusCode.BadRequest, rejected.Status);
        Assert.Contains($"task ID {foreign} not found in project {project}", rejected.Json["validation_errors"]!["non_field_errors"]![0]!.GetValue<string>());
        Assert.Equal(2, ls.Server.Inspect.PredictionCount(project));

        var withModel = await ls.PatchAsync($"/api/projects/{project}/", new JsonObject { ["model_version"] = "v2" });
        Assert.Equal("v2", withModel.Json["model_version"]!.GetValue<string>());
        ls.AssertNoContractViolations();
    }
}
