using DumpScope.Sdk.Linux.MapleTree;
using DumpScope.Sdk.Linux.Tests.Objects;

namespace DumpScope.Sdk.Linux.Tests.MapleTree;

/// <summary>
/// mt_for_each on kd3's address spaces, some of which are two levels deep (a range node over leaves): children in
/// slots are encoded as mt_mk_node writes them (bit 2 set, bits 0-1 clear), unlike the root (bit 1).
/// </summary>
public class MapleTreeFixtureTests
{
    private static List<KernelObject> Mms(IKernel kernel) =>
        KernelTasks.ForEachTask(kernel).Items.Select(t => t["mm"].ReadPointer()).Where(m => m != 0).Distinct()
            .Select(m => kernel.Object("struct mm_struct", m)).ToList();

    private static bool IsLeafRoot(KernelObject mm) => ((mm["mm_mt.ma_root"].ReadPointer() >> 3) & 0xf) == 1; // maple_leaf_64

    [SkippableFact]
    public void Kd3_deep_trees_give_every_vma_the_kernel_counted()
    {
        var kernel = FixtureKernels.Kd3;
        var mms = Mms(kernel);
        mms.Should().Contain(m => !IsLeafRoot(m), "some kd3 processes have more VMAs than one leaf holds");
        foreach (var mm in mms)
        {
            var walk = MapleTrees.MtForEach(mm["mm_mt"], 10_000);
            walk.IsComplete.Should().BeTrue(walk.Problem);
            walk.Items.Should().HaveCount((int)mm["map_count"].ReadSigned());
            walk.Items.Select(e => e.First).Should().BeInAscendingOrder();
        }
    }

    [SkippableFact]
    public void Kd3_a_garbage_or_excluded_child_ends_the_walk_with_the_reason()
    {
        var kernel = FixtureKernels.Kd3;
        var mm = Mms(kernel).First(m => !IsLeafRoot(m));
        ulong encoded = mm["mm_mt.ma_root"].ReadPointer(), root = encoded & ~0xffUL;
        // An mm's tree tracks gaps (MT_FLAGS_ALLOC_RANGE): its inner nodes are maple_arange_64 (type 3).
        var rangeNode = kernel.Types.Require(((encoded >> 3) & 0xf) == 3 ? "maple_arange_64" : "maple_range_64");
        ulong slot0 = root + rangeNode.FindMember("slot").Offset;
        ulong child = kernel.Memory.ReadU64(slot0) & ~0xffUL;
        foreach (var (memory, reason) in new (FaultInjectingMemory, string)[]
        {
            (new FaultInjectingMemory(kernel.Memory).Patch(slot0, 0x1234_5679), "not a node"),
            (new FaultInjectingMemory(kernel.Memory).Patch(slot0, root | 0x14), "cycle"), // a loop back to the root node
            (new FaultInjectingMemory(kernel.Memory).Exclude(child, 256), $"{child:x}"),
        })
        {
            var patched = new KernelWithMemory(kernel, memory);
            var walk = MapleTrees.MtForEach(patched.Object("struct mm_struct", mm.Address)["mm_mt"], 10_000);
            walk.IsComplete.Should().BeFalse($"root {encoded:x}, slot0 at {slot0:x} holds {kernel.Memory.ReadU64(slot0):x}, patched {patched.Memory.ReadU64(slot0):x}, {walk.Items.Count} entries, expecting {reason}");
            walk.Problem.Should().Contain(reason);
        }
    }
}
