namespace DumpScope.Sdk.Linux.Stack;

/// <summary>The outcome of probing a table's layout: the layout, or null with why not, and the evidence.</summary>
/// <param name="Layout">The layout the entries decode in, or null when none fits.</param>
/// <param name="Evidence">What the decision rests on, for messages and notes.</param>
public sealed record OrcLayoutProbeResult(OrcLayout? Layout, string Evidence);

/// <summary>
/// Finds the bit layout of struct orc_entry from the entries themselves, never from the kernel version (the
/// layout changed twice: commits ffb1b4a41016 and fb799447ae29, and distributions backport).
/// </summary>
/// <remarks>
/// Ordinary function bodies are the overwhelming majority of entries and are all CALL frames whose SP base is
/// SP or BP. Their type bits (8–10) read 0 in the old layouts (CALL 0) and 2 in the new one (CALL 2), so the
/// more common of the two values among those entries decides old against new. Among the old layouts, bit 11
/// (<c>signal</c>) can only be set when the kernel has the field. The choice is then checked by decoding every
/// sampled entry: more than 1% impossible entries (reserved bits, unknown types or registers) means the table
/// is not ORC data of any known layout.
/// </remarks>
public static class OrcLayoutProbe
{
    /// <summary>Probes a sample of raw 6-byte entries (any number, ideally a few thousand spread over the table).</summary>
    public static OrcLayoutProbeResult Probe(ReadOnlySpan<byte> entries)
    {
        int count = entries.Length / OrcEntry.Size;
        if (count == 0) return new(null, "no ORC entries to probe");
        int callOld = 0, callNew = 0, bit11 = 0, high = 0, callSp5 = 0, callSp3 = 0;
        for (int i = 0; i < count; i++)
        {
            var e = entries.Slice(i * OrcEntry.Size, OrcEntry.Size);
            int word = e[4] | e[5] << 8;
            int spReg = word & 0xf;
            if (word >> 12 != 0) high++;
            if ((word & 0x800) != 0) bit11++;
            // BP (4) has kept its number; SP is 5, or 3 in the renumbered set: all are SP/BP-based frames here
            if (spReg is (int)OrcRegister.Sp or (int)OrcRegister.Bp or 3)
            {
                int type = (word >> 8) & 7;
                if (type == 0 && spReg != 3) callOld++;
                else if (type == 2)
                {
                    callNew++;
                    if (spReg == 5) callSp5++;
                    else if (spReg == 3) callSp3++;
                }
            }
        }
        if (callOld == 0 && callNew == 0)
            return new(null, $"none of {count} sampled entries is an SP- or BP-based frame: not ORC data");
        // In the newest layout, ordinary function bodies (SP-based CALL frames, most of all entries) say which
        // register numbering the table uses: SP as 5 (original) or 3 (renumbered, see OrcLayout.TypeSignalRenumbered).
        OrcLayout layout = callNew > callOld ? (callSp3 > callSp5 ? OrcLayout.TypeSignalRenumbered : OrcLayout.TypeSignal)
            : bit11 > 0 ? OrcLayout.TypeEndSignal : OrcLayout.TypeEnd;
        int invalid = 0;
        for (int i = 0; i < count; i++)
            if (!OrcDecoder.TryDecode(entries.Slice(i * OrcEntry.Size, OrcEntry.Size), layout, out _)) invalid++;
        string evidence = $"{count} sampled entries: SP/BP frames with type bits 0: {callOld}, 2: {callNew} (SP as 5: {callSp5}, as 3: {callSp3}); bit 11 set: {bit11}; "
            + $"bits 12-15 set: {high}; {invalid} do not decode as {layout}";
        if (invalid * 100 > count) return new(null, evidence);
        return new(layout, evidence);
    }
}
