namespace DumpScope.Testing.Kernels;

/// <summary>
/// Kernel virtual memory for synthetic kernels: bytes placed at addresses in 4 KiB pages (created zero-filled
/// on first write), pages that can be made unreadable as a makedumpfile -d 31 dump excludes them, and a log
/// of reads for tests that check how a reader chunks. Addresses never written fault as not mapped; a placed
/// page translates to itself (physical = virtual), so page-level code sees it as present.
/// </summary>
public sealed class SyntheticMemory : IKernelMemory
{
    /// <summary>The page size of this memory.</summary>
    public const int PageSize = 4096;

    private readonly Dictionary<ulong, byte[]> _pages = [];
    private readonly Dictionary<ulong, MemoryFaultKind> _faults = [];
    private readonly Dictionary<ulong, int> _pageEnds = [];

    /// <summary>The placed pages by virtual address (what <see cref="DumpWriters.KernelDumpFile"/> writes to a dump).</summary>
    public IReadOnlyDictionary<ulong, byte[]> PlacedPages => _pages;

    /// <summary>Log reads in <see cref="Reads"/> (off for kernels of millions of objects).</summary>
    public bool LogReads { get; set; } = true;

    /// <summary>Every <see cref="ReadVirtual"/> call: address and length.</summary>
    public List<(ulong Address, int Length)> Reads { get; } = [];

    /// <summary>Copies bytes into memory at an address (pages are created as needed, zero-filled).</summary>
    public void Write(ulong address, ReadOnlySpan<byte> data)
    {
        for (int done = 0; done < data.Length;)
        {
            ulong at = address + (ulong)done;
            ulong page = at & ~(ulong)(PageSize - 1);
            if (!_pages.TryGetValue(page, out var bytes)) _pages[page] = bytes = new byte[PageSize];
            int inPage = (int)(at - page);
            int chunk = Math.Min(PageSize - inPage, data.Length - done);
            data.Slice(done, chunk).CopyTo(bytes.AsSpan(inPage));
            done += chunk;
        }
    }

    /// <summary>Places a block of bytes and returns its address.</summary>
    public ulong Map(ulong address, byte[] data)
    {
        Write(address, data);
        return address;
    }

    /// <summary>
    /// Places a memory image at a page-aligned address, ending exactly where the image ends: a read that reaches
    /// the first byte past it returns the bytes before and faults as not mapped (as a fuzz input's end should).
    /// </summary>
    public void MapImage(ulong address, byte[] image)
    {
        if ((address & (PageSize - 1)) != 0) throw new ArgumentException($"image address {address:x} is not page-aligned", nameof(address));
        Write(address, image);
        int tail = image.Length % PageSize;
        if (tail != 0) _pageEnds[address + (ulong)(image.Length - tail)] = tail;
    }

    /// <summary>Writes a little-endian u64.</summary>
    public void WriteU64(ulong address, ulong value) => Write(address, BitConverter.GetBytes(value));

    /// <summary>Writes a little-endian u32.</summary>
    public void WriteU32(ulong address, uint value) => Write(address, BitConverter.GetBytes(value));

    /// <summary>Writes one byte.</summary>
    public void WriteU8(ulong address, byte value) => Write(address, [value]);

    /// <summary>
    /// Links <paramref name="head"/> and <paramref name="nodes"/> (list_head addresses) into one circular doubly
    /// linked list, as INIT_LIST_HEAD and list_add_tail leave it; no nodes leave an empty list.
    /// </summary>
    public void LinkList(ulong head, params ulong[] nodes)
    {
        var all = nodes.Prepend(head).ToArray();
        for (int i = 0; i < all.Length; i++)
        {
            WriteU64(all[i], all[(i + 1) % all.Length]);
            WriteU64(all[i] + 8, all[(i + all.Length - 1) % all.Length]);
        }
    }

    /// <summary>
    /// Links <paramref name="objects"/> through the list_head at <paramref name="linkOffset"/> in each into the list
    /// headed at <paramref name="head"/> (signal->thread_head and the tasks' thread_node, say).
    /// </summary>
    public void LinkObjects(ulong head, ulong linkOffset, params ulong[] objects) =>
        LinkList(head, [.. objects.Select(o => o + linkOffset)]);

    /// <summary>
    /// Links <paramref name="objects"/> through the list_head at <paramref name="linkOffset"/> in each into a ring with
    /// no separate head, the first object standing as the head (init_task.tasks, thread_group).
    /// </summary>
    public void LinkRing(ulong linkOffset, params ulong[] objects) =>
        LinkList(objects[0] + linkOffset, [.. objects.Skip(1).Select(o => o + linkOffset)]);

    /// <summary>Makes the page holding <paramref name="address"/> unreadable with the given fault kind.</summary>
    public void Exclude(ulong address, MemoryFaultKind kind = MemoryFaultKind.Excluded) =>
        _faults[address & ~(ulong)(PageSize - 1)] = kind;

    /// <inheritdoc/>
    public ReadResult ReadVirtual(ulong address, Span<byte> destination)
    {
        if (LogReads) lock (Reads) Reads.Add((address, destination.Length));
        int done = 0;
        while (done < destination.Length)
        {
            ulong at = address + (ulong)done;
            ulong page = at & ~(ulong)(PageSize - 1);
            if (_faults.TryGetValue(page, out var kind))
                return new ReadResult(done, new MemoryFault(at, kind, false));
            if (!_pages.TryGetValue(page, out var bytes))
                return new ReadResult(done, new MemoryFault(at, MemoryFaultKind.NotMapped, false));
            int inPage = (int)(at - page);
            int end = _pageEnds.TryGetValue(page, out var pageEnd) ? pageEnd : PageSize;
            if (inPage >= end)
                return new ReadResult(done, new MemoryFault(at, MemoryFaultKind.NotMapped, false));
            int chunk = Math.Min(end - inPage, destination.Length - done);
            bytes.AsSpan(inPage, chunk).CopyTo(destination[done..]);
            done += chunk;
        }
        return ReadResult.Complete(done);
    }

    /// <inheritdoc/>
    public ReadResult ReadPhysical(ulong address, Span<byte> destination) =>
        new(0, new MemoryFault(address, MemoryFaultKind.NotInDump, true));

    /// <inheritdoc/>
    public Translation Translate(ulong virtualAddress) =>
        _pages.ContainsKey(virtualAddress & ~(ulong)(PageSize - 1))
            ? new Translation(virtualAddress, PageSize, null)
            : new Translation(0, 0, new MemoryFault(virtualAddress, MemoryFaultKind.NotMapped, false));
}
