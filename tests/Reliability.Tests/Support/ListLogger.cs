using Microsoft.Extensions.Logging;

namespace Reliability.Tests.Support;

/// <summary>An <see cref="ILogger"/> that keeps every message, to assert on what the capability code logged.</summary>
public sealed class ListLogger : ILogger
{
    private readonly List<string> _messages = [];

    public IReadOnlyList<string> Messages
    {
        get
        {
            lock (_messages)
            {
                return [.. _messages];
            }
        }
    }

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        lock (_messages)
        {
            _messages.Add($"{logLevel}: {formatter(state, exception)}{(exception is null ? string.Empty : "\n" + exception)}");
        }
    }
}
