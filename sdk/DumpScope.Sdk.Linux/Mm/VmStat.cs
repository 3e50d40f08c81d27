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
        // Without types (no BTF) the enums are unknown, but VMCOREINFO exports NUMBER(NR_FREE_PAGES), an enum
        // zone_stat_item index (kernel/crash_core.c): the zone counters' array is vm_zone_stat since the node/zone
        // split of 4.8 (commit 75ef71840539), vm_stat before; atomic_long_t is 8 bytes on a 64-bit kernel.
        if (!_kernel.Types.TypeNames.Any() && _kernel.VmcoreInfo is { } info && info.TryGetNumber(name, out var number) && number >= 0)
        {
            foreach (var array in new[] { "vm_zone_stat", "vm_stat" })
            {
                if (!_kernel.Symbols.TryGetAddress(array, out var address)) continue;
                if (!_kernel.Memory.TryReadU64(address + (ulong)number * 8, out var raw, out var fault))
                {
                    source = $"{array}[{name}]: {fault!.Message}";
                    return false;
                }
                value = (long)raw;
                source = $"{array}[VMCOREINFO NUMBER({name})={number}] (no types)";
                return true;
            }
        }
        source = _kernel.Types.TypeNames.Any()
            ? $"no vm_node_stat/vm_zone_stat/vm_stat counter named {name} in this kernel"
            : TypeExtensions.NotKnown(_kernel.Types, $"the index of {name} (enum node_stat_item/zone_stat_item)");
        return false;
    }
}
