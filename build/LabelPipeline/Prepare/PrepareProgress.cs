using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace LabelPipeline.Prepare;

/// <summary>
/// A progress line at most every <paramref name="interval"/> while Prepare reads its sources: a multi-GB series takes
/// minutes, and a silent step looks hung. Called per row by every worker, so it only compares a clock most of the time.
/// A line names the source whose reader found the interval over, and with several sources how many are done.
/// </summary>
public sealed class PrepareProgress(ILogger logger, TimeSpan interval)
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly Lock _lock = new();
    private long _nextTicks = interval.Ticks;
    private int _sources;
    private int _done;

    internal void Starting(int sources) => _sources = sources;

    internal void SourceDone() => Interlocked.Increment(ref _done);

    public void Report(string file, long bytesRead)
    {
        if (_clock.Elapsed.Ticks < Volatile.Read(ref _nextTicks))
        {
            return;
        }

        lock (_lock)
        {
            var now = _clock.Elapsed.Ticks;
            if (now < _nextTicks)
            {
                return; // another worker just printed
            }

            _nextTicks = now + interval.Ticks;
            var bytes = new FileInfo(file).Length;
            var percent = bytes == 0 ? 100 : Math.Min(100, 100.0 * bytesRead / bytes);
            if (_sources > 1)
            {
                logger.LogInformation(
                    "Prepare: {File} {Percent:0}% read ({Read:0.0} of {Total:0.0} MB); {Done:N0} of {Sources:N0} sources done",
                    Path.GetFileName(file), percent, bytesRead / 1048576.0, bytes / 1048576.0, Volatile.Read(ref _done), _sources);
            }
            else
            {
                logger.LogInformation(
                    "Prepare: {File} {Percent:0}% read ({Read:0.0} of {Total:0.0} MB)", Path.GetFileName(file), percent, bytesRead / 1048576.0, bytes / 1048576.0);
            }
        }
    }
}
