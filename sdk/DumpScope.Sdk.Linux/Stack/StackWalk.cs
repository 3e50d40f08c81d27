namespace DumpScope.Sdk.Linux.Stack;

/// <summary>What every architecture's unwinder does alike: find the stack holding an address, name a code address,
/// and collect each frame's stack words (bt -f).</summary>
internal static class StackWalk
{
    private const int MaxWordsPerFrame = 512;

    /// <summary>The stack holding [address, address + length), or null.</summary>
    public static StackArea? Find(IReadOnlyList<StackArea> stacks, ulong address, ulong length = 8)
    {
        foreach (var area in stacks)
            if (area.Contains(address, length)) return area;
        return null;
    }

    /// <summary>Names a code address: exact for an interrupted IP, at IP - 1 for a return address (the kernel's %pB).</summary>
    public static SymbolMatch? Name(ISymbolTable symbols, ulong ip, bool isReturnAddress)
    {
        var match = symbols.Lookup(isReturnAddress && ip != 0 ? ip - 1 : ip);
        return match is { } m ? new SymbolMatch(m.Symbol, ip - m.Symbol.Address) : null;
    }

    /// <summary>A frame at <paramref name="ip"/>: a return address unless <paramref name="exact"/>, named accordingly.</summary>
    public static StackFrame Frame(ISymbolTable symbols, int index, ulong stackAddress, ulong ip, bool exact, bool reliable, StackArea? area) => new()
    {
        Index = index,
        StackAddress = stackAddress,
        Ip = ip,
        Symbol = Name(symbols, ip, !exact),
        IsReturnAddress = !exact,
        Reliable = reliable,
        Stack = area,
    };

    /// <summary>The trace with each frame's words from its stack address up to the next frame's (at most 8 for the last).</summary>
    public static Backtrace WithWords(IKernelMemory memory, Backtrace trace, IReadOnlyList<StackArea> stacks)
    {
        var frames = trace.Frames.ToArray();
        for (int i = 0; i < frames.Length; i++)
        {
            var area = Find(stacks, frames[i].StackAddress);
            if (area is null) continue;
            ulong from = frames[i].StackAddress;
            ulong to = i + 1 < frames.Length && area.Contains(frames[i + 1].StackAddress) && frames[i + 1].StackAddress > from
                ? frames[i + 1].StackAddress
                : Math.Min(area.End, from + 8 * 8);
            var words = new List<(ulong, ulong)>();
            for (ulong at = from; at < to && words.Count < MaxWordsPerFrame; at += 8)
                if (memory.TryReadU64(at, out var value, out _)) words.Add((at, value));
            frames[i] = frames[i] with { Words = words };
        }
        return trace with { Frames = frames };
    }
}
