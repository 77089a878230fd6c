namespace LabelPipeline.Predictions;

/// <summary>Model output that cannot be imported: the message names the file and line (or series) and how to fix it.</summary>
public sealed class PredictionException(string message) : Exception(message);
