using System.Reflection;
using System.Runtime.ExceptionServices;
using Cake.Core;
using Cake.Core.Diagnostics;

namespace Cake.Frosting.Internal;

/// <summary>Registers the task classes and lifetimes of a run on Cake's engine, the way Cake.Frosting does.</summary>
internal sealed class TaskBinder(ICakeEngine engine, IFrostingContext context, ICakeLog log, ServiceResolver services)
{
    public static IReadOnlyList<Type> FindTasks(IEnumerable<Assembly> assemblies, Func<Type, bool> filter) =>
        assemblies
            .SelectMany(a => a.GetExportedTypes())
            .Where(t => t is { IsClass: true, IsAbstract: false, ContainsGenericParameters: false } && typeof(IFrostingTask).IsAssignableFrom(t))
            .Where(filter)
            .Distinct()
            .ToList();

    public void BindTask(Type type)
    {
        var name = TaskName(type);
        var contextType = ContextTypeOf(type);
        if (!contextType.IsInstanceOfType(context))
        {
            log.Warning("Task {0} cannot be used since the context isn't convertible to {1}.", name, contextType.FullName);
            return;
        }

        log.Debug("Registering task: {0}", name);
        var task = (IFrostingTask)services.GetOrCreate(type);
        var builder = engine.RegisterTask(name);
        if (type.GetCustomAttribute<TaskDescriptionAttribute>() is { } description && !string.IsNullOrWhiteSpace(description.Description))
        {
            builder.Description(description.Description);
        }

        // Each handler only when overridden: Cake runs a task with no action, skips no task, and treats an error
        // handler as having handled the failure.
        var isAsync = DerivesFrom(type, typeof(AsyncFrostingTask<>));
        if (Overrides(type, isAsync ? nameof(IFrostingTask.RunAsync) : "Run"))
        {
            builder.Does(task.RunAsync);
        }

        if (Overrides(type, nameof(IFrostingTask.ShouldRun)))
        {
            builder.WithCriteria(task.ShouldRun, task.SkippedMessage);
        }

        var continueOnError = type.IsDefined(typeof(ContinueOnErrorAttribute));
        if (Overrides(type, nameof(IFrostingTask.OnError)))
        {
            // Deviation from Cake.Frosting, on purpose: the failure still fails the build unless [ContinueOnError].
            builder.OnError((exception, ctx) =>
            {
                task.OnError(exception, ctx);
                if (!continueOnError)
                {
                    ExceptionDispatchInfo.Throw(exception);
                }
            });
        }
        else if (continueOnError)
        {
            builder.ContinueOnError();
        }

        if (Overrides(type, nameof(IFrostingTask.Finally)))
        {
            builder.Finally(task.Finally);
        }

        foreach (var dependency in type.GetCustomAttributes<IsDependentOnAttribute>())
        {
            builder.IsDependentOn(DependencyName(dependency.Task, name, "dependency"));
        }

        foreach (var dependee in type.GetCustomAttributes<IsDependeeOfAttribute>())
        {
            builder.IsDependeeOf(DependencyName(dependee.Task, name, "reverse dependency"));
        }
    }

    public void BindLifetimes(CakeHost host)
    {
        if (host.SetupType is { } setupType)
        {
            var setup = Lifetime<IFrostingSetup>(setupType);
            engine.RegisterSetupAction(info => setup.Setup(context, info));
        }

        if (host.TeardownType is { } teardownType)
        {
            var teardown = Lifetime<IFrostingTeardown>(teardownType);
            engine.RegisterTeardownAction(info => teardown.Teardown(context, info));
        }

        if (host.TaskSetupType is { } taskSetupType)
        {
            var taskSetup = Lifetime<IFrostingTaskSetup>(taskSetupType);
            engine.RegisterTaskSetupAction(info => taskSetup.Setup(context, info));
        }

        if (host.TaskTeardownType is { } taskTeardownType)
        {
            var taskTeardown = Lifetime<IFrostingTaskTeardown>(taskTeardownType);
            engine.RegisterTaskTeardownAction(info => taskTeardown.Teardown(context, info));
        }
    }

    /// <summary>The context type a task or lifetime declares (the T of its Frosting base class).</summary>
    public static Type ContextTypeOf(Type type)
    {
        for (var t = type; t is not null; t = t.BaseType)
        {
            if (t.IsGenericType && t.Assembly == typeof(IFrostingTask).Assembly)
            {
                return t.GetGenericArguments()[0];
            }
        }

        return typeof(ICakeContext);
    }

    private static string TaskName(Type type) => type.GetCustomAttribute<TaskNameAttribute>()?.Name ?? type.Name;

    private static string DependencyName(Type dependency, string task, string kind) =>
        typeof(IFrostingTask).IsAssignableFrom(dependency)
            ? TaskName(dependency)
            : throw new FrostingException($"The {kind} '{dependency.FullName}' of task '{task}' is not a valid task (it does not implement {nameof(IFrostingTask)}).");

    /// <summary>Whether the task class overrides the Frosting base class's method (true for a class implementing
    /// <see cref="IFrostingTask"/> directly).</summary>
    private static bool Overrides(Type type, string method)
    {
        var found = type.GetMethods(BindingFlags.Public | BindingFlags.Instance)
            .FirstOrDefault(m => m.Name == method && m.GetBaseDefinition().DeclaringType is { IsGenericType: true } d && d.Assembly == typeof(IFrostingTask).Assembly);
        return found is null || found.DeclaringType != found.GetBaseDefinition().DeclaringType;
    }

    private static bool DerivesFrom(Type type, Type genericDefinition)
    {
        for (var t = type; t is not null; t = t.BaseType)
        {
            if (t.IsGenericType && t.GetGenericTypeDefinition() == genericDefinition)
            {
                return true;
            }
        }

        return false;
    }

    private T Lifetime<T>(Type type)
        where T : class
    {
        var contextType = ContextTypeOf(type);
        if (!contextType.IsInstanceOfType(context))
        {
            throw new FrostingException(
                $"{type.Name} expects a {contextType.Name} context, but the host's context is {context.GetType().Name}: call UseContext<{contextType.Name}>().");
        }

        log.Debug("Registering {0}: {1}", typeof(T).Name, type.Name);
        return (T)services.GetOrCreate(type);
    }
}
