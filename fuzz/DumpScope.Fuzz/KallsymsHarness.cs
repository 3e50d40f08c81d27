using DumpScope.Host.Symbols;

namespace DumpScope.Fuzz;

/// <summary>
/// kallsyms tables in kernel memory. The input is the memory image itself, mapped at <see cref="Base"/>; its
/// first <see cref="HeaderSize"/> bytes say where the tables are (so mutations move them too):
/// u32 offsets from the base of kallsyms_names, _num_syms, _token_table, _token_index, _offsets,
/// _relative_base, then the u64 address VMCOREINFO gives for _stext.
/// </summary>
public static class KallsymsHarness
{
    /// <summary>Where the image is mapped.</summary>
    public const ulong Base = 0xffffffff_8100_0000UL;

    /// <summary>Bytes of table locations before the tables.</summary>
    public const int HeaderSize = 32;

    private static readonly string[] TableNames =
        ["kallsyms_names", "kallsyms_num_syms", "kallsyms_token_table", "kallsyms_token_index", "kallsyms_offsets", "kallsyms_relative_base"];

    internal static void Run(byte[] data)
    {
        if (data.Length < HeaderSize) return;
        var info = VmcoreInfo.Parse(VmcoreInfoFor(data));
        var memory = new SyntheticMemory();
        memory.MapImage(Base, data);
        Exercise(KallsymsReader.TryRead(memory, info, out var problem)?.Table, problem);
    }

    /// <summary>A refusal must say why; a table must answer look-ups of its own symbols and of extremes.</summary>
    internal static void Exercise(SymbolTable? table, string? problem)
    {
        if (table is null)
        {
            if (string.IsNullOrEmpty(problem)) throw new InvalidOperationException("kallsyms refused the table without saying why");
            return;
        }
        foreach (var symbol in table.All.Take(64))
        {
            table.TryGetAddress(symbol.Name, out _);
            _ = table.Lookup(symbol.Address);
            _ = table.Lookup(symbol.Address + 1);
        }
        _ = table.Lookup(0);
        _ = table.Lookup(ulong.MaxValue);
    }

    /// <summary>The VMCOREINFO lines that locate the tables the header of <paramref name="image"/> describes.</summary>
    public static string VmcoreInfoFor(ReadOnlySpan<byte> image)
    {
        var text = new System.Text.StringBuilder("OSRELEASE=fuzz\n");
        for (int i = 0; i < TableNames.Length; i++)
            text.Append(CultureInfo.InvariantCulture, $"SYMBOL({TableNames[i]})={Base + BinaryPrimitives.ReadUInt32LittleEndian(image[(i * 4)..]):x}\n");
        text.Append(CultureInfo.InvariantCulture, $"SYMBOL(_stext)={BinaryPrimitives.ReadUInt64LittleEndian(image[24..]):x}\n");
        return text.ToString();
    }
}
