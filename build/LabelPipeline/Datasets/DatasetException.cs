namespace LabelPipeline.Datasets;

/// <summary>A dataset that cannot be labeled as it is; the message names the file (and line) and says how to fix it.</summary>
public sealed class DatasetException(string message) : Exception(message);
