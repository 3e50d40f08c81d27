namespace DumpScope.Sdk.Linux.Mm;

/// <summary>The swap areas of mm/swapfile.c: <c>swap_info[]</c> (pointers to struct swap_info_struct) up to <c>nr_swapfiles</c>.</summary>
public static class SwapInfo
{
    /// <summary>MAX_SWAPFILES is at most 32 (1 &lt;&lt; MAX_SWAPFILES_SHIFT, less the migration and hwpoison types).</summary>
    public const int MaxSwapFiles = 32;

    /// <summary>SWP_USED: the slot is taken.</summary>
    private const ulong SwpUsed = 1;

    /// <summary>The swap areas in use (SWP_USED), by type; unreadable ones come back with their problem.</summary>
    public static IReadOnlyList<SwapDevice> ForEachSwapDevice(IKernel kernel)
    {
        if (!kernel.Symbols.TryGetAddress("swap_info", out var table))
            throw new TypeNotFoundException($"symbol swap_info is not in {kernel.Symbols.Source}");
        if (!KernelGlobals.TryReadInteger(kernel, "nr_swapfiles", "unsigned int", out var count, out var problem))
            throw new InvalidDataException(problem);
        var layout = StructLayout.Probe(kernel, "struct swap_info_struct");
        var flags = layout.RequireScalar("flags");
        var prio = layout.RequireScalar("prio");
        var pages = layout.RequireScalar("pages");
        // an unsigned int, later an atomic_long_t (seen on Debian's 7.3; not 6.12): then its counter. The
        // converting commit (in the swap-cluster rework after 6.12) is not pinned down here.
        var inuse = layout.RequireScalar("inuse_pages", "inuse_pages.counter");
        var file = layout.RequireScalar("swap_file");
        var result = new List<SwapDevice>();
        for (int type = 0; type < Math.Min(count, MaxSwapFiles); type++)
        {
            if (!kernel.Memory.TryReadU64(table + (ulong)type * 8, out var si, out var fault))
            {
                result.Add(new SwapDevice(0, type, 0, 0, 0, 0, 0, $"swap_info[{type}]: {fault!.Message}"));
                continue;
            }
            if (si == 0) continue;
            var s = new KernelObject(kernel, layout.Type, si).Load(layout.Size, "swap_info_struct");
            if (!s.TryUnsigned(flags, out var f, out var why))
            {
                result.Add(new SwapDevice(si, type, 0, 0, 0, 0, 0, $"swap_info_struct {si:x}: {why}"));
                continue;
            }
            if ((f & SwpUsed) == 0) continue;
            var problems = new List<string>();
            long Signed(ProbedMember m) { if (s.TryInteger(m, out var v, out var r)) return v; problems.Add($"{m.Path}: {r}"); return 0; }
            ulong Unsigned(ProbedMember m) { if (s.TryUnsigned(m, out var v, out var r)) return v; problems.Add($"{m.Path}: {r}"); return 0; }
            result.Add(new SwapDevice(si, type, f, Signed(prio), Unsigned(pages), Unsigned(inuse), Unsigned(file),
                problems.Count == 0 ? null : string.Join("; ", problems)));
        }
        return result;
    }
}
