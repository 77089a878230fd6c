using Cake.Frosting;

namespace Build.Tasks;

[TaskName(nameof(Default))]
[TaskDescription("Runs the whole pipeline (same as --target=Export)")]
[IsDependentOn(typeof(Export))]
public sealed class Default : FrostingTask<BuildContext>;
