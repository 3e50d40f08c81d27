namespace DumpScope.Plugins.Memory.Tests;

/// <summary>kmem -p / page on kd1.</summary>
public sealed class PageTests(Kd1Session kd1) : IClassFixture<Kd1Session>
{
    private static TableRow SingleRow(CommandResult result)
    {
        result.Error.Should().BeNull();
        return result.Blocks.OfType<TableBlock>().Single().Rows.Should().ContainSingle().Subject;
    }

    [SkippableFact]
    public void A_kmem_cache_lives_in_a_slab_page_of_cache_kmem_cache()
    {
        // crash's kmem -s names the struct kmem_cache of kmalloc-64; SLUB allocates kmem_cache structs from the
        // boot cache "kmem_cache", so the page holding it is a slab page of that cache.
        var cache = CrashOutput.KmemSlabs().Single(s => s.Name == "kmalloc-64").Cache;
        var row = SingleRow(kd1.Session.Run($"kmem -p {cache:x}"));
        ((string)row.Cells[9].Value!).Should().Be("kmem_cache");
        ((string)row.Cells[8].Value!).Split(',').Should().Contain("slab");
        // Typed: the slab plugin's kmem -S shows it (without the slab plugin the target falls back to struct kmem_cache).
        row.Targets.Where(t => t.Subject is SlabCacheTarget { Name: "kmem_cache" }).Should().ContainSingle().Which.Command.Should().Be("kmem -S kmem_cache");

        var info = kd1.Analyzer.Pages.Describe(kd1.Analyzer.Kernel.Memory.Translate(cache).PhysicalAddress / 4096);
        info.IsSlab.Should().BeTrue();
        info.Slab!.Source.Should().Be("struct slab.slab_cache");
        // Every other cache from crash's list is a kmem_cache object too.
        foreach (var other in CrashOutput.KmemSlabs().Where(s => s.Name.StartsWith("kmalloc-", StringComparison.Ordinal)).Take(5))
            kd1.Analyzer.Pages.Describe(kd1.Analyzer.Kernel.Memory.Translate(other.Cache).PhysicalAddress / 4096).Slab!.Name.Should().Be("kmem_cache");
    }

    [SkippableFact]
    public void The_same_frame_by_struct_page_address_physical_address_and_pfn()
    {
        var cache = CrashOutput.KmemSlabs().Single(s => s.Name == "dentry").Cache;
        var byVirtual = SingleRow(kd1.Session.Run($"kmem -p {cache:x}"));
        ulong page = (ulong)byVirtual.Cells[0].Value!, physical = (ulong)byVirtual.Cells[1].Value!, pfn = (ulong)byVirtual.Cells[2].Value!;
        physical.Should().Be(pfn * 4096);
        SingleRow(kd1.Session.Run($"kmem -p {page:x}")).Cells[2].Value.Should().Be(pfn);
        SingleRow(kd1.Session.Run($"kmem -p {physical:x}")).Cells[0].Value.Should().Be(page);
        SingleRow(kd1.Session.Run($"page --pfn {pfn}")).Cells[0].Value.Should().Be(page);
    }

    [SkippableFact]
    public void Kernel_text_is_reserved_and_not_slab()
    {
        kd1.Analyzer.Kernel.Symbols.TryGetAddress("_stext", out var stext).Should().BeTrue();
        var row = SingleRow(kd1.Session.Run($"page {stext:x}"));
        ((string)row.Cells[8].Value!).Split(',').Should().Contain("reserved").And.NotContain("slab");
        row.Cells[9].Absence.Should().Be(Absence.NotApplicable);
        kd1.Analyzer.Pages.FlagNames.Source.Should().Be("pageflag_names");
    }

    [SkippableFact]
    public void Bad_arguments_are_usage_errors_or_warnings()
    {
        kd1.Session.Run("kmem -p").Error.Should().Contain("give a struct page address");
        kd1.Session.Run("kmem -p zz").Error.Should().Contain("not a hexadecimal address");
        kd1.Session.Run("page --pfn 0xffffffffff").Error.Should().Contain("beyond max_pfn");
    }

    [SkippableFact]
    public void A_frame_beyond_max_pfn_is_one_error_in_hex_not_also_a_warning()
    {
        var result = kd1.Session.Run("kmem -p --pfn 99999999");
        result.Error.Should().Be($"pfn 0x{99999999:x} is beyond max_pfn 0x{kd1.Analyzer.Pages.Layout.MaxPfn:x}");
        result.Warnings.Should().NotContain(w => w.Contains("beyond max_pfn"), "the error is said once");
    }

    [SkippableFact]
    public void An_unmapped_kernel_virtual_address_says_it_is_unmapped_and_is_never_taken_as_physical()
    {
        // vmalloc space with nothing mapped, and an address of LA57's kernel half (above any physical address).
        foreach (var address in new[] { "ffffc90000000000", "ff11000000000000" })
        {
            var result = kd1.Session.Run($"kmem -p {address}");
            // Translated as virtual: "not mapped" (vmalloc hole) or "non-canonical" (4-level paging), never a pfn.
            result.Error.Should().Contain(address).And.MatchRegex("not mapped|non-canonical").And.NotContain("max_pfn");
            result.Warnings.Should().NotContain(w => w.Contains(address), "the error is said once");
        }
    }
}
