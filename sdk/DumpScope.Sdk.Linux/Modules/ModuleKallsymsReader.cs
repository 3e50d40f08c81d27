namespace DumpScope.Sdk.Linux.Modules;

/// <summary>A module symbol from its in-memory kallsyms: the kernel symbol plus its ELF size.</summary>
/// <param name="Symbol">Name, address, type letter and module.</param>
/// <param name="Size">st_size (0 when the symbol has none).</param>
public readonly record struct ModuleSymbol(KernelSymbol Symbol, ulong Size);

/// <summary>
/// Reads a module's symbols from <c>mod->kallsyms</c>: an array of Elf64_Sym (st_name u32, st_info u8,
/// st_other u8, st_shndx u16, st_value u64, st_size u64), the string table they index, and the type letters —
/// in <c>typetab</c> since commit 1c7651f43777 ("kallsyms: store type information in its own array"), in
/// st_info before it.
/// </summary>
public static class ModuleKallsymsReader
{
    /// <summary>Size of an Elf64_Sym.</summary>
    public const int ElfSymbolSize = 24;

    /// <summary>More symbols than any module has; a larger count is garbage and is refused.</summary>
    public const uint MaxSymbols = 1u << 18;

    /// <summary>Longest symbol name read.</summary>
    public const int MaxNameLength = 512;

    /// <summary>Reads every named, defined symbol of the module. Unreadable names are skipped and counted in <paramref name="problems"/>.</summary>
    /// <exception cref="InvalidDataException">The symbol count is impossible.</exception>
    /// <exception cref="MemoryFaultException">The symbol array is unreadable.</exception>
    public static IReadOnlyList<ModuleSymbol> Read(IKernelMemory memory, KernelModule module, List<string> problems)
    {
        if (module.Kallsyms is not { } k) return [];
        if (k.Count > MaxSymbols)
            throw new InvalidDataException($"module {module.Name}: kallsyms at {k.SymbolTable:x} claims {k.Count} symbols (at most {MaxSymbols} expected)");
        var symtab = memory.ReadBytes(k.SymbolTable, checked((int)k.Count * ElfSymbolSize), $"{module.Name} symtab");
        byte[]? types = null;
        if (k.TypeTable != 0)
        {
            types = new byte[k.Count];
            var read = memory.ReadVirtual(k.TypeTable, types);
            if (!read.IsComplete)
            {
                problems.Add($"module {module.Name}: typetab unreadable ({read.Fault}); types from st_info");
                types = null;
            }
        }
        int unreadable = 0;
        string? firstFault = null;
        var symbols = Parse(symtab, types, module.Name, offset =>
        {
            try
            {
                return memory.ReadCString(k.StringTable + offset, MaxNameLength);
            }
            catch (Exception e) when (KernelDataErrors.IsDataProblem(e))
            {
                unreadable++;
                firstFault ??= KernelDataErrors.Reason(e);
                return null;
            }
        });
        if (unreadable > 0) problems.Add($"module {module.Name}: {unreadable} symbol names unreadable (first: {firstFault})");
        return symbols;
    }

    /// <summary>
    /// Parses Elf64_Sym records. <paramref name="name"/> maps an st_name offset to the string (null when
    /// unreadable); <paramref name="types"/> holds one letter per symbol, or null to take the letter from st_info.
    /// Skips the null symbol, unnamed symbols, undefined ones (section 0) and zero addresses.
    /// </summary>
    public static IReadOnlyList<ModuleSymbol> Parse(ReadOnlySpan<byte> symtab, ReadOnlySpan<byte> types, string module, Func<uint, string?> name)
    {
        int count = symtab.Length / ElfSymbolSize;
        var symbols = new List<ModuleSymbol>(count);
        for (int i = 1; i < count; i++)
        {
            var s = symtab.Slice(i * ElfSymbolSize, ElfSymbolSize);
            uint nameOffset = BinaryPrimitives.ReadUInt32LittleEndian(s);
            byte info = s[4];
            ushort section = BinaryPrimitives.ReadUInt16LittleEndian(s[6..]);
            ulong value = BinaryPrimitives.ReadUInt64LittleEndian(s[8..]);
            ulong size = BinaryPrimitives.ReadUInt64LittleEndian(s[16..]);
            if (nameOffset == 0 || section == 0 || value == 0) continue;
            char type = i < types.Length ? (char)types[i] : TypeFromInfo(info);
            if (type is 'U' or 'u' || !char.IsAsciiLetter(type) && type != '?') type = TypeFromInfo(info);
            var text = name(nameOffset);
            if (string.IsNullOrEmpty(text)) continue;
            symbols.Add(new ModuleSymbol(new KernelSymbol(text, value, type) { Module = module }, size));
        }
        return symbols;
    }

    // Before typetab the kernel stored the letter itself in st_info; otherwise derive it from the ELF binding and type.
    private static char TypeFromInfo(byte info)
    {
        if (char.IsAsciiLetter((char)info)) return (char)info;
        int bind = info >> 4, type = info & 0xf;
        char letter = type switch { 2 => 't', 1 => 'd', _ => '?' };
        return bind == 1 && letter != '?' ? char.ToUpperInvariant(letter) : letter;
    }
}
