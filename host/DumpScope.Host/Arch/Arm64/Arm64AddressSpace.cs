namespace DumpScope.Host.Arch.Arm64;

/// <summary>
/// Kernel virtual memory of an arm64 machine over its physical memory: the VMSAv8-64 stage-1 walk of the
/// kernel's TTBR1 tables (swapper_pg_dir) for 4K, 16K and 64K granules and 39- to 52-bit virtual addresses
/// (2 to 5 levels), block mappings, contiguous runs, 52-bit output addresses (64K FEAT_LPA, 4K/16K FEAT_LPA2);
/// arithmetic fast paths for the kernel image (__kimg_to_phys: virtual − kimage_voffset) and the linear map
/// (__lm_to_phys: virtual − PAGE_OFFSET + PHYS_OFFSET) once configured; a small cache of walk results.
/// Thread-safe; reads never throw for missing memory.
/// </summary>
/// <remarks>
/// Level geometry as ARM64_HW_PGTABLE_LEVELS / ARM64_HW_PGTABLE_LEVEL_SHIFT define it (pgtable-hwdef.h): each
/// level resolves PAGE_SHIFT − 3 bits, levels = (VA_BITS − 4) / (PAGE_SHIFT − 3), the walk starts at level
/// 4 − levels (−1 for 5 levels) and level n's entry maps (PAGE_SHIFT − 3) × (4 − n) + 3 bits. Names follow the
/// kernel's folding: PGD is always the top, then P4D, PUD, PMD as the level count allows, PTE at level 3.
/// </remarks>
public sealed class Arm64AddressSpace : IKernelAddressSpace, IKernelPrefetch
{
    private static readonly string[] AllNames = ["PGD", "P4D", "PUD", "PMD", "PTE"];

    private readonly IPhysicalMemory _physical;
    private readonly Arm64AddressSpaceOptions _options;
    private readonly TranslationCache? _cache;
    private readonly int _pageShift;
    private readonly int _levels;
    private readonly int _startLevel;
    private readonly string[] _names;
    private readonly ulong _smallPage;

    // Set once after the symbols are known; 0 = not yet.
    private ulong _imageStart, _imageEnd;
    private ulong _pageOffset, _linearEnd;

    /// <summary>Creates the address space over <paramref name="physical"/>.</summary>
    /// <exception cref="ArgumentException">The granule, VA size or root cannot be an arm64 configuration.</exception>
    public Arm64AddressSpace(IPhysicalMemory physical, Arm64AddressSpaceOptions options)
    {
        ArgumentNullException.ThrowIfNull(physical);
        ArgumentNullException.ThrowIfNull(options);
        if (options.PageSize is not (4096 or 16384 or 65536))
            throw new ArgumentException($"page size {options.PageSize} is not an arm64 granule (4096, 16384 or 65536)", nameof(options));
        _pageShift = System.Numerics.BitOperations.Log2((uint)options.PageSize);
        if (options.VaBits < 36 || options.VaBits > 52)
            throw new ArgumentException($"{options.VaBits}-bit virtual addresses: arm64 kernels use 36 to 52", nameof(options));
        // The root table is at least 64-byte aligned (TTBR_BADDR); a smaller top level shares a page.
        if ((options.PageTableRoot & 63) != 0)
            throw new ArgumentException($"page-table root {options.PageTableRoot:x} is not 64-byte aligned", nameof(options));
        _physical = physical;
        _options = options;
        _smallPage = (ulong)options.PageSize;
        _levels = (options.VaBits - 4) / (_pageShift - 3);
        _startLevel = 4 - _levels;
        _names = _levels switch
        {
            5 => AllNames,
            4 => ["PGD", "PUD", "PMD", "PTE"],
            3 => ["PGD", "PMD", "PTE"],
            2 => ["PGD", "PTE"],
            _ => throw new ArgumentException($"{options.VaBits}-bit VA with a {options.PageSize}-byte granule gives {_levels} levels", nameof(options)),
        };
        _cache = options.TranslationCacheEntries > 0 ? new TranslationCache(options.TranslationCacheEntries) : null;
    }

    /// <summary>The options this address space runs with.</summary>
    public Arm64AddressSpaceOptions Options => _options;

    /// <summary>Translation levels the walk goes through (2 to 5).</summary>
    public int Levels => _levels;

    /// <inheritdoc/>
    public string Architecture => "aarch64";

    /// <inheritdoc/>
    public ulong PageTableRoot => _options.PageTableRoot;

    /// <inheritdoc/>
    public ulong MaxPhysicalAddress => _options.MaxPhysicalAddress;

    /// <summary>PAGE_OFFSET, the linear map's first address, once configured.</summary>
    public ulong? PageOffset => Volatile.Read(ref _pageOffset) is var p && p != 0 ? p : null;

    /// <inheritdoc/>
    public ulong? DirectMapBase => PageOffset is { } p ? unchecked(p - _options.PhysOffset) : null;

    /// <inheritdoc/>
    public string PagingDescription =>
        $"{_options.PageSize / 1024} KiB granule, {_options.VaBits}-bit VA, {_levels} levels" +
        (_options.Lpa2 ? ", LPA2 (52-bit output addresses)" : _pageShift == 16 ? ", 52-bit PA bits read from descriptor bits 15:12" : "");

    /// <summary>
    /// Enables the kernel-image fast path for [<paramref name="start"/>, <paramref name="end"/>) (_text to _end):
    /// physical = virtual − kimage_voffset.
    /// </summary>
    public void ConfigureKernelImage(ulong start, ulong end)
    {
        if (end <= start || !IsCanonical(start)) throw new InvalidDataException($"kernel image {start:x}-{end:x} is not a kernel-half range");
        Volatile.Write(ref _imageEnd, end);
        Volatile.Write(ref _imageStart, start);
    }

    /// <summary>
    /// Enables the linear-map fast path from PAGE_OFFSET: physical = virtual − PAGE_OFFSET + PHYS_OFFSET, over
    /// <paramref name="size"/> bytes (RAM above PHYS_OFFSET).
    /// </summary>
    public void ConfigureLinearMap(ulong pageOffset, ulong size)
    {
        if (!IsCanonical(pageOffset) || (pageOffset & (_smallPage - 1)) != 0)
            throw new InvalidDataException($"PAGE_OFFSET {pageOffset:x} is not a page-aligned kernel-half address");
        Volatile.Write(ref _linearEnd, pageOffset + size);
        Volatile.Write(ref _pageOffset, pageOffset);
    }

    /// <inheritdoc/>
    public bool TryPhysicalToDirectMap(ulong physicalAddress, out ulong virtualAddress)
    {
        ulong pageOffset = Volatile.Read(ref _pageOffset);
        virtualAddress = unchecked(pageOffset + physicalAddress - _options.PhysOffset);
        return pageOffset != 0 && physicalAddress >= _options.PhysOffset
            && (_options.MaxPhysicalAddress == 0 || physicalAddress < _options.MaxPhysicalAddress);
    }

    /// <inheritdoc/>
    /// <remarks>TTBR1 addresses: every bit from VA_BITS up is set.</remarks>
    public bool IsCanonical(ulong virtualAddress) => (virtualAddress >> _options.VaBits) == (ulong.MaxValue >> _options.VaBits);

    /// <inheritdoc/>
    public ReadResult ReadPhysical(ulong address, Span<byte> destination) => _physical.ReadPhysical(address, destination);

    /// <inheritdoc/>
    public Translation Translate(ulong virtualAddress)
    {
        if (!IsCanonical(virtualAddress)) return new Translation(0, 0, NonCanonical(virtualAddress));
        if (_options.UseFastPaths && TryFastPath(virtualAddress, out var physical, out _))
            return new Translation(physical, _smallPage, null);
        if (_cache is not null && _cache.TryGet(virtualAddress, out var page, out var mappingSize))
            return new Translation(page | (virtualAddress & 0xfff), mappingSize, null);
        var walk = WalkCore(virtualAddress, null);
        if (walk.Fault is not null) return new Translation(0, 0, walk.Fault);
        _cache?.Add(virtualAddress, walk.PhysicalAddress, walk.PageSize);
        return new Translation(walk.PhysicalAddress, walk.PageSize, null);
    }

    /// <inheritdoc/>
    public PageTableWalk Walk(ulong virtualAddress)
    {
        if (!IsCanonical(virtualAddress))
            return new PageTableWalk(virtualAddress, _options.PageTableRoot, [], 0, 0, NonCanonical(virtualAddress));
        var levels = new List<PageTableLevel>(_levels);
        var result = WalkCore(virtualAddress, levels);
        return new PageTableWalk(virtualAddress, _options.PageTableRoot, levels, result.PageSize, result.PhysicalAddress, result.Fault)
        {
            ContiguousSize = result.ContiguousSize,
        };
    }

    /// <inheritdoc/>
    public bool TryFastPath(ulong virtualAddress, out ulong physicalAddress, out string region)
    {
        ulong imageStart = Volatile.Read(ref _imageStart);
        if (imageStart != 0 && virtualAddress >= imageStart && virtualAddress < Volatile.Read(ref _imageEnd))
        {
            physicalAddress = unchecked(virtualAddress - _options.KimageVoffset);
            region = "kernel image";
            return true;
        }
        ulong pageOffset = Volatile.Read(ref _pageOffset);
        if (pageOffset != 0 && virtualAddress >= pageOffset && virtualAddress < Volatile.Read(ref _linearEnd))
        {
            physicalAddress = unchecked(virtualAddress - pageOffset + _options.PhysOffset);
            region = "linear map";
            return true;
        }
        physicalAddress = 0;
        region = "";
        return false;
    }

    /// <inheritdoc/>
    public ReadResult ReadVirtual(ulong address, Span<byte> destination) => VirtualReads.Read(this, _physical, _smallPage, address, destination);

    /// <inheritdoc/>
    public int PrefetchVirtual(ReadOnlySpan<ulong> addresses, int length) => VirtualReads.Prefetch(this, _physical, _smallPage, addresses, length);

    /// <inheritdoc/>
    public int PrefetchPhysical(ReadOnlySpan<ulong> addresses, int length) =>
        _physical is IPhysicalPrefetch prefetch ? prefetch.PrefetchPhysical(addresses, length) : 0;

    /// <summary>Forgets cached walk results (tests and benchmarks).</summary>
    public void ClearTranslationCache() => _cache?.Clear();

    /// <summary>Whether a block descriptor may appear at <paramref name="level"/> with this granule (VMSAv8-64 and its LPA/LPA2 extensions).</summary>
    public bool BlockAllowed(int level) => (_pageShift, level) switch
    {
        (_, 2) => true,
        (12, 1) => true,
        (12, 0) or (14, 1) => _options.Lpa2,
        // 4 TiB blocks exist with FEAT_LPA, which a dump does not reveal: accept them rather than call a valid table garbage.
        (16, 1) => true,
        _ => false,
    };

    private readonly record struct WalkOutcome(ulong PhysicalAddress, ulong PageSize, ulong ContiguousSize, MemoryFault? Fault);

    private WalkOutcome WalkCore(ulong virtualAddress, List<PageTableLevel>? record)
    {
        ulong table = _options.PageTableRoot;
        Span<byte> entryBytes = stackalloc byte[8];
        for (int i = 0; i < _levels; i++)
        {
            int level = _startLevel + i;
            string name = _names[i];
            int shift = (_pageShift - 3) * (4 - level) + 3;
            int indexBits = i == 0 ? _options.VaBits - shift : _pageShift - 3;
            ulong index = (virtualAddress >> shift) & ((1UL << indexBits) - 1);
            ulong entryAddress = table + index * 8;
            var read = _physical.ReadPhysical(entryAddress, entryBytes);
            if (read.Fault is { } tableFault)
            {
                record?.Add(new PageTableLevel(name, entryAddress, 0, false));
                return Failed(virtualAddress, tableFault.Kind, $"{name} entry at physical {entryAddress:x} unreadable: {tableFault.Message}");
            }
            ulong entry = BinaryPrimitives.ReadUInt64LittleEndian(entryBytes);
            bool valid = (entry & Arm64Descriptor.Valid) != 0;
            ulong output = Arm64Descriptor.OutputAddress(entry, _pageShift, _options.Lpa2);
            bool tableOrPage = (entry & Arm64Descriptor.TableOrPage) != 0;
            bool last = level == 3;
            ulong size = 1UL << shift;
            ulong next = !valid ? 0 : tableOrPage && !last ? output : output & ~(size - 1);
            record?.Add(new PageTableLevel(name, entryAddress, entry, true)
            {
                Flags = Arm64Descriptor.Describe(entry, level, _options.Lpa2),
                Valid = valid,
                NextAddress = next,
            });
            if (!valid)
                return Failed(virtualAddress, MemoryFaultKind.NotMapped, $"{name} entry {entry:x} at physical {entryAddress:x} is not valid");
            if (last && !tableOrPage)
                return Failed(virtualAddress, MemoryFaultKind.NotMapped, $"PTE {entry:x} at physical {entryAddress:x} is a reserved descriptor (bits 1:0 = 01 at level 3), not a page");
            if (last || !tableOrPage)
            {
                if (!last && !BlockAllowed(level))
                    return Failed(virtualAddress, MemoryFaultKind.NotMapped,
                        $"{name} entry {entry:x} at physical {entryAddress:x} is a block descriptor at level {level}, which a {_options.PageSize / 1024} KiB granule does not allow: garbage in the page tables?");
                ulong physical = next | (virtualAddress & (size - 1));
                if (_options.MaxPhysicalAddress != 0 && next >= _options.MaxPhysicalAddress)
                    return Failed(virtualAddress, MemoryFaultKind.NotInDump,
                        $"{name} entry {entry:x} maps physical {physical:x}, beyond the end of RAM in the dump ({_options.MaxPhysicalAddress:x})");
                int run = (entry & Arm64Descriptor.Contiguous) != 0 ? Arm64Descriptor.ContiguousEntries(_pageShift, level) : 0;
                return new WalkOutcome(physical, size, run == 0 ? 0 : size * (ulong)run, null);
            }
            table = output & ~(_smallPage - 1);
            if (_options.MaxPhysicalAddress != 0 && table >= _options.MaxPhysicalAddress)
                return Failed(virtualAddress, MemoryFaultKind.NotInDump,
                    $"{name} entry {entry:x} points to a table at physical {table:x}, beyond the end of RAM in the dump ({_options.MaxPhysicalAddress:x})");
        }
        throw new InvalidOperationException("unreachable: level 3 always maps or faults");
    }

    private MemoryFault NonCanonical(ulong virtualAddress) =>
        new(virtualAddress, MemoryFaultKind.NonCanonical, false, Detail: $"not a kernel (TTBR1) address: bits 63:{_options.VaBits} are not all set");

    private static WalkOutcome Failed(ulong virtualAddress, MemoryFaultKind kind, string detail) =>
        new(0, 0, 0, new MemoryFault(virtualAddress, kind, false, Detail: detail));
}
