using DumpScope.Host.Session;

namespace DumpScope.Sdk.Linux.Tests.Mm;

/// <summary>The host's memory model and the page helpers on kd1 (6.1, struct slab) and k510 (5.10, slab fields in struct page).</summary>
public class RealDumpMmTests
{
    private static DumpScopeSession Open(string dump, string? systemMap = null) =>
        FixtureSession.Open(new SessionOptions { DumpPath = dump, SystemMapPath = systemMap });

    private static IKernel Kernel(DumpScopeSession session) => session.Kernel();

    [SkippableFact]
    public void Kd1_model_equals_the_kernel_variables_and_a_kmem_cache_is_a_slab_object_of_kmem_cache()
    {
        using var session = Open(Fixtures.Kd1Zlib);
        var kernel = Kernel(session);
        var model = kernel.MemoryModel;
        model.DirectMapBase.Should().Be(kernel.Global("page_offset_base", "unsigned long").ReadUnsigned());
        model.VmemmapBase.Should().Be(kernel.Global("vmemmap_base", "unsigned long").ReadUnsigned());
        model.StructPageSize.Should().Be(64);
        model.MaxPfn.Should().Be(kernel.Global("max_pfn", "unsigned long").ReadUnsigned());
        model.Notes.Should().BeEmpty();
        // kmalloc-64's struct kmem_cache (crash's kmem -s) lives in a slab of the boot cache "kmem_cache".
        ulong boot = kernel.Global("kmem_cache", "struct kmem_cache *").ReadPointer();
        ulong page = kernel.VirtToPage(0xffff89ab01042500UL);
        kernel.PageSlab(page).Should().BeTrue();
        kernel.PageSlabCache(page).Should().Be(boot);
        StructPageLayout.Of(kernel).SlabCacheSource.Should().Be("struct slab.slab_cache");
        kernel.PageToVirt(kernel.CompoundHead(page)).Should().BeLessThanOrEqualTo(0xffff89ab01042500UL);
        kernel.Symbols.TryGetAddress("_stext", out var stext).Should().BeTrue();
        kernel.PageSlab(kernel.VirtToPage(stext)).Should().BeFalse();
        PageFlags.Test(kernel.PageFlagsOf(kernel.VirtToPage(stext)), PageFlags.Of(kernel).Reserved).Should().BeTrue();
    }

    [SkippableFact]
    public void K510_finds_slab_caches_through_page_slab_cache()
    {
        var dir = "k510";
        using var session = Open(Fixtures.Require($"{dir}/vmcore.kdump-zlib-d31"), Fixtures.Require($"{dir}/kernel/System.map-5.10.0-32-cloud-amd64"));
        var kernel = Kernel(session);
        StructPageLayout.Of(kernel).SlabCacheSource.Should().Be("page.slab_cache", "5.10 has no struct slab");
        ulong boot = kernel.Global("kmem_cache", "struct kmem_cache *").ReadPointer();
        // The first entry on slab_caches is a struct kmem_cache, itself an object of the boot cache.
        kernel.Symbols.TryGetAddress("slab_caches", out var head).Should().BeTrue();
        ulong first = kernel.Memory.ReadU64(head, "slab_caches") - kernel.Types.Require("struct kmem_cache").FindMember("list").Offset;
        kernel.PageSlabCache(kernel.VirtToPage(first)).Should().Be(boot);
        kernel.MemoryModel.Notes.Should().BeEmpty();
    }
}
