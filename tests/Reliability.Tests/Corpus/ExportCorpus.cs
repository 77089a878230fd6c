namespace Reliability.Tests.Corpus;

/// <summary>One broken (or unusual) Label Studio export and what converting it must do.</summary>
/// <param name="File">The file under tests/corpus/exports.</param>
/// <param name="Accepted">True when users would expect it to convert.</param>
/// <param name="Expect">Text the error (or the output) must contain: where, and what.</param>
public sealed record ExportCase(string File, bool Accepted, string[] Expect, string Why);

/// <summary>The bad-input corpus of exports, converted offline against datasets/synthetic/v1 (--target=ConvertExport).</summary>
public static class ExportCorpus
{
    public static IReadOnlyList<ExportCase> Cases { get; } =
    [
        new("truncated-mid-task.json", false, ["truncated-mid-task.json line 52, position 15", "the export is not valid JSON", "Is the file truncated?"], "cut off while downloading"),
        new("truncated-after-task.json", false, ["truncated-after-task.json: the export ends before its closing ']': the file is truncated"], "cut off between tasks"),
        new("empty.json", false, ["empty.json: a Label Studio JSON export is an array of tasks; this file does not start with '['"], "nothing downloaded"),
        new("not-an-array.json", false, ["not-an-array.json: a Label Studio JSON export is an array of tasks; this file does not start with '['"], "not a Label Studio JSON export"),
        new("task-not-an-object.json", false, ["task-not-an-object.json line 35, position 3: task 1 is Integer, not an object"], "not a task"),
        new("wrong-type-id.json", false, ["wrong-type-id.json line 3, position 11: task 0 (one) has a field of the wrong type: 'id' is String, expected an integer"], "a task id is a number"),
        new("wrong-type-annotations.json", false, ["wrong-type-annotations.json line 7, position 20: task 0 (1) has a field of the wrong type: 'annotations' is String, expected a list"], "annotations is a list"),
        new("wrong-type-start.json", false, ["task 1 (2021-01.csv), annotation 11, region 'r1': value.start must be a time string or a number, not Boolean"], "a bound is a time"),
        new("missing-value.json", false, ["task 1 (2021-01.csv), annotation 11, region 'r1': the result has no 'value' object"], "no region without a value"),
        new("missing-start.json", false, ["region 'r1': value.start is missing"], "no region without a start"),
        new("unknown-label.json", false, ["region 'r1': label 'Spike' is not defined in the project's labeling config (Anomaly)"], "a label the config does not have"),
        new("start-after-end.json", false, ["region 'r1': value.start 2021-01-06 12:00:00 is after value.end 2021-01-05 10:00:00"], "an inverted region"),
        new("unparsable-time.json", false, ["region 'r1': value.start 'yesterday' does not match the project's timeFormat '%Y-%m-%d %H:%M:%S'"], "a bound that is not a time"),
        new("editor-nan-end.json", false, ["region 'r1': value.end '0NaN-NaN-NaN NaN:NaN:NaN' is not a time: Label Studio's editor writes this when a region is dragged onto the task's last point", "move that region's end one point inwards"], "LSF 1.4.0's end of a drag onto a task's last point"),
        new("labels-not-a-list.json", false, ["value.timeserieslabels must be a list of labels, not String"], "labels are a list"),
        new("unknown-series.json", false, ["task 1: its series '2099-01.csv' is not a file of dataset synthetic v1"], "an export of another dataset version"),
        new("region-outside-series.json", true, ["region 'r1' (1999-01-01 00:00:00 to 1999-01-02 00:00:00) lies outside the series (the series spans 2021-01-01T00:00:00.000000 to", "it labels no row"], "the region is kept in the intervals (its bounds as Label Studio stored them); it labels no row of the series"),
        new("empty-array.json", true, [], "a project nobody labeled yet: empty labels"),
        new("bom.json", true, [], "editors add a byte order mark"),
        new("other-results-and-cancelled.json", true, [], "other result types and cancelled annotations are skipped"),
        new("instant-region.json", true, [], "a point region (start = end)"),
    ];

    public static ExportCase Get(string file) => Cases.Single(c => c.File == file);
}
