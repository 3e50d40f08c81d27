using DumpScope.Host.Arch.Arm64;

namespace DumpScope.Host.Tests.Arch;

/// <summary>
/// The arm64 walk over tables written by the kit's <see cref="Arm64PageTables"/> (from the descriptor formats,
/// not the host's decoder) for every granule and VA size the kernel configures, with blocks, contiguous runs
/// and 52-bit output addresses, and garbage entries reported in one line.
/// </summary>
public class Arm64AddressSpaceTests
{
    private const ulong TableBase = 0x4000_0000;

    public static TheoryData<int, int, bool, string[]> Geometries => new()
    {
        { 4096, 39, false, ["PGD", "PMD", "PTE"] },
        { 4096, 48, false, ["PGD", "PUD", "PMD", "PTE"] },
        { 4096, 52, true, ["PGD", "P4D", "PUD", "PMD", "PTE"] },
        { 16384, 47, false, ["PGD", "PMD", "PTE"] },
        { 16384, 48, false, ["PGD", "PUD", "PMD", "PTE"] },
        { 16384, 52, true, ["PGD", "PUD", "PMD", "PTE"] },
        { 65536, 42, false, ["PGD", "PTE"] },
        { 65536, 48, false, ["PGD", "PMD", "PTE"] },
        { 65536, 52, false, ["PGD", "PMD", "PTE"] },
    };

    private static (SyntheticPhysicalMemory Memory, Arm64PageTables Tables) Build(int pageSize, int vaBits, bool lpa2, Action<Arm64PageTables> map)
    {
        var tables = new Arm64PageTables(pageSize, vaBits, lpa2, TableBase);
        map(tables);
        var memory = new SyntheticPhysicalMemory();
        foreach (var (at, bytes) in tables.Tables) memory.Write(at, bytes);
        return (memory, tables);
    }

    private static Arm64AddressSpace Space(SyntheticPhysicalMemory memory, Arm64PageTables tables, ulong maxPhysical = 0) =>
        new(memory, new Arm64AddressSpaceOptions { PageTableRoot = tables.Root, PageSize = tables.PageSize, VaBits = tables.VaBits, Lpa2 = tables.Lpa2, MaxPhysicalAddress = maxPhysical });

    private static ulong PageOffset(int vaBits) => 0UL - (1UL << vaBits);

    [Theory]
    [MemberData(nameof(Geometries))]
    public void A_page_translates_through_every_level_of_the_geometry(int pageSize, int vaBits, bool lpa2, string[] names)
    {
        ulong va = PageOffset(vaBits) + 0x1234UL * (ulong)pageSize + 0x18;
        // Output addresses above 48 bits where the format has room for them (64K: FEAT_LPA; LPA2).
        ulong pa = vaBits == 52 ? (1UL << 50) + 0x3UL * (1UL << 48) + 0x77UL * (ulong)pageSize : 0x8765UL * (ulong)pageSize;
        var (memory, tables) = Build(pageSize, vaBits, lpa2, t => t.Map(va, pa));
        memory.WriteU64(pa + 0x18, 0x1122334455667788UL);
        var space = Space(memory, tables);

        var walk = space.Walk(va);
        walk.Success.Should().BeTrue(walk.Fault?.Message);
        walk.Levels.Select(l => l.Name).Should().Equal(names);
        walk.PageSize.Should().Be((ulong)pageSize);
        walk.PhysicalAddress.Should().Be(pa + 0x18);
        walk.Levels[^1].Flags.Should().StartWith("VALID|PAGE").And.Contain("AF");
        walk.Levels[0].EntryAddress.Should().Be(tables.Root + ((va >> tables.Shift(4 - names.Length)) & ((1UL << (vaBits - tables.Shift(4 - names.Length))) - 1)) * 8);
        space.ReadU64(va).Should().Be(0x1122334455667788UL);
        space.Translate(va).MappingSize.Should().Be((ulong)pageSize);
    }

    public static TheoryData<int, int, bool, int> Blocks => new()
    {
        { 4096, 48, false, 1 },   // 1 GiB
        { 4096, 48, false, 2 },   // 2 MiB
        { 4096, 39, false, 1 },
        { 4096, 52, true, 0 },    // 512 GiB, LPA2 only
        { 16384, 47, false, 2 },  // 32 MiB
        { 16384, 52, true, 1 },   // 64 GiB, LPA2 only
        { 65536, 42, false, 2 },  // 512 MiB
        { 65536, 52, false, 1 },  // 4 TiB (FEAT_LPA)
    };

    [Theory]
    [MemberData(nameof(Blocks))]
    public void A_block_maps_the_whole_of_its_level(int pageSize, int vaBits, bool lpa2, int level)
    {
        var probe = new Arm64PageTables(pageSize, vaBits, lpa2, TableBase);
        ulong size = 1UL << probe.Shift(level);
        ulong va = PageOffset(vaBits) + 3 * size;
        ulong pa = 5 * size;
        var (memory, tables) = Build(pageSize, vaBits, lpa2, t => t.Map(va, pa, level));
        ulong inside = size - 0x40;
        memory.WriteU64(pa + inside, 0xb10c);
        var walk = Space(memory, tables).Walk(va + inside);
        walk.Success.Should().BeTrue(walk.Fault?.Message);
        walk.PageSize.Should().Be(size);
        walk.PhysicalAddress.Should().Be(pa + inside);
        walk.Levels[^1].Flags.Should().Contain("BLOCK");
        Space(memory, tables).ReadU64(va + inside).Should().Be(0xb10cUL);
    }

    [Theory]
    [InlineData(4096, 48, 3, 16)]
    [InlineData(4096, 48, 2, 16)]
    [InlineData(16384, 47, 3, 128)]
    [InlineData(16384, 47, 2, 32)]
    [InlineData(65536, 42, 3, 32)]
    public void A_contiguous_run_translates_entry_by_entry_and_reports_its_size(int pageSize, int vaBits, int level, int run)
    {
        var probe = new Arm64PageTables(pageSize, vaBits, false, TableBase);
        ulong size = 1UL << probe.Shift(level);
        ulong va = PageOffset(vaBits) + (ulong)run * size * 7;
        ulong pa = (ulong)run * size * 11;
        var (memory, tables) = Build(pageSize, vaBits, false, t =>
        {
            for (int i = 0; i < run; i++) t.Map(va + (ulong)i * size, pa + (ulong)i * size, level, contiguous: true);
        });
        var space = Space(memory, tables);
        for (int i = 0; i < run; i += run / 4)
        {
            var walk = space.Walk(va + (ulong)i * size + 8);
            walk.PhysicalAddress.Should().Be(pa + (ulong)i * size + 8);
            walk.ContiguousSize.Should().Be((ulong)run * size);
            walk.Levels[^1].Flags.Should().Contain("CONT");
        }
    }

    [Fact]
    public void An_invalid_entry_says_which_level_and_where()
    {
        ulong va = PageOffset(48) + 0x5000;
        var (memory, tables) = Build(4096, 48, false, t => t.Map(va, 0x9000));
        var walk = Space(memory, tables).Walk(va + 0x1000);
        walk.Success.Should().BeFalse();
        walk.Fault!.Kind.Should().Be(MemoryFaultKind.NotMapped);
        walk.Fault.Message.Should().Contain("PTE entry 0 at physical").And.Contain("is not valid").And.NotContain("\n");
    }

    [Fact]
    public void A_reserved_descriptor_at_level_3_is_garbage_not_a_page()
    {
        ulong va = PageOffset(48) + 0x5000;
        var (memory, tables) = Build(4096, 48, false, t =>
        {
            t.Map(va, 0x9000);
            t.SetEntry(va, 3, 0x9000 | 0x401); // bits 1:0 = 01 at level 3
        });
        var fault = Space(memory, tables).Walk(va).Fault!;
        fault.Message.Should().Contain("reserved descriptor").And.Contain("9401").And.NotContain("\n");
    }

    [Theory]
    [InlineData(4096, 48, 0)]   // a 512 GiB block needs LPA2
    [InlineData(16384, 47, 1)]  // a 64 GiB block needs LPA2
    public void A_block_where_the_granule_allows_none_is_reported_as_garbage(int pageSize, int vaBits, int level)
    {
        ulong va = PageOffset(vaBits) + 0x10000;
        var (memory, tables) = Build(pageSize, vaBits, false, t => t.SetEntry(va, level, 0x401));
        var fault = Space(memory, tables).Walk(va).Fault!;
        fault.Message.Should().Contain($"block descriptor at level {level}").And.Contain("garbage").And.NotContain("\n");
    }

    [Fact]
    public void A_table_beyond_the_dumps_ram_is_named()
    {
        ulong va = PageOffset(48) + 0x5000;
        var (memory, tables) = Build(4096, 48, false, t => t.SetEntry(va, 1, (0x7_0000_0000UL) | 0x403));
        var fault = Space(memory, tables, maxPhysical: 0x1_0000_0000).Walk(va).Fault!;
        fault.Kind.Should().Be(MemoryFaultKind.NotInDump);
        fault.Message.Should().Contain("points to a table at physical 700000000").And.Contain("beyond the end of RAM");
    }

    [Fact]
    public void A_user_or_non_canonical_address_is_refused_before_any_read()
    {
        var (memory, tables) = Build(4096, 39, false, _ => { });
        var space = Space(memory, tables);
        int reads = memory.Reads;
        var translation = space.Translate(0xffff_0000_0000_1000UL); // bits 63:39 not all set
        translation.Fault!.Kind.Should().Be(MemoryFaultKind.NonCanonical);
        translation.Fault.Message.Should().Contain("bits 63:39");
        space.Translate(0x0000_7fff_0000_0000UL).Success.Should().BeFalse();
        memory.Reads.Should().Be(reads);
    }

    [Fact]
    public void Fast_paths_agree_with_the_walk_for_the_image_and_the_linear_map()
    {
        const ulong PhysOffset = 0x4000_0000, Voffset = 0xffff_8000_0000_0000UL - 0x4020_0000;
        ulong image = 0xffff_8000_0000_0000UL, pageOffset = PageOffset(48);
        var (memory, tables) = Build(4096, 48, false, t =>
        {
            t.Map(image, 0x4020_0000, level: 2);
            t.Map(pageOffset, PhysOffset, level: 1);
        });
        var space = new Arm64AddressSpace(memory, new Arm64AddressSpaceOptions
        {
            PageTableRoot = tables.Root, PageSize = 4096, VaBits = 48, KimageVoffset = Voffset, PhysOffset = PhysOffset,
        });
        space.ConfigureKernelImage(image, image + 0x10_0000);
        space.ConfigureLinearMap(pageOffset, 1UL << 30);
        foreach (var va in new[] { image + 0x1238, pageOffset + 0x20_0010 })
        {
            space.TryFastPath(va, out var fast, out var region).Should().BeTrue();
            space.Walk(va).PhysicalAddress.Should().Be(fast, region);
        }
        space.DirectMapBase.Should().Be(pageOffset - PhysOffset, "DirectMapBase + physical is __va()");
        space.TryPhysicalToDirectMap(PhysOffset + 0x3000, out var linear).Should().BeTrue();
        linear.Should().Be(pageOffset + 0x3000);
        space.TryPhysicalToDirectMap(0x1000, out _).Should().BeFalse("below PHYS_OFFSET is not in the linear map");
    }
}
