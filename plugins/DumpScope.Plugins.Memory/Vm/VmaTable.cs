namespace DumpScope.Plugins.Memory.Vm;

/// <summary>The rows of <c>vm</c>: each VMA of an mm (found by <see cref="Vmas.ForEachVma"/>) with its range, flags and file.</summary>
public static class VmaTable
{
    /// <summary>The VMAs of the mm at <paramref name="mm"/>, in address order, each checked against the range the tree stores it for.</summary>
    public static WalkResult<VmaInfo> Read(IKernel kernel, ulong mm, CancellationToken cancellation = default) =>
        Vmas.ForEachVma(kernel.Object("struct mm_struct", mm), cancellation).Select(slot =>
        {
            var vma = Describe(kernel, slot.Vma);
            if (vma.Problem is null && slot.StoredFirst is { } first && slot.StoredLast is { } last && (vma.Start != first || vma.End - 1 != last))
                vma = vma with { Problem = $"the tree stores this VMA for {first:x}-{last + 1:x}" };
            return vma;
        });

    private static VmaInfo Describe(IKernel kernel, KernelObject vmaObject)
    {
        ulong address = vmaObject.Address;
        try
        {
            var vma = vmaObject.Load();
            ulong start = vma["vm_start"].ReadUnsigned(), end = vma["vm_end"].ReadUnsigned(), flags = vma["vm_flags"].ReadUnsigned();
            ulong file = vma["vm_file"].ReadPointer();
            string? problem = end <= start ? "vm_end is not above vm_start" : null;
            if (file == 0) return new VmaInfo(address, start, end, flags, null, problem);
            try
            {
                return new VmaInfo(address, start, end, flags, VmaFile.PathInFileSystem(kernel, file), problem);
            }
            catch (Exception e) when (KernelDataErrors.IsDataProblem(e))
            {
                return new VmaInfo(address, start, end, flags, null, $"file name unreadable: {KernelDataErrors.Reason(e)}");
            }
        }
        catch (Exception e) when (KernelDataErrors.IsDataProblem(e))
        {
            return new VmaInfo(address, 0, 0, 0, null, KernelDataErrors.Reason(e));
        }
    }
}
