namespace DumpScope.Host.Commands.Builtins;

/// <summary>Whether any of a range of memory can be read, page by page (a command whose range is wholly unreadable fails with one line).</summary>
internal static class MemoryRange
{
    private const ulong Page = 4096;

    /// <summary>The first fault when not one page of the range has a readable byte; null when some of it can be read.</summary>
    public static MemoryFault? WhollyUnreadable(IKernelMemory memory, ulong start, ulong length, bool physical)
    {
        MemoryFault? first = null;
        Span<byte> probe = stackalloc byte[1];
        ulong end = length == 0 ? start : start + (length - 1);
        if (end < start) end = ulong.MaxValue;
        for (ulong at = start; ; )
        {
            var read = physical ? memory.ReadPhysical(at, probe) : memory.ReadVirtual(at, probe);
            if (read.BytesRead > 0) return null;
            first ??= read.Fault;
            ulong next = (at & ~(Page - 1)) + Page;
            if (next <= at || next > end) break;
            at = next;
        }
        return first;
    }
}
