namespace DumpScope.Sdk.Linux.Slab;

/// <summary>
/// The free objects of one slab and where each sits, with the reason when the free set may be incomplete (a
/// freelist that could not be walked to its end): the one place an object's state is decided.
/// </summary>
internal sealed class SlabFreeMap(Dictionary<ulong, string> free, IReadOnlyDictionary<ulong, string>? elsewhere, string? incomplete)
{
    /// <summary>The state of object <paramref name="address"/> of this slab.</summary>
    public SlabObjectState StateOf(ulong address)
    {
        if (free.TryGetValue(address, out var where)) return SlabObjectState.Free(where);
        if (elsewhere is not null && elsewhere.TryGetValue(address, out where)) return SlabObjectState.Free(where);
        return incomplete is null ? SlabObjectState.InUse : SlabObjectState.Unknown(incomplete);
    }
}
