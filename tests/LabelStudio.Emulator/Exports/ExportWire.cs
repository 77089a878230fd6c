using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using LabelStudio.Emulator.Auth;
using LabelStudio.Emulator.State;

namespace LabelStudio.Emulator.Exports;

/// <summary>ExportSerializer (snapshot detail and list); the create answer also echoes the three option objects.</summary>
internal sealed record ExportWire(
    int Id,
    string Title,
    UserSimpleWire CreatedBy,
    DateTimeOffset CreatedAt,
    DateTimeOffset? FinishedAt,
    string Status,
    string Md5,
    JsonObject Counters,
    JsonArray ConvertedFormats,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] JsonObject? TaskFilterOptions,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] JsonObject? AnnotationFilterOptions,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] JsonObject? SerializationOptions)
{
    public static ExportWire From(ExportRecord export, EmulatorStore store, bool withOptions) => new(
        export.Id,
        export.Title,
        ExportSerializer.CreatedBy(store),
        export.CreatedAt,
        export.FinishedAt,
        export.Status,
        export.Md5,
        (JsonObject)export.Counters.DeepClone(),
        [],
        withOptions ? (JsonObject)export.TaskFilterOptions.DeepClone() : null,
        withOptions ? (JsonObject)export.AnnotationFilterOptions.DeepClone() : null,
        withOptions ? (JsonObject)export.SerializationOptions.DeepClone() : null);
}
