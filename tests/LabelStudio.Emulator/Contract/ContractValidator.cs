using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;
using NJsonSchema;
using NJsonSchema.Validation;

namespace LabelStudio.Emulator.Contract;

/// <summary>
/// Validates HTTP exchanges against openapi-pipeline-subset.yaml: finds the operation by path template and method,
/// checks required query parameters and the JSON request body against the requestBody schema, and the response status
/// and JSON body against the response schema (JSON Schema validation with NJsonSchema, after <see cref="SpecErrata"/>).
/// Usable on its own (e.g. to check a client's requests) and used by the emulator's contract middleware.
/// </summary>
public sealed partial class ContractValidator
{
    private static readonly ConcurrentDictionary<string, Lazy<Task<ContractValidator>>> Cache = new(StringComparer.Ordinal);

    private readonly List<Operation> _operations;
    private readonly JsonSchema _errorEnvelope;

    private ContractValidator(List<Operation> operations, JsonSchema errorEnvelope)
    {
        _operations = operations;
        _errorEnvelope = errorEnvelope;
    }

    /// <summary>Loads (once per process and path) and compiles the spec with the errata applied.</summary>
    public static Task<ContractValidator> LoadAsync(string specPath, CancellationToken ct)
    {
        var fullPath = Path.GetFullPath(specPath);
        var lazy = Cache.GetOrAdd(fullPath, p => new Lazy<Task<ContractValidator>>(() => BuildAsync(p, CancellationToken.None)));
        return lazy.Value.WaitAsync(ct);
    }

    /// <summary>Operations ("GET /api/projects/") the spec defines, for diagnostics.</summary>
    public IReadOnlyList<string> Operations => _operations.Select(o => $"{o.Method} {o.Template}").ToList();

    /// <summary>Checks a request: the operation exists, required query parameters are there, the JSON body fits the schema.</summary>
    public IReadOnlyList<ContractViolation> ValidateRequest(string method, string path, string? query, string? contentType, string? body, int? status = null)
    {
        var violations = new List<ContractViolation>();
        void Add(string message) => violations.Add(new ContractViolation(method, path, status, ContractDirection.Request, message));

        var operation = Find(method, path, out var pathKnown);
        if (operation is null)
        {
            Add(pathKnown ? $"the spec has no {method} operation for this path" : "the spec has no path matching this request");
            return violations;
        }

        var parameters = ParseQuery(query);
        foreach (var parameter in operation.QueryParameters)
        {
            if (!parameters.TryGetValue(parameter.Name, out var value))
            {
                if (parameter.Required)
                {
                    Add($"required query parameter '{parameter.Name}' is missing ({operation})");
                }

                continue;
            }

            if (parameter.Type == "integer" && !long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _))
            {
                Add($"query parameter '{parameter.Name}'='{value}' is not an integer ({operation})");
            }
        }

        if (operation.RequestBody is null)
        {
            return violations;
        }

        if (string.IsNullOrWhiteSpace(body))
        {
            if (operation.RequestBodyRequired)
            {
                Add($"the request body is required ({operation})");
            }

            return violations;
        }

        if (!IsJson(contentType))
        {
            Add($"request content type '{contentType}' is not application/json ({operation})");
            return violations;
        }

        foreach (var message in Validate(operation.RequestBody, body))
        {
            Add($"request body: {message} ({operation})");
        }

        return violations;
    }

    /// <summary>Checks a response: its status is documented (or an enveloped DRF error), and its JSON body fits the schema.</summary>
    public IReadOnlyList<ContractViolation> ValidateResponse(string method, string path, int status, string? contentType, string? body)
    {
        var violations = new List<ContractViolation>();
        void Add(string message) => violations.Add(new ContractViolation(method, path, status, ContractDirection.Response, message));

        var operation = Find(method, path, out _);
        if (operation is null)
        {
            return violations; // reported on the request side
        }

        if (!operation.Responses.TryGetValue(status, out var response))
        {
            if (SpecErrata.UndocumentedErrorStatuses.Contains(status) && IsJson(contentType))
            {
                var messages = Validate(_errorEnvelope, body ?? string.Empty).ToList();
                if (messages.Count == 0 && EnvelopeStatus(body) is { } envelopeStatus && envelopeStatus != status)
                {
                    messages.Add($"envelope status_code {envelopeStatus} differs from the HTTP status");
                }

                messages.ForEach(m => Add($"error envelope: {m} ({operation})"));
            }
            else
            {
                Add($"status {status} ({contentType ?? "no body"}) is not documented for {operation}");
            }

            return violations;
        }

        if (response.Media.Count == 0)
        {
            return violations; // documented without content: nothing to check in the body
        }

        var media = response.Media.FirstOrDefault(m => MediaMatches(m.Key, contentType));
        if (media.Key is null)
        {
            Add($"response content type '{contentType ?? "none"}' is not one of {string.Join(", ", response.Media.Keys)} ({operation} {status})");
            return violations;
        }

        if (media.Value is not null)
        {
            foreach (var message in Validate(media.Value, body ?? string.Empty))
            {
                Add($"response body: {message} ({operation} {status})");
            }
        }

        return violations;
    }

    private Operation? Find(string method, string path, out bool pathKnown)
    {
        var trimmed = path.Length > 1 ? path.TrimEnd('/') : path;
        var candidates = _operations.Where(o => o.Pattern.IsMatch(trimmed)).ToList();
        pathKnown = candidates.Count > 0;

        // A literal segment beats a template ("/api/projects/validate" over "/api/projects/{id}").
        return candidates
            .Where(o => o.Method.Equals(method, StringComparison.OrdinalIgnoreCase))
            .OrderBy(o => o.ParameterCount)
            .FirstOrDefault();
    }

    private static IEnumerable<string> Validate(JsonSchema schema, string json)
    {
        JToken token;
        try
        {
            token = JsonConvert.DeserializeObject<JToken>(json, new JsonSerializerSettings { DateParseHandling = DateParseHandling.None })
                ?? JValue.CreateNull();
        }
        catch (JsonException e)
        {
            return [$"not JSON ({e.Message})"];
        }

        return schema.Validate(token).SelectMany(e => Describe(e, 0)).Distinct().Take(20).ToList();
    }

    /// <summary>A schema error with its path; for oneOf/anyOf failures, the errors of each branch (one level deep).</summary>
    private static IEnumerable<string> Describe(ValidationError error, int depth)
    {
        var where = string.IsNullOrEmpty(error.Path) ? "#" : error.Path;
        if (error is ChildSchemaValidationError child && depth == 0 && child.Errors.Count > 0)
        {
            var branches = child.Errors.Select(b => string.Join("; ", b.Value.SelectMany(e => Describe(e, depth + 1))));
            yield return $"{where}: {error.Kind} [{string.Join(" | ", branches)}]";
        }
        else
        {
            yield return $"{where}: {error.Kind}";
        }
    }

    private static int? EnvelopeStatus(string? body)
    {
        try
        {
            return JsonNode.Parse(body ?? string.Empty)?["status_code"]?.GetValue<int>();
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or InvalidOperationException or FormatException)
        {
            return null;
        }
    }

    private static bool IsJson(string? contentType) =>
        contentType is not null && (contentType.StartsWith("application/json", StringComparison.OrdinalIgnoreCase) || contentType.Contains("+json", StringComparison.OrdinalIgnoreCase));

    private static bool MediaMatches(string declared, string? actual)
    {
        if (actual is null)
        {
            return false;
        }

        var type = actual.Split(';')[0].Trim();
        return declared == "*/*"
            || declared.Equals(type, StringComparison.OrdinalIgnoreCase)
            || (declared.EndsWith("/*", StringComparison.Ordinal) && type.StartsWith(declared[..^1], StringComparison.OrdinalIgnoreCase));
    }

    private static Dictionary<string, string> ParseQuery(string? query)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in (query ?? string.Empty).TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = pair.Split('=', 2);
            result.TryAdd(Uri.UnescapeDataString(parts[0].Replace('+', ' ')), parts.Length > 1 ? Uri.UnescapeDataString(parts[1].Replace('+', ' ')) : string.Empty);
        }

        return result;
    }

    private sealed record QueryParameter(string Name, bool Required, string? Type);

    private sealed record OperationResponse(IReadOnlyDictionary<string, JsonSchema?> Media);

    private sealed record Operation(
        string Method,
        string Template,
        Regex Pattern,
        int ParameterCount,
        IReadOnlyList<QueryParameter> QueryParameters,
        JsonSchema? RequestBody,
        bool RequestBodyRequired,
        IReadOnlyDictionary<int, OperationResponse> Responses)
    {
        public override string ToString() => $"{Method} {Template}";
    }

    [GeneratedRegex(@"\{[^}/]+\}")]
    private static partial Regex TemplateParameter();
}
