using LabelPipeline.Datasets;
using LabelPipeline.Export;
using LabelPipeline.IO;
using LabelPipeline.TimeSeries;
using LabelPipeline.LabelConfig;
using LabelPipeline.LabelStudio;
using LabelPipeline.Prepare;
using Newtonsoft.Json.Linq;

namespace LabelPipeline.Quality;

/// <summary>
/// Collects what the quality files need while a snapshot is built: task by task from the export (every live
/// annotation of tasks two or more annotators labeled; every prediction), then series by series while the dense labels
/// stream through the source (<see cref="BeginSeries"/> gives the row observer). Regions are mapped to the source's rows
/// exactly as the dense files count them (window tasks through Prepare's manifest, both ends inclusive). The
/// multiply-labeled and predicted regions of the export become intervals sorted on disk per series
/// (<see cref="SeriesSpill{T}"/>, by start), so neither a task with hundreds of thousands of regions nor a large export sets the
/// memory; no rows are held.
/// </summary>
public sealed class QualityCollector(SnapshotOptions options) : IDisposable
{
    /// <summary>Intervals held before a run goes to disk (52 bytes each: 13 MB).</summary>
    private const int IntervalsInMemory = 1 << 18;

    private readonly SeriesSpill<TrackInterval> _intervals = new("intervals", IntervalsInMemory);
    private readonly string[] _labels = options.AnomalyLabels.Order(StringComparer.Ordinal).ToArray();
    private readonly Dictionary<string, SeriesState> _series = new(StringComparer.Ordinal);
    private readonly SortedSet<string> _versions = new(StringComparer.Ordinal);
    private readonly List<AgreementRow> _agreement = [];
    private readonly Dictionary<string, AlphaTally> _alpha = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Version, string Label), DetectorTally> _detector = [];
    private readonly Dictionary<string, SeriesOverlay> _overlays = new(StringComparer.Ordinal);
    private readonly TimeFormat? _preparedFormat = options.Prepared?.Schema.TimeFormat is { } pattern ? TimeFormat.Parse(pattern) : null;
    private readonly TimeZoneInfo? _zone = options.Prepared is { Schema.TimeZone: not "UTC" } p ? TimeZoneInfo.FindSystemTimeZoneById(p.Schema.TimeZone) : null;
    private int _multiplyLabeledTasks;
    private int _seriesIds;
    private (SeriesState State, RowSweep Sweep)? _current;

    /// <summary>One task of the export (its regions are read again here, only for a task two or more annotators labeled: never held).</summary>
    public void AddTask(ExportedTask task)
    {
        var live = task.Annotations.Where(a => !a.WasCancelled).ToList();
        var annotated = options.Annotations.Select(task.Annotations).Any();
        var predictions = task.Predictions;
        var annotators = live.GroupBy(AnnotatorOf, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal).ToList();
        if (annotators.Count < 2 && predictions.Count == 0 && !annotated)
        {
            return; // an annotated task counts even without predictions: what the detector missed there is judged too
        }

        var taskFile = task.SeriesFile;
        var found = options.Prepared?.FindTask(taskFile);
        var state = State(found?.Source.File ?? taskFile);
        var span = found is { Index: >= 0 } window
            ? state.AddInterval(new TrackInterval(state.NewTrack(), Bound(window.Task.Start), Bound(window.Task.End)))
            : SeriesState.WholeSeries; // the task shows the whole series: not a window, or Prepare's overview
        if (annotated)
        {
            state.Counted.Add(span);
        }

        if (annotators.Count >= 2)
        {
            _multiplyLabeledTasks++;
            // Agreement is about every live annotation, before the --annotations policy.
            var regions = task.Ranges(AnnotationSelection.All);
            var byAnnotation = live.ToDictionary(a => a.Id, AnnotatorOf);
            var names = annotators.Select(g => g.Key).ToArray();
            var tracks = new int[names.Length, _labels.Length];
            for (var a = 0; a < names.Length; a++)
            {
                for (var l = 0; l < _labels.Length; l++)
                {
                    tracks[a, l] = state.NewTrack();
                }
            }

            foreach (var region in regions)
            {
                var a = Array.IndexOf(names, byAnnotation.GetValueOrDefault(region.AnnotationId));
                for (var l = 0; a >= 0 && l < _labels.Length; l++)
                {
                    if (region.Labels.Contains(_labels[l], StringComparer.Ordinal))
                    {
                        state.AddInterval(new TrackInterval(tracks[a, l], Source(region.Start, found), Source(region.End, found)));
                    }
                }
            }

            state.Tasks.Add(new AgreementTask(task.Id, span, names, tracks));
        }

        foreach (var version in predictions.GroupBy(p => p.ModelVersion ?? string.Empty))
        {
            _versions.Add(version.Key);
            foreach (var region in PredictionReview.PredictedRanges(version))
            {
                foreach (var label in region.Labels.Where(options.AnomalyLabels.Contains))
                {
                    state.AddInterval(new TrackInterval(state.PredictionTrack(version.Key, label), Source(region.Start, found), Source(region.End, found)));
                }
            }
        }
    }

    /// <summary>
    /// Starts a series (after every task was added): <paramref name="expert"/> are its regions in the snapshot (after
    /// the policy, mapped to the source; enumerated at most once, before this returns). Returns the observer to feed
    /// each source row's time, or null when the series has nothing to judge.
    /// </summary>
    public Action<RangeBound>? BeginSeries(string series, IEnumerable<LabeledRange> expert)
    {
        _current = null;
        if (!_series.TryGetValue(series, out var state) || (state.Tasks.Count == 0 && (_versions.Count == 0 || state.Counted.Count == 0)))
        {
            return null;
        }

        state.Name = series;
        if (_versions.Count > 0)
        {
            foreach (var region in expert)
            {
                foreach (var label in region.Labels.Where(options.AnomalyLabels.Contains))
                {
                    state.AddInterval(new TrackInterval(state.ExpertTrack(label), region.Start, region.End));
                }
            }
        }

        var sweep = new RowSweep(_intervals.Of(state.Id).Select(i => i.Item), state.Tracks);
        _current = (state, sweep);
        return sweep.Observe;
    }

    /// <summary>Ends the series begun last: scores it and lets go of its regions.</summary>
    public void EndSeries()
    {
        if (_current is not { } current)
        {
            return;
        }

        _current = null;
        var (state, sweep) = current;
        _series.Remove(state.Name!);
        var runs = sweep.Finish();
        IReadOnlyList<RowRun> all = sweep.Rows > 0 ? [new RowRun(0, sweep.Rows - 1)] : [];
        IReadOnlyList<RowRun> RunsOf(int track) => track == SeriesState.WholeSeries ? all : track < runs.Length ? runs[track] : []; // a track made after the sweep has no rows

        var disagreement = new List<RowRun>();
        foreach (var task in state.Tasks)
        {
            var span = RunsOf(task.Span);
            var rows = RowRuns.Count(span);
            for (var l = 0; l < _labels.Length; l++)
            {
                var marked = Enumerable.Range(0, task.Annotators.Length).Select(a => RowRuns.Intersect(runs[task.Tracks[a, l]], span)).ToArray();
                for (var a = 0; a < marked.Length; a++)
                {
                    for (var b = a + 1; b < marked.Length; b++)
                    {
                        var both = RowRuns.Count(RowRuns.Intersect(marked[a], marked[b]));
                        var scores = new PairScores(rows, both, RowRuns.Count(marked[a]) - both, RowRuns.Count(marked[b]) - both);
                        _agreement.Add(new AgreementRow(task.TaskId, state.Name!, _labels[l], task.Annotators[a], task.Annotators[b], scores));
                    }
                }

                Alpha(_labels[l]).Add(RowRuns.CoverageHistogram(marked, span));
                var anyone = RowRuns.Normalize(marked.SelectMany(m => m));
                var everyone = marked.Aggregate((x, y) => RowRuns.Intersect(x, y));
                disagreement.AddRange(RowRuns.Subtract(anyone, everyone));
            }
        }

        var predicted = new List<(string Version, RowRun Run)>();
        if (_versions.Count > 0 && state.Counted.Count > 0)
        {
            var counted = RowRuns.Normalize(state.Counted.Distinct().SelectMany(RunsOf));
            var rows = RowRuns.Count(counted);
            foreach (var label in _labels)
            {
                var expert = RowRuns.Intersect(RunsOf(state.ExpertTrack(label)), counted);
                foreach (var version in _versions)
                {
                    var mine = RowRuns.Intersect(RunsOf(state.PredictionTrack(version, label)), counted);
                    Tally(version, label).Add(rows, expert, mine);
                }
            }

            predicted.AddRange(_versions.SelectMany(v => RowRuns.Normalize(_labels.SelectMany(l => RunsOf(state.PredictionTrack(v, l)))).Select(r => (v, r))));
        }

        _overlays[state.Name!] = new SeriesOverlay(
            predicted.Select(p => Timed(p.Run, sweep) is { } t ? new OverlayRange(p.Version, t.Start, t.End) : null).OfType<OverlayRange>().ToList(),
            RowRuns.Normalize(disagreement).Select(r => Timed(r, sweep) is { } t ? new OverlayRange("disagreement", t.Start, t.End) : null).OfType<OverlayRange>().ToList());
    }

    /// <summary>Everything scored; call after the last series.</summary>
    public QualityReport Finish()
    {
        _intervals.Dispose();
        // Tallies exist for every version × label, even where no series had rows to judge (a version only on unannotated tasks).
        foreach (var version in _versions)
        {
            foreach (var label in _labels)
            {
                Tally(version, label);
            }
        }

        foreach (var label in _labels.Where(_ => _multiplyLabeledTasks > 0))
        {
            Alpha(label);
        }

        return new QualityReport(
            _multiplyLabeledTasks,
            _agreement.OrderBy(r => r.TaskId).ThenBy(r => r.Label, StringComparer.Ordinal)
                .ThenBy(r => r.AnnotatorA, StringComparer.Ordinal).ThenBy(r => r.AnnotatorB, StringComparer.Ordinal).ToList(),
            _alpha.OrderBy(a => a.Key, StringComparer.Ordinal).ToDictionary(a => a.Key, a => a.Value.Alpha, StringComparer.Ordinal),
            _detector.OrderBy(d => d.Key.Version, StringComparer.Ordinal).ThenBy(d => d.Key.Label, StringComparer.Ordinal)
                .Select(d => new DetectorRow(d.Key.Version, d.Key.Label, d.Value)).ToList(),
            _overlays);
    }

    private static (RangeBound Start, RangeBound End)? Timed(RowRun run, RowSweep sweep) =>
        sweep.TimeOf(run.First) is { } start && sweep.TimeOf(run.Last) is { } end ? (start, end) : null;

    private AlphaTally Alpha(string label) => _alpha.TryGetValue(label, out var tally) ? tally : _alpha[label] = new AlphaTally();

    private DetectorTally Tally(string version, string label) =>
        _detector.TryGetValue((version, label), out var tally) ? tally : _detector[(version, label)] = new DetectorTally();

    private SeriesState State(string series) => _series.TryGetValue(series, out var state) ? state : _series[series] = new SeriesState(_intervals, _seriesIds++);

    /// <summary>Removes the intervals spilled to disk (also done by <see cref="Finish"/>).</summary>
    public void Dispose() => _intervals.Dispose();

    private static string AnnotatorOf(ExportedAnnotation annotation) => annotation.Annotator ?? $"annotation {annotation.Id}";

    private RangeBound Bound(string text) => WindowMapping.Bound(text, _preparedFormat, _zone);

    /// <summary>A bound drawn on a Prepare task file, in the source's time base (as WindowMapping maps regions).</summary>
    private RangeBound Source(RangeBound bound, (PreparedSource Source, PreparedTask Task, int Index)? found) =>
        found is null ? bound : WindowMapping.ToSource(bound, _zone);

    private sealed record AgreementTask(int TaskId, int Span, string[] Annotators, int[,] Tracks);

    /// <summary>One series' tracks (numbered from 0) and their intervals, until the series is scored.</summary>
    private sealed class SeriesState(SeriesSpill<TrackInterval> intervals, int id)
    {
        /// <summary>A span that is the whole series (a task that is not a window).</summary>
        public const int WholeSeries = -1;

        private readonly Dictionary<(string Version, string Label), int> _predictionTracks = [];
        private readonly Dictionary<string, int> _expertTracks = new(StringComparer.Ordinal);

        public string? Name { get; set; }
        public int Tracks { get; private set; }

        /// <summary>The series' number in the spill.</summary>
        public int Id => id;

        public List<AgreementTask> Tasks { get; } = [];

        /// <summary>The spans of tasks with at least one annotation under the policy: the rows the detector is judged on.</summary>
        public List<int> Counted { get; } = [];

        public int NewTrack() => Tracks++;

        public int AddInterval(TrackInterval interval)
        {
            intervals.Add(id, interval.Start, interval);
            return interval.Track;
        }

        public int PredictionTrack(string version, string label) =>
            _predictionTracks.TryGetValue((version, label), out var track) ? track : _predictionTracks[(version, label)] = NewTrack();

        public int ExpertTrack(string label) => _expertTracks.TryGetValue(label, out var track) ? track : _expertTracks[label] = NewTrack();
    }
}
