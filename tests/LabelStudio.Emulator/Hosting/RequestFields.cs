using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace LabelStudio.Emulator.Hosting;

/// <summary>
/// Reads a request body the way a DRF serializer does: absent fields stay absent (partial update), type errors collect
/// per field with DRF's messages, and <see cref="ThrowIfInvalid"/> raises them together as one 400.
/// </summary>
internal sealed class RequestFields(JsonObject body)
{
    private readonly JsonObject _errors = [];

    public JsonObject Body => body;

    public bool Has(string name) => body.ContainsKey(name);

    /// <summary>No field error so far.</summary>
    public bool IsValid => _errors.Count == 0;

    /// <summary>The field errors so far (DRF's shape: field → list of messages).</summary>
    public JsonObject Errors => (JsonObject)_errors.DeepClone();

    public void AddError(string name, string message)
    {
        if (_errors[name] is JsonArray list)
        {
            list.Add(message);
        }
        else
        {
            _errors[name] = new JsonArray(message);
        }
    }

    public void ThrowIfInvalid()
    {
        if (_errors.Count > 0)
        {
            throw ApiException.Validation((JsonObject)_errors.DeepClone());
        }
    }

    /// <summary>CharField: strings, and numbers turned into strings; null only when allowed.</summary>
    public Optional<string?> String(string name, bool allowNull = true)
    {
        if (!body.TryGetPropertyValue(name, out var node))
        {
            return default;
        }

        switch (node?.GetValueKind())
        {
            case null or JsonValueKind.Null when allowNull:
                return new Optional<string?>(null);
            case null or JsonValueKind.Null:
                AddError(name, "This field may not be null.");
                return default;
            case JsonValueKind.String:
                return new Optional<string?>(node.GetValue<string>());
            case JsonValueKind.Number:
                return new Optional<string?>(node.ToJsonString());
            default:
                AddError(name, "Not a valid string.");
                return default;
        }
    }

    /// <summary>IntegerField: integers or integer strings.</summary>
    public Optional<int?> Int(string name, bool allowNull = false)
    {
        if (!body.TryGetPropertyValue(name, out var node))
        {
            return default;
        }

        if (node is null)
        {
            if (!allowNull)
            {
                AddError(name, "This field may not be null.");
                return default;
            }

            return new Optional<int?>(null);
        }

        if (node.GetValueKind() == JsonValueKind.Number && node.AsValue().TryGetValue<int>(out var number))
        {
            return new Optional<int?>(number);
        }

        if (node.GetValueKind() == JsonValueKind.String && int.TryParse(node.GetValue<string>(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out number))
        {
            return new Optional<int?>(number);
        }

        AddError(name, "A valid integer is required.");
        return default;
    }

    /// <summary>FloatField.</summary>
    public Optional<double?> Double(string name, bool allowNull = true)
    {
        if (!body.TryGetPropertyValue(name, out var node))
        {
            return default;
        }

        if (node is null)
        {
            if (allowNull)
            {
                return new Optional<double?>(null);
            }

            AddError(name, "This field may not be null.");
            return default;
        }

        if (node.GetValueKind() == JsonValueKind.Number)
        {
            return new Optional<double?>(node.GetValue<double>());
        }

        if (node.GetValueKind() == JsonValueKind.String && double.TryParse(node.GetValue<string>(), NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
        {
            return new Optional<double?>(number);
        }

        AddError(name, "A valid number is required.");
        return default;
    }

    /// <summary>BooleanField: true/false and DRF's accepted spellings ("true", "1", 0, …).</summary>
    public Optional<bool?> Bool(string name, bool allowNull = false)
    {
        if (!body.TryGetPropertyValue(name, out var node))
        {
            return default;
        }

        switch (node?.GetValueKind())
        {
            case null or JsonValueKind.Null when allowNull:
                return new Optional<bool?>(null);
            case JsonValueKind.True:
                return new Optional<bool?>(true);
            case JsonValueKind.False:
                return new Optional<bool?>(false);
            case JsonValueKind.String or JsonValueKind.Number:
                var text = node!.ToString().ToLowerInvariant();
                if (text is "true" or "1" or "yes" or "on" or "y" or "t")
                {
                    return new Optional<bool?>(true);
                }

                if (text is "false" or "0" or "no" or "off" or "n" or "f")
                {
                    return new Optional<bool?>(false);
                }

                break;
        }

        AddError(name, "Must be a valid boolean.");
        return default;
    }

    /// <summary>A list field (JSONField holding a list, e.g. <c>result</c>).</summary>
    public Optional<JsonArray?> Array(string name)
    {
        if (!body.TryGetPropertyValue(name, out var node))
        {
            return default;
        }

        if (node is JsonArray array)
        {
            return new Optional<JsonArray?>((JsonArray)array.DeepClone());
        }

        AddError(name, $"Expected a list of items but got type \"{Wire.PythonTypeName(node)}\".");
        return default;
    }

    /// <summary>A JSON object field (task data, meta, options).</summary>
    public Optional<JsonObject?> Object(string name, bool allowNull = true)
    {
        if (!body.TryGetPropertyValue(name, out var node))
        {
            return default;
        }

        if (node is JsonObject obj)
        {
            return new Optional<JsonObject?>((JsonObject)obj.DeepClone());
        }

        if (node is null && allowNull)
        {
            return new Optional<JsonObject?>(null);
        }

        AddError(name, $"Expected a dictionary of items but got type \"{Wire.PythonTypeName(node)}\".");
        return default;
    }

    /// <summary>ChoiceField.</summary>
    public Optional<string?> Choice(string name, IReadOnlyCollection<string> choices, bool allowNull = true)
    {
        var value = String(name, allowNull);
        if (value.HasValue && value.Value is { } text && !choices.Contains(text))
        {
            AddError(name, $"\"{text}\" is not a valid choice.");
            return default;
        }

        return value;
    }
}

/// <summary>A field that may be absent from the request (distinct from present-and-null).</summary>
internal readonly record struct Optional<T>(T Value)
{
    public bool HasValue { get; } = true;

    public T GetValueOrDefault(T fallback) => HasValue ? Value : fallback;
}
