namespace LabelPipeline.LabelConfig;

/// <summary>A labeling config that would not render or label correctly; the message says what to fix.</summary>
public sealed class LabelConfigException(string message) : Exception(message);
