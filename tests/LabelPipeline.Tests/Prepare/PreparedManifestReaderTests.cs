using System.Reflection;
using LabelPipeline.Prepare;

namespace LabelPipeline.Tests.Prepare;

/// <summary>prepare.json is written by Json.NET and read field by field (PreparedManifestJson): the two must agree on every field.</summary>
public sealed class PreparedManifestReaderTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    /// <summary>A manifest in which no field has its default value (checked below), so a field the reader misses shows.</summary>
    private static PreparedManifest Full()
    {
        var fixes = new PrepareFixes
        {
            RowsRead = 1, RowsWritten = 2, RowsReordered = 3, DuplicateTimes = 4, DuplicateRowsDropped = 5, DuplicateRowsAveraged = 6,
            MissingCellsFilled = 7, RowsWithoutValuesDropped = 8, TimesRounded = 9, TimesShiftedToUtc = 10, ByteOrderMarkRemoved = true,
            CarriageReturnsRemoved = true, SeparatorChanged = true, TimeFormatChanged = true, HeaderNamesChanged = 11, TextColumnsDropped = 12,
        };
        var window = new PreparedTask("a \"b\".w0001.csv", "ab12", 13, 1, 14, 2, 15, "2024-01-01 00:00:00", "2024-01-01 00:00:14", 16, "2024-01-01 00:00:13");
        var overview = window with { File = "a.overview.csv", Window = 17, EndReachable = "2024-01-01 00:00:12" };
        return new PreparedManifest
        {
            Format = "labelpipeline-prepare/1",
            Fingerprint = "f00d",
            Schema = new PreparedSchema(";", "%d.%m.%Y %H:%M:%S", "%Y-%m-%d %H:%M:%S", "Europe/Berlin",
                [new("Zeit", "Zeit", "time"), new("Motor \"A\"\tStrom µA", "Motor _A__Strom µA", "channel"), new("Notiz", null, "dropped")]),
            Settings = new PreparedSettings(200_000_000_000, 18, 19, "sort", "mean", Overview: true),
            Sources = [new PreparedSource("a \"b\".csv", "cd34", 20, [window, window with { Window = 2 }], fixes, overview, ["line 3: \"ambiguous\"\n time"])],
        };
    }

    [Fact]
    public void Every_field_written_is_read_back()
    {
        var manifest = Full();
        AssertNoDefaults(manifest);
        var path = Path.Combine(_temp.Path, PreparedManifest.FileName);
        File.WriteAllText(path, manifest.ToJson());

        var read = PreparedManifest.TryRead(path);
        Assert.NotNull(read);
        Assert.Equal(manifest.ToJson(), read.ToJson());
        Assert.Null(read.Schema.Columns[2].Prepared);
    }

    [Theory]
    [InlineData("")] // empty
    [InlineData("{\"format\": \"labelpipeline-prepare/1\"")] // cut off
    [InlineData("[]")] // another shape
    [InlineData("{} {}")] // something after the manifest
    public void A_damaged_manifest_is_not_read(string json)
    {
        var path = Path.Combine(_temp.Path, PreparedManifest.FileName);
        File.WriteAllText(path, json);
        Assert.Null(PreparedManifest.TryRead(path));
    }

    [Theory]
    [InlineData("\"fingerprint\": \"f00d\",", "")] // a field the manifest needs
    [InlineData("\"rows\": 14,", "\"rows\": \"14\",")] // a number as text
    [InlineData("\"rows\": 14,", "\"rows\": 1.5,")] // not a whole number
    [InlineData("\"overview\": true", "\"overview\": 1")] // a number for a flag
    [InlineData("\"labelpipeline-prepare/1\"", "\"labelpipeline-prepare/2\"")] // another format version
    public void A_manifest_with_a_missing_or_mistyped_field_is_not_read(string field, string replacement)
    {
        var path = Path.Combine(_temp.Path, PreparedManifest.FileName);
        var json = Full().ToJson();
        Assert.Contains(field, json, StringComparison.Ordinal);
        File.WriteAllText(path, json.Replace(field, replacement, StringComparison.Ordinal));
        Assert.Null(PreparedManifest.TryRead(path));
    }

    [Fact]
    public void Fields_it_does_not_know_are_skipped()
    {
        var path = Path.Combine(_temp.Path, PreparedManifest.FileName);
        var json = Full().ToJson();
        File.WriteAllText(path, json.Replace("\"fingerprint\":", "\"later\": {\"x\": [1, {\"y\": null}]}, \"fingerprint\":", StringComparison.Ordinal));
        Assert.Equal(json, PreparedManifest.TryRead(path)!.ToJson());
    }

    /// <summary>Every property of the manifest's records (but computed ones) holds a value other than its type's default (in a list: the first element's).</summary>
    private static void AssertNoDefaults(object value, string path = "manifest")
    {
        foreach (var property in value.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite))
        {
            var item = property.GetValue(value);
            var where = $"{path}.{property.Name}";
            Assert.False(item is null or 0 or 0L or false, $"{where} has its default value: give it one in Full(), so the reader is tested on it");
            if (item is System.Collections.IEnumerable list and not string)
            {
                var first = list.Cast<object>().First(); // the others may hold nulls (a dropped column), read back too
                if (first.GetType().Namespace == typeof(PreparedManifest).Namespace)
                {
                    AssertNoDefaults(first, where + "[0]");
                }
            }
            else if (item!.GetType().Namespace == typeof(PreparedManifest).Namespace)
            {
                AssertNoDefaults(item, where);
            }
        }
    }
}
