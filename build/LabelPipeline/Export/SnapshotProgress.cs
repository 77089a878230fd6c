using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace LabelPipeline.Export;

/// <summary>
/// A progress line at most every <paramref name="interval"/> while a snapshot is built (thousands of series or one
/// series of millions of rows take a while, and a silent step looks hung). Given as <see cref="SnapshotOptions.Progress"/>:
/// told what the build is doing, often, it only compares a clock most of the time.
/// </summary>
public sealed class SnapshotProgress(ILogger logger, TimeSpan interval)
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly TimeSpan _interval = interval;
    private TimeSpan _next = interval;

    public void Report(string doing)
    {
        if (_clock.Elapsed < _next)
        {
            return;
        }

        _next = _clock.Elapsed + _interval;
        logger.LogInformation("Snapshot: {Doing} ({Seconds:0} s so far)", doing, _clock.Elapsed.TotalSeconds);
    }
}
