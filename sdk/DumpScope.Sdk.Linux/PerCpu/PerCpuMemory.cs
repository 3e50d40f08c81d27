namespace DumpScope.Sdk.Linux.PerCpu;

/// <summary>
/// Per-CPU variables and allocations (include/linux/percpu-defs.h): CPU n's copy lives at the per-cpu address plus
/// <c>__per_cpu_offset[n]</c>, for a static variable (its symbol's address) and for a <c>__percpu</c> pointer alike.
/// </summary>
public static class PerCpuMemory
{
    /// <summary>
    /// per_cpu_ptr(ptr, cpu): the address of CPU <paramref name="cpu"/>'s copy of the per-cpu variable or
    /// allocation <paramref name="perCpuPointer"/> (a symbol's address or a <c>__percpu</c> pointer's value).
    /// </summary>
    public static ulong PerCpuPtr(this IKernel kernel, ulong perCpuPointer, int cpu) => perCpuPointer + kernel.PerCpuOffset(cpu);

    /// <summary>A typed view of CPU <paramref name="cpu"/>'s copy of the per-cpu object <paramref name="perCpuPointer"/> points to.</summary>
    public static KernelObject PerCpu(this IKernel kernel, KernelType type, ulong perCpuPointer, int cpu) =>
        new(kernel, type, kernel.PerCpuPtr(perCpuPointer, cpu));

    /// <summary>
    /// per_cpu(var, cpu): CPU <paramref name="cpu"/>'s copy of the static per-cpu variable <paramref name="symbol"/>,
    /// viewed as <paramref name="typeName"/> (the C type of the variable, e.g. "struct rq" for <c>runqueues</c>).
    /// Throws <see cref="TypeNotFoundException"/> when the symbol or type is missing.
    /// </summary>
    public static KernelObject PerCpu(this IKernel kernel, string symbol, string typeName, int cpu)
    {
        if (!kernel.Symbols.TryGetAddress(symbol, out var address))
            throw new TypeNotFoundException($"per-cpu variable '{symbol}' is not in {kernel.Symbols.Source}");
        return kernel.PerCpu(kernel.Types.Require(typeName), address, cpu);
    }

    /// <summary>
    /// for_each_possible_cpu: the CPUs a per-cpu area exists for, ascending — cpu_possible_mask below nr_cpu_ids
    /// (per-cpu arrays are trimmed to nr_cpu_ids).
    /// </summary>
    public static IEnumerable<int> ForEachPossibleCpu(this IKernel kernel) =>
        kernel.PossibleCpus.Cpus.Where(c => c < kernel.NrCpuIds);

    /// <summary>for_each_online_cpu: cpu_online_mask below nr_cpu_ids, ascending.</summary>
    public static IEnumerable<int> ForEachOnlineCpu(this IKernel kernel) =>
        kernel.OnlineCpus.Cpus.Where(c => c < kernel.NrCpuIds);

    /// <summary>for_each_present_cpu: <see cref="IKernel.PresentCpus"/> below nr_cpu_ids, ascending.</summary>
    public static IEnumerable<int> ForEachPresentCpu(this IKernel kernel) =>
        kernel.PresentCpus.Cpus.Where(c => c < kernel.NrCpuIds);

    /// <summary>
    /// percpu_counter_sum: a <c>struct percpu_counter</c>'s <c>count</c> plus every possible CPU's <c>s32</c> delta
    /// in <c>counters</c>. False with the reason ("cpu 3 counter: page excluded: …") when a part is unreadable;
    /// <paramref name="count"/> is the central count alone (what percpu_counter_read returns).
    /// </summary>
    public static bool TryPercpuCounterSum(KernelObject counter, out long sum, out long count, out string? problem)
    {
        var kernel = counter.Kernel;
        sum = count = 0;
        problem = null;
        if (!counter["count"].TryReadUnsigned(out var raw, out var fault) || !counter["counters"].TryReadUnsigned(out var perCpu, out fault))
        {
            problem = fault!.Message;
            return false;
        }
        count = (long)raw;
        sum = count;
        Span<byte> delta = stackalloc byte[4];
        foreach (int cpu in kernel.ForEachPossibleCpu())
        {
            var result = kernel.Memory.ReadVirtual(kernel.PerCpuPtr(perCpu, cpu), delta);
            if (result.Fault is { } f)
            {
                problem = $"cpu {cpu} counter: {f.Message}";
                return false;
            }
            sum += System.Buffers.Binary.BinaryPrimitives.ReadInt32LittleEndian(delta);
        }
        return true;
    }
}
