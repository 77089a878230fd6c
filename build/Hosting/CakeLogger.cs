using Cake.Core.Diagnostics;
using Microsoft.Extensions.Logging;
using LogLevel = Microsoft.Extensions.Logging.LogLevel;

namespace Build.Hosting;

/// <summary>Routes the capability code's <see cref="ILogger"/> messages to Cake's log, so --verbosity governs both.</summary>
public sealed class CakeLogger(ICakeLog log) : ILogger
{
    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel switch
    {
        LogLevel.Trace or LogLevel.Debug => log.Verbosity >= Verbosity.Diagnostic,
        LogLevel.Information => log.Verbosity >= Verbosity.Normal,
        LogLevel.Warning => log.Verbosity >= Verbosity.Minimal,
        LogLevel.None => false,
        _ => true,
    };

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (!IsEnabled(logLevel))
        {
            return;
        }

        // Cake formats its own {0} placeholders: hand it the finished text as an argument, never as the format.
        var text = formatter(state, exception);
        switch (logLevel)
        {
            case LogLevel.Critical or LogLevel.Error:
                log.Error("{0}", text);
                break;
            case LogLevel.Warning:
                log.Warning("{0}", text);
                break;
            case LogLevel.Information:
                log.Information("{0}", text);
                break;
            default:
                log.Verbose("{0}", text);
                break;
        }
    }
}
