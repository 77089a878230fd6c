using System.Text.Json.Nodes;

namespace LabelStudio.Emulator.Contract;

/// <summary>
/// OpenAPI 3.0 schema objects → JSON Schema draft 4, which NJsonSchema validates. OpenAPI's <c>nullable: true</c> has no
/// JSON Schema keyword: a typed schema gains the "null" type (and null in its enum); a $ref/allOf/oneOf/anyOf schema is
/// wrapped as <c>anyOf: [schema, {type: null}]</c>. <c>#/components/schemas/X</c> refs become <c>#/definitions/X</c>.
/// Documentation-only keywords are dropped; of the formats only those NJsonSchema checks meaningfully are kept.
/// </summary>
internal static class OpenApiSchemaConverter
{
    private const string ComponentsPrefix = "#/components/schemas/";

    private static readonly HashSet<string> KeptFormats = new(StringComparer.Ordinal) { "date-time", "uri", "email", "uuid" };

    private static readonly HashSet<string> Dropped = new(StringComparer.Ordinal)
    {
        "description", "title", "example", "examples", "externalDocs", "xml", "deprecated", "discriminator", "nullable", "readOnly", "writeOnly",
    };

    public static JsonNode Convert(JsonNode? schema)
    {
        if (schema is not JsonObject source)
        {
            return schema?.DeepClone() ?? new JsonObject();
        }

        if (source["$ref"]?.GetValue<string>() is { } reference)
        {
            // OpenAPI 3.0 ignores a $ref's siblings.
            var target = reference.StartsWith(ComponentsPrefix, StringComparison.Ordinal)
                ? "#/definitions/" + reference[ComponentsPrefix.Length..]
                : throw new NotSupportedException($"Only local component refs are supported, not {reference}.");
            return Nullable(source, new JsonObject { ["$ref"] = target });
        }

        var result = new JsonObject();
        foreach (var (key, value) in source)
        {
            if (Dropped.Contains(key) || key.StartsWith("x-", StringComparison.Ordinal))
            {
                continue;
            }

            switch (key)
            {
                case "format":
                    if (value?.GetValue<string>() is { } format && KeptFormats.Contains(format))
                    {
                        result[key] = format;
                    }

                    break;
                case "properties" when value is JsonObject properties:
                    result[key] = new JsonObject(properties.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)Convert(p.Value))));
                    break;
                case "items" or "not":
                    result[key] = Convert(value);
                    break;
                case "additionalProperties":
                    result[key] = value is JsonObject ? Convert(value) : value?.DeepClone();
                    break;
                case "allOf" or "anyOf" or "oneOf" when value is JsonArray list:
                    result[key] = new JsonArray(list.Select(item => (JsonNode?)Convert(item)).ToArray());
                    break;
                default:
                    result[key] = value?.DeepClone();
                    break;
            }
        }

        return Nullable(source, result);
    }

    private static JsonNode Nullable(JsonObject source, JsonObject converted)
    {
        if (source["nullable"]?.GetValue<bool>() != true)
        {
            return converted;
        }

        if (converted["type"]?.GetValue<string>() is { } type)
        {
            converted["type"] = new JsonArray(type, "null");
            if (converted["enum"] is JsonArray values && values.All(v => v is not null))
            {
                values.Add(null);
            }

            return converted;
        }

        if (converted.ContainsKey("$ref") || converted.ContainsKey("allOf") || converted.ContainsKey("oneOf") || converted.ContainsKey("anyOf"))
        {
            return new JsonObject { ["anyOf"] = new JsonArray(converted, new JsonObject { ["type"] = "null" }) };
        }

        // No type and no composition: the schema already accepts null.
        return converted;
    }
}
