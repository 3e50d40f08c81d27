namespace DumpScope.Sdk.Linux.Stack;

/// <summary>
/// One sorted ORC table in kernel memory: the <c>.orc_unwind_ip</c> array of s32 offsets (each relative to its
/// own address) and the parallel <c>.orc_unwind</c> array of 6-byte entries. vmlinux has one, each module one
/// (<c>mod->arch.orc_unwind_ip</c>, <c>orc_unwind</c>, <c>num_orcs</c>, sorted at load).
/// Reads go to memory on demand (a look-up touches about log2(count) words), nothing is copied up front.
/// </summary>
/// <remarks>The count is checked against <see cref="MaxEntries"/>.</remarks>
/// <exception cref="InvalidDataException">The count is impossible.</exception>
public sealed class OrcTable(IKernelMemory memory, string name, ulong ipTable, ulong entryTable, uint count, OrcLayout layout)
{
    /// <summary>More entries than any kernel or module has; a larger count is garbage.</summary>
    public const uint MaxEntries = 1u << 24;

    private readonly IKernelMemory _memory = memory;

    /// <summary>Whose table this is ("vmlinux", a module's name).</summary>
    public string Name { get; } = name;

    /// <summary>Address of the s32 IP array.</summary>
    public ulong IpTable { get; } = ipTable;

    /// <summary>Address of the orc_entry array.</summary>
    public ulong EntryTable { get; } = entryTable;

    /// <summary>Number of entries.</summary>
    public uint Count { get; } = count <= MaxEntries ? count
        : throw new InvalidDataException($"{name}: ORC table at {ipTable:x} claims {count} entries (at most {MaxEntries} expected)");

    /// <summary>The entry bit layout.</summary>
    public OrcLayout Layout { get; } = layout;

    /// <summary>The code address entry <paramref name="index"/> starts at.</summary>
    /// <exception cref="MemoryFaultException">The IP array is unreadable there.</exception>
    public ulong IpAt(uint index)
    {
        ulong at = IpTable + 4UL * index;
        return at + (ulong)(long)(int)_memory.ReadU32(at, "orc_unwind_ip");
    }

    /// <summary>Decodes entry <paramref name="index"/>.</summary>
    /// <exception cref="MemoryFaultException">The entry is unreadable.</exception>
    /// <exception cref="InvalidDataException">The entry's bits are impossible in the table's layout.</exception>
    public OrcEntry EntryAt(uint index)
    {
        Span<byte> raw = stackalloc byte[OrcEntry.Size];
        ulong at = EntryTable + (ulong)OrcEntry.Size * index;
        _memory.ReadExactly(at, raw, "orc_unwind");
        if (!OrcDecoder.TryDecode(raw, Layout, out var entry))
            throw new InvalidDataException($"{Name}: ORC entry {index} at {at:x} ({Convert.ToHexString(raw)}) is not a valid {Layout} entry");
        return entry;
    }

    /// <summary>
    /// The entry covering <paramref name="ip"/>: the last one (the rightmost duplicate, so that weak section
    /// terminators lose to real entries) whose start is at or below it, searching indices [start, stop).
    /// Null when <paramref name="ip"/> is below the first entry searched.
    /// </summary>
    public OrcEntry? Find(ulong ip, uint start = 0, uint stop = uint.MaxValue)
    {
        stop = Math.Min(stop, Count);
        if (start >= stop) return null;
        long lo = start, hi = (long)stop - 1, found = -1;
        while (lo <= hi)
        {
            long mid = lo + ((hi - lo) >> 1);
            if (IpAt((uint)mid) <= ip) { found = mid; lo = mid + 1; }
            else hi = mid - 1;
        }
        return found < 0 ? null : EntryAt((uint)found);
    }

    /// <summary>Reads up to <paramref name="samples"/> raw entries spread over the table, for the layout probe.</summary>
    public static byte[] Sample(IKernelMemory memory, ulong entryTable, uint count, int samples = 4096)
    {
        const int run = 64;
        int runs = (int)Math.Max(1, Math.Min((uint)(samples / run), count / run));
        var buffer = new List<byte>(runs * run * OrcEntry.Size);
        var chunk = new byte[run * OrcEntry.Size];
        for (int r = 0; r < runs; r++)
        {
            ulong first = count <= run ? 0 : (ulong)r * (count - run) / (ulong)Math.Max(1, runs - 1);
            int n = (int)Math.Min(run, count - first);
            var span = chunk.AsSpan(0, n * OrcEntry.Size);
            var result = memory.ReadVirtual(entryTable + first * OrcEntry.Size, span);
            int whole = result.BytesRead / OrcEntry.Size * OrcEntry.Size;
            buffer.AddRange(span[..whole].ToArray());
        }
        return buffer.ToArray();
    }
}
