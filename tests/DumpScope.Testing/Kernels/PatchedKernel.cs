using Microsoft.Extensions.DependencyInjection;

namespace DumpScope.Testing.Kernels;

/// <summary>
/// A real dump's kernel seen through <see cref="FaultInjectingMemory"/>, to damage chosen words, pages or ranges;
/// everything else (symbols, types, facts) is the real kernel's.
/// </summary>
public sealed class PatchedKernel(IKernel inner)
{
    /// <summary>The damage.</summary>
    public FaultInjectingMemory Patches { get; } = new(inner.Memory, inner.PageSize);

    /// <summary>The kernel whose reads go through the patches.</summary>
    public IKernel Kernel => field ??= new KernelWithMemory(inner, Patches, new RuntimeSizeRegistry());

    /// <summary>Services holding this kernel, plus what <paramref name="add"/> registers (a plugin's analyzer).</summary>
    public ServiceProvider Services(Action<IServiceCollection>? add = null)
    {
        var services = new ServiceCollection().AddSingleton(Kernel);
        add?.Invoke(services);
        return services.BuildServiceProvider();
    }

    /// <summary>Runs a command object (options set by the caller) over the patched kernel as the host would.</summary>
    public CommandResult Run(ICommand command, string line)
    {
        using var services = Services();
        return services.Run(command, line);
    }
}
