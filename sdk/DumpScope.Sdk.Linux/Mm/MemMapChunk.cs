namespace DumpScope.Sdk.Linux.Mm;

/// <summary>
/// One page of the struct page array during a <see cref="MemMap.ForEachChunk"/> scan. <see cref="Bytes"/> is a
/// buffer the scan reuses for the next chunk: copy what must outlive the iteration step.
/// </summary>
public sealed class MemMapChunk
{
    internal MemMapChunk(byte[] buffer) => Buffer = buffer;

    internal byte[] Buffer { get; }

    /// <summary>The frame of the first struct page in the chunk.</summary>
    public ulong FirstPfn { get; internal set; }

    /// <summary>How many struct pages of the chunk are below max_pfn.</summary>
    public int Count { get; internal set; }

    /// <summary>sizeof(struct page).</summary>
    public int StructPageSize { get; internal init; }

    /// <summary>Why the chunk could not be read (a hole in the vmemmap, an excluded page), or null.</summary>
    public MemoryFault? Fault { get; internal set; }

    /// <summary>The struct pages (valid only when <see cref="Fault"/> is null).</summary>
    public ReadOnlySpan<byte> Bytes => Buffer;

    /// <summary>The bytes of struct page <paramref name="index"/> of the chunk.</summary>
    public ReadOnlySpan<byte> Page(int index) => Buffer.AsSpan(index * StructPageSize, StructPageSize);
}
