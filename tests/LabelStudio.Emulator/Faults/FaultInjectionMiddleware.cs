using Microsoft.AspNetCore.Http;

namespace LabelStudio.Emulator.Faults;

/// <summary>Runs the configured <see cref="IFaultInjector"/>, if any, ahead of the whole emulator.</summary>
internal sealed class FaultInjectionMiddleware(RequestDelegate next, IFaultInjector? injector)
{
    public async Task InvokeAsync(HttpContext context)
    {
        if (injector is not null && await injector.TryInjectAsync(context, context.RequestAborted).ConfigureAwait(false))
        {
            return;
        }

        await next(context).ConfigureAwait(false);
    }
}
