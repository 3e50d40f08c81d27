namespace DumpScope.Host.Symbols;

/// <summary>
/// Decodes the kernel's own symbol table (kallsyms) from dump memory. VMCOREINFO names the tables since 6.0
/// (SYMBOL(kallsyms_names|_num_syms|_token_table|_token_index|_offsets|_relative_base)); on older kernels
/// <see cref="KallsymsSearch"/> finds them in the kernel image.
/// </summary>
/// <remarks>
/// Layout (scripts/kallsyms.c): each entry of kallsyms_names is a length then that many token indices; the
/// length is one byte, or two when its high bit is set (low 7 bits first, "big symbols", 6.1+). Each index
/// selects a NUL-terminated string in kallsyms_token_table at kallsyms_token_index[i]; the first character of
/// the expansion is the nm type letter. Addresses are, by kernel configuration and generation, 64-bit
/// kallsyms_addresses (no CONFIG_KALLSYMS_BASE_RELATIVE), or 32-bit kallsyms_offsets: unsigned offsets from
/// kallsyms_relative_base; with CONFIG_KALLSYMS_ABSOLUTE_PERCPU non-negative values absolute and negative ones
/// relative_base − 1 − value; or, since "kallsyms: Get rid of kallsyms relative base", offsets from the entry's
/// own address. Which one this kernel used is decided by the symbols VMCOREINFO states (_stext,
/// init_uts_ns, swapper_pg_dir, …): every one that kallsyms also has must come out at VMCOREINFO's address;
/// pointer-valued entries (mem_section) must equal what kallsyms' symbol holds.
/// </remarks>
internal static class KallsymsReader
{
    /// <summary>Most symbols accepted (a kernel has 10^5; the count is read from memory).</summary>
    public const uint MaxSymbols = 4_000_000;

    /// <summary>The source name used in messages.</summary>
    public const string SourceName = "kallsyms in dump";

    /// <summary>How far past _stext the search goes when VMCOREINFO names no data symbol to bound it.</summary>
    public const ulong DefaultSearchSize = 64UL << 20;

    private const int TokenCount = 256;
    private const int MaxTokenTableSize = 64 * 1024;
    private const ulong StartKernelMap = 0xffffffff80000000UL;
    private const ulong DefaultText = 0xffffffff81000000UL;

    /// <summary>How the address table encodes addresses.</summary>
    public enum AddressEncoding
    {
        /// <summary>relative_base + (u32)offset.</summary>
        Relative,
        /// <summary>offset ≥ 0: absolute; else relative_base − 1 − offset (CONFIG_KALLSYMS_ABSOLUTE_PERCPU).</summary>
        AbsolutePercpu,
        /// <summary>the entry's own address + (s32)offset (no relative_base).</summary>
        PlaceRelative,
        /// <summary>64-bit absolute addresses (kallsyms_addresses).</summary>
        Absolute,
    }

    /// <summary>A decoded table and how it was found.</summary>
    /// <param name="Table">The symbols.</param>
    /// <param name="Encoding">The address encoding the anchors confirmed.</param>
    /// <param name="HowFound">Where the tables came from and what confirmed them, for dumpinfo.</param>
    public sealed record Result(SymbolTable Table, AddressEncoding Encoding, string HowFound);

    /// <summary>True when VMCOREINFO locates kallsyms.</summary>
    public static bool IsAvailable(VmcoreInfo? info) =>
        info is not null && info.TryGetSymbol("kallsyms_names", out _) && info.TryGetSymbol("kallsyms_num_syms", out _)
        && info.TryGetSymbol("kallsyms_token_table", out _) && info.TryGetSymbol("kallsyms_token_index", out _);

    /// <summary>
    /// Locates (VMCOREINFO, else a search of the kernel image) and decodes the table. Returns null with
    /// <paramref name="problem"/> set when it cannot be found, memory cannot be read, or the data is not a
    /// kallsyms table that agrees with VMCOREINFO.
    /// </summary>
    public static Result? TryRead(IKernelMemory memory, VmcoreInfo? info, out string? problem)
    {
        if (info is null) { problem = "the dump has no VMCOREINFO"; return null; }
        var tables = IsAvailable(info) ? FromVmcoreInfo(memory, info, out problem) : Search(memory, info, out problem);
        return tables is null ? null : Decode(memory, info, tables, out problem);
    }

    /// <summary>
    /// The part of the kernel image the search covers: from _stext (else the default text address plus
    /// KERNELOFFSET) up to the lowest data symbol VMCOREINFO names above it (.rodata, which holds kallsyms,
    /// comes before .data on x86-64), else <see cref="DefaultSearchSize"/>.
    /// </summary>
    public static (ulong Low, ulong High) SearchRange(VmcoreInfo info)
    {
        ulong low = info.TryGetSymbol("_stext", out var stext) ? stext : DefaultText + info.KernelOffset;
        ulong imageEnd = StartKernelMap + (info.TryGetNumber("KERNEL_IMAGE_SIZE", out var size) && size > 0 ? (ulong)size : 1UL << 30);
        ulong high = low + DefaultSearchSize;
        foreach (var (name, value) in Symbols(info))
            if (value > low && value < imageEnd && !name.StartsWith("kallsyms_", StringComparison.Ordinal) && name is not "_text" and not "_etext")
                high = Math.Min(high, value);
        return (low, high);
    }

    private static KallsymsTables? Search(IKernelMemory memory, VmcoreInfo info, out string? problem)
    {
        var (low, high) = SearchRange(info);
        return KallsymsSearch.Find(memory, low, high, out problem);
    }

    private static KallsymsTables? FromVmcoreInfo(IKernelMemory memory, VmcoreInfo info, out string? problem)
    {
        info.TryGetSymbol("kallsyms_names", out var names);
        info.TryGetSymbol("kallsyms_num_syms", out var numSyms);
        info.TryGetSymbol("kallsyms_token_table", out var tokenTable);
        info.TryGetSymbol("kallsyms_token_index", out var tokenIndex);
        if (!info.TryGetSymbol("kallsyms_offsets", out var offsets))
        {
            problem = "VMCOREINFO names kallsyms_names but not kallsyms_offsets";
            return null;
        }
        if (!TryRead<uint>(memory, numSyms, "kallsyms_num_syms", out var count, out problem)) return null;
        ulong? relativeBase = info.TryGetSymbol("kallsyms_relative_base", out var rb) ? rb : null;
        var table = new KallsymsAddressTable(offsets, KallsymsAddressKind.Offsets, relativeBase, "kallsyms_offsets");
        return new KallsymsTables(names, count, tokenTable, tokenIndex, [table], "named by VMCOREINFO (SYMBOL(kallsyms_*))");
    }

    private static Result? Decode(IKernelMemory memory, VmcoreInfo info, KallsymsTables tables, out string? problem)
    {
        if (tables.Count == 0 || tables.Count > MaxSymbols)
        {
            problem = $"kallsyms_num_syms is {tables.Count}; expected 1..{MaxSymbols}";
            return null;
        }
        var tokens = ReadTokens(memory, tables.TokenTableAddress, tables.TokenIndexAddress, out problem);
        if (tokens is null) return null;
        var symbols = DecodeNames(memory, tables.NamesAddress, (int)tables.Count, tokens, out problem);
        if (symbols is null) return null;

        var anchors = KallsymsAnchors.From(info, symbols);
        if (anchors.Count == 0)
        {
            problem = "no symbol both in kallsyms and in VMCOREINFO (_stext, init_uts_ns, …) to check the addresses against";
            return null;
        }
        var rejected = new List<string>();
        foreach (var candidate in tables.AddressTables)
        {
            foreach (var encoding in EncodingsOf(candidate))
            {
                var check = anchors.Check(memory, index => EntryAddress(memory, candidate, encoding, index));
                if (!check.Confirmed) { rejected.Add($"{candidate.Where} at {candidate.Address:x} as {encoding}: {check.Summary}"); continue; }
                if (!SetAddresses(memory, symbols, candidate, encoding, out problem)) return null;
                problem = null;
                return new Result(SymbolTable.FromOwnedArray(SourceName, symbols), encoding,
                    $"{tables.HowFound}; addresses: {Describe(candidate, encoding)} at {candidate.Address:x}; {check.Summary}");
            }
        }
        problem = $"kallsyms names decoded ({symbols.Length} symbols) but no address table agrees with VMCOREINFO: {string.Join("; ", rejected.Take(6))}";
        return null;
    }

    private static string Describe(KallsymsAddressTable table, AddressEncoding encoding) => encoding switch
    {
        AddressEncoding.Relative => "32-bit offsets from kallsyms_relative_base",
        AddressEncoding.AbsolutePercpu => "32-bit offsets from kallsyms_relative_base, per-cpu symbols absolute (CONFIG_KALLSYMS_ABSOLUTE_PERCPU)",
        AddressEncoding.PlaceRelative => "32-bit place-relative offsets",
        _ => "64-bit absolute kallsyms_addresses",
    } + $" ({table.Where})";

    private static IEnumerable<AddressEncoding> EncodingsOf(KallsymsAddressTable table)
    {
        if (table.Kind == KallsymsAddressKind.Addresses) { yield return AddressEncoding.Absolute; yield break; }
        if (table.RelativeBaseAddress is not null)
        {
            yield return AddressEncoding.AbsolutePercpu;
            yield return AddressEncoding.Relative;
        }
        yield return AddressEncoding.PlaceRelative;
    }

    private static ulong? EntryAddress(IKernelMemory memory, KallsymsAddressTable table, AddressEncoding encoding, int index)
    {
        if (encoding == AddressEncoding.Absolute)
            return TryRead<ulong>(memory, table.Address + (ulong)index * 8, "kallsyms_addresses", out var absolute, out _) ? absolute : null;
        if (!TryRead<uint>(memory, table.Address + (ulong)index * 4, "kallsyms_offsets", out var raw, out _)) return null;
        ulong relativeBase = 0;
        if (table.RelativeBaseAddress is { } rb && !TryRead<ulong>(memory, rb, "kallsyms_relative_base", out relativeBase, out _)) return null;
        return Address((int)raw, relativeBase, table.Address + (ulong)index * 4, encoding);
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private static bool SetAddresses(IKernelMemory memory, KernelSymbol[] symbols, KallsymsAddressTable table, AddressEncoding encoding, out string? problem)
    {
        int width = encoding == AddressEncoding.Absolute ? 8 : 4;
        var raw = new byte[symbols.Length * width];
        var read = memory.ReadVirtual(table.Address, raw);
        if (read.Fault is { } fault)
        {
            problem = $"kallsyms {(width == 8 ? "addresses" : "offsets")} ({symbols.Length} entries at {table.Address:x}) unreadable: {fault.Message}";
            return false;
        }
        ulong relativeBase = 0;
        if (table.RelativeBaseAddress is { } rb && !TryRead<ulong>(memory, rb, "kallsyms_relative_base", out relativeBase, out problem)) return false;
        for (int i = 0; i < symbols.Length; i++)
        {
            ulong address = width == 8
                ? BinaryPrimitives.ReadUInt64LittleEndian(raw.AsSpan(i * 8))
                : Address(BinaryPrimitives.ReadInt32LittleEndian(raw.AsSpan(i * 4)), relativeBase, table.Address + (ulong)i * 4, encoding);
            symbols[i] = symbols[i] with { Address = address };
        }
        problem = null;
        return true;
    }

    /// <summary>The address of one 32-bit entry under an encoding (<paramref name="entryAddress"/>: where the entry itself lies).</summary>
    public static ulong Address(int offset, ulong relativeBase, ulong entryAddress, AddressEncoding encoding) => encoding switch
    {
        AddressEncoding.Relative => relativeBase + (uint)offset,
        AddressEncoding.AbsolutePercpu => offset >= 0 ? (ulong)offset : relativeBase - 1 - (ulong)(long)offset,
        _ => entryAddress + (ulong)(long)offset,
    };

    /// <summary>Every SYMBOL(name)=value of VMCOREINFO.</summary>
    public static IEnumerable<(string Name, ulong Value)> Symbols(VmcoreInfo info)
    {
        foreach (var key in info.Entries.Keys)
            if (key.StartsWith("SYMBOL(", StringComparison.Ordinal) && key.EndsWith(')') && info.TryGetSymbol(key[7..^1], out var value))
                yield return (key[7..^1], value);
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

    // A little-endian u32 or u64 of a kallsyms table, or why not ("kallsyms_offsets at … unreadable: …").
    private static bool TryRead<T>(IKernelMemory memory, ulong address, string what, out T value, out string? problem)
        where T : unmanaged, System.Numerics.IBinaryInteger<T>
    {
        Span<byte> b = stackalloc byte[System.Runtime.CompilerServices.Unsafe.SizeOf<T>()];
        var read = memory.ReadVirtual(address, b);
        value = read.Fault is null ? T.ReadLittleEndian(b, isUnsigned: true) : T.Zero;
        problem = read.Fault is { } f ? $"{what} at {address:x} unreadable: {f.Message}" : null;
        return problem is null;
    }
}
