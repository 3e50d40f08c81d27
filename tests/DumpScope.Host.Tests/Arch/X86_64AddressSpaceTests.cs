using DumpScope.Host.Arch;
using DumpScope.Host.Arch.X86_64;

namespace DumpScope.Host.Tests.Arch;

public class X86_64AddressSpaceTests
{
    private const ulong Mib = 1UL << 20;
    private const ulong Gib = 1UL << 30;
    private const ulong MaxPhysical = 4 * Gib;
    private const ulong DirectMap = 0xffff_9a00_0000_0000UL;
    private const ulong TextBase = 0xffffffff_9ca0_0000UL;

    // A kernel loaded at physical 0x8c00000 with the kd1 fixture's phys_base (-0x13e00000).
    private const long PhysBase = -0x13e00000;

    private static (SyntheticPhysicalMemory Memory, PageTableBuilder Tables) NewMachine(bool fiveLevel = false)
    {
        var memory = new SyntheticPhysicalMemory();
        var tables = new PageTableBuilder(memory, fiveLevel, firstTableFrame: 0x100);
        return (memory, tables);
    }

    private static X86_64AddressSpace NewSpace(SyntheticPhysicalMemory memory, PageTableBuilder tables, bool fiveLevel = false, bool fastPaths = true, int cache = 64) =>
        new(memory, new X86_64AddressSpaceOptions
        {
            PageTableRoot = tables.Root,
            PhysBase = PhysBase,
            KernelImageSize = Gib,
            FiveLevelPaging = fiveLevel,
            MaxPhysicalAddress = MaxPhysical,
            UseFastPaths = fastPaths,
            TranslationCacheEntries = cache,
        });

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Walks_4k_2m_and_1g_pages(bool fiveLevel)
    {
        var (memory, tables) = NewMachine(fiveLevel);
        tables.Map(0xffffc900_0001_2000UL, 0x0345_6000, 4096);
        tables.Map(0xffffea00_0020_0000UL, 0x0400_0000, 2 * Mib);
        tables.Map(DirectMap + Gib, Gib, Gib);
        var space = NewSpace(memory, tables, fiveLevel);

        var small = space.Walk(0xffffc900_0001_2abcUL);
        small.Success.Should().BeTrue();
        small.PhysicalAddress.Should().Be(0x0345_6abcUL);
        small.PageSize.Should().Be(4096UL);
        small.Levels.Select(l => l.Name).Should().Equal(fiveLevel ? ["PGD", "P4D", "PUD", "PMD", "PTE"] : ["PGD", "PUD", "PMD", "PTE"]);
        small.Levels[0].EntryAddress.Should().Be(tables.EntryAddress(tables.Root, 0xffffc900_0001_2abcUL, 0));
        small.Levels[^1].Value.Should().Be(0x0345_6000UL | 0x163, "PRESENT|RW|ACCESSED|DIRTY|GLOBAL");
        small.Levels[^1].Flags.Should().Be("PRESENT|RW|ACCESSED|DIRTY|GLOBAL");

        var medium = space.Walk(0xffffea00_0023_4567UL);
        medium.PhysicalAddress.Should().Be(0x0403_4567UL);
        medium.PageSize.Should().Be(2 * Mib);
        medium.Levels[^1].Name.Should().Be("PMD");
        medium.Levels[^1].Flags.Should().Contain("PSE");

        var large = space.Walk(DirectMap + Gib + 0x1234_5678);
        large.PhysicalAddress.Should().Be(Gib + 0x1234_5678);
        large.PageSize.Should().Be(Gib);
        large.Levels[^1].Name.Should().Be("PUD");

        space.Translate(0xffffea00_0023_4567UL).Should().Be(new Translation(0x0403_4567UL, 2 * Mib, null));
    }

    [Fact]
    public void Rejects_non_canonical_addresses_by_paging_mode()
    {
        var (memory, tables) = NewMachine();
        var four = NewSpace(memory, tables);
        var fault = four.Translate(0x0000_8000_0000_0000UL).Fault;
        fault.Should().NotBeNull();
        fault!.Kind.Should().Be(MemoryFaultKind.NonCanonical);
        fault.Address.Should().Be(0x0000_8000_0000_0000UL);
        four.Walk(0xff00_0000_0000_0000UL).Fault!.Kind.Should().Be(MemoryFaultKind.NonCanonical);

        var (memory5, tables5) = NewMachine(fiveLevel: true);
        var five = NewSpace(memory5, tables5, fiveLevel: true);
        five.Translate(0x0000_8000_0000_0000UL).Fault!.Kind.Should().Be(MemoryFaultKind.NotMapped, "a 57-bit address space has it");
        five.Translate(0x0100_0000_0000_0000UL).Fault!.Kind.Should().Be(MemoryFaultKind.NonCanonical);
    }

    [Fact]
    public void Unmapped_address_faults_naming_the_level_that_is_not_present()
    {
        var (memory, tables) = NewMachine();
        tables.Map(0xffffc900_0000_0000UL, 0x0100_0000, 4096);
        var space = NewSpace(memory, tables);

        var walk = space.Walk(0xffffc900_0000_1000UL);
        walk.Fault!.Kind.Should().Be(MemoryFaultKind.NotMapped);
        walk.Fault.Address.Should().Be(0xffffc900_0000_1000UL);
        walk.Fault.Detail.Should().Contain("PTE entry 0").And.Contain("not present");
        walk.Levels.Should().HaveCount(4);

        var top = space.Walk(0xffff_a000_0000_0000UL);
        top.Fault!.Detail.Should().StartWith("PGD entry 0");
        top.Levels.Should().ContainSingle();
    }

    [Fact]
    public void Entry_pointing_outside_RAM_is_a_fault_with_a_message()
    {
        var (memory, tables) = NewMachine();
        tables.SetPte(0xffffc900_0000_0000UL, (MaxPhysical + 0x5000) | PageTableFlags.Present);
        tables.SetTopEntry(0xffff_b000_0000_0000UL, (MaxPhysical + 0x7000) | PageTableFlags.Present);
        var space = NewSpace(memory, tables);

        var leaf = space.Translate(0xffffc900_0000_0010UL).Fault!;
        leaf.Kind.Should().Be(MemoryFaultKind.NotInDump);
        leaf.Message.Should().Contain("PTE entry").And.Contain("beyond the end of RAM");

        var table = space.Walk(0xffff_b000_0000_0000UL).Fault!;
        table.Kind.Should().Be(MemoryFaultKind.NotInDump);
        table.Detail.Should().Contain("PGD entry").And.Contain("points to a table at physical 100007000");

        var result = space.ReadVirtual(0xffffc900_0000_0010UL, new byte[8]);
        result.BytesRead.Should().Be(0);
        result.Fault!.Address.Should().Be(0xffffc900_0000_0010UL);
    }

    [Fact]
    public void Page_table_page_missing_from_the_dump_is_a_fault_not_an_exception()
    {
        var (memory, tables) = NewMachine();
        tables.Map(0xffffc900_0000_0000UL, 0x0100_0000, 4096);
        ulong pmdEntry = EntryAtLevel(memory, tables, 0xffffc900_0000_0000UL, 2);
        memory.Exclude((pmdEntry & PageTableFlags.AddressMask4K) / 4096);
        var space = NewSpace(memory, tables);

        var walk = space.Walk(0xffffc900_0000_0000UL);
        walk.Fault!.Kind.Should().Be(MemoryFaultKind.Excluded);
        walk.Fault.Detail.Should().StartWith("PTE entry at physical");
        walk.Levels[^1].Readable.Should().BeFalse();
    }

    private static ulong EntryAtLevel(SyntheticPhysicalMemory memory, PageTableBuilder tables, ulong va, int level)
    {
        ulong table = tables.Root;
        ulong entry = 0;
        Span<byte> b = stackalloc byte[8];
        for (int i = 0; i <= level; i++)
        {
            memory.ReadPhysical(tables.EntryAddress(table, va, i), b);
            entry = BinaryPrimitives.ReadUInt64LittleEndian(b);
            table = entry & PageTableFlags.AddressMask4K;
        }
        return entry;
    }

    [Fact]
    public void ReadVirtual_splits_across_pages_and_stops_at_the_first_fault_with_its_virtual_address()
    {
        var (memory, tables) = NewMachine();
        const ulong va = 0xffffc900_0010_0000UL;
        tables.Map(va, 0x0700_0000, 4096);
        tables.Map(va + 0x1000, 0x0500_0000, 4096);
        tables.Map(va + 0x2000, 0x0600_0000, 4096);
        memory.Write(0x0700_0ff8, "ABCDEFGH"u8);
        memory.Write(0x0500_0000, "IJKLMNOP"u8);
        memory.Exclude(0x0600_0000 / 4096);
        var space = NewSpace(memory, tables);

        var buffer = new byte[16];
        space.ReadVirtual(va + 0xff8, buffer).Should().Be(ReadResult.Complete(16));
        buffer.Should().Equal("ABCDEFGHIJKLMNOP"u8.ToArray());

        var big = new byte[0x3000];
        var partial = space.ReadVirtual(va + 0x10, big);
        partial.BytesRead.Should().Be(0x2000 - 0x10);
        partial.Fault!.Kind.Should().Be(MemoryFaultKind.Excluded);
        partial.Fault.Address.Should().Be(va + 0x2000);
        partial.Fault.IsPhysical.Should().BeFalse();
        partial.Fault.Detail.Should().StartWith("physical address 6000000");

        var unmapped = space.ReadVirtual(va + 0x2ff0, new byte[0x20]);
        unmapped.BytesRead.Should().Be(0);
        unmapped.Fault!.Kind.Should().Be(MemoryFaultKind.Excluded);
        var beyond = space.ReadVirtual(va + 0x3000 - 4, new byte[8]);
        beyond.Fault!.Kind.Should().Be(MemoryFaultKind.Excluded);
    }

    [Fact]
    public void Kernel_image_and_direct_map_fast_paths_agree_with_the_walk()
    {
        var (memory, tables) = NewMachine();
        ulong textPhysical = X86_64AddressSpace.KernelImageToPhysical(TextBase, PhysBase);
        textPhysical.Should().Be(0x08c0_0000UL);
        tables.MapRange(TextBase, textPhysical, 16 * Mib, 2 * Mib);
        tables.MapRange(TextBase + 16 * Mib, textPhysical + 16 * Mib, 64 * 1024, 4096);
        tables.MapRange(DirectMap, 0, 2 * Gib, Gib);
        tables.MapRange(DirectMap + 2 * Gib, 2 * Gib, 8 * Mib, 2 * Mib);
        var space = NewSpace(memory, tables);
        space.ConfigureDirectMap(DirectMap);

        ulong[] samples =
        [
            TextBase, TextBase + 0x1234, TextBase + 15 * Mib + 0xfff, TextBase + 16 * Mib + 0x8008,
            DirectMap, DirectMap + 0x0abc_d123, DirectMap + Gib + 77, DirectMap + 2 * Gib + 0x1f_fff8,
        ];
        foreach (var va in samples)
        {
            space.TryFastPath(va, out var fast, out _).Should().BeTrue();
            var walk = space.Walk(va);
            walk.Success.Should().BeTrue();
            walk.PhysicalAddress.Should().Be(fast, $"fast path and walk must agree at {va:x}");
            space.Translate(va).PhysicalAddress.Should().Be(fast);
        }
        space.TryPhysicalToDirectMap(0x1234, out var back).Should().BeTrue();
        back.Should().Be(DirectMap + 0x1234);
        space.TryFastPath(0xffffc900_0000_0000UL, out _, out _).Should().BeFalse("vmalloc space has no arithmetic rule");
    }

    [Fact]
    public void Direct_map_base_must_look_like_one()
    {
        var (memory, tables) = NewMachine();
        var space = NewSpace(memory, tables);
        space.DirectMapBase.Should().BeNull();
        FluentActions.Invoking(() => space.ConfigureDirectMap(0x1234)).Should().Throw<InvalidDataException>().WithMessage("*page_offset_base holds 1234*");
        FluentActions.Invoking(() => space.ConfigureDirectMap(DirectMap + 4096)).Should().Throw<InvalidDataException>();
        space.ConfigureDirectMap(DirectMap);
        space.DirectMapBase.Should().Be(DirectMap);
    }

    [Fact]
    public void Cache_returns_the_walk_result_and_saves_page_table_reads()
    {
        var (memory, tables) = NewMachine();
        const ulong va = 0xffffc900_0020_0000UL;
        tables.Map(va, 0x0900_0000, 4096);
        var cached = NewSpace(memory, tables, fastPaths: false, cache: 16);
        var first = cached.Translate(va + 8);
        int readsAfterFirst = memory.Reads;
        var second = cached.Translate(va + 16);
        memory.Reads.Should().Be(readsAfterFirst, "the second translation of the page comes from the cache");
        second.PhysicalAddress.Should().Be(first.PhysicalAddress + 8);

        var uncached = NewSpace(memory, tables, fastPaths: false, cache: 0);
        int before = memory.Reads;
        uncached.Translate(va).PhysicalAddress.Should().Be(0x0900_0000UL);
        uncached.Translate(va).PhysicalAddress.Should().Be(0x0900_0000UL);
        (memory.Reads - before).Should().Be(8, "two walks of four levels");
    }

    [Fact]
    public void Concurrent_translations_through_a_small_cache_stay_correct()
    {
        var (memory, tables) = NewMachine();
        const ulong va = 0xffffc900_0000_0000UL;
        const int pages = 512;
        for (ulong i = 0; i < pages; i++) tables.Map(va + i * 4096, 0x1000_0000 + (i * 7919 % pages) * 4096, 4096);
        var space = NewSpace(memory, tables, fastPaths: false, cache: 8);
        int wrong = 0;
        Parallel.For(0, 8, worker =>
        {
            var random = new Random(worker);
            for (int n = 0; n < 20_000; n++)
            {
                ulong i = (ulong)random.Next(pages);
                var t = space.Translate(va + i * 4096 + 12);
                if (t.PhysicalAddress != 0x1000_0000 + (i * 7919 % pages) * 4096 + 12) Interlocked.Increment(ref wrong);
            }
        });
        wrong.Should().Be(0);
    }

    [Fact]
    public void Options_come_from_vmcoreinfo_with_init_top_pgt_or_swapper_pg_dir()
    {
        var info = VmcoreInfo.Parse(
            "SYMBOL(swapper_pg_dir)=ffffffff9e410000\nSYMBOL(init_top_pgt)=ffffffff9e410000\nNUMBER(phys_base)=-333447168\n" +
            "NUMBER(pgtable_l5_enabled)=0\nNUMBER(KERNEL_IMAGE_SIZE)=1073741824\nNUMBER(sme_mask)=0\n");
        var options = X86_64AddressSpace.OptionsFromVmcoreInfo(info, 0x2000_0000, "vmcore");
        options.PageTableRoot.Should().Be(0x0a61_0000UL, "0xffffffff9e410000 - 0xffffffff80000000 - 0x13e00000");
        options.PhysBase.Should().Be(-333447168);
        options.KernelImageSize.Should().Be(Gib);
        options.FiveLevelPaging.Should().BeFalse();

        var older = VmcoreInfo.Parse("SYMBOL(swapper_pg_dir)=ffffffff81e0a000\nNUMBER(phys_base)=16777216\nNUMBER(pgtable_l5_enabled)=1\n");
        var olderOptions = X86_64AddressSpace.OptionsFromVmcoreInfo(older, 0, "vmcore");
        olderOptions.PageTableRoot.Should().Be(0x02e0_a000UL);
        olderOptions.FiveLevelPaging.Should().BeTrue();
        olderOptions.KernelImageSize.Should().Be(X86_64AddressSpaceOptions.DefaultKernelImageSize);

        FluentActions.Invoking(() => X86_64AddressSpace.OptionsFromVmcoreInfo(VmcoreInfo.Parse("NUMBER(phys_base)=0\n"), 0, "my.vmcore"))
            .Should().Throw<NotSupportedException>().WithMessage("my.vmcore: VMCOREINFO has neither SYMBOL(init_top_pgt) nor SYMBOL(swapper_pg_dir)*");
        FluentActions.Invoking(() => X86_64AddressSpace.OptionsFromVmcoreInfo(VmcoreInfo.Parse("SYMBOL(init_top_pgt)=ffffffff9e410000\n"), 0, "my.vmcore"))
            .Should().Throw<NotSupportedException>().WithMessage("*NUMBER(phys_base)*");
        FluentActions.Invoking(() => X86_64AddressSpace.OptionsFromVmcoreInfo(VmcoreInfo.Parse("SYMBOL(init_top_pgt)=ffffffff9e410010\nNUMBER(phys_base)=0\n"), 0, "my.vmcore"))
            .Should().Throw<InvalidDataException>().WithMessage("my.vmcore: VMCOREINFO's page-table root ffffffff9e410010 with phys_base 0 is not page-aligned");
        X86_64AddressSpace.OptionsFromVmcoreInfo(VmcoreInfo.Parse("SYMBOL(init_top_pgt)=ffffffff9e410000\n"), 0, "my.vmcore", physBaseFallback: 0x1000000)
            .PageTableRoot.Should().Be(0x1f41_0000UL, "phys_base from the kdump sub-header when the note lacks it");
    }

    [Fact]
    public void Memory_encryption_bit_is_masked_off_entries()
    {
        var (memory, tables) = NewMachine();
        const ulong sme = 1UL << 47;
        tables.Map(0xffffc900_0000_0000UL, 0x0100_0000 | sme, 4096);
        var space = new X86_64AddressSpace(memory, new X86_64AddressSpaceOptions { PageTableRoot = tables.Root, SmeMask = sme, MaxPhysicalAddress = MaxPhysical });
        space.Translate(0xffffc900_0000_0010UL).PhysicalAddress.Should().Be(0x0100_0010UL);
    }

    [Fact]
    public void Flags_name_pat_in_a_pte_and_pse_above()
    {
        PageTableFlags.Describe(0x80 | 1).Should().Be("PRESENT|PSE");
        PageTableFlags.Describe(0x80 | 1, isPte: true).Should().Be("PRESENT|PAT");
        PageTableFlags.Describe(0).Should().Be("(none)");
        PageTableFlags.Describe(PageTableFlags.NoExecute | 3).Should().Be("PRESENT|RW|NX");
    }
}
