using System.Net;
using LabelStudio.Emulator.Faults;
using LabelStudio.Emulator.Tests.Support;
using Microsoft.AspNetCore.Http;
using Xunit;

namespace LabelStudio.Emulator.Tests;

/// <summary>The fault-injection slot runs ahead of everything, and injected faults are not contract violations.</summary>
public sealed class FaultSlotTests
{
    [Fact]
    public async Task An_injector_can_answer_for_the_server_and_the_contract_does_not_count_it()
    {
        var calls = 0;
        var injector = new DelegateFaultInjector(async (context, ct) =>
        {
            if (!context.Request.Path.StartsWithSegments("/api/projects") || Interlocked.Increment(ref calls) > 1)
            {
                return false;
            }

            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            await context.Response.WriteAsync("<h1>503 Service Unavailable</h1>", ct);
            return true;
        });
        await using var ls = await EmulatorHarness.StartAsync(o => o with { Faults = injector });

        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await ls.GetAsync("/api/projects/")).Status);
        Assert.Equal(HttpStatusCode.OK, (await ls.GetAsync("/api/projects/")).Status);
        ls.AssertNoContractViolations();
    }
}
