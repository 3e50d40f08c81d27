using DumpScope.Sdk.Linux.Slab.Slub;

namespace DumpScope.Plugins.Slab.Tests;

/// <summary>
/// The slab plugin on the real k510 dump (Debian 11's 5.10: SLUB with the slab fields in struct page,
/// kmem_cache_cpu.page, cpu partial chains with pages/pobjects), against crash 8.0.2 with the 5.10 DWARF vmlinux.
/// Opened with its System.map until kallsyms is found in the image.
/// </summary>
public class K510SlabTests
{
    private static DumpScopeSession Open() => FixtureSession.Open(
        new SessionOptions { DumpPath = Fixtures.K510Zlib, SystemMapPath = Fixtures.K510SystemMap }, typeof(SlabPlugin).Assembly);

    [SkippableFact]
    public void Kmem_s_equals_crash_for_every_cache()
    {
        var expected = CrashOutput.KmemSlabLines("k510/crash-vmcore.kdump-zlib-d31.out");
        expected.Should().HaveCount(126);
        using var session = Open();
        var table = session.KmemSTable();
        table.CrashLines().Should().Equal(expected);
        table.Rows.Should().OnlyContain(r => r.Problem == null);
    }

    [SkippableFact]
    public void The_allocator_is_SLUB_of_the_struct_page_era_and_every_object_has_one_state()
    {
        using var session = Open();
        var kernel = session.Kernel();
        var allocator = (SlubAllocator)SlabHelpers.SlabAllocatorOf(kernel);
        allocator.Layout.Descriptor.Should().Be("struct page");
        allocator.CpuSlabMember.Should().Be("page");
        allocator.HasCpuPartial.Should().BeTrue();
        allocator.Sheaves.Should().BeNull();
        allocator.Layout.CacheSize.Disagreement.Should().BeNull();

        foreach (var cache in new[] { "kmalloc-64", "dentry", "task_struct" })
        {
            var result = session.Run($"kmem -S {cache}");
            result.Failed.Should().BeFalse(result.Error);
            result.Warnings.Should().BeEmpty();
            foreach (var (obj, state) in result.ObjectStates())
                SlabHelpers.SlabObjectInfo(kernel, obj).State.Text.Should().Be(state);
            ulong address = SlabHelpers.FindSlabCache(kernel, cache)!.Value;
            var allocated = SlabHelpers.ForEachAllocatedObject(kernel, address).Count();
            allocated.Should().Be((int)SlabHelpers.SlabCacheStatistics(kernel, address).Allocated!.Value, cache);
        }
        allocator.Encoding.Should().Be(FreelistEncoding.XorSwab, "5.10 has the swab hardening (5.7)");
    }
}
