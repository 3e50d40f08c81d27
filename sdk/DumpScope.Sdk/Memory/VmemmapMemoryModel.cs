namespace DumpScope.Sdk.Memory;

/// <summary>
/// <see cref="IMemoryModel"/> for CONFIG_SPARSEMEM_VMEMMAP kernels (every x86-64 kernel): struct pages form one
/// virtually contiguous array at <see cref="VmemmapBase"/>, and RAM is mapped linearly at
/// <see cref="DirectMapBase"/>. Addresses outside the direct map are translated through the page tables.
/// </summary>
public sealed class VmemmapMemoryModel : IMemoryModel
{
    private readonly IKernelMemory _memory;

    /// <summary>Creates the model from values already established (and, by the host, verified).</summary>
    public VmemmapMemoryModel(IKernelMemory memory, ulong directMapBase, ulong vmemmapBase, int pageSize, ulong structPageSize,
        ulong maxPfn, IReadOnlyList<string>? notes = null)
    {
        ArgumentNullException.ThrowIfNull(memory);
        if (pageSize <= 0 || (pageSize & (pageSize - 1)) != 0) throw new ArgumentOutOfRangeException(nameof(pageSize), pageSize, "not a power of two");
        if (structPageSize == 0) throw new ArgumentOutOfRangeException(nameof(structPageSize), "sizeof(struct page) is 0");
        _memory = memory;
        DirectMapBase = directMapBase;
        VmemmapBase = vmemmapBase;
        PageSize = pageSize;
        StructPageSize = structPageSize;
        MaxPfn = maxPfn;
        Notes = notes ?? [];
    }

    /// <inheritdoc/>
    public ulong DirectMapBase { get; }

    /// <inheritdoc/>
    public ulong VmemmapBase { get; }

    /// <inheritdoc/>
    public int PageSize { get; }

    /// <inheritdoc/>
    public ulong StructPageSize { get; }

    /// <inheritdoc/>
    /// <remarks>0 on x86-64; arm64 sets ARCH_PFN_OFFSET (PHYS_OFFSET &gt;&gt; PAGE_SHIFT).</remarks>
    public ulong MinPfn { get; init; }

    /// <inheritdoc/>
    public ulong MaxPfn { get; }

    /// <inheritdoc/>
    public IReadOnlyList<string> Notes { get; }

    /// <inheritdoc/>
    public ulong PfnToPage(ulong pfn) => VmemmapBase + pfn * StructPageSize;

    /// <inheritdoc/>
    public ulong PageToPfn(ulong page)
    {
        if (page < VmemmapBase || (page - VmemmapBase) / StructPageSize >= Math.Max(MaxPfn, 1UL << 40))
            throw new ArgumentOutOfRangeException(nameof(page), $"{page:x} is not a struct page address (vmemmap starts at {VmemmapBase:x})");
        return (page - VmemmapBase) / StructPageSize;
    }

    /// <inheritdoc/>
    public bool IsPageAddress(ulong address) =>
        address >= VmemmapBase && (MaxPfn == 0 || (address - VmemmapBase) / StructPageSize < MaxPfn);

    /// <inheritdoc/>
    public ulong PageToVirt(ulong page) => PhysToVirt(PageToPfn(page) * (ulong)PageSize);

    /// <inheritdoc/>
    public ulong PhysToVirt(ulong physical) => DirectMapBase + physical;

    /// <inheritdoc/>
    public bool TryVirtToPfn(ulong address, out ulong pfn, out MemoryFault? fault)
    {
        fault = null;
        if (address >= DirectMapBase && MaxPfn != 0 && (address - DirectMapBase) / (ulong)PageSize < MaxPfn)
        {
            pfn = (address - DirectMapBase) / (ulong)PageSize;
            return true;
        }
        var translation = _memory.Translate(address);
        if (!translation.Success)
        {
            pfn = 0;
            fault = translation.Fault;
            return false;
        }
        pfn = translation.PhysicalAddress / (ulong)PageSize;
        return true;
    }

    /// <inheritdoc/>
    public ulong VirtToPage(ulong address) =>
        TryVirtToPfn(address, out var pfn, out var fault) ? PfnToPage(pfn) : throw new MemoryFaultException(fault!);
}
