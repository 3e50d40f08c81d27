namespace DumpScope.Host.Arch.X86_64;

/// <summary>
/// A small direct-mapped cache of page-walk results, keyed by 4 KiB virtual page, like a TLB. Thread-safe
/// without locks: each slot holds an immutable entry swapped in as one reference, so a reader sees either
/// the old or the new entry, never a torn one. Only successful walks are cached.
/// </summary>
internal sealed class TranslationCache
{
    private sealed record Entry(ulong VirtualPage, ulong PhysicalPage, ulong MappingSize);

    private readonly Entry?[] _slots;
    private readonly int _mask;

    /// <summary>Creates a cache with at least <paramref name="entries"/> slots (rounded up to a power of two).</summary>
    public TranslationCache(int entries)
    {
        int size = (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)Math.Max(entries, 1));
        _slots = new Entry?[size];
        _mask = size - 1;
    }

    /// <summary>The cached translation of the 4 KiB page holding <paramref name="virtualAddress"/>.</summary>
    public bool TryGet(ulong virtualAddress, out ulong physicalPage, out ulong mappingSize)
    {
        ulong page = virtualAddress >> 12;
        var entry = Volatile.Read(ref _slots[Slot(page)]);
        if (entry is not null && entry.VirtualPage == page)
        {
            physicalPage = entry.PhysicalPage;
            mappingSize = entry.MappingSize;
            return true;
        }
        physicalPage = 0;
        mappingSize = 0;
        return false;
    }

    /// <summary>Remembers the translation of the 4 KiB page holding <paramref name="virtualAddress"/>.</summary>
    public void Add(ulong virtualAddress, ulong physicalAddress, ulong mappingSize)
    {
        ulong page = virtualAddress >> 12;
        Volatile.Write(ref _slots[Slot(page)], new Entry(page, physicalAddress & ~0xfffUL, mappingSize));
    }

    /// <summary>Forgets everything.</summary>
    public void Clear()
    {
        for (int i = 0; i < _slots.Length; i++) Volatile.Write(ref _slots[i], null);
    }

    // Mixes the high bits in so that addresses 2^k pages apart (per-cpu areas, stacks) do not all collide.
    private int Slot(ulong page) => (int)((page ^ (page >> 17) ^ (page >> 29)) & (ulong)_mask);
}
