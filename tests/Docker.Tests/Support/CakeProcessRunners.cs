using System.Globalization;
using Build.Hosting;
using Cake.Core;
using Cake.Core.Configuration;
using Cake.Core.Diagnostics;
using Cake.Core.IO;
using Cake.Core.Tooling;
using LabelPipeline.Processes;

namespace Docker.Tests.Support;

/// <summary>
/// Cake's real process runner, wired by hand as the Frosting host does (CAKE-ENGINE.md §2c), behind the build's own
/// <see cref="CakeCommandRunner"/> adapter: the tests drive docker exactly as the Deploy task does.
/// </summary>
public static class CakeProcessRunners
{
    public static ICommandRunner Create(ICakeLog log)
    {
        var fileSystem = new FileSystem();
        var environment = new CakeEnvironment(new CakePlatform(), new CakeRuntime());
        var configuration = new CakeConfigurationProvider(fileSystem, environment).CreateConfiguration(
            environment.WorkingDirectory,
            new Dictionary<string, string>(),
            new Dictionary<string, string>());
        var globber = new Globber(fileSystem, environment);
        var tools = new ToolLocator(
            environment,
            new ToolRepository(environment),
            new ToolResolutionStrategy(fileSystem, environment, globber, configuration, log));
        return new CakeCommandRunner(new ProcessRunner(fileSystem, environment, log, tools, configuration));
    }
}

/// <summary>A Cake log that keeps every line (at full verbosity), so tests can look for secrets in it.</summary>
public sealed class CapturingCakeLog : ICakeLog
{
    private readonly List<string> _lines = [];

    public Verbosity Verbosity { get; set; } = Verbosity.Diagnostic;

    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (_lines)
            {
                return [.. _lines];
            }
        }
    }

    public void Write(Verbosity verbosity, Cake.Core.Diagnostics.LogLevel level, string format, params object[] args)
    {
        var text = args.Length == 0 ? format : string.Format(CultureInfo.InvariantCulture, format, args);
        lock (_lines)
        {
            _lines.Add($"{level}: {text}");
        }
    }
}
