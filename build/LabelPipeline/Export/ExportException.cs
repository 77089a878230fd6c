namespace LabelPipeline.Export;

/// <summary>An annotation that cannot be turned into labels; the message names the task, annotation and field.</summary>
public sealed class ExportException(string message) : Exception(message);
