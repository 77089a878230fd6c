namespace LabelStudio.Emulator.Contract;

/// <summary>
/// One known difference between the emulator's answers and the real Label Studio server's, for the same request, that
/// is a version difference, not an emulator bug. <see cref="Endpoint"/> is "METHOD /api/template status" ("*" for
/// any); <see cref="Path"/> is a JSON path prefix in the response shape ("" for the whole body).
/// </summary>
public sealed record RealServerDifference(string Endpoint, string Path, string Reason)
{
    public bool Explains(string endpoint, string path) =>
        (Endpoint == "*" || Endpoint == endpoint) && (path == Path || path.StartsWith(Path + (Path.Length == 0 ? string.Empty : "."), StringComparison.Ordinal) || path.StartsWith(Path + "[]", StringComparison.Ordinal));
}

/// <summary>
/// THE list of differences tests/RealServer.Tests' differential test found between this emulator, which models Label
/// Studio <b>1.23.0</b> (<see cref="EmulatorOptions.Version"/>, CONTRACT.md), and the real server it runs, the shared
/// kit's upstream develop at 9baf144b (2023-09-11, <b>1.8.3dev</b>). Everything else must answer with the same status
/// and the same response shape; a difference not listed here fails that test. Add an entry only with the version fact
/// behind it (a field or endpoint that came or went between 1.8.3dev and 1.23.0).
/// </summary>
public static class RealServerErrata
{
    public const string RealVersion = "1.8.3dev (HumanSignal/label-studio develop 9baf144b, 2023-09-11)";

    public static IReadOnlyList<RealServerDifference> All { get; } =
    [
    ];
}
