using Cake.Common.Diagnostics;
using Cake.Core;
using Cake.Frosting;

namespace Build;

/// <summary>Run-wide setup and teardown: say what the run will do, and how it connects to Label Studio.</summary>
public sealed class BuildLifetime : FrostingLifetime<BuildContext>
{
    public override void Setup(BuildContext context, ISetupContext info)
    {
        var settings = context.Settings;
        context.Information(
            "Dataset {0} version {1} ({2}), storage {3}, output {4}",
            settings.Dataset,
            settings.DatasetVersion,
            settings.DatasetDirectory,
            settings.Storage.ToString().ToLowerInvariant(),
            settings.SnapshotDirectory);
        if (settings.TokenFromCommandLine)
        {
            context.Warning(
                "--{0} on the command line is visible to other users in the process list; prefer the {1} environment variable.",
                Arguments.LabelStudioToken,
                Arguments.EnvironmentVariable(Arguments.LabelStudioToken));
        }

        if (settings.LabelStudioUrl is { } url)
        {
            var token = settings.LabelStudioToken ?? throw new ArgumentException(
                $"--{Arguments.LabelStudioUrl} needs a token: set {Arguments.EnvironmentVariable(Arguments.LabelStudioToken)} (or --{Arguments.LabelStudioToken}) " +
                "to a Label Studio API token (Account & Settings > Personal Access Token, or a legacy token).");
            context.LabelStudio = new LabelStudioConnection(url, token);
            context.Information("Using the existing Label Studio at {0}", url);
        }
    }

    public override void Teardown(BuildContext context, ITeardownContext info) => context.Services.Dispose();
}
