using DumpScope.Sdk.Linux.MapleTree;
using DumpScope.Sdk.Linux.RbTree;

namespace DumpScope.Sdk.Linux.Mm;

/// <summary>
/// The virtual memory areas of an address space (<c>struct mm_struct</c>), however this kernel keeps them, probed
/// by member: the maple tree <c>mm_mt</c> (commit d4af56c5c7c6 "mm: start tracking VMAs with maple tree", 6.1;
/// each VMA stored for [vm_start, vm_end - 1]); before it the list <c>mm-&gt;mmap</c> linked by <c>vm_next</c>
/// (removed by commit 763ecb035029 "mm: remove the vma linked list", 6.1); failing both, the rb-tree
/// <c>mm-&gt;mm_rb</c> through <c>vm_rb</c> (which the list accompanied since 2.6).
/// </summary>
public static class Vmas
{
    /// <summary>Most VMAs walked (the kernel's default max_map_count is 65530).</summary>
    public const int MaxVmas = 1 << 20;

    /// <summary>
    /// for_each_vma: the <c>struct vm_area_struct</c>s of <paramref name="mm"/> in address order, each with the range
    /// the maple tree stores it for (null for the older structures, which store no range). Throws
    /// <see cref="TypeNotFoundException"/> when the mm has none of the three.
    /// </summary>
    public static WalkResult<VmaSlot> ForEachVma(KernelObject mm, CancellationToken cancellation = default)
    {
        var kernel = mm.Kernel;
        var mmLayout = new StructLayout(mm.Type);
        var vmaType = kernel.Types.Require("struct vm_area_struct");
        var vma = new StructLayout(vmaType);
        if (mmLayout.Find("mm_mt") is { } tree)
        {
            var walk = MapleTrees.MtForEach(mm.Member(tree), MaxVmas, cancellation);
            return walk.Select(e => new VmaSlot(new KernelObject(kernel, vmaType, e.Entry), e.First, e.Last));
        }
        if (mmLayout.FindScalar("mmap") is { } list && vma.Find("vm_next") is { } next)
        {
            if (!mm.Member(list).TryReadUnsigned(out var first, out var fault))
                return new([], WalkEnd.Fault, $"mm {mm.Address:x}: mmap: {fault!.Message}");
            return KernelLists.NullTerminated(kernel.Memory, first, next.Offset, MaxVmas, null, cancellation)
                .Select(a => new VmaSlot(new KernelObject(kernel, vmaType, a), null, null));
        }
        if (mmLayout.Find("mm_rb") is { } rb && vma.Find("vm_rb") is { } node)
            return RbTrees.RbForEach(kernel, mm.Address + rb.Offset, MaxVmas, cancellation)
                .Select(n => new VmaSlot(new KernelObject(kernel, vmaType, n - node.Offset), null, null));
        throw new TypeNotFoundException("struct mm_struct has neither mm_mt (maple tree) nor mmap (VMA list) nor mm_rb (VMA rb-tree)");
    }
}
