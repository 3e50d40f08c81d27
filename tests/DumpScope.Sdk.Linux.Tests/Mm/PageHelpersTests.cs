using DumpScope.Host.Types.Btf;

namespace DumpScope.Sdk.Linux.Tests.Mm;

/// <summary>compound_head, PageSlab, page types and the slab cache of a page on synthetic kernels of three eras.</summary>
public class PageHelpersTests
{
    private const ulong Vmemmap = SyntheticKernel.Vmemmap, DirectMap = SyntheticKernel.DirectMap;
    private const ulong Cache = DirectMap + 0x9000;
    private static ulong Page(ulong pfn) => Vmemmap + pfn * 64;

    /// <summary>How tail pages and slab pages are marked.</summary>
    public enum Era { FirstPage, CompoundHeadPgSlab, PageTypeTopByte }

    private static SyntheticKernel Build(Era era)
    {
        var b = new BtfBuilder();
        var (u32, u64, _, _, voidp, _) = b.KernelBasics();
        var members = new List<(string, int, uint, uint)> { ("flags", u64, 0, 0) };
        if (era == Era.FirstPage) members.Add(("first_page", voidp, 64, 0));
        else members.Add(("compound_head", u64, 64, 0));
        members.Add(("slab_cache", voidp, 192, 0));
        members.Add(("page_type", u32, 384, 0));
        b.Struct("page", 64, [.. members]);
        if (era == Era.PageTypeTopByte)
        {
            b.Struct("slab", 64, ("__page_flags", u64, 0, 0), ("slab_cache", voidp, 192, 0));
            b.Enum("pageflags", 4, false, ("PG_locked", 0), ("PG_head", 6), ("PG_reserved", 10), ("__NR_PAGEFLAGS", 22));
            b.Enum("pagetype", 4, false, ("PGTY_buddy", 0xf0), ("PGTY_slab", 0xf5), ("PGTY_mapcount_underflow", 0xff));
        }
        else
        {
            var flags = new List<(string, int)> { ("PG_locked", 0), ("PG_slab", 7), ("PG_reserved", 10), ("PG_head", 14) };
            if (era == Era.FirstPage) flags.Add(("PG_tail", 15));
            flags.Add(("__NR_PAGEFLAGS", 22));
            b.Enum("pageflags", 4, false, [.. flags]);
        }
        var kernel = new SyntheticKernel(BtfTypeCatalog.FromBytes(b.Build(), "mm types"));
        var m = kernel.Memory;
        kernel.MemoryModel(DirectMap + 0x100, maxPfn: 0x1000);
        // Frames 0x20–0x23: an order-2 slab of Cache; frame 0x30: a free (buddy) page; frame 0x31: reserved.
        for (ulong pfn = 0x20; pfn < 0x24; pfn++) m.Write(Page(pfn), new byte[64]);
        m.Write(Page(0x30), new byte[64]);
        m.Write(Page(0x31), new byte[64]);
        if (era == Era.PageTypeTopByte)
        {
            m.WriteU64(Page(0x20), 1UL << 6);
            m.WriteU32(Page(0x20) + 48, 0xf500_0000);
            m.WriteU32(Page(0x30) + 48, 0xf000_0000);
        }
        else
        {
            m.WriteU64(Page(0x20), 1UL << 7 | 1UL << 14);
            m.WriteU32(Page(0x30) + 48, 0xffff_ff7f); // 4.17's PG_buddy: the 0x80 bit cleared under PAGE_TYPE_BASE
        }
        m.WriteU64(Page(0x31), 1UL << 10);
        m.WriteU64(Page(0x20) + 24, Cache);
        for (ulong pfn = 0x21; pfn < 0x24; pfn++)
        {
            if (era == Era.FirstPage)
            {
                m.WriteU64(Page(pfn), 1UL << 15);
                m.WriteU64(Page(pfn) + 8, Page(0x20));
            }
            else m.WriteU64(Page(pfn) + 8, Page(0x20) + 1);
        }
        return kernel;
    }

    [Theory]
    [InlineData(Era.FirstPage)]
    [InlineData(Era.CompoundHeadPgSlab)]
    [InlineData(Era.PageTypeTopByte)]
    public void A_tail_page_of_a_slab_leads_to_its_head_and_cache(Era era)
    {
        IKernel kernel = Build(era);
        ulong tail = kernel.VirtToPage(DirectMap + 0x22 * 4096 + 0x123);
        tail.Should().Be(Page(0x22));
        kernel.CompoundHead(tail).Should().Be(Page(0x20));
        kernel.CompoundHead(Page(0x20)).Should().Be(Page(0x20));
        kernel.PageSlab(tail).Should().BeTrue();
        kernel.PageSlabDescriptor(tail).Should().Be(Page(0x20));
        kernel.PageSlabCache(tail).Should().Be(Cache);
        kernel.PageToVirt(Page(0x20)).Should().Be(DirectMap + 0x20 * 4096);
        kernel.PageSlab(Page(0x31)).Should().BeFalse();
        kernel.PageSlabCache(Page(0x30)).Should().BeNull();
    }

    [Theory]
    [InlineData(Era.CompoundHeadPgSlab, "4.17 page type bits")]
    [InlineData(Era.PageTypeTopByte, "enum pagetype (PGTY_*, top byte)")]
    public void Page_types_decode_in_both_encodings(Era era, string source)
    {
        IKernel kernel = Build(era);
        kernel.PageTypeName(Page(0x30)).Should().Be("buddy");
        kernel.PageTypeName(Page(0x31)).Should().BeNull();
        StructPageLayout.Of(kernel).Types.Source.Should().Be(source);
        StructPageLayout.Of(kernel).Types.HasSlabType.Should().Be(era == Era.PageTypeTopByte);
        PageFlags.Of(kernel).Slab.Should().Be(era == Era.PageTypeTopByte ? null : 7);
        PageFlags.Of(kernel).Count.Should().Be(22);
    }

    [Fact]
    public void The_fallback_memory_model_reads_the_kernel_variables()
    {
        IKernel kernel = Build(Era.CompoundHeadPgSlab);
        var model = kernel.MemoryModel;
        model.VmemmapBase.Should().Be(Vmemmap);
        model.DirectMapBase.Should().Be(DirectMap);
        model.MaxPfn.Should().Be(0x1000);
        model.StructPageSize.Should().Be(64);
        model.Notes.Should().BeEmpty();
        model.IsPageAddress(Page(0xfff)).Should().BeTrue();
        model.IsPageAddress(Page(0x1000)).Should().BeFalse();
        model.PageToPfn(Page(0x123)).Should().Be(0x123);
        model.PhysToVirt(0x5000).Should().Be(DirectMap + 0x5000);
    }

    [Fact]
    public void An_unmapped_address_has_no_page()
    {
        IKernel kernel = Build(Era.CompoundHeadPgSlab);
        kernel.MemoryModel.TryVirtToPfn(0xffffc90000001000UL, out _, out var fault).Should().BeFalse();
        fault.Should().NotBeNull();
        var act = () => kernel.VirtToPage(0xffffc90000001000UL);
        act.Should().Throw<Sdk.Memory.MemoryFaultException>();
    }
}
