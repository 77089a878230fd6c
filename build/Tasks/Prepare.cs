using Cake.Common.Diagnostics;
using Cake.Frosting;
using LabelPipeline.Prepare;

namespace Build.Tasks;

[TaskName(nameof(Prepare))]
[TaskDescription("Turns each source CSV into task files the editor renders correctly and fast (safe names, ',' and LF, UTC times, policies for unsorted and repeated times, windows); the sources are never changed")]
public sealed class Prepare : FrostingTask<BuildContext>
{
    public override void Run(BuildContext context)
    {
        var result = new PrepareDatasetStage(context.Services.Logger).Run(context.Settings.DatasetStage, context.Services.CancellationToken);
        context.Prepared = result;
        foreach (var warning in result.Warnings)
        {
            context.Warning(warning);
        }

        foreach (var line in PrepareSummary.Lines(result))
        {
            context.Information("{0}", line);
        }
    }
}
