using System.Globalization;

namespace Build;

/// <summary>Argument values checked the same way wherever they are read: the error names the argument and the range.</summary>
internal static class ArgumentValues
{
    /// <summary>A whole number from <paramref name="min"/> to <paramref name="max"/>; null text gives the fallback.</summary>
    /// <param name="error">Set to the message (<c>--name=text: expected …</c>) when the text is not such a number.</param>
    public static int Integer(string name, string? text, int fallback, int min, int max, out string? error)
    {
        error = null;
        if (text is null)
        {
            return fallback;
        }

        if (int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max)
        {
            return value;
        }

        error = $"--{name}={text}: expected a whole number from {min} to {max}.";
        return fallback;
    }
}
