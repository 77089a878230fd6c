namespace LabelPipeline.Deployment;

/// <summary>
/// Deploying (or tearing down) Label Studio cannot go on. The message says what is wrong, where (the Docker engine,
/// container, volume or URL) and how to fix it. It never carries a password or token.
/// </summary>
public sealed class DeploymentException : Exception
{
    public DeploymentException(string message)
        : base(message)
    {
    }

    public DeploymentException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
