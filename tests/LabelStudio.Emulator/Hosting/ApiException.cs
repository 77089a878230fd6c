using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace LabelStudio.Emulator.Hosting;

/// <summary>
/// An error that Label Studio's <c>custom_exception_handler</c> turns into its envelope
/// <c>{id, status_code, version, detail, exc_info[, validation_errors]}</c>. Endpoints throw it; <see cref="ErrorEnvelopeMiddleware"/> writes it.
/// </summary>
internal sealed class ApiException(int statusCode, string detail, JsonObject? validationErrors = null, string? authenticateHeader = null)
    : Exception(detail)
{
    public int StatusCode { get; } = statusCode;
    public string Detail { get; } = detail;
    public JsonObject? ValidationErrors { get; } = validationErrors;

    /// <summary>DRF sets <c>WWW-Authenticate: Token</c> on 401 because the first authentication class is token based.</summary>
    public string? AuthenticateHeader { get; } = authenticateHeader;

    /// <summary>A serializer's errors: 400 with detail "Validation error" and the field errors under validation_errors.</summary>
    public static ApiException Validation(JsonObject errors) => new(StatusCodes.Status400BadRequest, "Validation error", errors);

    public static ApiException Validation(string field, string message) => Validation(new JsonObject { [field] = new JsonArray(message) });

    /// <summary>A <c>raise ValidationError("…")</c> outside a field: DRF gives a list, which the handler files under non_field_errors.</summary>
    public static ApiException NonField(string message) => Validation("non_field_errors", message);

    /// <summary>Django's get_object_or_404, as DRF reports it.</summary>
    public static ApiException NotFound(string model) => new(StatusCodes.Status404NotFound, $"No {model} matches the given query.");

    public static ApiException InvalidPage() => new(StatusCodes.Status404NotFound, "Invalid page.");

    public static ApiException Unauthorized(string detail) => new(StatusCodes.Status401Unauthorized, detail, authenticateHeader: "Token");
}
