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

    /// <summary>An annotation's created_at/updated_at exactly as the typed read of a task converts it.</summary>
    internal static DateTimeOffset? ReadDate(string? text) => text is null ? null : TryReadUtcIso(text, out var value) ? value : ReadDateReference(text);

    /// <summary>Newtonsoft's conversion (ISO 8601, then .NET's parser, with the local offset when none is given).</summary>
    internal static DateTimeOffset? ReadDateReference(string text) => new JValue(text).ToObject<DateTimeOffset?>(Serializer);

    /// <summary>
    /// The form Label Studio writes, <c>yyyy-MM-ddTHH:mm:ss[.f…f]Z</c> (1–7 fraction digits), read directly: it is
    /// what Newtonsoft's ISO reader gives for it, without loading the serializer. Anything else returns false.
    /// </summary>
    internal static bool TryReadUtcIso(string text, out DateTimeOffset value)
    {
        value = default;
        var n = text.Length;
        if (n < 20 || n == 21 || n > 28 || text[4] != '-' || text[7] != '-' || text[10] != 'T' || text[13] != ':' || text[16] != ':'
            || text[^1] != 'Z' || (n > 20 && text[19] != '.'))
        {
            return false;
        }

        int Digits(int start, int count)
        {
            var number = 0;
            for (var i = start; i < start + count; i++)
            {
                var digit = (uint)(text[i] - '0');
                if (digit > 9)
                {
                    return -1;
                }

                number = (number * 10) + (int)digit;
            }

            return number;
        }

        int year = Digits(0, 4), month = Digits(5, 2), day = Digits(8, 2), hour = Digits(11, 2), minute = Digits(14, 2), second = Digits(17, 2);
        var fractionDigits = n > 20 ? n - 21 : 0;
        var fraction = fractionDigits > 0 ? Digits(20, fractionDigits) : 0;
        if (year < 1 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month) || hour is < 0 or > 23 || minute is < 0 or > 59
            || second is < 0 or > 59 || fraction < 0)
        {
            return false;
        }

        for (var i = fractionDigits; i < 7; i++)
        {
            fraction *= 10;
        }

        value = new DateTimeOffset(new DateTime(year, month, day, hour, minute, second).Ticks + fraction, TimeSpan.Zero);
        return true;
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
