using System.Reflection;
using Cake.Core;
using Cake.Core.IO;
using Cake.Frosting.Internal;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Cake.Frosting;

/// <summary>
/// The Cake host: finds the task classes, binds them to Cake's real engine and runs the command line the way
/// Cake.Frosting does (<c>--target</c>, <c>--verbosity</c>, <c>--dryrun</c>, <c>--tree</c>, <c>--description</c>,
/// <c>--exclusive</c>, <c>--working</c>; every other option becomes a Cake argument).
/// </summary>
public sealed class CakeHost
{
    private readonly List<Assembly> _assemblies = [];

    public CakeHost()
    {
        if (Assembly.GetEntryAssembly() is { } entry)
        {
            _assemblies.Add(entry);
        }
    }

    internal IReadOnlyList<Assembly> Assemblies => _assemblies;

    internal Type ContextType { get; private set; } = typeof(FrostingContext);

    internal Type? SetupType { get; private set; }

    internal Type? TeardownType { get; private set; }

    internal Type? TaskSetupType { get; private set; }

    internal Type? TaskTeardownType { get; private set; }

    internal DirectoryPath? WorkingDirectory { get; private set; }

    internal Dictionary<string, string> CakeSettings { get; } = new(StringComparer.OrdinalIgnoreCase);

    internal Func<Type, bool> TaskFilter { get; private set; } = _ => true;

    internal IConsole? ConsoleOverride { get; private set; }

    internal Func<string>? ExtraHelp { get; private set; }

    internal IAnsiConsole? AnsiConsoleOverride { get; private set; }

    public static CakeHost Create() => new();

    /// <summary>Adds an assembly to scan for public, non-abstract task classes (the entry assembly is scanned already).</summary>
    public CakeHost AddAssembly(Assembly assembly)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        if (!_assemblies.Contains(assembly))
        {
            _assemblies.Add(assembly);
        }

        return this;
    }

    /// <summary>The context type, built once per run from a constructor taking <see cref="ICakeContext"/> and shared by all tasks.</summary>
    public CakeHost UseContext<TContext>()
        where TContext : class, IFrostingContext
    {
        ContextType = typeof(TContext);
        return this;
    }

    public CakeHost UseLifetime<TLifetime>()
        where TLifetime : class, IFrostingLifetime
    {
        SetupType = TeardownType = typeof(TLifetime);
        return this;
    }

    public CakeHost UseSetup<TSetup>()
        where TSetup : class, IFrostingSetup
    {
        SetupType = typeof(TSetup);
        return this;
    }

    public CakeHost UseTeardown<TTeardown>()
        where TTeardown : class, IFrostingTeardown
    {
        TeardownType = typeof(TTeardown);
        return this;
    }

    public CakeHost UseTaskLifetime<TLifetime>()
        where TLifetime : class, IFrostingTaskLifetime
    {
        TaskSetupType = TaskTeardownType = typeof(TLifetime);
        return this;
    }

    public CakeHost UseTaskSetup<TSetup>()
        where TSetup : class, IFrostingTaskSetup
    {
        TaskSetupType = typeof(TSetup);
        return this;
    }

    public CakeHost UseTaskTeardown<TTeardown>()
        where TTeardown : class, IFrostingTaskTeardown
    {
        TaskTeardownType = typeof(TTeardown);
        return this;
    }

    /// <summary>The working directory of the run, relative to the process's current directory; <c>--working</c> overrides it.</summary>
    public CakeHost UseWorkingDirectory(DirectoryPath path)
    {
        WorkingDirectory = path ?? throw new ArgumentNullException(nameof(path));
        return this;
    }

    /// <summary>A Cake configuration value (as in cake.config), overridden by the environment and the command line.</summary>
    public CakeHost UseCakeSetting(string key, string value)
    {
        CakeSettings[key] = value;
        return this;
    }

    /// <summary>Extra (not in Cake.Frosting): registers only the scanned task types the filter accepts.</summary>
    public CakeHost UseTaskFilter(Func<Type, bool> filter)
    {
        TaskFilter = filter ?? throw new ArgumentNullException(nameof(filter));
        return this;
    }

    /// <summary>Extra (not in Cake.Frosting): where the log, report, tree, descriptions and command-line errors go.
    /// Cake's <see cref="IConsole"/> carries the log, report and tree; Spectre's <see cref="IAnsiConsole"/> the
    /// descriptions, help and parse errors.</summary>
    public CakeHost UseConsole(IConsole console, IAnsiConsole ansiConsole)
    {
        ConsoleOverride = console ?? throw new ArgumentNullException(nameof(console));
        AnsiConsoleOverride = ansiConsole ?? throw new ArgumentNullException(nameof(ansiConsole));
        return this;
    }

    /// <summary>Extra (not in Cake.Frosting): writes everything the host prints (stdout and stderr alike) to
    /// <paramref name="output"/> as plain text without colours. For tests and in-process runs.</summary>
    public CakeHost UseConsoleOutput(TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var writer = TextWriter.Synchronized(output);
        return UseConsole(new TextWriterConsole(writer), TextWriterConsole.CreateAnsiConsole(writer));
    }

    /// <summary>Extra (not in Cake.Frosting): text <c>--help</c> prints after Cake's options (the build's own arguments).</summary>
    public CakeHost UseHelpText(Func<string> text)
    {
        ExtraHelp = text ?? throw new ArgumentNullException(nameof(text));
        return this;
    }

    /// <summary>Runs the build and returns the process exit code (0 on success).</summary>
    public int Run(IEnumerable<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var app = new CommandApp<DefaultCommand>().WithData(this);
        app.Configure(config =>
        {
            config.Settings.ApplicationName = Assembly.GetEntryAssembly()?.GetName().Name;
            config.Settings.CaseSensitivity = CaseSensitivity.None;

            // `--version=1.2.3` reaches the build as the argument "version" instead of switching --version on.
            config.Settings.ConvertFlagsToRemainingArguments = true;
            if (AnsiConsoleOverride is not null)
            {
                config.Settings.Console = AnsiConsoleOverride;
            }

            config.AddExample();
            config.AddExample("--target", "Default", "--verbosity", "verbose");
            config.AddExample("--tree");
            config.AddExample("--dryrun");
        });
        var arguments = args.ToList();
        var exitCode = app.Run(arguments);
        if (ExtraHelp is not null && arguments.Any(a => a is "--help" or "-h" or "-?"))
        {
            // Plain text, not through Spectre's console: it would wrap the lines at 80 columns when not on a terminal.
            if (AnsiConsoleOverride is { } console)
            {
                console.WriteLine(ExtraHelp());
            }
            else
            {
                Console.Out.WriteLine(ExtraHelp());
            }
        }

        return exitCode;
    }
}
