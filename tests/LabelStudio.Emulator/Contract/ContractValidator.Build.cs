using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using NJsonSchema;

namespace LabelStudio.Emulator.Contract;

/// <summary>Compiling the spec: YAML → JSON, errata applied, OpenAPI schemas → one JSON Schema document NJsonSchema loads once.</summary>
public sealed partial class ContractValidator
{
    private static readonly string[] Methods = ["get", "post", "put", "patch", "delete"];

    private static async Task<ContractValidator> BuildAsync(string specPath, CancellationToken ct)
    {
        if (!File.Exists(specPath))
        {
            throw new FileNotFoundException($"OpenAPI spec not found: {specPath} (expected ../shared/label-studio/openapi-pipeline-subset.yaml beside the repository).", specPath);
        }

        JsonObject spec;
        using (var reader = File.OpenText(specPath))
        {
            spec = YamlJson.Load(reader) as JsonObject ?? throw new InvalidDataException($"{specPath} is not an OpenAPI document.");
        }

        ApplyErrata(spec);

        // One document: every component under definitions, plus one definition per operation body, so refs resolve once.
        var definitions = new JsonObject();
        foreach (var (name, schema) in (JsonObject)spec["components"]!["schemas"]!)
        {
            definitions[name] = OpenApiSchemaConverter.Convert(schema);
        }

        definitions["__ErrorEnvelope"] = OpenApiSchemaConverter.Convert(JsonNode.Parse(SpecErrata.ErrorEnvelopeSchema));
        var pending = new List<(string Method, string Template, JsonObject Operation, Dictionary<string, string> Keys)>();
        var counter = 0;
        foreach (var (template, pathItem) in (JsonObject)spec["paths"]!)
        {
            foreach (var method in Methods)
            {
                if (pathItem?[method] is not JsonObject operation)
                {
                    continue;
                }

                var keys = new Dictionary<string, string>(StringComparer.Ordinal);
                if (operation["requestBody"]?["content"]?["application/json"]?["schema"] is { } requestSchema)
                {
                    var key = $"__op{counter++}";
                    definitions[key] = OpenApiSchemaConverter.Convert(requestSchema);
                    keys["request"] = key;
                }

                foreach (var (status, response) in (JsonObject)operation["responses"]!)
                {
                    foreach (var (media, content) in response?["content"] as JsonObject ?? [])
                    {
                        if (content?["schema"] is { } schema)
                        {
                            var key = $"__op{counter++}";
                            definitions[key] = OpenApiSchemaConverter.Convert(schema);
                            keys[$"{status} {media}"] = key;
                        }
                    }
                }

                pending.Add((method.ToUpperInvariant(), template, operation, keys));
            }
        }

        var document = await JsonSchema.FromJsonAsync(new JsonObject { ["definitions"] = definitions }.ToJsonString(), ct).ConfigureAwait(false);
        JsonSchema Schema(string key) => document.Definitions[key];

        var operations = pending.Select(p => BuildOperation(p.Method, p.Template, p.Operation, key => p.Keys.TryGetValue(key, out var k) ? Schema(k) : null)).ToList();
        return new ContractValidator(operations, Schema("__ErrorEnvelope"));
    }

    private static Operation BuildOperation(string method, string template, JsonObject operation, Func<string, JsonSchema?> schemaOf)
    {
        var trimmed = template.Length > 1 ? template.TrimEnd('/') : template;
        var pattern = "^" + string.Join("[^/]+", TemplateParameter().Split(trimmed).Select(Regex.Escape)) + "$";
        var parameters = (operation["parameters"] as JsonArray ?? [])
            .OfType<JsonObject>()
            .Where(p => p["in"]?.GetValue<string>() == "query")
            .Select(p => new QueryParameter(p["name"]!.GetValue<string>(), p["required"]?.GetValue<bool>() == true, p["schema"]?["type"]?.GetValue<string>()))
            .ToList();
        var responses = new Dictionary<int, OperationResponse>();
        foreach (var (status, response) in (JsonObject)operation["responses"]!)
        {
            if (!int.TryParse(status, NumberStyles.None, CultureInfo.InvariantCulture, out var code))
            {
                continue;
            }

            var media = new Dictionary<string, JsonSchema?>(StringComparer.OrdinalIgnoreCase);
            foreach (var (type, _) in response?["content"] as JsonObject ?? [])
            {
                media[type] = schemaOf($"{status} {type}");
            }

            responses[code] = new OperationResponse(media);
        }

        return new Operation(
            method,
            template,
            new Regex(pattern, RegexOptions.CultureInvariant),
            TemplateParameter().Matches(template).Count,
            parameters,
            schemaOf("request"),
            operation["requestBody"]?["required"]?.GetValue<bool>() == true,
            responses);
    }

    /// <summary>Applies <see cref="SpecErrata.All"/>; an erratum whose target is missing is an error, so the list cannot rot silently.</summary>
    private static void ApplyErrata(JsonObject spec)
    {
        var schemas = (JsonObject)spec["components"]!["schemas"]!;
        JsonObject Component(string name) =>
            schemas[name] as JsonObject ?? throw new InvalidOperationException($"Spec erratum targets unknown component schema '{name}'.");

        foreach (var erratum in SpecErrata.All)
        {
            switch (erratum)
            {
                case NotRequiredErratum e:
                    var required = Component(e.Schema)["required"] as JsonArray
                        ?? throw new InvalidOperationException($"Spec erratum: '{e.Schema}' has no required list.");
                    foreach (var property in e.Properties)
                    {
                        var item = required.FirstOrDefault(r => r?.GetValue<string>() == property)
                            ?? throw new InvalidOperationException($"Spec erratum: '{property}' is not required in '{e.Schema}'.");
                        required.Remove(item);
                    }

                    break;
                case PropertyErratum e:
                    var segments = e.Pointer.Trim('/').Split('/');
                    JsonNode parent = Component(e.ComponentSchema);
                    foreach (var segment in segments[..^1])
                    {
                        parent = parent[segment] ?? throw new InvalidOperationException($"Spec erratum: {e.ComponentSchema}{e.Pointer} does not exist.");
                    }

                    if (parent[segments[^1]] is null)
                    {
                        throw new InvalidOperationException($"Spec erratum: {e.ComponentSchema}{e.Pointer} does not exist.");
                    }

                    parent[segments[^1]] = JsonNode.Parse(e.Schema);
                    break;
                case ComponentErratum e:
                    Component(e.ComponentSchema);
                    schemas[e.ComponentSchema] = JsonNode.Parse(e.Schema);
                    break;
                case OperationErratum e:
                    var paths = (JsonObject)spec["paths"]!;
                    if (paths[e.PathTemplate] is not JsonObject pathItem)
                    {
                        paths[e.PathTemplate] = pathItem = new JsonObject();
                    }

                    if (pathItem[e.Method.ToLowerInvariant()] is not null)
                    {
                        throw new InvalidOperationException($"Spec erratum adds {e.Method} {e.PathTemplate}, which the spec has: make it a ResponseErratum.");
                    }

                    pathItem[e.Method.ToLowerInvariant()] = JsonNode.Parse(e.Operation);
                    break;
                case ResponseErratum e:
                    var operation = spec["paths"]?[e.PathTemplate]?[e.Method.ToLowerInvariant()] as JsonObject
                        ?? throw new InvalidOperationException($"Spec erratum targets unknown operation {e.Method} {e.PathTemplate}.");
                    var content = new JsonObject { [e.MediaType] = e.Schema is null ? new JsonObject() : new JsonObject { ["schema"] = JsonNode.Parse(e.Schema) } };
                    ((JsonObject)operation["responses"]!)[e.Status.ToString(CultureInfo.InvariantCulture)] = new JsonObject { ["content"] = content };
                    break;
                default:
                    throw new InvalidOperationException($"Unknown erratum kind {erratum.GetType().Name}.");
            }
        }
    }
}
