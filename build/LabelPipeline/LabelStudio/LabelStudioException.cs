using System.Net;

namespace LabelPipeline.LabelStudio;

/// <summary>Label Studio answered with an error; carries the server's detail (never a credential).</summary>
public sealed class LabelStudioApiException(HttpStatusCode statusCode, string method, string path, string detail, string message)
    : Exception(message)
{
    public HttpStatusCode StatusCode { get; } = statusCode;
    public string Method { get; } = method;
    public string Path { get; } = path;

    /// <summary>The server's own explanation (the error envelope's <c>detail</c> and validation errors).</summary>
    public string Detail { get; } = detail;
}

/// <summary>Label Studio could not be reached at all.</summary>
public sealed class LabelStudioUnreachableException(string message, Exception inner) : Exception(message, inner);
