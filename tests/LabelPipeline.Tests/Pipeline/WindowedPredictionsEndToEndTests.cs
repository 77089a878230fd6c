using LabelPipeline.LabelStudio;
using LabelPipeline.Tests.Support;
using LabelPipeline.TimeSeries;
using LabelStudio.Emulator;
using Newtonsoft.Json.Linq;

namespace LabelPipeline.Tests.Pipeline;

/// <summary>
/// Predictions meet Prepare (the real executable against the emulator): model output written in source terms lands on
/// the window tasks clipped to each window and in the task files' time format, a re-import changes nothing, an
/// annotator confirming both pieces of a region gets one interval in the snapshot, and an unsorted real source (NAB)
/// takes predictions once Prepare sorted it.
/// </summary>
public sealed class WindowedPredictionsEndToEndTests() : EmulatorPipelineTest(scratchDatasets: true)
{
    private Task<PipelineRun> RunAsync(params string[] arguments) => RunPipelineAsync(arguments);

    /// <summary>The project's tasks by task file name.</summary>
    private async Task<(int Project, Dictionary<string, int> Tasks)> TasksAsync(string title)
    {
        var project = (await Client.ListProjectsAsync(title, CancellationToken.None)).Single();
        var tasks = new Dictionary<string, int>(StringComparer.Ordinal);
        await foreach (var task in Client.ListTasksAsync(project.Id, withAnnotations: false, CancellationToken.None))
        {
            tasks[SeriesNames.FromUrl(task.Data["csv"]!.ToString())] = task.Id;
        }

        return (project.Id, tasks);
    }

    private static (string Start, string End)[] Values(Prediction prediction) =>
        prediction.Result.Select(r => ((string)r["value"]!["start"]!, (string)r["value"]!["end"]!)).ToArray();

    [Fact]
    public async Task A_predicted_region_across_a_window_boundary_is_split_imported_once_and_joined_again_in_the_snapshot()
    {
        // 1,000 rows a minute apart in a day-first source format; 250 rows per task: windows 00:00-04:09, 04:10-08:19, ...
        var t0 = new DateTime(2024, 5, 1, 0, 0, 0, DateTimeKind.Utc);
        var source = Path.Combine(DatasetsDir, "win", "v1", "s.csv");
        Directory.CreateDirectory(Path.GetDirectoryName(source)!);
        await File.WriteAllTextAsync(source, "time,v\n" + string.Concat(Enumerable.Range(0, 1000).Select(i => $"{t0.AddMinutes(i):dd.MM.yyyy HH:mm:ss},{i % 13}\n")));
        var model = Temp.Write("model.csv",
            "series,start,end,score\n" +
            "s.csv,01.05.2024 03:50:00,01.05.2024 04:20:00,0.9\n" + // across the boundary of windows 1 and 2
            "s,2024-05-01T10:00:00Z,2024-05-01T10:30:00Z,0.6\n"); // ISO 8601, inside window 3
        string[] args = ["--dataset=win", "--max-points-per-task=250", $"--predictions={model}", "--model-version=det-1"];

        var first = await RunAsync(["--target=ImportPredictions", .. args]);
        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.Contains("1 source files -> 4 task files", first.Output);
        Assert.Contains("Predictions " + model + " (intervals): 3 regions on 3 tasks", first.Output);
        Assert.Contains("ImportPredictions: 3 tasks got a new prediction, 0 unchanged, 0 earlier predictions of 'det-1' removed", first.Output);

        var (project, tasks) = await TasksAsync("win v1");
        var predictions = (await Client.ListPredictionsAsync(project, CancellationToken.None)).ToDictionary(p => p.Task);
        Assert.Equal([tasks["s.w0001.csv"], tasks["s.w0002.csv"], tasks["s.w0003.csv"]], predictions.Keys.Order());
        var left = predictions[tasks["s.w0001.csv"]];
        var right = predictions[tasks["s.w0002.csv"]];
        Assert.Equal([("2024-05-01 03:50:00", "2024-05-01 04:09:00")], Values(left)); // clipped to the window's last row
        Assert.Equal([("2024-05-01 04:10:00", "2024-05-01 04:20:00")], Values(right)); // from the next window's first
        Assert.Equal([("2024-05-01 10:00:00", "2024-05-01 10:30:00")], Values(predictions[tasks["s.w0003.csv"]]));
        Assert.NotEqual((string)left.Result[0]["id"]!, (string)right.Result[0]["id"]!);

        // A re-import of the same output changes nothing.
        var again = await RunAsync(["--target=ImportPredictions", .. args]);
        Assert.True(again.ExitCode == 0, again.ToString());
        Assert.Contains("ImportPredictions: 0 tasks got a new prediction, 3 unchanged, 0 earlier predictions of 'det-1' removed", again.Output);
        Assert.Equal(predictions.Values.Select(p => p.Id).Order(), (await Client.ListPredictionsAsync(project, CancellationToken.None)).Select(p => p.Id).Order());

        // The annotator accepts both pieces as they are (the editor keeps the predicted results, ids and all).
        await Client.CreateAnnotationAsync(tasks["s.w0001.csv"], new AnnotationRequest { Result = (JArray)left.Result.DeepClone() }, CancellationToken.None);
        await Client.CreateAnnotationAsync(tasks["s.w0002.csv"], new AnnotationRequest { Result = (JArray)right.Result.DeepClone() }, CancellationToken.None);

        var export = await RunAsync("--target=Export", "--dataset=win", "--max-points-per-task=250", "--model-version=det-1");
        Assert.True(export.ExitCode == 0, export.ToString());
        var snapshot = Path.Combine(Output, "win", "v1");
        var interval = JObject.Parse(Assert.Single(await File.ReadAllLinesAsync(Path.Combine(snapshot, "intervals.jsonl"))));
        Assert.Equal(("s.csv", "confirmed"), ((string)interval["series"]!, (string)interval["review"]!));
        Assert.Equal("2024-05-01T03:50:00.000000,2024-05-01T04:20:00.000000\n", await File.ReadAllTextAsync(Path.Combine(snapshot, "lookout", "labels.csv")));

        // The review counts per task: two predicted pieces, each confirmed in its window (review.csv names the windows).
        var review = JObject.Parse(await File.ReadAllTextAsync(Path.Combine(snapshot, "manifest.json")))["prediction_review"]!;
        Assert.Equal((2, 0, 0, 0), ((int)review["confirmed"]!, (int)review["adjusted"]!, (int)review["rejected"]!, (int)review["added"]!));
        var reviewRows = (await File.ReadAllLinesAsync(Path.Combine(snapshot, "predictions", "review.csv"))).Skip(1).ToArray();
        Assert.Equal(["s.w0001.csv", "s.w0002.csv"], reviewRows.Select(r => r.Split(',')[0]));

        var verify = await RunAsync("--target=Verify", "--dataset=win", "--max-points-per-task=250", "--model-version=det-1");
        Assert.True(verify.ExitCode == 0, verify.ToString());
        Assert.Empty(Emulator.ContractViolations);
    }

    [SkippableFact]
    public async Task An_unsorted_source_takes_predictions_in_source_terms_and_one_outside_it_fails_with_file_and_line()
    {
        var nab = Path.Combine(Repository.SharedDatasets, "NAB", "realKnownCause", "machine_temperature_system_failure.csv");
        Skip.IfNot(File.Exists(nab), $"{nab} is missing (../shared is not beside the clone).");
        CopyInto("nab", nab);
        string[] args = ["--dataset=nab", "--on-unsorted=sort", "--on-duplicate=mean", "--max-points-per-task=12000"];

        // Outside the series (it starts 2013-12-02 21:15): refused with file and line, nothing imported.
        var bad = Temp.Write("bad.csv",
            "series,start,end\n" +
            "machine_temperature_system_failure.csv,2014-01-07 01:00:00,2014-01-07 03:00:00\n" +
            "machine_temperature_system_failure.csv,2013-12-01 00:00:00,2013-12-01 06:00:00\n");
        var refused = await RunAsync(["--target=ImportPredictions", $"--predictions={bad}", .. args]);
        Assert.NotEqual(0, refused.ExitCode);
        Assert.Contains("1 problem(s); nothing was imported", refused.Output);
        Assert.Contains("bad.csv line 3: 2013-12-01T00:00:00.000000 .. 2013-12-01T06:00:00.000000 lies outside series 'machine_temperature_system_failure.csv', which runs from 2013-12-02T21:15:00.000000", refused.Output);
        var (project, tasks) = await TasksAsync("nab v1");
        Assert.Equal(2, tasks.Count); // 22,695 rows, 12,000 per task: the backward step (2014-01-07) is in the first
        Assert.Empty(await Client.ListPredictionsAsync(project, CancellationToken.None));

        // Around the backward step (source line 10151) and across the first window boundary, read from Prepare's manifest.
        var manifest = JObject.Parse(await File.ReadAllTextAsync(Path.Combine(DatasetsDir, ".prepared", "nab", "v1", "prepare.json")));
        var windows = (JArray)manifest["sources"]![0]!["tasks"]!;
        var boundaryEnd = DateTime.Parse((string)windows[0]!["end"]!, System.Globalization.CultureInfo.InvariantCulture);
        var boundaryStart = (string)windows[1]!["start"]!;
        var across = $"{boundaryEnd.AddHours(-1):yyyy-MM-dd HH:mm:ss}";
        var good = Temp.Write("good.csv",
            "series,start,end\n" +
            "machine_temperature_system_failure.csv,2014-01-07 01:00:00,2014-01-07 03:00:00\n" +
            $"machine_temperature_system_failure.csv,{across},{DateTime.Parse(boundaryStart, System.Globalization.CultureInfo.InvariantCulture).AddHours(1):yyyy-MM-dd HH:mm:ss}\n");
        var run = await RunAsync(["--target=ImportPredictions", $"--predictions={good}", .. args]);
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("11 rows out of time order sorted", run.Output);
        var predictions = (await Client.ListPredictionsAsync(project, CancellationToken.None)).ToDictionary(p => p.Task);
        var first = predictions[tasks["machine_temperature_system_failure.w0001.csv"]];
        var second = predictions[tasks["machine_temperature_system_failure.w0002.csv"]];
        Assert.Contains(("2014-01-07 01:00:00", "2014-01-07 03:00:00"), Values(first));
        Assert.Contains((across, (string)windows[0]!["end"]!), Values(first));
        Assert.Equal([(boundaryStart, $"{DateTime.Parse(boundaryStart, System.Globalization.CultureInfo.InvariantCulture).AddHours(1):yyyy-MM-dd HH:mm:ss}")], Values(second));
        Assert.Empty(Emulator.ContractViolations);
    }
}
