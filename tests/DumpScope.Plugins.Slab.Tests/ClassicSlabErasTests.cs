using DumpScope.Sdk.Linux.Slab.Classic;

namespace DumpScope.Plugins.Slab.Tests;

/// <summary>
/// Classic SLAB in two eras with the same slabs: the seed's kernels (kmem_cache ending in nodelists +
/// array[NR_CPUS], kmem_list3, an off-slab management struct slab with a kmem_bufctl_t free chain, the cache and
/// slab in page->lru) and 3.18–6.7's (per-cpu cpu_cache + node[], kmem_cache_node, struct slab overlaying struct
/// page with a freelist index array). 30 objects of 128 bytes per slab: a full slab, a partial one (10 active), a
/// free one; CPU 0's array cache holds 2 objects of the full slab, CPU 1's one of the partial slab, the node's
/// shared cache another.
/// </summary>
public class ClassicSlabErasTests
{
    /// <summary>The layout generation.</summary>
    public enum Era
    {
        /// <summary>array[NR_CPUS], kmem_list3, management struct slab (before 3.13).</summary>
        Array,
        /// <summary>cpu_cache, node[], kmem_cache_node, struct slab over struct page (5.17–6.7).</summary>
        CpuCache,
    }

    private const ulong Cache = DirectMap + 0x6000, Ac0 = DirectMap + 0x7000, Ac1 = DirectMap + 0x7100, Shared = DirectMap + 0x7200;
    private const ulong Management = DirectMap + 0x8000, Indices = DirectMap + 0x9000, CpuCache = 0x3000;
    private const ulong Stride = 128, Num = 30;
    private const ulong FullPfn = 0x300, PartialPfn = 0x301, FreePfn = 0x302;

    private static ulong Page(ulong pfn) => Vmemmap + pfn * 64;
    private static ulong Obj(ulong pfn, ulong index) => DirectMap + pfn * 4096 + index * Stride;

    private static (SyntheticKernel Kernel, ServiceProvider Services) Build(Era era)
    {
        var b = new BtfBuilder();
        var (u32, u64, _, charp, voidp, list) = b.KernelBasics();
        int ac = b.Struct("array_cache", 16, ("avail", u32, 0, 0), ("limit", u32, 32, 0), ("batchcount", u32, 64, 0), ("touched", u32, 96, 0),
            ("entry", b.Array(voidp, u32, 0), 128, 0));
        int acPtr = b.Ptr(ac);
        bool old = era == Era.Array;
        int node = b.Struct(old ? "kmem_list3" : "kmem_cache_node", 72, ("slabs_partial", list, 0, 0), ("slabs_full", list, 128, 0), ("slabs_free", list, 256, 0),
            ("free_objects", u64, 448, 0), ("shared", acPtr, 512, 0));
        uint trailing;
        if (old)
        {
            trailing = 64;
            b.Struct("kmem_cache", 64 + 32 * 8, ("batchcount", u32, 0, 0), ("limit", u32, 32, 0), ("shared", u32, 64, 0), ("buffer_size", u32, 96, 0),
                ("flags", u32, 128, 0), ("num", u32, 160, 0), ("gfporder", u32, 192, 0), ("name", charp, 256, 0), ("next", list, 320, 0),
                ("nodelists", b.Ptr(b.Ptr(node)), 448, 0), ("array", b.Array(acPtr, u32, 32), 512, 0));
            b.Struct("slab", 40, ("list", list, 0, 0), ("colouroff", u64, 128, 0), ("s_mem", voidp, 192, 0), ("inuse", u32, 256, 0), ("free", u32, 288, 0));
            b.Struct("page", 64, ("flags", u64, 0, 0), ("lru", list, 64, 0), ("_mapcount", u32, 384, 0));
            b.Enum("pageflags", 4, false, ("PG_locked", 0), ("PG_slab", 7), ("PG_tail", 15), ("__NR_PAGEFLAGS", 22));
        }
        else
        {
            trailing = 72;
            b.Struct("kmem_cache", 72 + 1024 * 8, ("cpu_cache", acPtr, 0, 0), ("batchcount", u32, 64, 0), ("limit", u32, 96, 0), ("shared", u32, 128, 0),
                ("size", u32, 160, 0), ("flags", u32, 192, 0), ("num", u32, 224, 0), ("gfporder", u32, 256, 0), ("name", charp, 320, 0),
                ("list", list, 384, 0), ("object_size", u32, 512, 0), ("node", b.Array(b.Ptr(node), u32, 1024), 576, 0));
            b.Struct("slab", 64, ("__page_flags", u64, 0, 0), ("slab_list", list, 64, 0), ("slab_cache", voidp, 192, 0), ("freelist", voidp, 256, 0),
                ("s_mem", voidp, 320, 0), ("active", u32, 384, 0));
            b.Struct("page", 64, ("flags", u64, 0, 0), ("compound_head", u64, 64, 0), ("_mapcount", u32, 416, 0));
            b.Typedef("freelist_idx_t", b.Int("unsigned char", 1));
            b.Enum("pageflags", 4, false, ("PG_locked", 0), ("PG_slab", 9), ("PG_head", 16), ("__NR_PAGEFLAGS", 24));
        }
        var kernel = NewKernel(b, "slab era types");
        var m = kernel.Memory;
        kernel.MemoryModel(Globals, maxPfn: 0x400);
        m.Write(Name, Encoding.ASCII.GetBytes("classic-cache\0"));
        m.Write(Cache, new byte[trailing + 24]);
        m.Write(Vmemmap + 0x300 * 64, new byte[4096]);
        ulong ac0 = Ac0, ac1 = Ac1;
        if (old)
        {
            kernel.Symbols.Add("cache_cache", Boot);
            m.WriteU32(Boot + 12, trailing + 2 * 8 + 8);  // cache_cache.buffer_size: array[nr_cpu_ids] + nr_node_ids pointers
            m.WriteU32(Cache + 12, (uint)Stride);
            m.WriteU32(Cache + 20, (uint)Num);
            m.WriteU64(Cache + 32, Name);
            m.LinkList(Head, Cache + 40);
            m.WriteU64(Cache + 56, Cache + 80);         // nodelists: just past array[nr_cpu_ids - 1]
            m.WriteU64(Cache + 64, Ac0);
            m.WriteU64(Cache + 72, Ac1);
            m.WriteU64(Cache + 80, Node);
        }
        else
        {
            kernel.Symbols.Add("kmem_cache_boot", Boot);
            m.WriteU32(Boot + 64, trailing + 8);          // kmem_cache_boot.object_size: offsetof(node) + 1 pointer
            m.WriteU64(Cache + 0, CpuCache);
            m.WriteU32(Cache + 20, (uint)Stride);
            m.WriteU32(Cache + 28, (uint)Num);
            m.WriteU64(Cache + 40, Name);
            m.LinkList(Head, Cache + 48);
            m.WriteU32(Cache + 64, 100);                 // object_size
            m.WriteU64(Cache + 72, Node);
            // The per-cpu array caches themselves (cpu_cache is a per-cpu pointer).
            (ac0, ac1) = (CpuCache + kernel.PerCpuOffset(0), CpuCache + kernel.PerCpuOffset(1));
        }
        WriteArrayCache(m, ac0, [Obj(FullPfn, 0), Obj(FullPfn, 1)]);
        WriteArrayCache(m, ac1, [Obj(PartialPfn, 3) | 1]);    // the low bit is SLAB_OBJ_PFMEMALLOC, not part of the pointer
        WriteArrayCache(m, Shared, [Obj(PartialPfn, 4)]);
        m.Write(Node, new byte[72]);
        m.WriteU64(Node + 64, Shared);

        ulong[] descriptors = new ulong[3];
        foreach (var (pfn, active, i) in new[] { (FullPfn, 30u, 0), (PartialPfn, 10u, 1), (FreePfn, 0u, 2) })
        {
            m.WriteU64(Page(pfn), 1UL << (old ? 7 : 9));
            if (old)
            {
                ulong slab = Management + (ulong)i * 0x100;
                descriptors[i] = slab;
                m.WriteU64(Page(pfn) + 8, Cache);               // page->lru.next: the cache
                m.WriteU64(Page(pfn) + 16, slab);               // page->lru.prev: the slab
                m.WriteU64(slab + 24, Obj(pfn, 0));
                m.WriteU32(slab + 32, active);
                m.WriteU32(slab + 36, active == Num ? 0xffff_ffff : active);
                for (uint k = 0; k < Num; k++) m.WriteU32(slab + 40 + k * 4, k + 1 == Num ? 0xffff_ffff : k + 1);
            }
            else
            {
                descriptors[i] = Page(pfn);
                ulong indices = Indices + (ulong)i * 0x100;
                m.WriteU64(Page(pfn) + 24, Cache);
                m.WriteU64(Page(pfn) + 32, indices);
                m.WriteU64(Page(pfn) + 40, Obj(pfn, 0));
                m.WriteU32(Page(pfn) + 48, active);
                for (uint k = 0; k < Num; k++) m.WriteU8(indices + k, (byte)k);
            }
        }
        ulong link = old ? 0UL : 8UL;
        m.LinkList(Node + 16, descriptors[0] + link);
        m.LinkList(Node + 0, descriptors[1] + link);
        m.LinkList(Node + 32, descriptors[2] + link);
        return (kernel, SlabScenario.Services(kernel));
    }

    private static void WriteArrayCache(SyntheticMemory m, ulong at, ulong[] objects)
    {
        m.WriteU32(at, (uint)objects.Length);
        m.WriteU32(at + 4, 120);
        for (int i = 0; i < objects.Length; i++) m.WriteU64(at + 16 + (ulong)i * 8, objects[i]);
    }

    [Theory]
    [InlineData(Era.Array, 128UL)]
    [InlineData(Era.CpuCache, 100UL)]
    public void Kmem_s_prints_the_stride_as_crash_does_and_the_object_size_with_v(Era era, ulong objectSize)
    {
        var (kernel, services) = Build(era);
        var analyzer = services.GetRequiredService<SlabAnalyzer>();
        var table = services.Run<KmemSlabSummaryCommand>("kmem -s -v", c => c.Verbose = true).Blocks.OfType<TableBlock>().Single();
        var row = table.Rows.Single();
        row.Problem.Should().BeNull();
        // 3 slabs x 30; in use 30 + 10, of which 2 + 1 (cpu) + 1 (shared) sit in array caches.
        row.Cells.Select(c => c.Value).Should().Equal(Cache, 128UL, 36L, 90L, 3L, 4096UL, "classic-cache", objectSize, 128UL);
        var allocator = (ClassicSlabAllocator)analyzer.Allocator;
        allocator.HasCpuCache.Should().Be(era == Era.CpuCache);
        allocator.ManagementSlab.Should().Be(era == Era.Array);
        allocator.Layout.CacheSize.Disagreement.Should().BeNull();
        SlabHelpers.ForEachAllocatedObject(kernel, Cache).Should().HaveCount(36);
    }

    [Theory]
    [InlineData(Era.Array)]
    [InlineData(Era.CpuCache)]
    public void Kmem_S_and_kmem_ADDR_give_every_object_one_state(Era era)
    {
        var (kernel, services) = Build(era);
        var result = services.Run<KmemSlabObjectsCommand>("kmem -S classic-cache", c => c.Cache = "classic-cache");
        result.Failed.Should().BeFalse(result.Error);
        result.Warnings.Should().BeEmpty();
        var states = result.ObjectStates();
        states.Should().HaveCount(90);
        states[Obj(FullPfn, 1)].Should().Be("free (cpu 0 cache)");
        states[Obj(FullPfn, 2)].Should().Be("allocated");
        states[Obj(PartialPfn, 3)].Should().Be("free (cpu 1 cache)");
        states[Obj(PartialPfn, 4)].Should().Be("free (node 0 shared cache)");
        states[Obj(PartialPfn, 9)].Should().Be("allocated");
        states[Obj(PartialPfn, 10)].Should().Be("free (slab freelist)");
        states[Obj(FreePfn, 0)].Should().Be("free (slab freelist)");
        states.Values.Count(s => s == "allocated").Should().Be(36);
        foreach (var (address, state) in states)
            SlabHelpers.SlabObjectInfo(kernel, address + 5).State.Text.Should().Be(state);
        var info = SlabHelpers.SlabObjectInfo(kernel, Obj(PartialPfn, 3) + 5);
        info.Cache.Should().Be(Cache);
        info.Object.Should().Be(Obj(PartialPfn, 3));
        info.SlabMemory.Should().Be(Obj(PartialPfn, 0));
        SlabHelpers.ForEachAllocatedObject(kernel, Cache).Should().BeEquivalentTo(states.Where(s => s.Value == "allocated").Select(s => s.Key));
    }
}
