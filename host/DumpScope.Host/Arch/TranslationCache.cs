namespace DumpScope.Host.Arch;

/// <summary>
/// A small two-way set-associative cache of page-walk results, keyed by 4 KiB virtual page, like a TLB.
/// Thread-safe without locks: each slot holds an immutable entry swapped in as one reference, so a reader
/// sees either the old or the new entry, never a torn one; a race can at worst lose an entry, which only
/// costs a walk. Only successful walks are cached.
/// </summary>
internal sealed class TranslationCache
{
    private sealed record Entry(ulong VirtualPage, ulong PhysicalPage, ulong MappingSize);

    private readonly Entry?[] _slots;
    private readonly int _setMask;

    /// <summary>Creates a cache with at least <paramref name="entries"/> slots (rounded up to a power of two, at least 2).</summary>
    public TranslationCache(int entries)
    {
        int size = (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)Math.Max(entries, 2));
        _slots = new Entry?[size];
        _setMask = size / 2 - 1;
    }

    /// <summary>The cached translation of the 4 KiB page holding <paramref name="virtualAddress"/>.</summary>
    public bool TryGet(ulong virtualAddress, out ulong physicalPage, out ulong mappingSize)
    {
        ulong page = virtualAddress >> 12;
        int set = Set(page);
        var entry = Volatile.Read(ref _slots[set]);
        if (entry is null || entry.VirtualPage != page)
        {
            entry = Volatile.Read(ref _slots[set + 1]);
            if (entry is null || entry.VirtualPage != page)
            {
                physicalPage = 0;
                mappingSize = 0;
                return false;
            }
        }
        physicalPage = entry.PhysicalPage;
        mappingSize = entry.MappingSize;
        return true;
    }

    /// <summary>Remembers the translation of the 4 KiB page holding <paramref name="virtualAddress"/>; the set's older entry moves to its second way.</summary>
    public void Add(ulong virtualAddress, ulong physicalAddress, ulong mappingSize)
    {
        ulong page = virtualAddress >> 12;
        int set = Set(page);
        var previous = Volatile.Read(ref _slots[set]);
        if (previous is not null && previous.VirtualPage != page) Volatile.Write(ref _slots[set + 1], previous);
        Volatile.Write(ref _slots[set], new Entry(page, physicalAddress & ~0xfffUL, mappingSize));
    }

    /// <summary>Forgets everything.</summary>
    public void Clear()
    {
        for (int i = 0; i < _slots.Length; i++) Volatile.Write(ref _slots[i], null);
    }

    // Mixes the high bits in so that addresses 2^k pages apart (per-cpu areas, stacks) do not all collide.
    private int Set(ulong page) => (int)((page ^ (page >> 17) ^ (page >> 29)) & (ulong)_setMask) * 2;
}
