using Microsoft.AspNetCore.Http;

namespace LabelStudio.Emulator.Faults;

/// <summary>
/// The slot for fault injection (5xx, 429, timeouts, dropped connections, per endpoint and rate). It runs first in the
/// pipeline, before authentication and contract validation, so an injected fault is never mistaken for a contract breach.
/// </summary>
public interface IFaultInjector
{
    /// <summary>
    /// Decide for one request. Return true when the injector wrote the response itself (or aborted the connection);
    /// false lets the request through to the emulated server. May delay (await) to simulate a slow server.
    /// </summary>
    ValueTask<bool> TryInjectAsync(HttpContext context, CancellationToken ct);
}
