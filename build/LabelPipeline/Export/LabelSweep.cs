using LabelPipeline.TimeSeries;

namespace LabelPipeline.Export;

/// <summary>
/// The labels covering each row of a series while its rows stream past in time order (a row at time t is covered by a
/// region when start ≤ t ≤ end). Per label it keeps only the furthest end of the regions started so far: the label
/// covers t exactly when that end is ≥ t, so a row costs the labels that change or are open, never the regions open at
/// once (hundreds when regions overlap). Regions streamed from disk (not a collection) must come in start order and are
/// read once per sweep, so memory does not grow with their number; a collection is sorted here (stable, as before).
/// A time that steps back (a source Prepare sorted) restarts the sweep from the first region.
/// </summary>
internal sealed class LabelSweep : IDisposable
{
    private readonly IEnumerable<LabeledRange> _source;
    private readonly Dictionary<string, int> _index = new(StringComparer.Ordinal);
    private readonly List<string> _names = [];
    private readonly List<RangeBound?> _furthest = [];
    private readonly List<bool> _open = [];
    private readonly List<int> _openLabels = [];
    private readonly SortedSet<string> _labels = new(StringComparer.Ordinal);
    private IEnumerator<LabeledRange>? _regions;
    private LabeledRange? _next;
    private RangeBound? _previous;

    public LabelSweep(IEnumerable<LabeledRange> ranges)
    {
        // In memory already: sorted by start here (OrderBy is stable, as the sweep's ties need). Else a stream in start order.
        _source = ranges is IReadOnlyCollection<LabeledRange> held && !InStartOrder(held) ? held.OrderBy(r => r.Start).ToList() : ranges;
        Restart();
    }

    /// <summary>The labels covering the current row, in ordinal order.</summary>
    public IReadOnlyCollection<string> Labels => _labels;

    /// <summary>Moves to the next row; true when the labels covering it differ from the previous row's (or the sweep restarted).</summary>
    public bool MoveTo(RangeBound time)
    {
        var changed = false;
        if (_previous is { } p && time < p)
        {
            Restart();
            changed = true;
        }

        _previous = time;
        while (_next is { } region && region.Start <= time)
        {
            foreach (var name in region.Labels)
            {
                var label = Label(name);
                if (_furthest[label] is not { } end || region.End > end)
                {
                    _furthest[label] = region.End;
                }

                if (!_open[label] && _furthest[label] is { } reach && reach >= time)
                {
                    _open[label] = true;
                    _openLabels.Add(label);
                    _labels.Add(name);
                    changed = true;
                }
            }

            Advance();
        }

        for (var i = _openLabels.Count - 1; i >= 0; i--)
        {
            var label = _openLabels[i];
            if (_furthest[label] is { } end && end < time)
            {
                _open[label] = false;
                _openLabels.RemoveAt(i);
                _labels.Remove(_names[label]);
                changed = true;
            }
        }

        return changed;
    }

    public void Dispose() => _regions?.Dispose();

    private void Restart()
    {
        _regions?.Dispose();
        _regions = _source.GetEnumerator();
        _next = null;
        Advance();
        for (var label = 0; label < _names.Count; label++)
        {
            _furthest[label] = null;
            _open[label] = false;
        }

        _openLabels.Clear();
        _labels.Clear();
    }

    private void Advance()
    {
        var previous = _next;
        _next = _regions!.MoveNext() ? _regions.Current : null;
        if (previous is not null && _next is not null && _next.Start < previous.Start)
        {
            throw new InvalidOperationException(
                $"The regions of {_next.SeriesFile} stream out of start order (region '{_next.RegionId}' starts before '{previous.RegionId}'): a stream must be sorted by start.");
        }
    }

    private int Label(string name)
    {
        if (!_index.TryGetValue(name, out var label))
        {
            label = _names.Count;
            _index.Add(name, label);
            _names.Add(name);
            _furthest.Add(null);
            _open.Add(false);
        }

        return label;
    }

    private static bool InStartOrder(IReadOnlyCollection<LabeledRange> ranges)
    {
        LabeledRange? previous = null;
        foreach (var range in ranges)
        {
            if (previous is not null && range.Start < previous.Start)
            {
                return false;
            }

            previous = range;
        }

        return true;
    }
}
