using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http;

namespace LabelStudio.Emulator.Hosting;

/// <summary>JSON as Label Studio (Django REST framework) writes and reads it: snake_case names, nulls kept, microsecond UTC times.</summary>
internal static class Wire
{
    public static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,

        // DRF's renderer writes '<', '>' and '&' as they are; label configs are XML, so keep them readable.
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Converters = { new DrfDateTimeConverter() },
    };

    /// <summary>DRF's DateTimeField output, e.g. <c>2025-10-28T21:08:18.285613Z</c>.</summary>
    public static string Timestamp(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);

    public static JsonNode? TimestampNode(DateTimeOffset? time) => time is { } t ? JsonValue.Create(Timestamp(t)) : null;

    public static string Serialize(object value) => JsonSerializer.Serialize(value, value.GetType(), Options);

    public static IResult Json(object value, int statusCode = StatusCodes.Status200OK) =>
        Results.Text(Serialize(value), "application/json", Encoding.UTF8, statusCode);

    /// <summary>The request's JSON body; null when the body is empty. A malformed body is DRF's 400 ParseError.</summary>
    public static async Task<JsonNode?> ReadBodyAsync(HttpRequest request, CancellationToken ct)
    {
        using var reader = new StreamReader(request.Body, Encoding.UTF8);
        var text = await reader.ReadToEndAsync(ct).ConfigureAwait(false);
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        try
        {
            return JsonNode.Parse(text);
        }
        catch (JsonException e)
        {
            throw new ApiException(StatusCodes.Status400BadRequest, $"JSON parse error - {e.Message}");
        }
    }

    /// <summary>The request body as a JSON object (an empty body counts as <c>{}</c>), as a DRF serializer wants it.</summary>
    public static async Task<JsonObject> ReadObjectAsync(HttpRequest request, CancellationToken ct)
    {
        var body = await ReadBodyAsync(request, ct).ConfigureAwait(false);
        return body switch
        {
            null => [],
            JsonObject o => o,
            _ => throw ApiException.Validation(new JsonObject
            {
                ["non_field_errors"] = new JsonArray($"Invalid data. Expected a dictionary, but got {PythonTypeName(body)}."),
            }),
        };
    }

    public static string PythonTypeName(JsonNode? node) => node?.GetValueKind() switch
    {
        JsonValueKind.Array => "list",
        JsonValueKind.String => "str",
        JsonValueKind.Number => "int",
        JsonValueKind.True or JsonValueKind.False => "bool",
        JsonValueKind.Object => "dict",
        _ => "NoneType",
    };

    private sealed class DrfDateTimeConverter : JsonConverter<DateTimeOffset>
    {
        public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            DateTimeOffset.Parse(reader.GetString()!, CultureInfo.InvariantCulture);

        public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) =>
            writer.WriteStringValue(Timestamp(value));
    }
}
