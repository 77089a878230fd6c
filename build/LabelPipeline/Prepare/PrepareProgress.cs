using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace LabelPipeline.Prepare;

/// <summary>
/// A progress line at most every <paramref name="interval"/> while Prepare reads a source: a multi-GB series takes
/// minutes, and a silent step looks hung. Called per row, so it only compares a clock most of the time.
/// </summary>
public sealed class PrepareProgress(ILogger logger, TimeSpan interval)
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly TimeSpan _interval = interval;
    private TimeSpan _next = interval;
    private string? _file;
    private long _bytes;

    public void Report(string file, long bytesRead)
    {
        if (_clock.Elapsed < _next)
        {
            return;
        }

        _next = _clock.Elapsed + _interval;
        if (!string.Equals(file, _file, StringComparison.Ordinal))
        {
            _file = file;
            _bytes = new FileInfo(file).Length;
        }

        var percent = _bytes == 0 ? 100 : Math.Min(100, 100.0 * bytesRead / _bytes);
        logger.LogInformation(
            "Prepare: {File} {Percent:0}% read ({Read:0.0} of {Total:0.0} MB)", Path.GetFileName(file), percent, bytesRead / 1048576.0, _bytes / 1048576.0);
    }
}
