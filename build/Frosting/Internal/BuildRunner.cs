using Cake.Cli;
using Cake.Cli.Infrastructure;
using Cake.Core;
using Cake.Core.Configuration;
using Cake.Core.Diagnostics;
using Cake.Core.IO;
using Cake.Core.Scripting;
using Cake.Core.Tooling;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Cake.Frosting.Internal;

/// <summary>One run: wires Cake's services by hand, builds the shared context, binds the tasks and runs the targets
/// through the Cake.Cli script host the options ask for.</summary>
internal sealed class BuildRunner(CakeHost host, DefaultCommandSettings settings, IRemainingArguments remaining)
{
    public async Task<int> RunAsync()
    {
        var environment = new CakeEnvironment(new CakePlatform(), new CakeRuntime());
        var console = host.ConsoleOverride ?? new CakeConsole(environment);
        var log = new CakeBuildLog(console, settings.Verbosity); // the verbosity applies before anything is logged

        // Registered before the context's own handler, so it is known that Ctrl-C was pressed when its cancellation
        // surfaces (a timeout's OperationCanceledException must still be reported as what it is).
        var interrupted = 0;
        ConsoleCancelEventHandler noteInterrupt = (_, _) => Interlocked.Exchange(ref interrupted, 1);
        Console.CancelKeyPress += noteInterrupt;
        try
        {
            if (settings.Info)
            {
                new InfoFeature(new VersionResolver()).Run(console);
                return 0;
            }

            if (settings.Version)
            {
                new VersionFeature(new VersionResolver()).Run(console);
                return 0;
            }

            var services = new ServiceResolver();
            var context = CreateContext(services, environment, console, log);
            var engine = new CakeEngine(services.GetRequired<ICakeDataService>(), log);
            services.Add<ICakeEngine>(engine);

            var binder = new TaskBinder(engine, context, log, services);
            foreach (var task in TaskBinder.FindTasks(host.Assemblies, host.TaskFilter))
            {
                binder.BindTask(task);
            }

            binder.BindLifetimes(host);

            var scriptHost = CreateScriptHost(engine, context, console, log, services.GetRequired<ICakeConfiguration>());
            if (settings.Exclusive)
            {
                scriptHost.Settings.UseExclusiveTarget();
            }

            await scriptHost.RunTargetsAsync(settings.Targets);
            return 0;
        }
        catch (Exception exception) when (Volatile.Read(ref interrupted) == 1 && IsCancellation(exception))
        {
            // One clean last line instead of "The operation was canceled."; 130 is the shells' code for SIGINT.
            log.Error("Error: {0}", "Cancelled (Ctrl-C). What finished before is kept, nothing half-done is; run the same command again to continue.");
            return 130;
        }
        catch (Exception exception)
        {
            // The message (the whole exception at diagnostic verbosity); Cake's exit code, never 0.
            var exitCode = log.LogException(exception);
            return exitCode == 0 ? 1 : exitCode;
        }
        finally
        {
            Console.CancelKeyPress -= noteInterrupt;
        }
    }

    private static bool IsCancellation(Exception exception)
    {
        for (Exception? e = exception; e is not null; e = e.InnerException)
        {
            if (e is OperationCanceledException)
            {
                return true;
            }
        }

        return false;
    }

    private IFrostingContext CreateContext(ServiceResolver services, CakeEnvironment environment, IConsole console, ICakeLog log)
    {
        var fileSystem = new FileSystem();
        SetWorkingDirectory(fileSystem, environment);

        var arguments = remaining.ToCakeArguments(settings.Targets);
        var configuration = new CakeConfigurationProvider(fileSystem, environment).CreateConfiguration(
            environment.WorkingDirectory,
            host.CakeSettings,
            arguments.GetArguments().ToDictionary(a => a.Key, a => a.Value.LastOrDefault() ?? string.Empty, StringComparer.OrdinalIgnoreCase));
        var globber = new Globber(fileSystem, environment);
        var tools = new ToolLocator(
            environment,
            new ToolRepository(environment),
            new ToolResolutionStrategy(fileSystem, environment, globber, configuration, log));
        var processRunner = new ProcessRunner(fileSystem, environment, log, tools, configuration);
        var data = new CakeDataService();
        var toolInstaller = new ToolInstaller(environment, tools, configuration, log, []);
        var registry = new WindowsRegistry();
        var cakeContext = new CakeContext(
            fileSystem, environment, globber, log, arguments, processRunner, registry, tools, data, configuration, toolInstaller, services);

        services.Add<IFileSystem>(fileSystem);
        services.Add<ICakeEnvironment>(environment);
        services.Add(console);
        services.Add(log);
        services.Add<ICakeArguments>(arguments);
        services.Add(configuration);
        services.Add<IGlobber>(globber);
        services.Add<IToolLocator>(tools);
        services.Add<IProcessRunner>(processRunner);
        services.Add<ICakeDataService>(data);
        services.Add<ICakeDataResolver>(data);
        services.Add<IToolInstaller>(toolInstaller);
        services.Add<IRegistry>(registry);
        services.Add<ICakeContext>(cakeContext);

        // The user's context: built once (its constructor may read arguments) and shared by every task.
        var context = (IFrostingContext)services.GetOrCreate(host.ContextType);
        services.Add(context);
        return context;
    }

    private void SetWorkingDirectory(IFileSystem fileSystem, ICakeEnvironment environment)
    {
        if ((settings.WorkingDirectory ?? host.WorkingDirectory) is not { } path)
        {
            return;
        }

        var directory = path.MakeAbsolute(environment);
        if (!fileSystem.Exist(directory))
        {
            throw new FrostingException($"The working directory '{directory.FullPath}' does not exist.");
        }

        environment.WorkingDirectory = directory; // process-wide: CakeEnvironment sets the current directory
    }

    private ScriptHost CreateScriptHost(ICakeEngine engine, IFrostingContext context, IConsole console, ICakeLog log, ICakeConfiguration configuration)
    {
        if (settings.DryRun)
        {
            return new DryRunScriptHost<IFrostingContext>(engine, context, log);
        }

        if (settings.Tree)
        {
            return new TreeScriptHost(engine, context, console);
        }

        if (settings.Description)
        {
            return new DescriptionScriptHost(engine, context, host.AnsiConsoleOverride ?? AnsiConsole.Console);
        }

        var printer = new CakeReportPrinter(console, context);
        return new BuildScriptHost<IFrostingContext>(engine, new DefaultExecutionStrategy(log, printer), context, printer, configuration, log);
    }
}
