namespace LabelStudio.Emulator.Contract;

/// <summary>Which side broke the contract: the client's request or the server's (emulator's) response.</summary>
public enum ContractDirection
{
    Request,
    Response,
}

/// <summary>One breach of openapi-pipeline-subset.yaml: an operation the spec lacks, an undocumented status, or a body that fails its schema.</summary>
/// <param name="Method">HTTP method of the exchange.</param>
/// <param name="Path">Request path as sent (query excluded).</param>
/// <param name="Status">Response status of the exchange (null when validating a request on its own).</param>
/// <param name="Direction">Request or response.</param>
/// <param name="Message">What is wrong, with the JSON path of each schema error.</param>
public sealed record ContractViolation(string Method, string Path, int? Status, ContractDirection Direction, string Message)
{
    public override string ToString() => $"{Direction} {Method} {Path} -> {Status?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-"}: {Message}";
}

/// <summary>Violations the test that caused them never cleared: thrown when the emulator is disposed.</summary>
public sealed class ContractViolationException(IReadOnlyList<ContractViolation> violations)
    : Exception($"The emulator recorded {violations.Count} contract violation(s) that the test never cleared:\n  " + string.Join("\n  ", violations))
{
    public IReadOnlyList<ContractViolation> Violations { get; } = violations;
}
