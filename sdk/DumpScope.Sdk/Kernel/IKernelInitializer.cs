namespace DumpScope.Sdk.Kernel;

/// <summary>
/// Runs once when a session has opened a dump, before any command: the place for a plugin to register what
/// generic readers must know about this kernel (e.g. the live size of a type in <see cref="IKernel.RuntimeSizes"/>,
/// preferably with <see cref="IRuntimeSizeRegistry.RegisterLazy"/>). Register implementations as services;
/// an exception is reported as a session note and does not stop the session.
/// </summary>
public interface IKernelInitializer
{
    /// <summary>Called with the opened dump's kernel.</summary>
    void Initialize(IKernel kernel);
}
