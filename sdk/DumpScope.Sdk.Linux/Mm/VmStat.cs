namespace DumpScope.Sdk.Linux.Mm;

/// <summary>
/// The kernel's global vm counters, looked up by enumerator NAME in the BTF enums (never by number): 4.8+ keeps
/// node counters in <c>vm_node_stat[enum node_stat_item]</c> and zone counters in
/// <c>vm_zone_stat[enum zone_stat_item]</c>; older kernels have one <c>vm_stat[enum zone_stat_item]</c>. These
/// are the global atomics /proc/meminfo reads (per-cpu deltas not yet folded in are not counted, as there).
/// </summary>
public sealed class VmStat
{
    private static readonly (string Array, string Enum, string Limit)[] Arrays =
    [
        ("vm_node_stat", "enum node_stat_item", "NR_VM_NODE_STAT_ITEMS"),
        ("vm_zone_stat", "enum zone_stat_item", "NR_VM_ZONE_STAT_ITEMS"),
        ("vm_stat", "enum zone_stat_item", "NR_VM_ZONE_STAT_ITEMS"),
    ];

    private readonly IKernel _kernel;

    /// <summary>Creates a reader over the kernel's counters.</summary>
    public VmStat(IKernel kernel) => _kernel = kernel;

    /// <summary>
    /// Reads counter <paramref name="name"/> (e.g. "NR_FREE_PAGES"). Returns false with the reason when no
    /// array of this kernel has the enumerator or its memory is unreadable.
    /// </summary>
    public bool TryRead(string name, out long value, out string source)
    {
        value = 0;
        foreach (var (array, enumName, limit) in Arrays)
        {
            if (!KernelGlobals.TryEnumValue(_kernel, enumName, name, out var index)) continue;
            if (!_kernel.Symbols.TryGetAddress(array, out var address)) continue;
            if (KernelGlobals.TryEnumValue(_kernel, enumName, limit, out var count) && (index < 0 || index >= count))
            {
                source = $"{enumName} {name}={index} is outside {limit}={count}";
                return false;
            }
            ulong element = _kernel.Types.TryParse("atomic_long_t")?.Size ?? 8;
            if (!_kernel.Memory.TryReadU64(address + (ulong)index * element, out var raw, out var fault))
            {
                source = $"{array}[{name}]: {fault!.Message}";
                return false;
            }
            value = (long)raw;
            source = $"{array}[{name}]";
            return true;
        }
        source = $"no vm_node_stat/vm_zone_stat/vm_stat counter named {name} in this kernel";
        return false;
    }
}
