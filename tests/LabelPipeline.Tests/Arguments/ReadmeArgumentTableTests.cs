using Build;

namespace LabelPipeline.Tests.Arguments;

/// <summary>The README's argument tables are the argument table: a row added, renamed or reworded on one side only fails here.</summary>
public sealed class ReadmeArgumentTableTests
{
    [Theory]
    [InlineData(ArgumentSection.Main)]
    [InlineData(ArgumentSection.S3)]
    public void The_readme_table_matches_the_argument_table(ArgumentSection section)
    {
        var readme = File.ReadAllText(Path.Combine(Repository.Root, "README.md")).ReplaceLineEndings("\n");
        var expected = Build.Arguments.MarkdownTable(section);
        Assert.True(
            readme.Contains(expected, StringComparison.Ordinal),
            $"README.md's {section} argument table differs from build/Arguments.cs; it should read:\n\n{expected}");
    }

    [Fact]
    public void Every_argument_row_in_the_readme_is_in_the_table()
    {
        var readme = File.ReadAllLines(Path.Combine(Repository.Root, "README.md"));
        var rows = readme
            .Where(line => System.Text.RegularExpressions.Regex.IsMatch(line, "^\\| `--[a-z0-9-]+` \\|"))
            .Select(line => line.Split('`')[1].TrimStart('-'))
            .ToList();
        Assert.NotEmpty(rows);
        Assert.All(rows, name => Assert.NotNull(Build.Arguments.Find(name)));
        Assert.Equal(Build.Arguments.All.Count, rows.Count);
    }
}
