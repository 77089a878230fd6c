using Cake.Frosting;

namespace Build.Tasks;

[TaskName(nameof(Export))]
[TaskDescription("The main job: every step up to the label snapshot (ExportLabels) and, with --upload, its copy in the bucket (PublishSnapshot)")]
[IsDependentOn(typeof(PublishSnapshot))]
public sealed class Export : FrostingTask<BuildContext>;
