using Microsoft.Extensions.DependencyInjection;

namespace DumpScope.Plugins.Tasks.Tests;

/// <summary>A real dump's kernel seen through <see cref="FaultInjectingMemory"/>; everything else is the real kernel's.</summary>
internal sealed class PatchedKernel(IKernel inner)
{
    public FaultInjectingMemory Patches { get; } = new(inner.Memory, inner.PageSize);

    /// <summary>The kernel whose reads go through the patches.</summary>
    public IKernel Kernel => field ??= new KernelWithMemory(inner, Patches, new RuntimeSizeRegistry());

    /// <summary>Services holding this kernel and a fresh analyzer over it.</summary>
    public ServiceProvider Services() =>
        new ServiceCollection().AddSingleton(Kernel).AddSingleton<TaskAnalyzer>().BuildServiceProvider();
}
