using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace LabelStudio.Emulator.Hosting;

/// <summary>Label Studio's error body (core/utils/common.py: custom_exception_handler).</summary>
internal sealed record ErrorEnvelope(
    string Id,
    int StatusCode,
    string Version,
    string Detail,
    string? ExcInfo,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] JsonObject? ValidationErrors);
