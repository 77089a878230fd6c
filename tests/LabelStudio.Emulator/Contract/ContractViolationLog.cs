namespace LabelStudio.Emulator.Contract;

/// <summary>The violations seen by one emulator, safe to append from concurrent requests.</summary>
internal sealed class ContractViolationLog
{
    private readonly Lock _gate = new();
    private readonly List<ContractViolation> _violations = [];

    public void AddRange(IEnumerable<ContractViolation> violations)
    {
        lock (_gate)
        {
            _violations.AddRange(violations);
        }
    }

    public IReadOnlyList<ContractViolation> Snapshot()
    {
        lock (_gate)
        {
            return _violations.ToList();
        }
    }

    public void Clear()
    {
        lock (_gate)
        {
            _violations.Clear();
        }
    }
}
