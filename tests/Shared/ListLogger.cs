using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace LabelPipeline.TestSupport;

/// <summary>An <see cref="ILogger"/> that keeps every message (and echoes it to the test output when given one), to assert on what the capability code logged.</summary>
public sealed class ListLogger(ITestOutputHelper? output = null) : ILogger
{
    private readonly List<(LogLevel Level, string Text)> _entries = [];

    /// <summary>Each message as <c>Level: text</c>, with the exception's text on the next lines when there is one.</summary>
    public IReadOnlyList<string> Messages
    {
        get
        {
            lock (_entries)
            {
                return [.. _entries.Select(e => $"{e.Level}: {e.Text}")];
            }
        }
    }

    /// <summary>Each message's text alone.</summary>
    public IReadOnlyList<string> Texts
    {
        get
        {
            lock (_entries)
            {
                return [.. _entries.Select(e => e.Text)];
            }
        }
    }

    public string Text => string.Join('\n', Messages);

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        var text = formatter(state, exception) + (exception is null ? string.Empty : "\n" + exception);
        lock (_entries)
        {
            _entries.Add((logLevel, text));
        }

        try
        {
            output?.WriteLine($"{logLevel}: {text}");
        }
        catch (InvalidOperationException)
        {
            // The test already finished (a late background message): nowhere to echo it.
        }
    }
}
