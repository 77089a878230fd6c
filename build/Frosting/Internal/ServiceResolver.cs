using System.Reflection;

namespace Cake.Frosting.Internal;

/// <summary>
/// The few services of a run, by type: the context's <see cref="IServiceProvider"/>, and the constructor injection
/// for the user's context, tasks and lifetimes (a constructor may take any registered service).
/// </summary>
internal sealed class ServiceResolver : IServiceProvider
{
    private readonly Dictionary<Type, object> _services = [];

    public void Add<TService>(TService service)
        where TService : notnull => Add(typeof(TService), service);

    public void Add(Type type, object service) => _services[type] = service;

    public object? GetService(Type serviceType) => _services.GetValueOrDefault(serviceType);

    public TService GetRequired<TService>() => (TService)_services[typeof(TService)];

    /// <summary>The one instance of <paramref name="type"/> in this run, created on first use.</summary>
    public object GetOrCreate(Type type)
    {
        if (!_services.TryGetValue(type, out var service))
        {
            _services[type] = service = Create(type);
        }

        return service;
    }

    private object Create(Type type)
    {
        var constructor = type.GetConstructors()
            .OrderByDescending(c => c.GetParameters().Length)
            .FirstOrDefault(c => c.GetParameters().All(p => _services.ContainsKey(p.ParameterType)))
            ?? throw new FrostingException(
                $"Cannot create {type.FullName}: it needs a public constructor whose parameters are among " +
                $"{string.Join(", ", _services.Keys.Select(k => k.Name).Order(StringComparer.Ordinal))}.");
        var arguments = constructor.GetParameters().Select(p => _services[p.ParameterType]).ToArray();

        // DoNotWrapExceptions: a constructor's own exception (a bad argument, say) is reported as itself.
        return constructor.Invoke(BindingFlags.DoNotWrapExceptions, binder: null, arguments, culture: null);
    }
}
