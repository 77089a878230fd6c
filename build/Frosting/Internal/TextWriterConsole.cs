using Cake.Core;
using Spectre.Console;

namespace Cake.Frosting.Internal;

/// <summary>Cake's console over a <see cref="TextWriter"/>: plain text, no colours, errors and output in one stream.</summary>
internal sealed class TextWriterConsole(TextWriter writer) : IConsole
{
    public ConsoleColor ForegroundColor { get; set; } = ConsoleColor.Gray;

    public ConsoleColor BackgroundColor { get; set; } = ConsoleColor.Black;

    public bool SupportAnsiEscapeCodes => false;

    /// <summary>Spectre's console over the same writer, without colours or interaction.</summary>
    public static IAnsiConsole CreateAnsiConsole(TextWriter writer) => AnsiConsole.Create(new AnsiConsoleSettings
    {
        Ansi = AnsiSupport.No,
        ColorSystem = ColorSystemSupport.NoColors,
        Interactive = InteractionSupport.No,
        Out = new AnsiConsoleOutput(writer),
    });

    public void Write(string format, params object[] arg) => writer.Write(format, arg);

    public void Write(string value) => writer.Write(value);

    public void WriteLine(string format, params object[] arg) => writer.WriteLine(format, arg);

    public void WriteLine(string value) => writer.WriteLine(value);

    public void WriteError(string format, params object[] arg) => writer.Write(format, arg);

    public void WriteError(string value) => writer.Write(value);

    public void WriteErrorLine(string format, params object[] arg) => writer.WriteLine(format, arg);

    public void WriteErrorLine(string value) => writer.WriteLine(value);

    public void ResetColor()
    {
    }
}
