using DumpScope.Sdk.Types;

namespace DumpScope.Sdk.Kernel;

/// <summary>Entry points to typed objects, named after the kernel's own helpers where one exists.</summary>
public static class KernelExtensions
{
    /// <summary>A typed view: <c>kernel.Object("struct kmem_cache", addr)["name"].ReadString()</c>.</summary>
    public static KernelObject Object(this IKernel kernel, string typeName, ulong address) =>
        new(kernel, kernel.Types.Require(typeName), address);

    /// <summary>
    /// A global variable by symbol. BTF carries no types for most globals, so the caller may state the type
    /// (<c>kernel.Global("nr_cpu_ids", "unsigned int")</c>); without one, the type source's variable type is used.
    /// </summary>
    public static KernelObject Global(this IKernel kernel, string symbol, string? typeName = null)
    {
        if (!kernel.Symbols.TryGetAddress(symbol, out var address))
            throw new TypeNotFoundException($"symbol '{symbol}' is not in {kernel.Symbols.Source}");
        var type = typeName is not null
            ? kernel.Types.Require(typeName)
            : kernel.Types.FindVariableType(symbol)
              ?? throw new TypeNotFoundException($"the type of '{symbol}' is unknown to {kernel.Types.Source}; state it");
        return new KernelObject(kernel, type, address);
    }

    /// <summary>True when the kernel has the symbol.</summary>
    public static bool HasSymbol(this IKernel kernel, string symbol) => kernel.Symbols.TryGetAddress(symbol, out _);

    /// <summary>
    /// The kernel's per_cpu_ptr: the address of CPU <paramref name="cpu"/>'s copy of a per-cpu variable or
    /// of the per-cpu allocation <paramref name="perCpuPointer"/> points to.
    /// </summary>
    public static ulong PerCpuPtr(this IKernel kernel, ulong perCpuPointer, int cpu) => perCpuPointer + kernel.PerCpuOffset(cpu);

    /// <summary>A typed view of CPU <paramref name="cpu"/>'s copy of a per-cpu object.</summary>
    public static KernelObject PerCpu(this IKernel kernel, KernelType type, ulong perCpuPointer, int cpu) =>
        new(kernel, type, kernel.PerCpuPtr(perCpuPointer, cpu));

    /// <summary>The CPUs a per-CPU array may be indexed by: possible CPUs below nr_cpu_ids.</summary>
    public static IEnumerable<int> PossibleCpuIds(this IKernel kernel) =>
        kernel.PossibleCpus.Cpus.Where(c => c < kernel.NrCpuIds);
}
