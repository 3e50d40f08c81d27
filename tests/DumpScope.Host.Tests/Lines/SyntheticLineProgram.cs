using DumpScope.Host.Tests.Dwarf;
using DumpScope.Host.Types.Dwarf;

namespace DumpScope.Host.Tests.Lines;

/// <summary>
/// A one-unit ELF file with a hand-written line program in the DWARF 4 or DWARF 5 header format, exercising
/// every standard opcode the kernel's compilers emit. Rows (from <see cref="Base"/>): +0 a.c:10, +4 a.c:11,
/// +12 include/b.h:11, +32 include/b.h:10, end at +36; a second sequence at address 0 (code the linker
/// discarded) must be ignored. The DWARF 5 flavour has .debug_aranges; the DWARF 4 one has none.
/// </summary>
internal static class SyntheticLineProgram
{
    public const ulong Base = 0xffffffff81000000;

    public static byte[] Elf(int version, Func<byte[], byte[]>? editLine = null)
    {
        var b = new DwarfBuilder(version);
        int cu = b.Abbrev(DwarfTag.CompileUnit, false, (DwarfAttribute.Name, DwarfForm.String), (DwarfAttribute.StmtList, DwarfForm.SecOffset),
            (DwarfAttribute.CompDir, DwarfForm.String));
        b.BeginUnit();
        b.Die(cu).CString("a.c").U32(0).CString("/src");
        b.EndUnit();
        var lineStr = "/src\0include\0"u8.ToArray();
        var line = Program(version);
        b.ExtraSections[".debug_line"] = editLine is null ? line : editLine(line);
        if (version >= 5)
        {
            b.ExtraSections[".debug_line_str"] = lineStr;
            b.ExtraSections[".debug_aranges"] = Aranges();
        }
        return b.Elf();
    }

    private static byte[] Program(int version)
    {
        var header = new List<byte>();
        header.AddRange([1, 1, 1, unchecked((byte)-5), 14, 13]); // min_inst, max_ops, default_is_stmt, line_base, line_range, opcode_base
        if (version < 4) header.RemoveAt(1);
        header.AddRange([0, 1, 1, 1, 1, 0, 0, 0, 1, 0, 0, 1]);
        if (version >= 5)
        {
            header.AddRange([1, 1, 0x1f]); // directories: DW_LNCT_path as line_strp
            header.Add(2);
            header.AddRange(U32(0));
            header.AddRange(U32(5));
            header.AddRange([3, 1, 0x08, 2, 0x0f, 5, 0x1e]); // files: path string, directory udata, MD5 data16
            header.Add(3);
            foreach (var (name, dir) in new[] { ("a.c", 0), ("a.c", 0), ("b.h", 1) })
            {
                header.AddRange(Encoding.ASCII.GetBytes(name + "\0"));
                header.Add((byte)dir);
                header.AddRange(new byte[16]);
            }
        }
        else
        {
            header.AddRange("include\0\0"u8.ToArray());
            header.AddRange("a.c\0\0\0\0b.h\0\x01\0\0\0"u8.ToArray());
        }
        var program = new List<byte>();
        program.AddRange(SetAddress(Base));
        program.AddRange([3, 9, 1]);            // advance_line 9 (line 10), copy: +0 a.c:10
        program.Add(13 + 4 * 14 + (1 + 5));     // special: address +4, line +1: +4 a.c:11
        program.AddRange([4, 2, 2, 8, 1]);      // set_file 2, advance_pc 8, copy: +12 b.h:11
        program.AddRange([8, 9, 3, 0]);         // const_add_pc (+17), fixed_advance_pc 3: +32
        program.AddRange([3, 0x7f, 5, 7, 1]);   // advance_line -1, set_column 7, copy: +32 b.h:10
        program.AddRange([2, 4, 0, 1, 1]);      // advance_pc 4, end_sequence: +36
        program.AddRange(SetAddress(0));
        program.AddRange([1, 2, 2, 0, 1, 1]);   // a discarded function's sequence at 0
        var unit = new List<byte>();
        unit.AddRange(U16((ushort)version));
        if (version >= 5) unit.AddRange([8, 0]);
        unit.AddRange(U32((uint)header.Count));
        unit.AddRange(header);
        unit.AddRange(program);
        return [.. U32((uint)unit.Count), .. unit];
    }

    private static byte[] SetAddress(ulong address) => [0, 9, 2, .. BitConverter.GetBytes(address)];

    private static byte[] Aranges()
    {
        var set = new List<byte>();
        set.AddRange(U16(2));
        set.AddRange(U32(0));
        set.AddRange([8, 0, 0, 0, 0, 0]);
        set.AddRange(BitConverter.GetBytes(Base));
        set.AddRange(BitConverter.GetBytes(36UL));
        set.AddRange(new byte[16]);
        return [.. U32((uint)set.Count), .. set];
    }

    private static byte[] U16(ushort v) => BitConverter.GetBytes(v);

    private static byte[] U32(uint v) => BitConverter.GetBytes(v);
}
