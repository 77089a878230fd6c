using System.Text;
using CsCheck;
using LabelPipeline.Export;
using LabelPipeline.IO;
using Xunit.Abstractions;

namespace LabelPipeline.Tests.Properties;

/// <summary>
/// The snapshot's byte-level writers against the library code they replaced (issue 17): the JSON string escaping
/// against Newtonsoft's <c>JsonConvert.ToString</c>, the line reader + writer against <see cref="StreamReader.ReadLine"/>
/// and a UTF-8 <see cref="StreamWriter"/>, and the hashes taken while writing against the file read back.
/// </summary>
public sealed class ByteLevelWriterProperties(ITestOutputHelper output) : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("lp-bytes-").FullName;

    // Characters that matter: every escaped one, separators, line ends, non-ASCII (2-, 3- and 4-byte), lone surrogates.
    private static readonly Gen<char> Tricky = OneOf(
        '"', '\\', '\b', '\t', '\n', '\f', '\r', '\u0000', '\u001f', '\u007f', '\u0085', '\u2028', '\u2029', ',', ' ', 'a', 'Z', '0',
        'é', '€', '\uD83D', '\uDE00', '\uFEFF', '\uFFFD');

    private static Gen<T> OneOf<T>(params T[] values) => Gen.Int[0, values.Length - 1].Select(i => values[i]);

    private static readonly Gen<string> Text = Gen.Frequency((3, Gen.Char[' ', '~']), (2, Tricky)).Array[0, 40].Select(c => new string(c));

    [Fact]
    public void Json_strings_are_escaped_as_newtonsoft_escapes_them() =>
        PropertyCheck.ForAll(Text, text =>
        {
            var written = new StringWriter();
            JsonText.WriteString(written, text);
            Assert.Equal(Newtonsoft.Json.JsonConvert.ToString(text), written.ToString());
        }, output, cases: 2_000);

    [Fact]
    public void The_escaping_check_bites()
    {
        // A plain quote left unescaped would be an invalid JSON line: the comparison above must see it.
        var written = new StringWriter();
        JsonText.WriteString(written, "a\"b");
        Assert.NotEqual("\"a\"b\"", written.ToString());
    }

    // Bytes of a file: text lines with any mix of line ends, sometimes a BOM, sometimes bytes that are not UTF-8.
    private static readonly Gen<byte[]> FileBytes = Gen.Select(
        Gen.Select(Text, OneOf("\n", "\r\n", "\r", "")).Array[0, 12],
        Gen.Bool,
        Gen.Byte.Array[0, 3],
        Gen.Int[0, 12],
        (lines, bom, junk, junkAt) =>
        {
            var bytes = new List<byte>();
            if (bom)
            {
                bytes.AddRange(Encoding.UTF8.GetPreamble());
            }

            foreach (var (line, end) in lines)
            {
                bytes.AddRange(Encoding.UTF8.GetBytes(line + end));
            }

            bytes.InsertRange(Math.Min(junkAt, bytes.Count), junk.Select(b => (byte)(0x80 | (b & 0x3F)))); // continuation bytes: never a valid start
            return bytes.ToArray();
        });

    [Fact]
    public void Lines_copied_as_bytes_equal_lines_read_and_written_as_text() =>
        PropertyCheck.ForAll(FileBytes, bytes =>
        {
            var source = Path.Combine(_folder, "in.csv");
            File.WriteAllBytes(source, bytes);

            var expected = new StringBuilder();
            using (var text = new StreamReader(source, new UTF8Encoding(false), detectEncodingFromByteOrderMarks: true))
            {
                while (text.ReadLine() is { } line)
                {
                    expected.Append(line).Append("|\n");
                }
            }

            var copy = Path.Combine(_folder, "out.csv");
            File.Delete(copy);
            using (var lines = new LineReader(source))
            using (var writer = new ByteWriter(File.Create(copy)))
            {
                while (lines.Next(out var line))
                {
                    writer.WriteLine(line, "|\n"u8);
                }
            }

            Assert.Equal(Encoding.UTF8.GetBytes(expected.ToString()), File.ReadAllBytes(copy));
        }, output, cases: 1_000);

    [Fact]
    public void Hashes_taken_while_writing_equal_the_file_read_back() =>
        PropertyCheck.ForAll(Gen.Byte.Array[0, 200_000], bytes =>
        {
            var hashes = new HashedFiles();
            var path = Path.Combine(_folder, "hashed.bin");
            File.Delete(path);
            using (var stream = HashedFiles.Create(path, hashes))
            {
                // Uneven pieces, as buffered writers hand them over.
                for (var at = 0; at < bytes.Length; at += 7_001)
                {
                    stream.Write(bytes, at, Math.Min(7_001, bytes.Length - at));
                }
            }

            Assert.Equal((bytes.LongLength, Hashes.Sha256File(path)), hashes.Of(path));
        }, output, cases: 40);

    [Fact]
    public void A_file_changed_after_it_was_hashed_is_read_again()
    {
        var hashes = new HashedFiles();
        var path = Path.Combine(_folder, "changed.txt");
        using (var writer = HashedFiles.CreateText(path, hashes))
        {
            writer.Write("first");
        }

        File.WriteAllText(path, "second, longer");
        Assert.Equal(Hashes.Sha256File(path), hashes.Of(path).Sha256);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
