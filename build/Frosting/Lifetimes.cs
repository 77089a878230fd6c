using Cake.Core;

namespace Cake.Frosting;

public interface IFrostingSetup
{
    void Setup(ICakeContext context, ISetupContext info);
}

public interface IFrostingTeardown
{
    void Teardown(ICakeContext context, ITeardownContext info);
}

public interface IFrostingLifetime : IFrostingSetup, IFrostingTeardown;

public interface IFrostingTaskSetup
{
    void Setup(ICakeContext context, ITaskSetupContext info);
}

public interface IFrostingTaskTeardown
{
    void Teardown(ICakeContext context, ITaskTeardownContext info);
}

public interface IFrostingTaskLifetime : IFrostingTaskSetup, IFrostingTaskTeardown;

/// <summary>Runs once before the first task and once after the last (even when a task failed).</summary>
public abstract class FrostingLifetime<T> : IFrostingLifetime
    where T : ICakeContext
{
    public abstract void Setup(T context, ISetupContext info);

    public abstract void Teardown(T context, ITeardownContext info);

    void IFrostingSetup.Setup(ICakeContext context, ISetupContext info) => Setup((T)context, info);

    void IFrostingTeardown.Teardown(ICakeContext context, ITeardownContext info) => Teardown((T)context, info);
}

public abstract class FrostingLifetime : FrostingLifetime<ICakeContext>;

public abstract class FrostingSetup<T> : IFrostingSetup
    where T : ICakeContext
{
    public abstract void Setup(T context, ISetupContext info);

    void IFrostingSetup.Setup(ICakeContext context, ISetupContext info) => Setup((T)context, info);
}

public abstract class FrostingSetup : FrostingSetup<ICakeContext>;

public abstract class FrostingTeardown<T> : IFrostingTeardown
    where T : ICakeContext
{
    public abstract void Teardown(T context, ITeardownContext info);

    void IFrostingTeardown.Teardown(ICakeContext context, ITeardownContext info) => Teardown((T)context, info);
}

public abstract class FrostingTeardown : FrostingTeardown<ICakeContext>;

/// <summary>Runs before and after every task.</summary>
public abstract class FrostingTaskLifetime<T> : IFrostingTaskLifetime
    where T : ICakeContext
{
    public abstract void Setup(T context, ITaskSetupContext info);

    public abstract void Teardown(T context, ITaskTeardownContext info);

    void IFrostingTaskSetup.Setup(ICakeContext context, ITaskSetupContext info) => Setup((T)context, info);

    void IFrostingTaskTeardown.Teardown(ICakeContext context, ITaskTeardownContext info) => Teardown((T)context, info);
}

public abstract class FrostingTaskLifetime : FrostingTaskLifetime<ICakeContext>;

public abstract class FrostingTaskSetup<T> : IFrostingTaskSetup
    where T : ICakeContext
{
    public abstract void Setup(T context, ITaskSetupContext info);

    void IFrostingTaskSetup.Setup(ICakeContext context, ITaskSetupContext info) => Setup((T)context, info);
}

public abstract class FrostingTaskSetup : FrostingTaskSetup<ICakeContext>;

public abstract class FrostingTaskTeardown<T> : IFrostingTaskTeardown
    where T : ICakeContext
{
    public abstract void Teardown(T context, ITaskTeardownContext info);

    void IFrostingTaskTeardown.Teardown(ICakeContext context, ITaskTeardownContext info) => Teardown((T)context, info);
}

public abstract class FrostingTaskTeardown : FrostingTaskTeardown<ICakeContext>;
