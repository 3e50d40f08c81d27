using DumpScope.Sdk.Linux.Modules;

namespace DumpScope.Fuzz;

/// <summary>
/// A module's in-memory kallsyms (struct mod_kallsyms). The input is the memory image mapped at
/// <see cref="Base"/>; its first <see cref="HeaderSize"/> bytes locate the tables: u32 symbol count, u32
/// offsets of the Elf64_Sym array, the string table and the type table (0: none, types from st_info).
/// Drives <see cref="ModuleKallsymsReader.Read"/> and the module symbol table's look-ups.
/// </summary>
public static class ModuleKallsymsHarness
{
    /// <summary>Where the image is mapped (a module address).</summary>
    public const ulong Base = 0xffffffff_c000_0000UL;

    /// <summary>Bytes of table locations before the tables.</summary>
    public const int HeaderSize = 16;

    internal static void Run(byte[] data)
    {
        if (data.Length < HeaderSize) return;
        uint count = BinaryPrimitives.ReadUInt32LittleEndian(data);
        uint symtab = BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan(4));
        uint strtab = BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan(8));
        uint typetab = BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan(12));
        var memory = new SyntheticMemory();
        memory.MapImage(Base, data);
        var region = new ModuleRegion(Base, (ulong)data.Length);
        var module = new KernelModule
        {
            Address = Base,
            Name = "fuzz",
            State = "MODULE_STATE_LIVE",
            Base = Base,
            Size = (ulong)data.Length,
            Text = [region],
            Regions = [region],
            Kallsyms = new ModuleKallsyms(Base + symtab, count, Base + strtab, typetab == 0 ? 0 : Base + typetab),
        };
        FuzzHarness.Tolerating(() =>
        {
            var problems = new List<string>();
            IReadOnlyList<ModuleSymbol> symbols;
            try
            {
                symbols = ModuleKallsymsReader.Read(memory, module, problems);
            }
            catch (MemoryFaultException)
            {
                return; // the symbol array runs off the image: reported as the fault
            }
            var table = new ModuleSymbolTable([module], symbols, problems);
            foreach (var symbol in table.All.Take(64))
            {
                table.TryGetAddress(symbol.Name, out _);
                _ = table.Lookup(symbol.Address);
                _ = table.Lookup(symbol.Address + 1);
            }
            _ = table.Lookup(Base);
            _ = table.Lookup(ulong.MaxValue);
        });
    }
}
