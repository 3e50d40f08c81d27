namespace DumpScope.Sdk.Linux.Slab;

/// <summary>
/// The live size of struct kmem_cache, as the kernel allocated it, and how it was found.
/// </summary>
/// <param name="Size">Bytes of a live struct kmem_cache.</param>
/// <param name="DeclaredSize">sizeof(struct kmem_cache) as declared (with the untrimmed trailing array).</param>
/// <param name="Computed">offsetof(trailing array) + nr_cpu_ids / nr_node_ids pointers: the arithmetic cross-check.</param>
/// <param name="Source">Where <see cref="Size"/> came from.</param>
/// <param name="Disagreement">Set when the kernel's own value and the arithmetic disagree, saying which was used.</param>
public sealed record KmemCacheSize(ulong Size, ulong DeclaredSize, ulong Computed, string Source, string? Disagreement)
{
    /// <summary>
    /// Decides the live size: the kernel's own value (<paramref name="fromKernel"/>, read from its boot cache) when
    /// it equals the arithmetic or is plausible (above the trailing array's offset, not above the declared size:
    /// padding can make it larger than the sum); else the arithmetic, with the disagreement noted. Never the
    /// declared size of a trailing array, never a value found by looking for a terminator (the bug of docs/kernel-notes.md#runtime-sizes-shorter-than-declared-types).
    /// </summary>
    public static KmemCacheSize Decide(ulong declared, ulong trailingOffset, ulong computed, string arithmetic, ulong? fromKernel, string source, List<string> notes)
    {
        if (fromKernel is not { } value)
            return new KmemCacheSize(Math.Min(computed, declared), declared, computed, arithmetic, null);
        if (value == computed) return new KmemCacheSize(value, declared, computed, source, null);
        if (value > trailingOffset && value <= declared)
        {
            var msg = $"{source} = {value} but {arithmetic} = {computed}; using the kernel's value";
            notes.Add(msg);
            return new KmemCacheSize(value, declared, computed, source, msg);
        }
        var bad = $"{source} = {value} is impossible (declared {declared}); using {arithmetic} = {computed}";
        notes.Add(bad);
        return new KmemCacheSize(Math.Min(computed, declared), declared, computed, arithmetic, bad);
    }

    /// <summary>
    /// Reads the kernel's own value, <paramref name="member"/> of the boot cache <paramref name="bootCache"/> gives
    /// (when the kernel has <paramref name="symbol"/>), and decides with <see cref="Decide"/>.
    /// </summary>
    internal static KmemCacheSize Probe(IKernel kernel, KernelType kmemCache, ulong trailingOffset, ulong computed, string arithmetic,
        string symbol, Func<KernelObject> bootCache, string member, List<string> notes)
    {
        ulong? fromKernel = null;
        string source = "";
        if (kernel.Symbols.TryGetAddress(symbol, out _))
        {
            try
            {
                var boot = bootCache();
                source = symbol == "kmem_cache" ? $"{member} of the boot cache *kmem_cache ({boot.Address:x})" : $"{symbol}.{member}";
                fromKernel = boot[member].ReadUnsigned();
            }
            catch (Exception e) when (KernelDataErrors.IsDataProblem(e))
            {
                notes.Add($"the kernel's own kmem_cache size could not be read ({KernelDataErrors.Reason(e)}); using {arithmetic} = {computed}");
            }
        }
        else notes.Add($"no boot cache symbol for this allocator; kmem_cache size from {arithmetic} = {computed}");
        return Decide(kmemCache.Size, trailingOffset, computed, arithmetic, fromKernel, source, notes);
    }
}
