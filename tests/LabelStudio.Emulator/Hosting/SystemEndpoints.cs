using System.Text;
using System.Text.Json.Nodes;
using LabelStudio.Emulator.Auth;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace LabelStudio.Emulator.Hosting;

/// <summary><c>/health</c> and <c>/api/version</c>: plain Django views, no authentication (CONTRACT §2).</summary>
internal static class SystemEndpoints
{
    public static void Map(IEndpointRouteBuilder app, IEndpointRouteBuilder api)
    {
        // HttpResponse(json.dumps({'status': 'UP'})): JSON text under Django's default text/html content type.
        app.MapGet("/health", () => Results.Text("{\"status\": \"UP\"}", "text/html", Encoding.UTF8))
            .WithMetadata(new AuthMetadata(AuthMode.None));
        api.MapGet("/version", (EmulatorContext emulator) => Wire.Json(Version(emulator.Options.Version)))
            .WithMetadata(new AuthMetadata(AuthMode.None));
    }

    private static JsonObject Version(string release)
    {
        var shortVersion = string.Join('.', release.Split('.').Take(2));
        JsonObject Git(string message) => new()
        {
            ["message"] = message,
            ["commit"] = "0000000000000000000000000000000000000000",
            ["date"] = "2025-11-28T00:00:00Z",
            ["branch"] = "emulator",
            ["version"] = release,
        };

        return new JsonObject
        {
            ["release"] = release,
            ["label-studio-os-package"] = new JsonObject
            {
                ["version"] = release,
                ["short_version"] = shortVersion,
                ["latest_version_from_pypi"] = release,
                ["latest_version_upload_time"] = null,
                ["current_version_is_outdated"] = false,
            },
            ["label-studio-os-backend"] = Git("LabelPipeline Label Studio emulator"),
            ["label-studio-frontend"] = Git("emulated editor build"),
            ["dm2"] = Git("emulated data manager build"),
            ["label-studio-converter"] = new JsonObject { ["version"] = release },
            ["edition"] = "Community",
            ["lsf"] = Git("emulated editor build"),
            ["backend"] = new JsonObject(),
        };
    }
}
