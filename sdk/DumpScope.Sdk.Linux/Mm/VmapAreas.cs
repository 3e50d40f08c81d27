namespace DumpScope.Sdk.Linux.Mm;

/// <summary>
/// The kernel's vmap areas (mm/vmalloc.c): every busy vmalloc, vmap and module range, which is where kernel stacks
/// (CONFIG_VMAP_STACK), module code and vmalloc'ed data live. Read from <c>vmap_area_list</c>, the address-sorted list
/// of busy <c>struct vmap_area</c> linked by <c>list</c>; kernels from 6.9 keep them per node instead
/// ("mm: vmalloc: remove vmap_area_list"), where this finds no list and says so.
/// </summary>
public static class VmapAreas
{
    /// <summary>Most areas walked.</summary>
    public const int MaxAreas = 1 << 22;

    /// <summary>
    /// The [va_start, va_end) ranges on <c>vmap_area_list</c>, in list (address) order. An area whose bounds cannot be
    /// read is left out and named in the result's problem; a kernel without the list gives no ranges and the reason.
    /// </summary>
    public static WalkResult<(ulong Start, ulong End)> ForEachVmapArea(IKernel kernel, CancellationToken cancellation = default)
    {
        if (!kernel.Symbols.TryGetAddress("vmap_area_list", out var head))
            return new([], WalkEnd.Fault, "the kernel has no vmap_area_list (6.9+ keeps vmap areas per node)");
        if (kernel.Types.TryParse("struct vmap_area") is not { IsAggregate: true } type
            || !type.TryFindMember("list", out _) || !type.TryFindMember("va_start", out var start) || !type.TryFindMember("va_end", out var end))
            return new([], WalkEnd.Fault, "struct vmap_area has no list, va_start or va_end");
        var walk = kernel.ListForEachEntry(head, "struct vmap_area", "list", MaxAreas, cancellation);
        var ranges = new List<(ulong, ulong)>();
        string? problem = walk.Problem;
        var endKind = walk.End;
        foreach (var area in walk.Items)
        {
            if (kernel.Memory.TryReadU64(area.Address + start.Offset, out var from, out var fault)
                && kernel.Memory.TryReadU64(area.Address + end.Offset, out var to, out fault))
            {
                if (to > from) ranges.Add((from, to));
                continue;
            }
            if (problem is null)
            {
                problem = $"vmap_area {area.Address:x}: {fault!.Message}";
                endKind = WalkEnd.Fault;
            }
        }
        return new(ranges, endKind, problem);
    }
}
