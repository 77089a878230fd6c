using Microsoft.Extensions.Hosting;

namespace LabelStudio.Emulator.Hosting;

/// <summary>
/// The emulator never takes over the process's Ctrl+C/SIGTERM handling (ConsoleLifetime would, once per instance, inside
/// test hosts too). Whoever embeds it stops it by disposing; the standalone Program handles signals itself.
/// </summary>
internal sealed class EmbeddedHostLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
