namespace DumpScope.Sdk.Linux.Mm;

/// <summary>
/// Computes kmem -i the way /proc/meminfo (fs/proc/meminfo.c, si_meminfo, si_swapinfo, vm_commit_limit) does,
/// from the kernel's own counters. Every row records its source. Where crash 8.0.2 computes a row differently,
/// the difference is stated on the row's source (SHARED, SLAB, COMMITTED).
/// </summary>
public static class MemoryInfoReader
{
    /// <summary>Longest inode list walked for BUFFERS.</summary>
    public const int MaxBlockDeviceInodes = 1_000_000;

    private const int MemoryGroup = 0, HugeGroup = 1, SwapGroup = 2, CommitGroup = 3;

    /// <summary>
    /// Reads every row; rows whose data is unavailable say why. <paramref name="scanMemMap"/> counts the struct page
    /// array for SHARED (the memory plugin's page reader knows the struct page layout); null leaves SHARED not
    /// available, which callers that only compare the kernel's own counters (diff) want: the scan reads all of mem_map.
    /// </summary>
    public static MemoryInfo Read(IKernel kernel, Func<CancellationToken, MemMapCounts>? scanMemMap, CancellationToken cancellation = default)
    {
        var rows = new List<MemoryInfoRow>();
        var notes = new List<string>();
        var vm = new VmStat(kernel);

        MemoryInfoRow Value(string name, long pages, string source, string? of, int group) => new(name, pages, Absence.None, null, of, source, group);
        MemoryInfoRow Missing(string name, Absence why, string problem, string? of, string source, int group) => new(name, null, why, problem, of, source, group);
        static Absence Why(string problem) => problem.Contains("address:", StringComparison.Ordinal) ? Absence.Unreadable : Absence.NotAvailable;

        // TOTAL MEM: totalram_pages() — the atomic_long_t _totalram_pages since 5.0, the unsigned long totalram_pages before.
        long? total = null;
        if (KernelGlobals.TryReadInteger(kernel, "_totalram_pages", "atomic_long_t", out var t, out var tp))
        {
            total = t;
            rows.Add(Value("TOTAL MEM", t, "_totalram_pages (atomic_long_t)", null, MemoryGroup));
        }
        else if (KernelGlobals.TryReadInteger(kernel, "totalram_pages", "unsigned long", out t, out var tp2))
        {
            total = t;
            rows.Add(Value("TOTAL MEM", t, "totalram_pages", null, MemoryGroup));
        }
        else rows.Add(Missing("TOTAL MEM", Why(tp), $"{tp}; {tp2}", null, "_totalram_pages / totalram_pages", MemoryGroup));

        // FREE: global_zone_page_state(NR_FREE_PAGES), as si_meminfo's freeram.
        long? free = null;
        if (vm.TryRead("NR_FREE_PAGES", out var f, out var fs)) { free = f; rows.Add(Value("FREE", f, fs, "TOTAL MEM", MemoryGroup)); }
        else rows.Add(Missing("FREE", Why(fs), fs, "TOTAL MEM", "vm_zone_stat[NR_FREE_PAGES]", MemoryGroup));
        if (kernel.VmcoreInfo is { } info && info.TryGetNumber("NR_FREE_PAGES", out var nrFree)
            && KernelGlobals.TryEnumValue(kernel, "enum zone_stat_item", "NR_FREE_PAGES", out var btfNrFree) && nrFree != btfNrFree)
            notes.Add($"VMCOREINFO NUMBER(NR_FREE_PAGES)={nrFree} but enum zone_stat_item says {btfNrFree}; BTF used");

        // USED: TOTAL MEM - FREE, as crash prints it.
        rows.Add(total is { } tot && free is { } fr
            ? Value("USED", tot - fr, "TOTAL MEM - FREE", "TOTAL MEM", MemoryGroup)
            : Missing("USED", Absence.NotAvailable, "needs TOTAL MEM and FREE", "TOTAL MEM", "TOTAL MEM - FREE", MemoryGroup));

        // SHARED: the kernel no longer counts shared pages (sharedram is NR_SHMEM since 2.6.32, shown by meminfo as
        // Shmem); crash tallies struct pages that are not PG_reserved and have _refcount > 1. We do the same scan.
        MemMapCounts? scan = null;
        if (scanMemMap is null) rows.Add(Missing("SHARED", Absence.NotAvailable, "struct page layout unknown", "TOTAL MEM", "struct page scan", MemoryGroup));
        else
        {
            try
            {
                scan = scanMemMap(cancellation);
                rows.Add(Value("SHARED", scan.Shared, "struct pages below max_pfn, not PG_reserved, _refcount > 1 (crash's count)", "TOTAL MEM", MemoryGroup));
                if (scan.UnreadableChunks > 0)
                    notes.Add($"SHARED: {scan.UnreadableChunks} vmemmap pages ({scan.UnreadableChunks * scan.PagesPerChunk} struct pages) were unreadable (holes) and not counted");
            }
            catch (NotSupportedException e)
            {
                rows.Add(Missing("SHARED", Absence.NotAvailable, e.Message, "TOTAL MEM", "struct page scan", MemoryGroup));
            }
        }

        // BUFFERS: nr_blockdev_pages() — the page-cache pages of block device inodes.
        long buffers = 0;
        var (bufferPages, bufferSource, bufferProblem) = BlockDevicePages(kernel, cancellation);
        if (bufferPages is { } bp) { buffers = bp; rows.Add(Value("BUFFERS", bp, bufferSource, "TOTAL MEM", MemoryGroup)); }
        else rows.Add(Missing("BUFFERS", Why(bufferProblem!), bufferProblem!, "TOTAL MEM", bufferSource, MemoryGroup));

        // CACHED: NR_FILE_PAGES - swap cache - buffers, as meminfo's Cached.
        if (vm.TryRead("NR_FILE_PAGES", out var filePages, out var fps))
        {
            long swapCache = 0;
            string swapSource = "";
            if (vm.TryRead("NR_SWAPCACHE", out var sc, out var scs)) { swapCache = sc; swapSource = $" - {scs}"; }
            else if (KernelGlobals.TryReadInteger(kernel, "total_swap_pages", "long", out var ts, out _) && ts == 0) swapSource = " (no swap configured: no swap cache)";
            else notes.Add($"CACHED: swap cache pages not subtracted ({scs})");
            rows.Add(Value("CACHED", filePages - swapCache - buffers, $"{fps}{swapSource} - BUFFERS", "TOTAL MEM", MemoryGroup));
        }
        else rows.Add(Missing("CACHED", Why(fps), fps, "TOTAL MEM", "vm_node_stat[NR_FILE_PAGES]", MemoryGroup));

        // SLAB: pages held by slab caches, as meminfo's Slab (SReclaimable + SUnreclaim). 5.9+ names the items
        // NR_SLAB_*_B (byte-accounted per memcg, but the global counters are kept in pages); 2.6.19-5.8 NR_SLAB_*;
        // older NR_SLAB. crash 8.0.2 knows only the pre-5.9 names and falls back to counting PG_slab pages, which
        // are slab head pages since compound slabs: it prints the number of slabs, not of pages.
        rows.Add(SlabRow(vm, scan));

        // Huge pages: every hstate (hugetlb_total_pages() sums them all), in base pages.
        var (hugeTotal, hugeFree, hugeSource, hugeProblem) = HugePages(kernel);
        if (hugeTotal is { } ht && hugeFree is { } hf)
        {
            rows.Add(Value("TOTAL HUGE", ht, hugeSource, null, HugeGroup));
            rows.Add(Value("HUGE FREE", hf, hugeSource.Replace("nr_huge_pages", "free_huge_pages", StringComparison.Ordinal), "TOTAL HUGE", HugeGroup));
        }
        else
        {
            rows.Add(Missing("TOTAL HUGE", Why(hugeProblem!), hugeProblem!, null, hugeSource, HugeGroup));
            rows.Add(Missing("HUGE FREE", Why(hugeProblem!), hugeProblem!, "TOTAL HUGE", hugeSource, HugeGroup));
        }

        // Swap: total_swap_pages and nr_swap_pages (si_swapinfo's totalswap and freeswap).
        long? totalSwap = null;
        if (KernelGlobals.TryReadInteger(kernel, "total_swap_pages", "long", out var tsw, out var tswp)
            && KernelGlobals.TryReadInteger(kernel, "nr_swap_pages", "atomic_long_t", out var fsw, out tswp))
        {
            totalSwap = tsw;
            rows.Add(Value("TOTAL SWAP", tsw, "total_swap_pages", null, SwapGroup));
            rows.Add(Value("SWAP USED", tsw - fsw, "total_swap_pages - nr_swap_pages", "TOTAL SWAP", SwapGroup));
            rows.Add(Value("SWAP FREE", fsw, "nr_swap_pages (atomic_long_t)", "TOTAL SWAP", SwapGroup));
        }
        else
        {
            foreach (var name in new[] { "TOTAL SWAP", "SWAP USED", "SWAP FREE" })
                rows.Add(Missing(name, Why(tswp), tswp, name == "TOTAL SWAP" ? null : "TOTAL SWAP", "total_swap_pages, nr_swap_pages", SwapGroup));
        }

        // COMMIT LIMIT: vm_commit_limit(): overcommit_kbytes in pages, else (totalram - hugetlb) * ratio / 100; plus swap.
        rows.Add(CommitLimit(kernel, total, hugeTotal, totalSwap));

        // COMMITTED: vm_committed_as, a percpu_counter: count plus every possible CPU's s32 delta (percpu_counter_sum).
        // /proc/meminfo and crash print count alone (percpu_counter_read_positive), which lags by up to the batch per CPU.
        rows.Add(Committed(kernel, notes));

        return new MemoryInfo(rows, kernel.PageSize, notes, scan);
    }

    private static MemoryInfoRow SlabRow(VmStat vm, MemMapCounts? scan)
    {
        const string of = "TOTAL MEM";
        foreach (var (a, b) in new[] { ("NR_SLAB_RECLAIMABLE_B", "NR_SLAB_UNRECLAIMABLE_B"), ("NR_SLAB_RECLAIMABLE", "NR_SLAB_UNRECLAIMABLE") })
        {
            if (vm.TryRead(a, out var reclaimable, out var sa) && vm.TryRead(b, out var unreclaimable, out var sb))
                return new MemoryInfoRow("SLAB", reclaimable + unreclaimable, Absence.None, null, of, $"{sa} + {sb}", MemoryGroup);
        }
        if (vm.TryRead("NR_SLAB", out var slab, out var s))
            return new MemoryInfoRow("SLAB", slab, Absence.None, null, of, s, MemoryGroup);
        if (scan is not null)
            return new MemoryInfoRow("SLAB", scan.SlabPages, Absence.None, null, of, "PG_slab pages in the struct page scan (no vm counter)", MemoryGroup);
        return new MemoryInfoRow("SLAB", null, Absence.NotAvailable, "no NR_SLAB* counter in this kernel", of, "vm_node_stat[NR_SLAB_*]", MemoryGroup);
    }

    /// <summary>nr_blockdev_pages(): 5.9+ walks blockdev_superblock->s_inodes; older kernels the all_bdevs list.</summary>
    private static (long? Pages, string Source, string? Problem) BlockDevicePages(IKernel kernel, CancellationToken cancellation)
    {
        try
        {
            if (kernel.HasSymbol("blockdev_superblock"))
            {
                const string source = "Σ inode->i_mapping->nrpages over blockdev_superblock->s_inodes";
                var sb = kernel.Global("blockdev_superblock", "struct super_block *").Deref();
                var inodes = kernel.ListForEachEntry(sb["s_inodes"].Address, "struct inode", "i_sb_list", MaxBlockDeviceInodes, cancellation);
                if (!inodes.IsComplete) return (null, source, $"block device inode list: {inodes.Problem}");
                long sum = 0;
                foreach (var inode in inodes.Items) sum += (long)inode["i_mapping"].Deref()["nrpages"].ReadUnsigned();
                return (sum, source, null);
            }
            if (kernel.HasSymbol("all_bdevs"))
            {
                const string source = "Σ bdev->bd_inode->i_mapping->nrpages over all_bdevs";
                var head = kernel.Symbols.TryGetAddress("all_bdevs", out var a) ? a : 0;
                var bdevs = kernel.ListForEachEntry(head, "struct block_device", "bd_list", MaxBlockDeviceInodes, cancellation);
                if (!bdevs.IsComplete) return (null, source, $"all_bdevs: {bdevs.Problem}");
                long sum = 0;
                foreach (var bdev in bdevs.Items) sum += (long)bdev["bd_inode"].Deref()["i_mapping"].Deref()["nrpages"].ReadUnsigned();
                return (sum, source, null);
            }
            return (null, "nr_blockdev_pages", "neither blockdev_superblock nor all_bdevs is in this kernel");
        }
        catch (MemoryFaultException e)
        {
            return (null, "nr_blockdev_pages", e.Fault.Message);
        }
        catch (TypeNotFoundException e)
        {
            return (null, "nr_blockdev_pages", e.Message);
        }
    }

    /// <summary>Σ over hstates[0..hugetlb_max_hstate) of nr_huge_pages and free_huge_pages, each &lt;&lt; order.</summary>
    private static (long? Total, long? Free, string Source, string? Problem) HugePages(IKernel kernel)
    {
        const string source = "Σ hstates[i].nr_huge_pages << order";
        if (!kernel.HasSymbol("hstates")) return (0, 0, "no hstates: kernel without CONFIG_HUGETLB_PAGE", null);
        if (!KernelGlobals.TryReadInteger(kernel, "hugetlb_max_hstate", "unsigned int", out var count, out var problem))
            return (null, null, source, problem);
        try
        {
            var hstate = kernel.Types.Require("struct hstate");
            kernel.Symbols.TryGetAddress("hstates", out var array);
            // HUGE_MAX_HSTATE is small (2 on x86-64); a larger count is corrupt.
            if (count is < 0 or > 16) return (null, null, source, $"hugetlb_max_hstate={count} is not plausible");
            long total = 0, free = 0;
            for (int i = 0; i < count; i++)
            {
                var h = new KernelObject(kernel, hstate, array + (ulong)i * hstate.Size);
                int order = (int)h["order"].ReadUnsigned();
                if (order is < 0 or > 30) return (null, null, source, $"hstates[{i}].order={order} is not plausible");
                total += (long)h["nr_huge_pages"].ReadUnsigned() << order;
                free += (long)h["free_huge_pages"].ReadUnsigned() << order;
            }
            return (total, free, source, null);
        }
        catch (MemoryFaultException e)
        {
            return (null, null, source, e.Fault.Message);
        }
        catch (TypeNotFoundException e)
        {
            return (null, null, source, e.Message);
        }
    }

    private static MemoryInfoRow CommitLimit(IKernel kernel, long? total, long? huge, long? swap)
    {
        const string name = "COMMIT LIMIT";
        long allowed;
        string source;
        if (KernelGlobals.TryReadInteger(kernel, "sysctl_overcommit_kbytes", "unsigned long", out var kbytes, out _) && kbytes != 0)
        {
            allowed = kbytes / (kernel.PageSize / 1024);
            source = "sysctl_overcommit_kbytes in pages + TOTAL SWAP";
        }
        else if (KernelGlobals.TryReadInteger(kernel, "sysctl_overcommit_ratio", "int", out var ratio, out var problem))
        {
            if (total is null) return new MemoryInfoRow(name, null, Absence.NotAvailable, "needs TOTAL MEM", null, "vm_commit_limit", CommitGroup);
            allowed = (total.Value - (huge ?? 0)) * ratio / 100;
            source = $"(TOTAL MEM - TOTAL HUGE) * sysctl_overcommit_ratio ({ratio}) / 100 + TOTAL SWAP";
        }
        else return new MemoryInfoRow(name, null, Absence.NotAvailable, problem, null, "vm_commit_limit", CommitGroup);
        return new MemoryInfoRow(name, allowed + (swap ?? 0), Absence.None, null, null, source, CommitGroup);
    }

    private static MemoryInfoRow Committed(IKernel kernel, List<string> notes)
    {
        const string name = "COMMITTED", of = "COMMIT LIMIT";
        const string source = "vm_committed_as: percpu_counter count + Σ per-cpu counters (percpu_counter_sum)";
        try
        {
            if (!kernel.HasSymbol("vm_committed_as"))
                return new MemoryInfoRow(name, null, Absence.NotAvailable, "vm_committed_as is not in this kernel", of, source, CommitGroup);
            var counter = kernel.Global("vm_committed_as", "struct percpu_counter");
            if (!PerCpuMemory.TryPercpuCounterSum(counter, out var sum, out var count, out var problem))
                return new MemoryInfoRow(name, null, Absence.Unreadable, problem, of, source, CommitGroup);
            if (sum != count) notes.Add($"COMMITTED: vm_committed_as.count alone (what /proc/meminfo and crash print) is {Math.Max(count, 0)} pages; with the per-cpu deltas {Math.Max(sum, 0)}");
            return new MemoryInfoRow(name, Math.Max(sum, 0), Absence.None, null, of, source, CommitGroup);
        }
        catch (MemoryFaultException e)
        {
            return new MemoryInfoRow(name, null, Absence.Unreadable, e.Fault.Message, of, source, CommitGroup);
        }
        catch (TypeNotFoundException e)
        {
            return new MemoryInfoRow(name, null, Absence.NotAvailable, e.Message, of, source, CommitGroup);
        }
    }
}
