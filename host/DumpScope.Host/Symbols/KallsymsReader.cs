using System.Buffers.Binary;
using DumpScope.Sdk.Dumps;
using DumpScope.Sdk.Memory;
using DumpScope.Sdk.Symbols;

namespace DumpScope.Host.Symbols;

/// <summary>
/// Decodes the kernel's own symbol table (kallsyms) from dump memory, found through VMCOREINFO
/// SYMBOL(kallsyms_names|_num_syms|_token_table|_token_index|_offsets|_relative_base) (exported since 6.0).
/// </summary>
/// <remarks>
/// Layout (scripts/kallsyms.c): each entry of kallsyms_names is a length then that many token indices; the
/// length is one byte, or two when its high bit is set (low 7 bits first, "big symbols", 6.1+). Each index
/// selects a NUL-terminated string in kallsyms_token_table at kallsyms_token_index[i]; the first character of
/// the expansion is the nm type letter. Addresses are 32-bit kallsyms_offsets against kallsyms_relative_base,
/// either plain unsigned offsets, or (CONFIG_KALLSYMS_ABSOLUTE_PERCPU) non-negative values absolute and
/// negative ones relative_base − 1 − value. Which one this kernel used is decided by decoding _stext both
/// ways and keeping the one equal to VMCOREINFO's SYMBOL(_stext).
/// </remarks>
internal static class KallsymsReader
{
    /// <summary>Most symbols accepted (a kernel has 10^5; the count is read from memory).</summary>
    public const uint MaxSymbols = 4_000_000;

    /// <summary>The source name used in messages.</summary>
    public const string SourceName = "kallsyms in dump";

    private const int TokenCount = 256;
    private const int MaxTokenTableSize = 64 * 1024;

    /// <summary>How kallsyms_offsets encode addresses.</summary>
    public enum AddressEncoding
    {
        /// <summary>relative_base + (u32)offset.</summary>
        Relative,
        /// <summary>offset ≥ 0: absolute; else relative_base − 1 − offset.</summary>
        AbsolutePercpu,
    }

    /// <summary>True when VMCOREINFO locates kallsyms.</summary>
    public static bool IsAvailable(VmcoreInfo? info) =>
        info is not null && info.TryGetSymbol("kallsyms_names", out _) && info.TryGetSymbol("kallsyms_num_syms", out _)
        && info.TryGetSymbol("kallsyms_token_table", out _) && info.TryGetSymbol("kallsyms_token_index", out _);

    /// <summary>
    /// Decodes the table. Returns null with <paramref name="problem"/> set when VMCOREINFO does not locate it,
    /// memory cannot be read, or the data is not a kallsyms table.
    /// </summary>
    public static SymbolTable? TryRead(IKernelMemory memory, VmcoreInfo? info, out string? problem) =>
        TryRead(memory, info, out problem, out _);

    /// <summary>As <see cref="TryRead(IKernelMemory, VmcoreInfo?, out string?)"/>, also telling which address encoding was found.</summary>
    public static SymbolTable? TryRead(IKernelMemory memory, VmcoreInfo? info, out string? problem, out AddressEncoding encoding)
    {
        encoding = AddressEncoding.Relative;
        if (info is null) { problem = "the dump has no VMCOREINFO"; return null; }
        if (!IsAvailable(info)) { problem = "VMCOREINFO does not locate kallsyms (kernels before 6.0 do not export it)"; return null; }
        info.TryGetSymbol("kallsyms_names", out var namesAddress);
        info.TryGetSymbol("kallsyms_num_syms", out var numSymsAddress);
        info.TryGetSymbol("kallsyms_token_table", out var tokenTableAddress);
        info.TryGetSymbol("kallsyms_token_index", out var tokenIndexAddress);
        if (!info.TryGetSymbol("kallsyms_offsets", out var offsetsAddress) || !info.TryGetSymbol("kallsyms_relative_base", out var relativeBaseAddress))
        {
            problem = "VMCOREINFO has no kallsyms_offsets/kallsyms_relative_base: absolute kallsyms_addresses are not supported";
            return null;
        }

        if (!TryReadU32(memory, numSymsAddress, "kallsyms_num_syms", out var count, out problem)) return null;
        if (count == 0 || count > MaxSymbols)
        {
            problem = $"kallsyms_num_syms at {numSymsAddress:x} is {count}; expected 1..{MaxSymbols}";
            return null;
        }
        if (!TryReadU64(memory, relativeBaseAddress, "kallsyms_relative_base", out var relativeBase, out problem)) return null;

        var tokens = ReadTokens(memory, tokenTableAddress, tokenIndexAddress, out problem);
        if (tokens is null) return null;

        var offsets = new int[count];
        var offsetBytes = System.Runtime.InteropServices.MemoryMarshal.AsBytes(offsets.AsSpan());
        var offsetRead = memory.ReadVirtual(offsetsAddress, offsetBytes);
        if (offsetRead.Fault is { } offsetFault)
        {
            problem = $"kallsyms_offsets ({count} entries at {offsetsAddress:x}) unreadable: {offsetFault.Message}";
            return null;
        }
        if (!BitConverter.IsLittleEndian)
            for (int i = 0; i < offsets.Length; i++) offsets[i] = BinaryPrimitives.ReverseEndianness(offsets[i]);

        var symbols = DecodeNames(memory, namesAddress, (int)count, tokens, out problem);
        if (symbols is null) return null;

        var chosen = ChooseEncoding(info, symbols, offsets, relativeBase, out problem);
        if (chosen is null) return null;
        encoding = chosen.Value;

        SetAddresses(symbols, offsets, relativeBase, encoding);
        problem = null;
        return SymbolTable.FromOwnedArray(SourceName, symbols);
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private static void SetAddresses(KernelSymbol[] symbols, int[] offsets, ulong relativeBase, AddressEncoding encoding)
    {
        for (int i = 0; i < symbols.Length; i++)
            symbols[i] = symbols[i] with { Address = Address(offsets[i], relativeBase, encoding) };
    }

    /// <summary>The address of one entry under an encoding.</summary>
    public static ulong Address(int offset, ulong relativeBase, AddressEncoding encoding) => encoding switch
    {
        AddressEncoding.Relative => relativeBase + (uint)offset,
        _ => offset >= 0 ? (ulong)offset : relativeBase - 1 - (ulong)(long)offset,
    };

    private static AddressEncoding? ChooseEncoding(VmcoreInfo info, KernelSymbol[] symbols, int[] offsets, ulong relativeBase, out string? problem)
    {
        // Anchors: symbols whose true address VMCOREINFO states. _stext first; the kallsyms tables themselves
        // are a fallback for kernels whose note lacks _stext.
        foreach (var anchor in new[] { "_stext", "kallsyms_names", "kallsyms_offsets", "kallsyms_token_table" })
        {
            if (!info.TryGetSymbol(anchor, out var expected)) continue;
            int index = Array.FindIndex(symbols, s => s.Name == anchor);
            if (index < 0) continue;
            var relative = Address(offsets[index], relativeBase, AddressEncoding.Relative);
            var absolute = Address(offsets[index], relativeBase, AddressEncoding.AbsolutePercpu);
            if (absolute == expected) { problem = null; return AddressEncoding.AbsolutePercpu; }
            if (relative == expected) { problem = null; return AddressEncoding.Relative; }
            problem = $"kallsyms gives {anchor} at {relative:x} (relative offsets) or {absolute:x} (absolute per-cpu), but VMCOREINFO says {expected:x}";
            return null;
        }
        problem = "no symbol both in kallsyms and in VMCOREINFO (_stext) to check the address encoding against";
        return null;
    }

    private static char[][]? ReadTokens(IKernelMemory memory, ulong tableAddress, ulong indexAddress, out string? problem)
    {
        Span<byte> indexBytes = stackalloc byte[TokenCount * 2];
        var indexRead = memory.ReadVirtual(indexAddress, indexBytes);
        if (indexRead.Fault is { } indexFault)
        {
            problem = $"kallsyms_token_index at {indexAddress:x} unreadable: {indexFault.Message}";
            return null;
        }
        var starts = new int[TokenCount];
        int maxStart = 0;
        for (int i = 0; i < TokenCount; i++)
        {
            starts[i] = BinaryPrimitives.ReadUInt16LittleEndian(indexBytes[(i * 2)..]);
            maxStart = Math.Max(maxStart, starts[i]);
        }
        // Tokens are short; the last one ends well within a page of the last start. Read what is readable.
        var table = new byte[Math.Min(maxStart + 4096, MaxTokenTableSize)];
        var tableRead = memory.ReadVirtual(tableAddress, table);
        var readable = table.AsSpan(0, tableRead.BytesRead);
        // Tokens are kept as chars (the table is ASCII) so that expansion is a block copy.
        var tokens = new char[TokenCount][];
        for (int i = 0; i < TokenCount; i++)
        {
            int end = starts[i] < readable.Length ? readable[starts[i]..].IndexOf((byte)0) : -1;
            if (end < 0)
            {
                problem = tableRead.Fault is { } f
                    ? $"kallsyms_token_table at {tableAddress:x} unreadable: {f.Message}"
                    : $"kallsyms token {i} at {tableAddress + (ulong)starts[i]:x} has no terminating NUL";
                return null;
            }
            tokens[i] = System.Text.Encoding.Latin1.GetChars(readable.Slice(starts[i], end).ToArray());
        }
        problem = null;
        return tokens;
    }

    // Runs once per dump over ~10^5 entries: compiled optimized at once, since tiered compilation would run
    // this single long call in unoptimized code (measured ~10x slower on the first decode).
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private static KernelSymbol[]? DecodeNames(IKernelMemory memory, ulong namesAddress, int count, char[][] tokens, out string? problem)
    {
        // Addresses are filled in once the encoding is known.
        var symbols = new KernelSymbol[count];
        var cursor = new KernelMemoryCursor(memory, namesAddress);
        Span<char> expanded = stackalloc char[4096];
        for (int n = 0; n < count; n++)
        {
            ulong entryAddress = cursor.Position;
            if (!cursor.TryPeek(1, out var head)) return Fail(out problem, n, entryAddress, cursor);
            int length = head[0];
            int headerSize = 1;
            if ((length & 0x80) != 0)
            {
                if (!cursor.TryPeek(2, out head)) return Fail(out problem, n, entryAddress, cursor);
                length = (length & 0x7f) | (head[1] << 7);
                headerSize = 2;
            }
            if (length == 0)
            {
                problem = $"kallsyms entry {n} at {entryAddress:x} is empty: not a kallsyms_names table";
                return null;
            }
            if (!cursor.TryPeek(headerSize + length, out var entry)) return Fail(out problem, n, entryAddress, cursor);
            int chars = 0;
            foreach (var tokenIndex in entry[headerSize..])
            {
                var token = tokens[tokenIndex];
                if (chars + token.Length > expanded.Length)
                {
                    problem = $"kallsyms entry {n} at {entryAddress:x} expands beyond {expanded.Length} characters";
                    return null;
                }
                token.CopyTo(expanded[chars..]);
                chars += token.Length;
            }
            cursor.Advance(headerSize + length);
            if (chars < 2)
            {
                problem = $"kallsyms entry {n} at {entryAddress:x} expands to {chars} characters: a type letter and a name were expected";
                return null;
            }
            symbols[n] = new KernelSymbol(new string(expanded[1..chars]), 0, expanded[0]);
        }
        problem = null;
        return symbols;
    }

    private static KernelSymbol[]? Fail(out string? problem, int index, ulong address, KernelMemoryCursor cursor)
    {
        problem = $"kallsyms_names entry {index} at {address:x} unreadable: {cursor.Fault?.Message ?? "end of table"}";
        return null;
    }

    private static bool TryReadU32(IKernelMemory memory, ulong address, string what, out uint value, out string? problem)
    {
        Span<byte> b = stackalloc byte[4];
        var read = memory.ReadVirtual(address, b);
        value = read.Fault is null ? BinaryPrimitives.ReadUInt32LittleEndian(b) : 0;
        problem = read.Fault is { } f ? $"{what} at {address:x} unreadable: {f.Message}" : null;
        return problem is null;
    }

    private static bool TryReadU64(IKernelMemory memory, ulong address, string what, out ulong value, out string? problem)
    {
        Span<byte> b = stackalloc byte[8];
        var read = memory.ReadVirtual(address, b);
        value = read.Fault is null ? BinaryPrimitives.ReadUInt64LittleEndian(b) : 0;
        problem = read.Fault is { } f ? $"{what} at {address:x} unreadable: {f.Message}" : null;
        return problem is null;
    }
}
