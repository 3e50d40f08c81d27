using DumpScope.Sdk.Linux.Slab.Slub;


namespace DumpScope.Plugins.Slab.Tests;

/// <summary>
/// SLUB's form of the seed: struct kmem_cache declared with node[1024] (8248 bytes here), allocated with
/// nr_node_ids = 1 pointers (64 bytes), ending just before an excluded page; hardened freelists in the
/// byte-swapped encoding.
/// </summary>
public class SlubTrimmedScenarioTests
{
    private const ulong PerCpu = 0x1000;
    private const ulong Page = DirectMap + 0x20000;
    private const ulong Cache = Page + 0x1000 - 64 - 16;
    private const ulong Random = 0x1234567890abcdefUL;
    private const ulong ObjectSize = 0x40, FreeOffset = 0x20;
    private const ulong CpuSlabPfn = 0x200, PartialPfn = 0x201;

    private static ulong Desc(ulong pfn) => Vmemmap + pfn * 64;
    private static ulong Mem(ulong pfn) => DirectMap + pfn * 4096;

    private static (SyntheticKernel Kernel, ServiceProvider Services) Build(Action<SyntheticMemory>? corrupt = null)
    {
        var b = new BtfBuilder();
        var (u32, u64, _, charp, voidp, list) = b.KernelBasics();
        int slab = b.Struct("slab", 64, ("__page_flags", u64, 0, 0), ("slab_list", list, 64, 0), ("slab_cache", voidp, 192, 0),
            ("freelist", voidp, 256, 0), ("inuse", u32, 320, 16), ("objects", u32, 336, 15), ("frozen", u32, 351, 1));
        int slabPtr = b.Ptr(slab);
        int cpu = b.Struct("kmem_cache_cpu", 32, ("freelist", voidp, 0, 0), ("tid", u64, 64, 0), ("slab", slabPtr, 128, 0), ("partial", slabPtr, 192, 0));
        int node = b.Struct("kmem_cache_node", 64, ("list_lock", u32, 0, 0), ("nr_partial", u64, 64, 0), ("partial", list, 128, 0),
            ("nr_slabs", u64, 256, 0), ("total_objects", u64, 320, 0), ("full", list, 384, 0));
        int oo = b.Struct("kmem_cache_order_objects", 4, ("x", u32, 0, 0));
        int nodes = b.Array(b.Ptr(node), u32, 1024);
        b.Struct("kmem_cache", 56 + 8192, ("cpu_slab", b.Ptr(cpu), 0, 0), ("size", u32, 64, 0), ("object_size", u32, 96, 0), ("offset", u32, 128, 0),
            ("oo", oo, 160, 0), ("random", u64, 192, 0), ("name", charp, 256, 0), ("list", list, 320, 0), ("node", nodes, 448, 0));
        b.Struct("page", 64, ("flags", u64, 0, 0));
        var kernel = NewKernel(b, "slub types");
        var m = kernel.Memory;

        kernel.MemoryModel(Globals);
        kernel.Global("kmem_cache", DirectMap + 0x5010, Boot);
        m.WriteU32(Boot + 12, 64);                       // boot cache object_size: offsetof(node) + 1 pointer
        m.Write(Name, Encoding.ASCII.GetBytes("slub-cache\0"));

        m.WriteU64(Cache + 0, PerCpu);
        m.WriteU32(Cache + 8, (uint)ObjectSize);         // size
        m.WriteU32(Cache + 12, 48);                      // object_size
        m.WriteU32(Cache + 16, (uint)FreeOffset);
        m.WriteU32(Cache + 20, 16);                      // oo: order 0, 16 objects
        m.WriteU64(Cache + 24, Random);
        m.WriteU64(Cache + 32, Name);
        m.LinkList(Head, Cache + 40);
        m.WriteU64(Cache + 56, Node);                    // node[0]; node[1] would be on the excluded page
        m.Exclude(Page + 0x1000);

        // CPU 0: a frozen slab, all objects taken by the CPU, 3 on its lockless freelist; CPU 1: nothing.
        ulong cpu0 = PerCpu + kernel.PerCpuOffset(0), cpu1 = PerCpu + kernel.PerCpuOffset(1);
        m.Write(cpu1, new byte[32]);
        ulong[] free = [Mem(CpuSlabPfn) + 0 * ObjectSize, Mem(CpuSlabPfn) + 3 * ObjectSize, Mem(CpuSlabPfn) + 7 * ObjectSize];
        m.WriteU64(cpu0, free[0]);
        m.WriteU64(cpu0 + 16, Desc(CpuSlabPfn));
        m.WriteU64(cpu0 + 24, 0);
        SlabScenario.WriteHardenedFreelist(m, free, FreeOffset, Random, swab: true);
        WriteSlab(m, Desc(CpuSlabPfn), inuse: 16, objects: 16, frozen: true);
        WriteSlab(m, Desc(PartialPfn), inuse: 10, objects: 16, frozen: false);
        m.WriteU64(Node + 32, 3);                        // nr_slabs
        m.WriteU64(Node + 40, 48);                       // total_objects
        m.LinkList(Node + 16, Desc(PartialPfn) + 8);
        m.LinkList(Node + 48);
        corrupt?.Invoke(m);

        return (kernel, SlabScenario.Services(kernel));
    }

    private static void WriteSlab(SyntheticMemory m, ulong desc, uint inuse, uint objects, bool frozen)
    {
        m.Write(desc, new byte[64]);
        m.WriteU32(desc + 40, inuse | objects << 16 | (frozen ? 1u << 31 : 0));
    }

    [Fact]
    public void Counts_like_crash_through_the_trimmed_cache_and_the_swab_encoded_freelist()
    {
        var (kernel, services) = Build();
        var row = services.KmemSRow();
        row.Problem.Should().BeNull();
        // free = cpu slab (16 - 16) + 3 on the cpu freelist + partial (16 - 10) = 9 of 48.
        row.Cells.Select(c => c.Value).Should().Equal(Cache, 48UL, 39L, 48L, 3L, 4096UL, "slub-cache");
        var analyzer = services.GetRequiredService<SlabAnalyzer>();
        analyzer.Encoding.Should().Be(FreelistEncoding.XorSwab);
        analyzer.Layout.CacheSize.Size.Should().Be(64);
        analyzer.Layout.CacheSize.DeclaredSize.Should().Be(8248);
        kernel.Memory.Reads.Where(r => r.Address == Cache).Should().OnlyContain(r => r.Length <= 64);
    }

    [Fact]
    public void A_freelist_cycle_marks_the_row_and_the_command_ends()
    {
        // The last free object points back at the first.
        var (_, services) = Build(m =>
        {
            ulong last = Mem(CpuSlabPfn) + 7 * ObjectSize + FreeOffset;
            m.WriteU64(last, Mem(CpuSlabPfn) ^ Random ^ BinaryPrimitives.ReverseEndianness(last));
        });
        var row = services.KmemSRow();
        row.Problem.Should().Contain("freelist").And.Contain("cycle");
        row.Cells[6].Value.Should().Be("slub-cache");
    }

    [Fact]
    public void A_partial_list_pointing_to_garbage_marks_the_row()
    {
        var (_, services) = Build(m => m.WriteU64(Desc(PartialPfn) + 8, 0x4141414141414141));
        var row = services.KmemSRow();
        row.Problem.Should().Contain("node 0 partial list").And.Contain("not a kernel address");
        row.Cells[3].Value.Should().Be(48L, "the node's own counters are still read");
    }
}
