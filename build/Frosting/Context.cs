using Cake.Core;

namespace Cake.Frosting;

/// <summary>The context every task of a run receives.</summary>
public interface IFrostingContext : ICakeContext;

/// <summary>The base of a custom context: constructed once per run (from a constructor taking <see cref="ICakeContext"/>)
/// and shared by every task, which is how tasks share state.</summary>
public class FrostingContext(ICakeContext context) : CakeContextAdapter(context), IFrostingContext;

/// <summary>A bad registration, such as a dependency on a type that is not a task.</summary>
public sealed class FrostingException : Exception
{
    public FrostingException()
    {
    }

    public FrostingException(string message)
        : base(message)
    {
    }

    public FrostingException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
