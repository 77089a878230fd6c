using System.Globalization;
using System.Text;
using System.Xml.Linq;
using Editor.Tests.Support;
using LabelPipeline.Datasets;
using Newtonsoft.Json.Linq;
using Xunit.Abstractions;

namespace Editor.Tests;

/// <summary>
/// Every config the generator can make, checked in Label Studio's own editor (LSF 1.4.0) in Chromium: it renders one
/// visibly drawn chart per &lt;Channel&gt; with no validation, page or console error; broken configs fail the same check;
/// results we write load and re-serialize unchanged. All cases run in one browser (<see cref="EditorSuiteFixture"/>).
/// </summary>
[Collection(BrowserCollection.Name)]
[Trait("Category", "Browser")]
public sealed class EditorRenderTests(EditorSuiteFixture suite, ITestOutputHelper output) : IClassFixture<EditorSuiteFixture>
{
    /// <summary>The performance goal: every task file renders in under 2 s (recorded, not enforced).</summary>
    private const double RenderGoalMs = 2000;

    public static TheoryData<string> RenderCases => EditorCases.Names(CaseKind.Render);

    public static TheoryData<string> BrokenCases => EditorCases.Names(CaseKind.Broken);

    public static TheoryData<string> RoundTripCases => EditorCases.Names(CaseKind.RoundTrip);

    [SkippableTheory]
    [MemberData(nameof(RenderCases))]
    public async Task Generated_config_renders_in_the_editor(string name)
    {
        var (editorCase, result) = await suite.ResultAsync(name);
        output.WriteLine(result.Describe());
        WriteRenderTime(result);
        var definition = EditorCases.Get(name);
        if (definition.KnownDefect is not null)
        {
            Skip.If(!result.Ok, $"Known defect, kept as documentation: {definition.KnownDefect} The editor: {string.Join(" | ", result.Failures)}");
            output.WriteLine($"Marked as a known defect, but it passes now: remove the marker. ({definition.KnownDefect})");
        }

        Assert.True(result.Ok, result.Describe());
        Assert.Equal("UTC", result.Json["timeZone"]?.ToString());
        var legends = XElement.Parse(editorCase.Config).Descendants("Channel").Select(c => c.Attribute("legend")?.Value).ToArray();
        Assert.Equal(editorCase.ExpectChannels, result.Charts.Count);
        Assert.Equal(legends, result.Charts.Select(c => c["legend"]?.ToString()).ToArray());
        Assert.All(result.Charts, c => Assert.True(c["visible"]!.Value<bool>(), c.ToString()));
    }

    [SkippableTheory]
    [MemberData(nameof(BrokenCases))]
    public async Task Broken_config_or_result_fails_the_check(string name)
    {
        var (editorCase, result) = await suite.ResultAsync(name);
        output.WriteLine(result.Describe());
        Assert.False(result.Ok, $"The check passed a broken case: {result.Describe()}");
        Assert.Contains(result.Failures, f => f.Contains(editorCase.ExpectFailure!, StringComparison.OrdinalIgnoreCase));
    }

    [SkippableTheory]
    [MemberData(nameof(RoundTripCases))]
    public async Task Results_we_write_load_in_the_editor_and_come_back_unchanged(string name)
    {
        var (editorCase, result) = await suite.ResultAsync(name);
        output.WriteLine(result.Describe());
        WriteRenderTime(result);
        Assert.True(result.Ok, result.Describe());

        // Compared here too, as JSON values (key order aside), against what C# wrote.
        var given = new[] { "annotations", "predictions" }
            .SelectMany(kind => ((JArray)editorCase.Task![kind]!).Select(item => (Kind: kind, Id: item["id"]!.ToString(), Result: (JArray)item["result"]!)))
            .ToArray();
        Assert.NotEmpty(given);
        Assert.Equal(given.Length, result.RoundTrip.Count);
        foreach (var (kind, id, expected) in given)
        {
            var back = result.RoundTrip.Single(r => r["kind"]!.ToString() == kind && r["id"]!.ToString() == id);
            Assert.True(JToken.DeepEquals(expected, back["output"]), $"{kind} {id}:\n gave   {expected.ToString(Newtonsoft.Json.Formatting.None)}\n editor {back["output"]?.ToString(Newtonsoft.Json.Formatting.None)}");
        }
    }

    [SkippableFact]
    public async Task Render_time_of_every_task_file_is_recorded()
    {
        await EditorTool.RequireAsync();
        Assert.NotNull(suite.Run);
        var rows = suite.Run!.Cases.Where(c => EditorCases.Get(c.Name).Kind != CaseKind.Broken).ToArray();
        var table = new StringBuilder($"Editor render time per task file (LSF 1.4.0, Chromium {suite.Run.Chromium}; goal < {RenderGoalMs:0} ms):\n");
        foreach (var row in rows.OrderByDescending(r => r.RenderMs ?? double.MaxValue))
        {
            table.Append(CultureInfo.InvariantCulture, $"  {Ms(row.RenderMs),8} ms render  {Ms(row.PageMs),8} ms with page load  {(row.RenderMs > RenderGoalMs ? "OVER GOAL " : string.Empty)}{row.Name}\n");
        }

        output.WriteLine(table.ToString());
        Assert.All(rows.Where(r => r.Ok), r => Assert.NotNull(r.RenderMs));
    }

    [SkippableFact]
    public void NAB_machine_temperature_is_refused_by_Prepare_unless_it_may_sort()
    {
        // Its hour 2014-01-07 02:00-02:55 appears twice: time steps back at line 10151. With --on-unsorted=sort it renders (a case above).
        var file = Path.Combine(Repository.SharedDatasets, EditorCases.NabRejectedFile);
        Skip.IfNot(File.Exists(file), $"{file} is missing (../shared is not beside the clone).");
        using var temp = new TempDirectory();
        var error = Assert.Throws<DatasetException>(() => Configs.Prepare([file], temp.Path));
        Assert.Contains("line 10151", error.Message, StringComparison.Ordinal);
        Assert.Contains("goes backwards", error.Message, StringComparison.Ordinal);
        Assert.Contains("--on-unsorted=sort", error.Message, StringComparison.Ordinal);
    }

    private void WriteRenderTime(EditorCaseResult result) =>
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"render time: {Ms(result.RenderMs)} ms (with page load {Ms(result.PageMs)} ms) for {result.Name}"));

    private static string Ms(double? ms) => ms?.ToString("0", CultureInfo.InvariantCulture) ?? "-";
}
