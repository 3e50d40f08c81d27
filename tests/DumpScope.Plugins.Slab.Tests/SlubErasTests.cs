using DumpScope.Sdk.Linux.Slab.Slub;


namespace DumpScope.Plugins.Slab.Tests;

/// <summary>
/// SLUB in three eras, the same slabs in each: 5.10's slab fields in struct page (kmem_cache_cpu.page, cpu partial
/// head with pages/pobjects, PG_slab, freelists xor-hardened without swab), 6.18's struct slab with per-cpu
/// sheaves and a node barn (slab as a page type, PGTY_slab; swab-hardened freelists), and 7.1's: no cpu slabs at all
/// (no kmem_cache_cpu), kmem_cache.per_node[] pairs of barn and node pointers (commit 5ba6bc27b1f9), the tail word of
/// struct page named compound_info and holding a mask (commit 8c846c879e22), as Debian's 7.3 dump (k73) has them.
/// Slabs (16 objects of 64 bytes each): cpu 0's active slab (3 on its lockless freelist, 1 remote free on the
/// slab's own), a cpu 0 partial chain of two slabs (6 and 1 free), a node partial slab (4 free), a full slab; in the
/// per-node era the first three are node partial slabs with the same free objects on their own freelists.
/// </summary>
public class SlubErasTests
{
    /// <summary>The layout generation.</summary>
    public enum Era
    {
        /// <summary>Slab fields in struct page (before 5.17).</summary>
        StructPage,
        /// <summary>struct slab with sheaves (6.18+).</summary>
        Sheaves,
        /// <summary>Sheaves without cpu slabs, per_node[] of barn and node (7.1+).</summary>
        PerNode,
    }

    private const ulong Cache = DirectMap + 0x6000, Barn = DirectMap + 0x7000, Sheaf0 = DirectMap + 0x8000, BarnSheaf = DirectMap + 0x8100;
    private const ulong CpuSlab = 0x1000, CpuSheaves = 0x2000;
    private const ulong Random = 0x0badc0ffee0ddf00UL, Stride = 64, FreeOffset = 0x20;
    private const ulong Active = 0x200, Partial1 = 0x201, Partial2 = 0x202, NodePartial = 0x203, Full = 0x204;

    private static ulong Desc(ulong pfn) => Vmemmap + pfn * 64;
    private static ulong Obj(ulong pfn, ulong index) => DirectMap + pfn * 4096 + index * Stride;

    private static (SyntheticKernel Kernel, ServiceProvider Services) Build(Era era)
    {
        var b = new BtfBuilder();
        var (u32, u64, _, charp, voidp, list) = b.KernelBasics();
        bool old = era == Era.StructPage, perNode = era == Era.PerNode;
        // The slab descriptor: struct page's own fields before 5.17, struct slab (overlaying struct page) after.
        var slabMembers = new List<(string, int, uint, uint)>
        {
            (old ? "flags" : "__page_flags", u64, 0, 0), ("slab_list", list, 64, 0), ("next", voidp, 64, 0),
            ("slab_cache", voidp, 192, 0), ("freelist", voidp, 256, 0), ("inuse", u32, 320, 16), ("objects", u32, 336, 15), ("frozen", u32, 351, 1),
        };
        if (old) slabMembers.AddRange([("pages", u32, 128, 0), ("pobjects", u32, 160, 0), ("compound_head", u64, 64, 0), ("_mapcount", u32, 384, 0)]);
        else slabMembers.Add(("slabs", u32, 128, 0));
        int slab = b.Struct(old ? "page" : "slab", 64, [.. slabMembers]);
        if (!old) b.Struct("page", 64, ("flags", u64, 0, 0), (perNode ? "compound_info" : "compound_head", u64, 64, 0), ("page_type", u32, 384, 0));
        int slabPtr = b.Ptr(slab);
        int cpu = b.Struct("kmem_cache_cpu", 32, ("freelist", voidp, 0, 0), ("tid", u64, 64, 0), (old ? "page" : "slab", slabPtr, 128, 0), ("partial", slabPtr, 192, 0));
        var nodeMembers = new List<(string, int, uint, uint)> { ("list_lock", u32, 0, 0), ("nr_partial", u64, 64, 0), ("partial", list, 128, 0),
            ("nr_slabs", u64, 256, 0), ("total_objects", u64, 320, 0), ("full", list, 384, 0) };
        int barn = 0;
        if (!old)
        {
            barn = b.Struct("node_barn", 48, ("lock", u32, 0, 0), ("sheaves_full", list, 64, 0), ("sheaves_empty", list, 192, 0), ("nr_full", u32, 320, 0), ("nr_empty", u32, 352, 0));
            if (!perNode) nodeMembers.Add(("barn", b.Ptr(barn), 512, 0));
        }
        int node = b.Struct("kmem_cache_node", old ? 64u : 72u, [.. nodeMembers]);
        int oo = b.Struct("kmem_cache_order_objects", 4, ("x", u32, 0, 0));
        int nodes = perNode
            ? b.Array(b.Struct("kmem_cache_per_node_ptrs", 16, ("barn", b.Ptr(barn), 0, 0), ("node", b.Ptr(node), 64, 0)), u32, 1024)
            : b.Array(b.Ptr(node), u32, 1024);
        var cacheMembers = new List<(string, int, uint, uint)> { ("size", u32, 64, 0), ("object_size", u32, 96, 0),
            ("offset", u32, 128, 0), ("oo", oo, 160, 0), ("random", u64, 192, 0), ("name", charp, 256, 0), ("list", list, 320, 0) };
        if (!perNode) cacheMembers.Add(("cpu_slab", b.Ptr(cpu), 0, 0));
        if (!old)
        {
            int sheaf = b.Struct("slab_sheaf", 32, ("barn_list", list, 0, 0), ("cache", voidp, 128, 0), ("size", u32, 192, 0), ("objects", b.Array(voidp, u32, 0), 256, 0));
            int pcs = b.Struct("slub_percpu_sheaves", 32, ("lock", u32, 0, 0), ("main", b.Ptr(sheaf), 64, 0), ("spare", b.Ptr(sheaf), 128, 0), ("rcu_free", b.Ptr(sheaf), 192, 0));
            cacheMembers.Add(("cpu_sheaves", b.Ptr(pcs), 448, 0));
        }
        uint nodeAt = old ? 56u : 64u, perNodeSize = perNode ? 16u : 8u;
        cacheMembers.Add((perNode ? "per_node" : "node", nodes, nodeAt * 8, 0));
        b.Struct("kmem_cache", nodeAt + 1024 * perNodeSize, [.. cacheMembers]);
        if (old) b.Enum("pageflags", 4, false, ("PG_locked", 0), ("PG_slab", 9), ("PG_head", 16), ("__NR_PAGEFLAGS", 24));
        else
        {
            b.Enum("pageflags", 4, false, ("PG_locked", 0), ("PG_head", 6), ("__NR_PAGEFLAGS", 22));
            b.Enum("pagetype", 4, false, ("PGTY_buddy", 0xf0), ("PGTY_slab", 0xf5), ("PGTY_mapcount_underflow", 0xff));
        }
        var kernel = NewKernel(b, "slub era types");
        var m = kernel.Memory;

        kernel.MemoryModel(Globals, maxPfn: 0x400);
        kernel.Global("kmem_cache", DirectMap + 0x5020, Boot);
        m.WriteU32(Boot + 12, nodeAt + perNodeSize);     // boot cache object_size: offsetof(node) + 1 pointer (or pair)
        m.Write(Name, Encoding.ASCII.GetBytes("era-cache\0"));
        m.Write(Cache, new byte[nodeAt + perNodeSize]);
        if (!perNode) m.WriteU64(Cache + 0, CpuSlab);
        m.WriteU32(Cache + 8, (uint)Stride);
        m.WriteU32(Cache + 12, 56);
        m.WriteU32(Cache + 16, (uint)FreeOffset);
        m.WriteU32(Cache + 20, 16);                      // oo: order 0, 16 objects
        m.WriteU64(Cache + 24, Random);
        m.WriteU64(Cache + 32, Name);
        m.LinkList(Head, Cache + 40);
        m.WriteU64(Cache + nodeAt + (perNode ? 8u : 0u), Node);

        m.Write(Vmemmap + 0x200 * 64, new byte[4096]);   // the vmemmap page holding frames 0x200–0x23f
        if (perNode)
        {
            // No cpu slabs: the slabs cpu 0 held are node partial slabs, each with its free objects on its own freelist.
            WriteSlab(m, era, Active, inuse: 12, frozen: false, [Obj(Active, 0), Obj(Active, 3), Obj(Active, 5), Obj(Active, 7)]);
            WriteSlab(m, era, Partial1, inuse: 10, frozen: false, [.. Enumerable.Range(1, 6).Select(i => Obj(Partial1, (ulong)i))]);
            WriteSlab(m, era, Partial2, inuse: 15, frozen: false, [Obj(Partial2, 15)]);
        }
        else
        {
            ulong at0 = CpuSlab + kernel.PerCpuOffset(0), at1 = CpuSlab + kernel.PerCpuOffset(1);
            m.Write(at1, new byte[32]);
            WriteFreelist(m, era, [Obj(Active, 0), Obj(Active, 3), Obj(Active, 7)]);
            m.WriteU64(at0, Obj(Active, 0));
            m.WriteU64(at0 + 16, Desc(Active));
            m.WriteU64(at0 + 24, Desc(Partial1));
            WriteSlab(m, era, Active, inuse: 15, frozen: true, [Obj(Active, 5)]);
            WriteSlab(m, era, Partial1, inuse: 10, frozen: true, [.. Enumerable.Range(1, 6).Select(i => Obj(Partial1, (ulong)i))]);
            WriteSlab(m, era, Partial2, inuse: 15, frozen: true, [Obj(Partial2, 15)]);
            m.WriteU64(Desc(Partial1) + 8, Desc(Partial2));  // slab->next
            if (old) { m.WriteU32(Desc(Partial1) + 16, 2); m.WriteU32(Desc(Partial1) + 20, 7); } // pages, pobjects of the chain
            else m.WriteU32(Desc(Partial1) + 16, 2);         // slabs of the chain
        }
        WriteSlab(m, era, NodePartial, inuse: 12, frozen: false, [Obj(NodePartial, 0), Obj(NodePartial, 1), Obj(NodePartial, 2), Obj(NodePartial, 3)]);
        WriteSlab(m, era, Full, inuse: 16, frozen: false, []);
        // A tail page after the full slab's head: compound_head = head + 1, or (per-node era) the mask form.
        m.WriteU64(Desc(Full + 1) + 8, perNode ? ~(2 * 64UL - 1) | 1 : Desc(Full) + 1);
        m.WriteU64(Node + 32, 5);                        // nr_slabs
        m.WriteU64(Node + 40, 80);                       // total_objects
        if (perNode) m.LinkList(Node + 16, Desc(Active) + 8, Desc(Partial1) + 8, Desc(Partial2) + 8, Desc(NodePartial) + 8);
        else m.LinkList(Node + 16, Desc(NodePartial) + 8);
        m.LinkList(Node + 48);

        if (!old)
        {
            // CPU 0's main sheaf holds objects 0 and 1 of the full slab; node 0's barn a full sheaf with object 2.
            ulong pcs0 = CpuSheaves + kernel.PerCpuOffset(0), pcs1 = CpuSheaves + kernel.PerCpuOffset(1);
            m.WriteU64(Cache + 56, CpuSheaves);
            m.Write(pcs0, new byte[32]);
            m.Write(pcs1, new byte[32]);
            m.WriteU64(pcs0 + 8, Sheaf0);
            m.Write(Sheaf0, new byte[64]);
            m.WriteU32(Sheaf0 + 24, 2);
            m.WriteU64(Sheaf0 + 32, Obj(Full, 0));
            m.WriteU64(Sheaf0 + 40, Obj(Full, 1));
            m.WriteU64(perNode ? Cache + nodeAt : Node + 64, Barn);
            m.Write(Barn, new byte[48]);
            m.Write(BarnSheaf, new byte[64]);
            m.LinkList(Barn + 8, BarnSheaf);
            m.LinkList(Barn + 24);
            m.WriteU32(BarnSheaf + 24, 1);
            m.WriteU64(BarnSheaf + 32, Obj(Full, 2));
        }
        return (kernel, SlabScenario.Services(kernel));
    }

    private static void WriteSlab(SyntheticMemory m, Era era, ulong pfn, uint inuse, bool frozen, ulong[] free)
    {
        ulong desc = Desc(pfn);
        if (era == Era.StructPage) m.WriteU64(desc, 1UL << 9);   // PG_slab
        else m.WriteU32(desc + 48, 0xf500_0000);                 // page_type PGTY_slab
        m.WriteU64(desc + 24, Cache);
        m.WriteU64(desc + 32, free.Length > 0 ? free[0] : 0);
        m.WriteU32(desc + 40, inuse | 16u << 16 | (frozen ? 1u << 31 : 0));
        WriteFreelist(m, era, free);
    }

    private static void WriteFreelist(SyntheticMemory m, Era era, ulong[] objects) =>
        SlabScenario.WriteHardenedFreelist(m, objects, FreeOffset, Random, swab: era != Era.StructPage);

    [Theory]
    [InlineData(Era.StructPage, 65L)]
    [InlineData(Era.Sheaves, 62L)]
    [InlineData(Era.PerNode, 62L)]
    public void Kmem_s_counts_cpu_partial_chains_and_sheaves(Era era, long allocated)
    {
        var (kernel, services) = Build(era);
        var analyzer = services.GetRequiredService<SlabAnalyzer>();
        var row = services.KmemSRow();
        row.Problem.Should().BeNull();
        // free = cpu slab (16 - 15) + 3 lockless + partial chain (6 + 1) + node partial 4 (+ 2 in cpu 0's sheaf + 1 in the barn).
        row.Cells.Select(c => c.Value).Should().Equal(Cache, 56UL, allocated, 80L, 5L, 4096UL, "era-cache");
        var slub = (SlubAllocator)analyzer.Allocator;
        var encoding = era == Era.StructPage ? FreelistEncoding.Xor : FreelistEncoding.XorSwab;
        // kmem -s walks cpu freelists (which decide the encoding); without cpu slabs the probe reads a node partial slab's
        if (era != Era.PerNode) analyzer.Encoding.Should().Be(encoding);
        slub.DetectEncoding(out var how, maxCaches: 4).Should().Be(encoding, how);
        slub.Layout.Descriptor.Should().Be(era == Era.StructPage ? "struct page" : "struct slab");
        slub.CpuSlabMember.Should().Be(era == Era.StructPage ? "page" : "slab");
        (slub.Sheaves is not null).Should().Be(era != Era.StructPage);
        (slub.CpuType is null).Should().Be(era == Era.PerNode, "7.1 has no kmem_cache_cpu");
        slub.Layout.NodePointerPath.Should().Be(era == Era.PerNode ? "per_node[{0}].node" : "node[{0}]");
        (slub.Layout.BarnPointerPath is not null).Should().Be(era == Era.PerNode);
        slub.Layout.CacheSize.Disagreement.Should().BeNull("offsetof(per_node) + one 16-byte pair is the boot cache's object_size");
        SlabHelpers.ForEachAllocatedObject(kernel, Cache).Should().HaveCount((int)allocated);
        kernel.CompoundHead(Desc(Full + 1)).Should().Be(Desc(Full), "a tail page's head, from a pointer or (7.1) a mask");
        kernel.PageSlabCache(Desc(Full + 1)).Should().Be(Cache);
    }

    [Theory]
    [InlineData(Era.StructPage)]
    [InlineData(Era.Sheaves)]
    [InlineData(Era.PerNode)]
    public void Every_object_has_one_state_in_kmem_S_kmem_ADDR_and_the_allocated_walk(Era era)
    {
        var (kernel, services) = Build(era);
        var result = services.Run<KmemSlabObjectsCommand>("kmem -S era-cache", c => c.Cache = "era-cache");
        result.Warnings.Should().BeEmpty();
        var states = result.ObjectStates();
        states.Should().HaveCount(4 * 16, "SLUB tracks the cpu slab, the two cpu partial slabs and the node partial slab (per-node era: four node partial slabs)");
        string cpu0 = era == Era.PerNode ? "free (slab freelist)" : "free (cpu 0 cache)";
        states[Obj(Active, 3)].Should().Be(cpu0);
        states[Obj(Active, 5)].Should().Be(cpu0, "a remote free on cpu 0's active slab counts as that CPU's, as crash says");
        states[Obj(Partial2, 15)].Should().Be("free (slab freelist)");
        states[Obj(NodePartial, 2)].Should().Be("free (slab freelist)");
        states[Obj(Active, 4)].Should().Be("allocated");
        foreach (var (address, state) in states)
            SlabHelpers.SlabObjectInfo(kernel, address + 9).State.Text.Should().Be(state);

        var full = SlabHelpers.SlabObjectInfo(kernel, Obj(Full, 0));
        full.Cache.Should().Be(Cache);
        full.CacheName.Should().Be("era-cache");
        bool sheaves = era != Era.StructPage;
        full.State.Text.Should().Be(sheaves ? "free (cpu 0 sheaf)" : "allocated");
        SlabHelpers.SlabObjectInfo(kernel, Obj(Full, 2)).State.Text.Should().Be(sheaves ? "free (node 0 barn)" : "allocated");
        var allocated = SlabHelpers.ForEachAllocatedObject(kernel, Cache).ToHashSet();
        allocated.Should().BeEquivalentTo(states.Where(s => s.Value == "allocated").Select(s => s.Key)
            .Concat(Enumerable.Range(sheaves ? 3 : 0, sheaves ? 13 : 16).Select(i => Obj(Full, (ulong)i))));
    }

    [Theory]
    [InlineData(Era.Sheaves)]
    [InlineData(Era.PerNode)]
    public void The_kmem_ADDR_command_says_where_a_sheaf_object_is(Era era)
    {
        var (_, services) = Build(era);
        var result = services.Run<KmemAddressCommand>("kmem", c => c.Address = $"{Obj(Full, 1) + 8:x}");
        var fields = SlabScenario.Fields(result);
        fields["STATUS"].Should().Be("free (cpu 0 sheaf)");
        fields["OFFSET"].Should().Be(8UL);
        fields["SLAB MEMORY"].Should().Be(Obj(Full, 0));
    }
}
