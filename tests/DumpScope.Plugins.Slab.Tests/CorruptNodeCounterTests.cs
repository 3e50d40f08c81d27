using DumpScope.Sdk.Linux.Slab;

namespace DumpScope.Plugins.Slab.Tests;

/// <summary>
/// kd1 with one kmem_cache_node's SLUB_DEBUG counters damaged (FaultInjectingMemory): the cache's totals become
/// unknown with the reason, instead of a garbage count summed into them; other caches keep their numbers.
/// </summary>
public class CorruptNodeCounterTests
{
    private static DumpScopeSession Open() => FixtureSession.Open(Fixtures.Kd1Zlib, typeof(SlabPlugin).Assembly);

    [SkippableTheory]
    [InlineData(0xd7d6_1b2c_3d4e_5f60UL, "a negative nr_slabs")]
    [InlineData(0x0000_0000_0000_0001UL, "one slab with more objects than a slab can count")]
    public void A_corrupt_node_counter_leaves_the_cache_totals_unknown_with_the_reason(ulong nrSlabs, string because)
    {
        using var session = Open();
        var kernel = session.Kernel();
        ulong cache = SlabHelpers.FindSlabCache(kernel, "kmalloc-64")!.Value;
        ulong other = SlabHelpers.FindSlabCache(kernel, "dentry")!.Value;
        var before = SlabHelpers.SlabCacheStatistics(kernel, cache);
        before.Slabs.Should().BeGreaterThan(1);
        before.Problems.Should().BeEmpty();

        ulong node = new KernelObject(kernel, kernel.Types.Require("struct kmem_cache"), cache)["node[0]"].ReadPointer();
        var nodeType = kernel.Types.Require("struct kmem_cache_node").Resolve();
        var patched = new PatchedKernel(kernel);
        patched.Patches.Patch(node + nodeType.FindMember("nr_slabs").Offset, nrSlabs);
        if (nrSlabs == 1) // one slab cannot hold more objects than slab->objects (15 bits) can count
            patched.Patches.Patch(node + nodeType.FindMember("total_objects").Offset, 0x10_0000UL);

        var after = SlabHelpers.SlabCacheStatistics(patched.Kernel, cache);
        after.Slabs.Should().BeNull(because);
        after.Total.Should().BeNull();
        after.Allocated.Should().BeNull();
        after.Problems.Should().ContainSingle(p => p.StartsWith("node 0: kmem_cache_node ") && p.Contains("are not counts of slabs and objects"));
        SlabHelpers.SlabCacheStatistics(patched.Kernel, other).Should().BeEquivalentTo(SlabHelpers.SlabCacheStatistics(kernel, other));
    }
}
