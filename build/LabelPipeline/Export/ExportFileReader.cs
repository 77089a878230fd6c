using LabelPipeline.LabelStudio;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace LabelPipeline.Export;

/// <summary>
/// Reads a Label Studio JSON export (an array of tasks with their annotations) one task at a time, so memory stays
/// flat however large the export grows. Malformed input fails with the file, line and position.
/// </summary>
public static class ExportFileReader
{
    private static readonly JsonSerializer Serializer = JsonSerializer.Create(LabelStudioClient.Json);

    // The same settings, but JToken-typed fields (task data, annotation results) take the parsed task's own tokens
    // instead of copies: the results, most of an export, are then built once, not twice.
    private static readonly JsonSerializer SharingSerializer = CreateSharingSerializer();

    private static JsonSerializer CreateSharingSerializer()
    {
        var serializer = JsonSerializer.Create(LabelStudioClient.Json);
        serializer.Converters.Add(new ShareTokensConverter());
        return serializer;
    }

    public static IEnumerable<LabelStudioTask> ReadTasks(string path)
    {
        using var file = new StreamReader(path, new System.Text.UTF8Encoding(false), detectEncodingFromByteOrderMarks: true, bufferSize: 1 << 16);
        using var reader = new JsonTextReader(file) { DateParseHandling = DateParseHandling.None };
        if (!Read(reader, path) || reader.TokenType != JsonToken.StartArray)
        {
            throw new ExportException($"{path}: a Label Studio JSON export is an array of tasks; this file does not start with '['.");
        }

        var index = 0;
        while (Read(reader, path) && reader.TokenType != JsonToken.EndArray)
        {
            if (reader.TokenType != JsonToken.StartObject)
            {
                throw new ExportException($"{path} line {reader.LineNumber}, position {reader.LinePosition}: task {index} is {reader.TokenType}, not an object.");
            }

            var line = reader.LineNumber;
            JObject json;
            try
            {
                json = JObject.Load(reader);
            }
            catch (JsonReaderException e)
            {
                throw new ExportException($"{path} line {e.LineNumber}, position {e.LinePosition}: the export is not valid JSON ({e.Message}). Is the file truncated?");
            }

            LabelStudioTask task;
            try
            {
                task = ToTask(json);
            }
            catch (Exception e) when (e is JsonException or FormatException or InvalidCastException)
            {
                throw new ExportException($"{path} line {line}: task {index} ({json["id"]}) has a field of the wrong type: {e.Message}");
            }

            if (json["id"]?.Type != JTokenType.Integer)
            {
                throw new ExportException($"{path} line {line}: task {index} has no integer 'id'.");
            }

            yield return task;
            index++;
        }

        if (reader.TokenType != JsonToken.EndArray)
        {
            throw new ExportException($"{path}: the export ends before its closing ']': the file is truncated.");
        }
    }

    private static LabelStudioTask ToTask(JObject json)
    {
        try
        {
            return json.ToObject<LabelStudioTask>(SharingSerializer)!;
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidCastException)
        {
            // A field of the wrong type: the copying serializer's message is the one users (and the corpus) know.
            return json.ToObject<LabelStudioTask>(Serializer)!;
        }
    }

    /// <summary>Reads a JToken-typed member as the token already in the tree being deserialized, not a copy of it.</summary>
    private sealed class ShareTokensConverter : JsonConverter
    {
        public override bool CanWrite => false;

        public override bool CanConvert(Type objectType) => typeof(JToken).IsAssignableFrom(objectType);

        public override object? ReadJson(JsonReader reader, Type objectType, object? existingValue, JsonSerializer serializer)
        {
            if (reader is not JTokenReader { CurrentToken: { } token } || !objectType.IsInstanceOfType(token))
            {
                throw new JsonSerializationException($"Cannot share a {reader.TokenType} as {objectType.Name}."); // the copying path reports it
            }

            reader.Skip();
            return token;
        }

        public override void WriteJson(JsonWriter writer, object? value, JsonSerializer serializer) => throw new NotSupportedException();
    }

    private static bool Read(JsonTextReader reader, string path)
    {
        try
        {
            return reader.Read();
        }
        catch (JsonReaderException e)
        {
            throw new ExportException($"{path} line {e.LineNumber}, position {e.LinePosition}: the export is not valid JSON ({e.Message}). Is the file truncated?");
        }
    }
}
