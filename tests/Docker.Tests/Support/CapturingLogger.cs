using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace Docker.Tests.Support;

/// <summary>An <see cref="ILogger"/> that keeps every message (and echoes it to the test output).</summary>
public sealed class CapturingLogger(ITestOutputHelper? output = null) : ILogger
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

    public string Text => string.Join('\n', Messages);

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        var text = $"{logLevel}: {formatter(state, exception)}" + (exception is null ? string.Empty : "\n" + exception);
        lock (_messages)
        {
            _messages.Add(text);
        }

        try
        {
            output?.WriteLine(text);
        }
        catch (InvalidOperationException)
        {
            // The test already finished (a late background message): nowhere to echo it.
        }
    }
}
