using DumpScope.Host.Types.Dwarf;

namespace DumpScope.Fuzz;

/// <summary>
/// .debug_line programs (DwarfLineProgram.Read, DWARF 2–5) as bt -l, dis -l and mod -S read them. The input: a u32
/// length, that many bytes of .debug_line, the rest .debug_line_str (also offered as .debug_str). Every unit in the
/// section is read in turn (at most 16); each program's rows are then looked up and their files named. A malformed
/// program is an <see cref="InvalidDataException"/>, the documented outcome.
/// </summary>
public static class DebugLineHarness
{
    /// <summary>Units read from one input, at most.</summary>
    public const int MaxUnits = 16;

    internal static unsafe void Run(byte[] data)
    {
        if (data.Length < 4) return;
        int lineLength = (int)Math.Min(BinaryPrimitives.ReadUInt32LittleEndian(data), (uint)(data.Length - 4));
        var line = data.AsSpan(4, lineLength).ToArray();
        var strings = data.AsSpan(4 + lineLength).ToArray();
        fixed (byte* linePointer = line)
        fixed (byte* stringPointer = strings)
        {
            var lineSection = new DwarfSection("fuzz", ".debug_line", linePointer, line.Length, 0);
            var stringSection = new DwarfSection("fuzz", ".debug_line_str", stringPointer, strings.Length, 0);
            long offset = 0;
            for (int unit = 0; unit < MaxUnits && offset + 4 <= line.Length; unit++)
            {
                DwarfLineProgram program;
                try { program = DwarfLineProgram.Read(lineSection, stringSection, stringSection, offset, "/fuzz"); }
                catch (InvalidDataException) { return; }
                if (program.Rows.Length > DwarfLineProgram.MaxRows) throw new InvalidOperationException($"{program.Rows.Length} rows, more than the {DwarfLineProgram.MaxRows} allowed");
                foreach (var row in program.Rows.Take(512))
                {
                    _ = program.FilePath(row.File);
                    if (program.Find(row.Address) is { } found && found.Address > row.Address)
                        throw new InvalidOperationException($"Find({row.Address:x}) gave a row at {found.Address:x}, above the address");
                }
                long next = NextUnit(line, offset);
                if (next <= offset) return;
                offset = next;
            }
        }
    }

    // The offset after the unit at offset: its initial length (32-bit, or 0xffffffff and a 64-bit one) and the length.
    private static long NextUnit(byte[] line, long offset)
    {
        uint length = BinaryPrimitives.ReadUInt32LittleEndian(line.AsSpan((int)offset));
        if (length != 0xffff_ffff) return offset + 4 + length;
        if (offset + 12 > line.Length) return -1;
        ulong length64 = BinaryPrimitives.ReadUInt64LittleEndian(line.AsSpan((int)offset + 4));
        return length64 > (ulong)line.Length ? -1 : offset + 12 + (long)length64;
    }
}
