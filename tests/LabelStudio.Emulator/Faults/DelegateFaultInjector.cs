using Microsoft.AspNetCore.Http;

namespace LabelStudio.Emulator.Faults;

/// <summary>An <see cref="IFaultInjector"/> from a function, for one-off faults in a test.</summary>
public sealed class DelegateFaultInjector(Func<HttpContext, CancellationToken, ValueTask<bool>> inject) : IFaultInjector
{
    public ValueTask<bool> TryInjectAsync(HttpContext context, CancellationToken ct) => inject(context, ct);
}
