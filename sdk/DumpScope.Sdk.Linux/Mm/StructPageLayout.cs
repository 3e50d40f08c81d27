using System.Runtime.CompilerServices;

namespace DumpScope.Sdk.Linux.Mm;

/// <summary>
/// Where the members of struct page this layer reads sit, probed once per kernel from its types, and the
/// decoding of one struct page's bytes: flags, compound head (both encodings), page type, slab membership and
/// the slab's cache. Works on bytes so a scan of the whole vmemmap reads a page of struct pages at a time.
/// </summary>
public sealed class StructPageLayout
{
    private static readonly ConditionalWeakTable<IKernel, StructPageLayout> Cache = new();

    private StructPageLayout() { }

    /// <summary>The layout of a kernel (probed on first use); throws <see cref="TypeNotFoundException"/> without struct page.</summary>
    public static StructPageLayout Of(IKernel kernel) => Cache.GetValue(kernel, Probe);

    /// <summary>struct page.</summary>
    public KernelType PageType { get; private init; } = null!;

    /// <summary>sizeof(struct page).</summary>
    public ulong Size { get; private init; }

    /// <summary>The page flags' bit numbers.</summary>
    public PageFlags Flags { get; private init; } = null!;

    /// <summary>The page-type encoding.</summary>
    public PageTypes Types { get; private init; } = null!;

    /// <summary>Offset of page.flags.</summary>
    public ulong FlagsOffset { get; private init; }

    /// <summary>Offset of page.compound_head, renamed compound_info in 7.x (bit 0 set on tail pages, 4.6+), null before.</summary>
    public ulong? CompoundHeadOffset { get; private init; }

    /// <summary>Offset of page.first_page (tail pages before 4.6, with PG_tail), null otherwise.</summary>
    public ulong? FirstPageOffset { get; private init; }

    /// <summary>Offset of page.page_type (4.17+), else of _mapcount; null when neither exists.</summary>
    public ulong? PageTypeOffset { get; private init; }

    /// <summary>Offset of the slab's cache pointer in a slab's head page: struct slab.slab_cache (5.17+) or page.slab_cache.</summary>
    public ulong? SlabCacheOffset { get; private init; }

    /// <summary>Where <see cref="SlabCacheOffset"/> was found ("struct slab.slab_cache", "page.slab_cache", "page.lru.next").</summary>
    public string SlabCacheSource { get; private init; } = "";

    private static StructPageLayout Probe(IKernel kernel)
    {
        var page = kernel.Types.Require("struct page");
        var resolved = page.Resolve();
        ulong? Optional(KernelType type, string member) => type.TryFindMember(member, out var m) ? m.Offset : null;
        ulong? slabCache;
        string source;
        if (kernel.Types.FindType("struct slab")?.Resolve() is { } slab && Optional(slab, "slab_cache") is { } inSlab)
            (slabCache, source) = (inSlab, "struct slab.slab_cache");
        else if (Optional(resolved, "slab_cache") is { } inPage)
            (slabCache, source) = (inPage, "page.slab_cache");
        // SLAB before 3.13 (commit 8456a648cf44, "slab: use struct page for slab management") kept the cache in
        // page->lru.next (page_set_cache).
        else if (Optional(resolved, "lru") is { } lru)
            (slabCache, source) = (lru, "page.lru.next");
        else (slabCache, source) = (null, "none");
        return new StructPageLayout
        {
            PageType = page,
            Size = page.Size,
            Flags = PageFlags.Of(kernel),
            Types = PageTypes.Probe(kernel),
            FlagsOffset = resolved.FindMember("flags").Offset,
            // 4.6 (commit 1d798ca3f164, "mm: make compound_head() robust") replaced PG_tail + first_page by
            // compound_head with bit 0 set.
            // The 7.x series that made compound_head() mask-based renamed the member compound_info.
            CompoundHeadOffset = Optional(resolved, "compound_head") ?? Optional(resolved, "compound_info"),
            FirstPageOffset = Optional(resolved, "first_page"),
            PageTypeOffset = Optional(resolved, "page_type") ?? Optional(resolved, "_mapcount"),
            SlabCacheOffset = slabCache,
            SlabCacheSource = source,
        };
    }

    /// <summary>page.flags from a struct page's bytes.</summary>
    public ulong ReadFlags(ReadOnlySpan<byte> page) => U64(page, FlagsOffset);

    /// <summary>The page_type word (a mapcount when no type is set), 0 when the kernel has neither.</summary>
    public uint ReadPageType(ReadOnlySpan<byte> page) => PageTypeOffset is { } o ? BinaryPrimitives.ReadUInt32LittleEndian(page[(int)o..]) : 0;

    /// <summary>True for a tail page of a compound page (compound_head / compound_info bit 0, or PG_tail before 4.6).</summary>
    public bool IsTail(ReadOnlySpan<byte> page) =>
        CompoundHeadOffset is { } ch ? (U64(page, ch) & 1) != 0
        : FirstPageOffset is not null && PageFlags.Test(ReadFlags(page), Flags.Tail);

    /// <summary>
    /// compound_head() of the struct page at <paramref name="pageAddress"/> whose bytes are <paramref name="page"/>:
    /// the head page of a tail page, or null for a head or single page. Two encodings of the tail word: the head's
    /// address + 1, or (commit 8c846c879e22, "mm: rework compound_head() for power-of-2 sizeof(struct page)",
    /// 7.1) a mask + 1 that, applied to the tail's own address, gives the naturally aligned head. Which one a word
    /// holds is read from the word itself: a mask is contiguous ones then zeros and lands at or below the tail.
    /// </summary>
    public ulong? HeadOf(ReadOnlySpan<byte> page, ulong pageAddress)
    {
        if (CompoundHeadOffset is { } ch)
        {
            ulong value = U64(page, ch);
            if ((value & 1) == 0) return null;
            ulong word = value - 1;
            ulong low = ~word;
            // ~mask + 1 is a power of two for a mask 1…10…0 (and the mask keeps at least the struct page's size)
            if (word != 0 && (low & (low + 1)) == 0 && low + 1 >= Size && (pageAddress & word) is var masked && masked <= pageAddress)
                return masked;
            return word;
        }
        if (FirstPageOffset is { } fp && PageFlags.Test(ReadFlags(page), Flags.Tail)) return U64(page, fp);
        return null;
    }

    /// <summary>
    /// PageSlab() of a head page: the PG_slab flag, or the slab page type on kernels where slab is a type (6.10+).
    /// </summary>
    public bool IsSlab(ReadOnlySpan<byte> headPage) =>
        Flags.Slab is { } bit ? PageFlags.Test(ReadFlags(headPage), bit) : Types.HasSlabType && Types.Decode(ReadPageType(headPage)) == "slab";

    /// <summary>The page type's name of a page ("buddy", "slab", …), or null.</summary>
    public string? TypeName(ReadOnlySpan<byte> page) => PageTypeOffset is null ? null : Types.Decode(ReadPageType(page));

    /// <summary>The slab's kmem_cache from a slab head page's bytes, or null when the kernel has no such field.</summary>
    public ulong? SlabCache(ReadOnlySpan<byte> headPage) => SlabCacheOffset is { } o ? U64(headPage, o) : null;

    /// <summary>Reads one struct page into <paramref name="buffer"/> (at least <see cref="Size"/> bytes); throws the fault.</summary>
    public Span<byte> Read(IKernel kernel, ulong page, Span<byte> buffer)
    {
        var bytes = buffer[..(int)Size];
        kernel.Memory.ReadExactly(page, bytes, "struct page");
        return bytes;
    }

    private static ulong U64(ReadOnlySpan<byte> data, ulong offset) => BinaryPrimitives.ReadUInt64LittleEndian(data[(int)offset..]);
}
