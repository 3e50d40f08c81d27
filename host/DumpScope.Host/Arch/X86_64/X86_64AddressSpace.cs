namespace DumpScope.Host.Arch.X86_64;

/// <summary>
/// Kernel virtual memory of an x86-64 machine over its physical memory: 4- and 5-level page-table walks
/// with 1 GiB and 2 MiB pages, arithmetic fast paths for the kernel image (virtual − __START_KERNEL_map +
/// phys_base) and the direct map (virtual − page_offset_base), and a small cache of walk results.
/// Thread-safe. Reads never throw for missing memory: they return the bytes read and a precise fault.
/// </summary>
/// <remarks>
/// The fast paths are what the kernel's own __pa() does; like crash they do not consult the page tables,
/// so a direct-map page the kernel unmapped (debug_pagealloc, secretmem) still reads through them, and
/// <see cref="Translate"/> reports their <see cref="Translation.MappingSize"/> as 4 KiB (the granule the rule
/// is known to hold for), whatever page size the tables use. <see cref="Walk"/> always walks and tells the
/// real page size.
/// </remarks>
public sealed class X86_64AddressSpace : IKernelAddressSpace, IKernelPrefetch
{
    private const ulong SmallPage = 4096;
    private const int EntriesPerTable = 512;

    private static readonly string[] FourLevelNames = ["PGD", "PUD", "PMD", "PTE"];
    private static readonly string[] FiveLevelNames = ["PGD", "P4D", "PUD", "PMD", "PTE"];

    private readonly IPhysicalMemory _physical;
    private readonly X86_64AddressSpaceOptions _options;
    private readonly TranslationCache? _cache;
    private readonly ulong _entryAddressMask;
    private readonly int _virtualBits;
    private readonly string[] _levelNames;
    private readonly ulong _kernelImageEnd;

    // Set once after the symbols are known (page_offset_base is read through the page tables); 0 = not yet.
    private ulong _directMapBase;
    private ulong _directMapEnd;

    /// <summary>Creates the address space over <paramref name="physical"/>.</summary>
    public X86_64AddressSpace(IPhysicalMemory physical, X86_64AddressSpaceOptions options)
    {
        ArgumentNullException.ThrowIfNull(physical);
        ArgumentNullException.ThrowIfNull(options);
        if ((options.PageTableRoot & (SmallPage - 1)) != 0)
            throw new ArgumentException($"page-table root {options.PageTableRoot:x} is not page-aligned", nameof(options));
        _physical = physical;
        _options = options;
        _cache = options.TranslationCacheEntries > 0 ? new TranslationCache(options.TranslationCacheEntries) : null;
        _entryAddressMask = PageTableFlags.AddressMask4K & ~options.SmeMask;
        _virtualBits = options.FiveLevelPaging ? 57 : 48;
        _levelNames = options.FiveLevelPaging ? FiveLevelNames : FourLevelNames;
        _kernelImageEnd = X86_64AddressSpaceOptions.StartKernelMap + options.KernelImageSize;
    }

    /// <summary>
    /// Builds the address space from VMCOREINFO: the page-table root is SYMBOL(init_top_pgt) (else
    /// SYMBOL(swapper_pg_dir)) put through the kernel-image rule with NUMBER(phys_base); 5-level paging from
    /// NUMBER(pgtable_l5_enabled); the image size from NUMBER(KERNEL_IMAGE_SIZE).
    /// </summary>
    /// <param name="physical">The dump's physical memory.</param>
    /// <param name="vmcoreInfo">The dump's VMCOREINFO.</param>
    /// <param name="maxPhysicalAddress">One past the highest physical address of the dump (0: unknown).</param>
    /// <param name="dumpName">The dump's file name, for messages.</param>
    /// <param name="physBaseFallback">phys_base from elsewhere (the kdump sub-header) for notes without NUMBER(phys_base).</param>
    /// <exception cref="NotSupportedException">VMCOREINFO lacks what the translation needs.</exception>
    public static X86_64AddressSpace FromVmcoreInfo(IPhysicalMemory physical, VmcoreInfo vmcoreInfo, ulong maxPhysicalAddress, string dumpName, long? physBaseFallback = null) =>
        new(physical, OptionsFromVmcoreInfo(vmcoreInfo, maxPhysicalAddress, dumpName, physBaseFallback));

    /// <summary>The options <see cref="FromVmcoreInfo"/> uses; see there.</summary>
    public static X86_64AddressSpaceOptions OptionsFromVmcoreInfo(VmcoreInfo vmcoreInfo, ulong maxPhysicalAddress, string dumpName, long? physBaseFallback = null)
    {
        if (!vmcoreInfo.TryGetSymbol("init_top_pgt", out var rootVirtual) && !vmcoreInfo.TryGetSymbol("swapper_pg_dir", out rootVirtual))
            throw new NotSupportedException($"{dumpName}: VMCOREINFO has neither SYMBOL(init_top_pgt) nor SYMBOL(swapper_pg_dir); the kernel page tables cannot be found");
        if (!vmcoreInfo.TryGetNumber("phys_base", out var physBase))
            physBase = physBaseFallback ?? throw new NotSupportedException($"{dumpName}: VMCOREINFO has no NUMBER(phys_base); kernel-image addresses cannot be translated");
        if (rootVirtual < X86_64AddressSpaceOptions.StartKernelMap)
            throw new NotSupportedException($"{dumpName}: VMCOREINFO's page-table root {rootVirtual:x} is not a kernel-image address (x86-64 expected)");
        if ((rootVirtual & (SmallPage - 1)) != 0 || (physBase & (long)(SmallPage - 1)) != 0)
            throw new InvalidDataException($"{dumpName}: VMCOREINFO's page-table root {rootVirtual:x} with phys_base {physBase} is not page-aligned");
        ulong imageSize = vmcoreInfo.TryGetNumber("KERNEL_IMAGE_SIZE", out var size) && size > 0 && (ulong)size <= 2UL << 30
            ? (ulong)size
            : X86_64AddressSpaceOptions.DefaultKernelImageSize;
        bool fiveLevel = vmcoreInfo.TryGetNumber("pgtable_l5_enabled", out var l5) && l5 != 0;
        ulong smeMask = vmcoreInfo.TryGetNumber("sme_mask", out var sme) ? (ulong)sme : 0;
        return new X86_64AddressSpaceOptions
        {
            PageTableRoot = KernelImageToPhysical(rootVirtual, physBase),
            PhysBase = physBase,
            KernelImageSize = imageSize,
            FiveLevelPaging = fiveLevel,
            MaxPhysicalAddress = maxPhysicalAddress,
            SmeMask = smeMask,
        };
    }

    /// <summary>The kernel-image rule: physical = virtual − __START_KERNEL_map + phys_base.</summary>
    public static ulong KernelImageToPhysical(ulong virtualAddress, long physBase) =>
        unchecked(virtualAddress - X86_64AddressSpaceOptions.StartKernelMap + (ulong)physBase);

    /// <summary>
    /// The address space another top-level page table gives (a process's <c>mm-&gt;pgd</c>, as a physical address): the
    /// same physical memory and paging mode, without the fast paths and the cache, which describe the kernel's own tables.
    /// </summary>
    public X86_64AddressSpace ForPageTableRoot(ulong root) =>
        new(_physical, _options with { PageTableRoot = root & ~(SmallPage - 1), UseFastPaths = false, TranslationCacheEntries = 0 });

    /// <summary>Page-table levels of this paging mode (4, or 5 with LA57).</summary>
    public int Levels => _levelNames.Length;

    /// <summary>The options this address space runs with.</summary>
    public X86_64AddressSpaceOptions Options => _options;

    /// <inheritdoc/>
    public string Architecture => "x86_64";

    /// <summary>Physical address of the top-level page table.</summary>
    public ulong PageTableRoot => _options.PageTableRoot;

    /// <inheritdoc/>
    public ulong MaxPhysicalAddress => _options.MaxPhysicalAddress;

    /// <inheritdoc/>
    public string PagingDescription =>
        (_options.FiveLevelPaging ? "5 levels (LA57)" : "4 levels") + (_options.SmeMask != 0 ? $", memory-encryption mask {_options.SmeMask:x} cleared from entries" : ", no memory-encryption mask");

    /// <summary>The direct map's base (page_offset_base) once configured, else null.</summary>
    public ulong? DirectMapBase => Volatile.Read(ref _directMapBase) is var b && b != 0 ? b : null;

    /// <summary>
    /// Enables the direct-map fast path with the value of the kernel variable <c>page_offset_base</c>. The
    /// arithmetic covers <paramref name="size"/> bytes (the kernel's max_pfn × page size when known), else
    /// physical memory up to <see cref="X86_64AddressSpaceOptions.MaxPhysicalAddress"/>; addresses beyond go
    /// through the page tables.
    /// </summary>
    /// <exception cref="InvalidDataException">The value cannot be a direct-map base.</exception>
    public void ConfigureDirectMap(ulong pageOffsetBase, ulong? size = null)
    {
        // The base is randomized in PUD (1 GiB) steps in the kernel half; anything else is a misread.
        if (!IsCanonical(pageOffsetBase) || (long)pageOffsetBase >= 0 || (pageOffsetBase & ((1UL << 30) - 1)) != 0)
            throw new InvalidDataException($"page_offset_base holds {pageOffsetBase:x}, which is not a 1 GiB-aligned kernel-half address");
        ulong span = size ?? (_options.MaxPhysicalAddress != 0 ? _options.MaxPhysicalAddress : 1UL << 46);
        Volatile.Write(ref _directMapEnd, pageOffsetBase + span);
        Volatile.Write(ref _directMapBase, pageOffsetBase);
    }

    /// <summary>The direct-map address of a physical address (the kernel's __va()), when the direct map is configured and covers it.</summary>
    public bool TryPhysicalToDirectMap(ulong physicalAddress, out ulong virtualAddress)
    {
        ulong baseAddress = Volatile.Read(ref _directMapBase);
        virtualAddress = baseAddress + physicalAddress;
        return baseAddress != 0 && (_options.MaxPhysicalAddress == 0 || physicalAddress < _options.MaxPhysicalAddress);
    }

    /// <summary>True when the address is canonical for this paging mode.</summary>
    public bool IsCanonical(ulong virtualAddress)
    {
        int shift = 64 - _virtualBits;
        return ((long)virtualAddress << shift >> shift) == (long)virtualAddress;
    }

    /// <inheritdoc/>
    public ReadResult ReadPhysical(ulong address, Span<byte> destination) => _physical.ReadPhysical(address, destination);

    /// <inheritdoc/>
    public Translation Translate(ulong virtualAddress)
    {
        if (!IsCanonical(virtualAddress))
            return new Translation(0, 0, new MemoryFault(virtualAddress, MemoryFaultKind.NonCanonical, false, Detail: $"not a canonical {_virtualBits}-bit address"));
        if (_options.UseFastPaths && TryFastPath(virtualAddress, out var physical, out _))
            return new Translation(physical, SmallPage, null);
        if (_cache is not null && _cache.TryGet(virtualAddress, out var page, out var mappingSize))
            return new Translation(page | (virtualAddress & (SmallPage - 1)), mappingSize, null);
        var walk = WalkCore(virtualAddress, null);
        if (walk.Fault is not null) return new Translation(0, 0, walk.Fault);
        _cache?.Add(virtualAddress, walk.PhysicalAddress, walk.PageSize);
        return new Translation(walk.PhysicalAddress, walk.PageSize, null);
    }

    /// <summary>Translates through the page tables only (no fast path, no cache), recording every entry read.</summary>
    public PageTableWalk Walk(ulong virtualAddress)
    {
        if (!IsCanonical(virtualAddress))
            return new PageTableWalk(virtualAddress, _options.PageTableRoot, [], 0, 0,
                new MemoryFault(virtualAddress, MemoryFaultKind.NonCanonical, false, Detail: $"not a canonical {_virtualBits}-bit address"));
        var levels = new List<PageTableLevel>(_levelNames.Length);
        var result = WalkCore(virtualAddress, levels);
        return new PageTableWalk(virtualAddress, _options.PageTableRoot, levels, result.PageSize, result.PhysicalAddress, result.Fault);
    }

    /// <summary>
    /// The physical address a fast path gives for <paramref name="virtualAddress"/>, and which path
    /// ("kernel image" or "direct map"); false when the address is in neither region.
    /// </summary>
    public bool TryFastPath(ulong virtualAddress, out ulong physicalAddress, out string region)
    {
        if (virtualAddress >= X86_64AddressSpaceOptions.StartKernelMap && virtualAddress < _kernelImageEnd)
        {
            physicalAddress = KernelImageToPhysical(virtualAddress, _options.PhysBase);
            region = "kernel image";
            return true;
        }
        ulong baseAddress = Volatile.Read(ref _directMapBase);
        if (baseAddress != 0 && virtualAddress >= baseAddress && virtualAddress < Volatile.Read(ref _directMapEnd))
        {
            physicalAddress = virtualAddress - baseAddress;
            region = "direct map";
            return true;
        }
        physicalAddress = 0;
        region = "";
        return false;
    }

    /// <inheritdoc/>
    public ReadResult ReadVirtual(ulong address, Span<byte> destination) => VirtualReads.Read(this, _physical, SmallPage, address, destination);

    /// <inheritdoc/>
    public int PrefetchVirtual(ReadOnlySpan<ulong> addresses, int length) => VirtualReads.Prefetch(this, _physical, SmallPage, addresses, length);

    /// <inheritdoc/>
    public int PrefetchPhysical(ReadOnlySpan<ulong> addresses, int length) =>
        _physical is IPhysicalPrefetch prefetch ? prefetch.PrefetchPhysical(addresses, length) : 0;

    /// <summary>Forgets cached walk results (tests and benchmarks).</summary>
    public void ClearTranslationCache() => _cache?.Clear();

    private readonly record struct WalkOutcome(ulong PhysicalAddress, ulong PageSize, MemoryFault? Fault);

    private WalkOutcome WalkCore(ulong virtualAddress, List<PageTableLevel>? record)
    {
        ulong table = _options.PageTableRoot;
        int levelCount = _levelNames.Length;
        Span<byte> entryBytes = stackalloc byte[8];
        for (int level = 0; level < levelCount; level++)
        {
            string name = _levelNames[level];
            int shift = 12 + 9 * (levelCount - 1 - level);
            ulong index = (virtualAddress >> shift) & (EntriesPerTable - 1);
            ulong entryAddress = table + index * 8;
            var read = _physical.ReadPhysical(entryAddress, entryBytes);
            if (read.Fault is { } tableFault)
            {
                record?.Add(new PageTableLevel(name, entryAddress, 0, false));
                return Failed(virtualAddress, tableFault.Kind, $"{name} entry at physical {entryAddress:x} unreadable: {tableFault.Message}");
            }
            ulong entry = BinaryPrimitives.ReadUInt64LittleEndian(entryBytes);
            record?.Add(new PageTableLevel(name, entryAddress, entry, true)
            {
                Flags = PageTableFlags.Describe(entry, name == "PTE"),
                Valid = (entry & PageTableFlags.Present) != 0,
                NextAddress = entry & PageTableFlags.AddressMask4K,
            });
            if ((entry & PageTableFlags.Present) == 0)
                return Failed(virtualAddress, MemoryFaultKind.NotMapped, $"{name} entry {entry:x} at physical {entryAddress:x} is not present");

            int remaining = levelCount - 1 - level;
            bool large = (entry & PageTableFlags.PageSizeExtension) != 0 && (remaining == 1 || remaining == 2);
            if (remaining == 0 || large)
            {
                ulong pageSize = 1UL << shift;
                ulong frameMask = remaining switch
                {
                    2 => PageTableFlags.AddressMask1G,
                    1 => PageTableFlags.AddressMask2M,
                    _ => PageTableFlags.AddressMask4K,
                } & ~_options.SmeMask;
                ulong physical = (entry & frameMask) | (virtualAddress & (pageSize - 1));
                if (_options.MaxPhysicalAddress != 0 && (entry & frameMask) >= _options.MaxPhysicalAddress)
                    return Failed(virtualAddress, MemoryFaultKind.NotInDump,
                        $"{name} entry {entry:x} maps physical {physical:x}, beyond the end of RAM in the dump ({_options.MaxPhysicalAddress:x})");
                return new WalkOutcome(physical, pageSize, null);
            }
            table = entry & _entryAddressMask;
            if (_options.MaxPhysicalAddress != 0 && table >= _options.MaxPhysicalAddress)
                return Failed(virtualAddress, MemoryFaultKind.NotInDump,
                    $"{name} entry {entry:x} points to a table at physical {table:x}, beyond the end of RAM in the dump ({_options.MaxPhysicalAddress:x})");
        }
        throw new InvalidOperationException("unreachable: the last level always maps or faults");
    }

    private static WalkOutcome Failed(ulong virtualAddress, MemoryFaultKind kind, string detail) =>
        new(0, 0, new MemoryFault(virtualAddress, kind, false, Detail: detail));
}
