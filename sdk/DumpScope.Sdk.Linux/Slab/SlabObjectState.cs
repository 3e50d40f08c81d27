namespace DumpScope.Sdk.Linux.Slab;

/// <summary>
/// Whether a slab object is allocated: yes, no (and where the free object sits), or unknown (and why). One
/// object has one state everywhere: kmem -S, kmem ADDR and for_each_allocated_object compute it the same way.
/// </summary>
/// <param name="Allocated">True / false, null when the allocator state could not be decided.</param>
/// <param name="FreeWhere">For a free object: "cpu 0 cache", "slab freelist", "cpu 1 sheaf", "node 0 barn", "shared cache".</param>
/// <param name="Reason">Why the state is unknown.</param>
public readonly record struct SlabObjectState(bool? Allocated, string? FreeWhere, string? Reason)
{
    /// <summary>An allocated object.</summary>
    public static SlabObjectState InUse { get; } = new(true, null, null);

    /// <summary>A free object held at <paramref name="where"/>.</summary>
    public static SlabObjectState Free(string where) => new(false, where, null);

    /// <summary>An object whose state could not be decided.</summary>
    public static SlabObjectState Unknown(string reason) => new(null, null, reason);

    /// <summary>True for a free object.</summary>
    public bool IsFree => Allocated == false;

    /// <summary>"allocated", "free (cpu 0 cache)", "free (slab freelist)", or "unknown".</summary>
    public string Text => Allocated switch
    {
        true => "allocated",
        false => $"free ({FreeWhere})",
        null => "unknown",
    };

    /// <inheritdoc/>
    public override string ToString() => Text;
}
