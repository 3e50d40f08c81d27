namespace DumpScope.Plugins.Slab.Tests;

/// <summary>
/// The original crash report (docs/kernel-notes.md#runtime-sizes-shorter-than-declared-types) rebuilt byte by byte: a SLAB kmem_cache declared with array[32], a kernel
/// with nr_cpu_ids = 2, so that array[2] holds other data (here the node list pointer, as the kernel lays it
/// out), and the live object ending a few bytes before a page whose successor the dump excluded.
/// </summary>
public class SeedScenarioTests
{
    private const ulong Base = SyntheticKernel.DirectMap;
    private const ulong CacheCache = Base + 0x3000;    // cache_cache
    private const ulong Name = Base + 0x4000;
    private const ulong Ac0 = Base + 0x5000, Ac1 = Base + 0x5010, Shared = Base + 0x5020;
    private const ulong List3 = Base + 0x6000;
    private const ulong Slabs = Base + 0x7000;
    private const ulong Page = Base + 0x20000;
    private const ulong Cache = Page + 0x1000 - 88 - 8; // live size 88 ends 8 bytes before the page end

    private static (SyntheticKernel Kernel, ServiceProvider Services) Build(Action<SyntheticMemory>? corrupt = null)
    {
        var b = new BtfBuilder();
        var (u32, u64, _, charp, _, list) = b.KernelBasics();
        int ac = b.Struct("array_cache", 16, ("avail", u32, 0, 0), ("limit", u32, 32, 0), ("batchcount", u32, 64, 0), ("touched", u32, 96, 0));
        int acPtr = b.Ptr(ac);
        int l3 = b.Struct("kmem_list3", 64, ("slabs_partial", list, 0, 0), ("slabs_full", list, 128, 0), ("slabs_free", list, 256, 0),
            ("free_objects", u64, 384, 0), ("shared", acPtr, 448, 0));
        int l3PtrPtr = b.Ptr(b.Ptr(l3));
        int acArray = b.Array(acPtr, u32, 32);
        b.Struct("kmem_cache", 64 + 32 * 8, ("batchcount", u32, 0, 0), ("limit", u32, 32, 0), ("shared", u32, 64, 0), ("buffer_size", u32, 96, 0),
            ("flags", u32, 128, 0), ("num", u32, 160, 0), ("gfporder", u32, 192, 0), ("name", charp, 256, 0), ("next", list, 320, 0),
            ("nodelists", l3PtrPtr, 448, 0), ("array", acArray, 512, 0));
        b.Struct("slab", 40, ("list", list, 0, 0), ("colouroff", u64, 128, 0), ("s_mem", charp, 192, 0), ("inuse", u32, 256, 0), ("free", u32, 288, 0));
        b.Struct("page", 64, ("flags", u64, 0, 0));
        var kernel = SlabScenario.NewKernel(b, "seed types");
        var m = kernel.Memory;
        kernel.Symbols.Add("cache_cache", CacheCache);
        m.WriteU32(CacheCache + 12, 88); // cache_cache.buffer_size = offsetof(array[nr_cpu_ids]) + nr_node_ids pointers
        m.Write(Name, Encoding.ASCII.GetBytes("seed-cache\0"));

        m.WriteU32(Cache + 12, 128);      // buffer_size
        m.WriteU32(Cache + 20, 30);       // num
        m.WriteU32(Cache + 24, 0);        // gfporder
        m.WriteU64(Cache + 32, Name);
        m.LinkList(Head, Cache + 40);
        m.WriteU64(Cache + 56, Cache + 80);   // nodelists points just past array[nr_cpu_ids - 1]
        m.WriteU64(Cache + 64, Ac0);          // array[0]
        m.WriteU64(Cache + 72, Ac1);          // array[1]
        m.WriteU64(Cache + 80, List3);        // "array[2]": non-zero, but it is the node list, not an array_cache
        m.Exclude(Page + 0x1000);             // the page after the live object is not in the dump

        m.WriteU32(Ac0, 3); m.WriteU32(Ac0 + 4, 120);
        m.WriteU32(Ac1, 5); m.WriteU32(Ac1 + 4, 120);
        m.WriteU32(Shared, 4); m.WriteU32(Shared + 4, 200);

        ulong Slab(int i) => Slabs + (ulong)i * 0x40;
        m.LinkList(List3 + 0, Slab(2));                  // partial
        m.LinkList(List3 + 16, Slab(0), Slab(1));        // full
        m.LinkList(List3 + 32, Slab(3));                 // free
        m.WriteU64(List3 + 56, Shared);
        m.WriteU32(Slab(0) + 32, 30);
        m.WriteU32(Slab(1) + 32, 30);
        m.WriteU32(Slab(2) + 32, 10);
        m.WriteU32(Slab(3) + 32, 0);
        corrupt?.Invoke(m);

        return (kernel, SlabScenario.Services(kernel));
    }

    private static CommandResult KmemS(ServiceProvider services) => services.Run<KmemSlabSummaryCommand>("kmem -s");

    [Fact]
    public void Kmem_s_succeeds_with_the_right_numbers()
    {
        var (_, services) = Build();
        var result = KmemS(services);
        result.Failed.Should().BeFalse(result.Error);
        var row = result.Blocks.OfType<TableBlock>().Single().Rows.Single();
        row.Problem.Should().BeNull();
        row.Cells.Select(c => c.Value).Should().Equal(Cache, 128UL, 58L, 120L, 4L, 4096UL, "seed-cache");
        // 4 slabs x 30 objects; in use 2 x 30 + 10 = 70, of which 3 + 5 (cpu) + 4 (shared) sit in array caches.
    }

    [Fact]
    public void The_live_size_is_the_kernels_and_reads_never_cross_into_the_excluded_page()
    {
        var (kernel, services) = Build();
        var analyzer = services.GetRequiredService<SlabAnalyzer>();
        analyzer.Layout.CacheSize.Size.Should().Be(88);
        analyzer.Layout.CacheSize.Computed.Should().Be(88);
        analyzer.Layout.CacheSize.Source.Should().Be("cache_cache.buffer_size");
        kernel.RuntimeSizes.TryGet("struct kmem_cache", out var live).Should().BeTrue();
        live.Size.Should().Be(88);

        var cache = kernel.Object("struct kmem_cache", Cache);
        cache.Type.Size.Should().Be(320, "the declared array[32]");
        var loaded = cache.Load();
        loaded["array[1]"].ReadPointer().Should().Be(Ac1);
        var beyond = () => loaded["array[5]"].ReadPointer();
        beyond.Should().Throw<MemoryFaultException>().Which.Fault.Kind.Should().Be(MemoryFaultKind.Excluded);
        kernel.Memory.Reads.Where(r => r.Address == Cache).Should().OnlyContain(r => r.Length <= 88, "the cache is read with its live size, never the declared 320 bytes");
    }

    [Fact]
    public void A_garbage_array_cache_limit_is_never_used_as_a_length()
    {
        // The seed's garbage: a limit of 0xffff8801 (the low half of 0xffffffffffff8801).
        var (_, services) = Build(m => m.WriteU32(Ac1 + 4, 0xffff8801));
        var result = KmemS(services);
        result.Failed.Should().BeFalse();
        var row = result.Blocks.OfType<TableBlock>().Single().Rows.Single();
        row.Problem.Should().Contain("array_cache").And.Contain("impossible");
        row.Cells[6].Value.Should().Be("seed-cache", "the cache is still listed");
    }

    [Fact]
    public void A_cycle_in_the_cache_list_ends_the_walk_with_a_warning()
    {
        var (_, services) = Build(m => m.WriteU64(Cache + 40, Cache + 40));
        var result = KmemS(services);
        result.Failed.Should().BeFalse();
        result.Blocks.OfType<TableBlock>().Single().Rows.Should().ContainSingle();
        result.Warnings.Should().Contain(w => w.Contains("slab_caches") && w.Contains("loops"));
    }

    [Fact]
    public void A_name_in_an_excluded_page_marks_the_row_and_keeps_the_numbers()
    {
        var (_, services) = Build(m => m.Exclude(Name));
        var row = KmemS(services).Blocks.OfType<TableBlock>().Single().Rows.Single();
        row.Cells[6].Absence.Should().Be(Absence.Unreadable);
        row.Cells[2].Value.Should().Be(58L);
    }

    [Fact]
    public void A_slab_list_pointing_to_garbage_marks_the_row()
    {
        var (_, services) = Build(m => m.WriteU64(Slabs + 0x40, 0x1234));
        var row = KmemS(services).Blocks.OfType<TableBlock>().Single().Rows.Single();
        row.Problem.Should().Contain("slabs_full").And.Contain("not a kernel address");
        row.Cells[2].Absence.Should().Be(Absence.Unreadable);
    }
}
