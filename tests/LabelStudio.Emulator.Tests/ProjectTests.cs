using System.Net;
using System.Text.Json.Nodes;
using LabelStudio.Emulator.Tests.Support;
using Xunit;

namespace LabelStudio.Emulator.Tests;

/// <summary>Projects: create/validate/list/paginate/filter/patch/delete (CONTRACT §3).</summary>
public sealed class ProjectTests
{
    [Fact]
    public async Task Create_returns_201_with_the_parsed_config_and_counters()
    {
        await using var ls = await EmulatorHarness.StartAsync();

        var reply = await ls.PostAsync("/api/projects/", new JsonObject { ["title"] = "TS anomalies", ["label_config"] = EmulatorHarness.TimeSeriesConfig });

        Assert.Equal(HttpStatusCode.Created, reply.Status);
        var project = reply.Json;
        Assert.Equal("TS anomalies", project["title"]!.GetValue<string>());
        Assert.Equal(0, project["task_number"]!.GetValue<int>());
        Assert.Equal(0, project["total_annotations_number"]!.GetValue<int>());
        Assert.Equal("admin@example.com", project["created_by"]!["email"]!.GetValue<string>());
        var label = project["parsed_label_config"]!["label"]!;
        Assert.Equal("TimeSeriesLabels", label["type"]!.GetValue<string>());
        Assert.Equal("ts", label["to_name"]![0]!.GetValue<string>());
        Assert.Equal("TimeSeries", label["inputs"]![0]!["type"]!.GetValue<string>());
        Assert.Equal("csv", label["inputs"]![0]!["value"]!.GetValue<string>());
        Assert.Equal(["Anomaly", "Normal"], label["labels"]!.AsArray().Select(l => l!.GetValue<string>()));
        Assert.True(project["config_has_control_tags"]!.GetValue<bool>());
        Assert.False(project["config_suitable_for_bulk_annotation"]!.GetValue<bool>());
        Assert.Equal(1.0, project["control_weights"]!["label"]!["labels"]!["Anomaly"]!.GetValue<double>());
        Assert.Equal(1, ls.Server.Inspect.ProjectCount);
        ls.AssertNoContractViolations();
    }

    [Theory]
    [InlineData("<View><Text name=\"a\" value=\"$t\"/><Choices name=\"a\" toName=\"a\"><Choice value=\"x\"/></Choices></View>", "Label config contains non-unique names")]
    [InlineData("<View><TimeSeries name=\"ts\" value=\"$csv\"/><TimeSeriesLabels name=\"label\" toName=\"series\"/></View>", "toName=\"series\" not found in names: ['ts', 'label']")]
    [InlineData("<View><TimeSeries name=\"ts\" value=\"$csv\"/><TimeSeriesLabels name=\"label\"/></View>", "Validation failed on : 'toName' is a required property")]
    [InlineData("<View><TimeSeries name=\"ts\"", "Can't parse label config")]
    public async Task Invalid_label_configs_are_400_with_validation_errors(string config, string message)
    {
        await using var ls = await EmulatorHarness.StartAsync();

        var created = await ls.PostAsync("/api/projects/", new JsonObject { ["title"] = "Bad config", ["label_config"] = config });
        Assert.Equal(HttpStatusCode.BadRequest, created.Status);
        Assert.Equal("Validation error", created.Json["detail"]!.GetValue<string>());
        Assert.Contains(message, created.Json["validation_errors"]!["label_config"]![0]!.GetValue<string>());

        // The unauthenticated validator answers with DRF's plain body, not the envelope.
        ls.Auth = null;
        var validated = await ls.PostAsync("/api/projects/validate/", new JsonObject { ["label_config"] = config });
        Assert.Equal(HttpStatusCode.BadRequest, validated.Status);
        Assert.Equal(["label_config"], validated.Json.AsObject().Select(p => p.Key));
        Assert.Contains(message, validated.Json["label_config"]![0]!.GetValue<string>());

        Assert.Equal(HttpStatusCode.NoContent, (await ls.PostAsync("/api/projects/validate", new JsonObject { ["label_config"] = EmulatorHarness.TimeSeriesConfig })).Status);
        Assert.Equal(0, ls.Server.Inspect.ProjectCount);
        ls.AssertNoContractViolations();
    }

    [Theory]
    [InlineData("ab", "Ensure this field has at least 3 characters.")]
    [InlineData("012345678901234567890123456789012345678901234567890", "Ensure this field has no more than 50 characters.")]
    public async Task Title_must_be_3_to_50_characters(string title, string message)
    {
        await using var ls = await EmulatorHarness.StartAsync();

        var reply = await ls.PostAsync("/api/projects", new JsonObject { ["title"] = title });

        Assert.Equal(HttpStatusCode.BadRequest, reply.Status);
        Assert.Equal(message, reply.Json["validation_errors"]!["title"]![0]!.GetValue<string>());

        // The spec has the same bounds (minLength 3, maxLength 50): the request is the client's breach, the 400 answer is not.
        ls.AssertOnlyContractViolations(v => v.Direction == Contract.ContractDirection.Request && v.Message.Contains("#/title", StringComparison.Ordinal));
    }

    [Fact]
    public async Task List_pages_30_by_default_and_a_page_past_the_end_is_404()
    {
        await using var ls = await EmulatorHarness.StartAsync();
        var empty = await ls.GetAsync("/api/projects/");
        Assert.Equal(0, empty.Json["count"]!.GetValue<int>());
        for (var i = 0; i < 32; i++)
        {
            await ls.CreateProjectAsync($"Project {i:00}");
        }

        var first = await ls.GetAsync("/api/projects/");
        Assert.Equal(32, first.Json["count"]!.GetValue<int>());
        Assert.Equal(30, first.Json["results"]!.AsArray().Count);
        Assert.Null(first.Json["previous"]);
        var next = new Uri(first.Json["next"]!.GetValue<string>());
        Assert.Equal("/api/projects/", next.AbsolutePath);
        Assert.Equal("?page=2", next.Query);

        var second = await ls.GetAsync(next.PathAndQuery);
        Assert.Equal(2, second.Json["results"]!.AsArray().Count);
        Assert.Null(second.Json["next"]);
        Assert.Equal("/api/projects/", new Uri(second.Json["previous"]!.GetValue<string>()).PathAndQuery);

        var small = await ls.GetAsync("/api/projects?page=3&page_size=10");
        Assert.Equal(10, small.Json["results"]!.AsArray().Count);
        Assert.Equal("?page=4&page_size=10", new Uri(small.Json["next"]!.GetValue<string>()).Query);
        Assert.Equal("?page=2&page_size=10", new Uri(small.Json["previous"]!.GetValue<string>()).Query);

        var past = await ls.GetAsync("/api/projects/?page=3");
        Assert.Equal(HttpStatusCode.NotFound, past.Status);
        Assert.Equal("Invalid page.", past.Json["detail"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.NotFound, (await ls.GetAsync("/api/projects/?page=0")).Status);
        ls.AssertNoContractViolations();
    }

    [Fact]
    public async Task Title_filter_is_a_case_insensitive_substring_match()
    {
        await using var ls = await EmulatorHarness.StartAsync();
        await ls.CreateProjectAsync("Sensor anomalies 2025-W01");
        await ls.CreateProjectAsync("sensor ANOMALIES 2025-W02");
        await ls.CreateProjectAsync("Unrelated");
        await ls.CreateProjectAsync("Unrelated"); // duplicate titles are allowed

        var reply = await ls.GetAsync("/api/projects/?title=" + Uri.EscapeDataString("Anomalies 2025"));

        Assert.Equal(2, reply.Json["count"]!.GetValue<int>());
        Assert.All(reply.Json["results"]!.AsArray(), p => Assert.Contains("anomalies 2025", p!["title"]!.GetValue<string>(), StringComparison.OrdinalIgnoreCase));
        Assert.Equal(2, ls.Server.Inspect.ProjectIdsTitled("Unrelated").Count);
        ls.AssertNoContractViolations();
    }

    [Fact]
    public async Task Paths_work_with_and_without_trailing_slash_without_redirects()
    {
        await using var ls = await EmulatorHarness.StartAsync();
        var id = await ls.CreateProjectAsync("Slashes");

        foreach (var path in new[] { "/api/projects", "/api/projects/", $"/api/projects/{id}", $"/api/projects/{id}/", "/api/current-user/whoami/" })
        {
            var reply = await ls.GetAsync(path);
            Assert.Equal(HttpStatusCode.OK, reply.Status);
        }

        var created = await ls.PostAsync("/api/projects", new JsonObject { ["title"] = "No slash" });
        Assert.Equal(HttpStatusCode.Created, created.Status);
        ls.AssertNoContractViolations();
    }

    [Fact]
    public async Task Patch_updates_fields_and_delete_is_204_then_404()
    {
        await using var ls = await EmulatorHarness.StartAsync();
        var id = await ls.CreateProjectAsync("Before");

        var patched = await ls.PatchAsync($"/api/projects/{id}/", new JsonObject { ["title"] = "After", ["show_skip_button"] = false, ["maximum_annotations"] = 2 });
        Assert.Equal(HttpStatusCode.OK, patched.Status);
        Assert.Equal("After", patched.Json["title"]!.GetValue<string>());
        Assert.False(patched.Json["show_skip_button"]!.GetValue<bool>());
        Assert.Equal(2, patched.Json["maximum_annotations"]!.GetValue<int>());
        Assert.Equal(EmulatorHarness.TimeSeriesConfig, patched.Json["label_config"]!.GetValue<string>());

        var badVersion = await ls.PatchAsync($"/api/projects/{id}/", new JsonObject { ["model_version"] = "never-predicted" });
        Assert.Equal(HttpStatusCode.BadRequest, badVersion.Status);
        Assert.NotNull(badVersion.Json["validation_errors"]!["model_version"]);

        Assert.Equal(HttpStatusCode.NoContent, (await ls.DeleteAsync($"/api/projects/{id}/")).Status);
        var gone = await ls.GetAsync($"/api/projects/{id}/");
        Assert.Equal(HttpStatusCode.NotFound, gone.Status);
        Assert.Equal(404, gone.Json["status_code"]!.GetValue<int>());
        Assert.Equal(0, ls.Server.Inspect.ProjectCount);
        ls.AssertNoContractViolations();
    }

    [Fact]
    public async Task Project_validate_reports_whether_essential_config_data_changed()
    {
        await using var ls = await EmulatorHarness.StartAsync();
        var id = await ls.CreateProjectAsync();

        var same = await ls.PostAsync($"/api/projects/{id}/validate/", new JsonObject { ["label_config"] = EmulatorHarness.TimeSeriesConfig });
        Assert.False(same.Json["config_essential_data_has_changed"]!.GetValue<bool>());
        var renamed = EmulatorHarness.TimeSeriesConfig.Replace("$csv", "$series", StringComparison.Ordinal);
        var changed = await ls.PostAsync($"/api/projects/{id}/validate/", new JsonObject { ["label_config"] = renamed });
        Assert.True(changed.Json["config_essential_data_has_changed"]!.GetValue<bool>());
        ls.AssertNoContractViolations();
    }
}
