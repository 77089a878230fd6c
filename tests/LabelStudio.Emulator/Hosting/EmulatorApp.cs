using System.Net;
using LabelStudio.Emulator.Annotations;
using LabelStudio.Emulator.Auth;
using LabelStudio.Emulator.Contract;
using LabelStudio.Emulator.Exports;
using LabelStudio.Emulator.Faults;
using LabelStudio.Emulator.Imports;
using LabelStudio.Emulator.Predictions;
using LabelStudio.Emulator.Projects;
using LabelStudio.Emulator.Storages;
using LabelStudio.Emulator.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LabelStudio.Emulator.Hosting;

/// <summary>
/// Builds the Kestrel app. Pipeline order matters: faults first (an injected fault is no contract breach), then the
/// trailing-slash rewrite, contract validation (sees the final response, envelopes included), the error envelope,
/// routing, authentication (reads the endpoint's <see cref="AuthMetadata"/>), endpoints.
/// </summary>
internal static class EmulatorApp
{
    public static WebApplication Build(EmulatorContext emulator, ContractValidator? validator, ContractViolationLog log)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            ApplicationName = typeof(EmulatorApp).Assembly.GetName().Name,
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(emulator.Options.ListenAddress, emulator.Options.Port));
        builder.Logging.ClearProviders();
        if (emulator.Options.Verbose)
        {
            builder.Logging.AddSimpleConsole(o => o.SingleLine = true);
        }

        builder.Services.AddSingleton(emulator);
        builder.Services.AddSingleton(emulator.Store);
        builder.Services.AddSingleton(emulator.Jwt);
        builder.Services.AddSingleton(emulator.Options);
        builder.Services.AddRouting();
        builder.Services.AddSingleton<Microsoft.Extensions.Hosting.IHostLifetime, EmbeddedHostLifetime>();

        var app = builder.Build();
        app.Use(next => new FaultInjectionMiddleware(next, emulator.Options.Faults).InvokeAsync);
        app.Use(next => new TrailingSlashMiddleware(next).InvokeAsync);
        app.Use(next => new ContractValidationMiddleware(next, validator, log).InvokeAsync);
        app.Use(next => new ErrorEnvelopeMiddleware(next, emulator.Options).InvokeAsync);
        app.UseRouting();
        app.Use(next => new AuthenticationMiddleware(next, emulator.Store, emulator.Jwt).InvokeAsync);

        var api = app.MapGroup("/api").WithMetadata(new AuthMetadata(AuthMode.Required));
        SystemEndpoints.Map(app, api);
        AuthEndpoints.Map(api);
        ProjectEndpoints.Map(api);
        foreach (var type in emulator.StorageTypes)
        {
            StorageEndpoints.Map(api, type);
        }

        LocalFilesServing.Map(app);
        StorageResolve.Map(app);
        TaskEndpoints.Map(api);
        AnnotationEndpoints.Map(api);
        PredictionEndpoints.Map(api);
        ImportEndpoints.Map(api);
        ExportEndpoints.Map(api);
        Views.ViewEndpoints.Map(api);
        return app;
    }
}
