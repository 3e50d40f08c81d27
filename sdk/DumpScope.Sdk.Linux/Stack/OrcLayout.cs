namespace DumpScope.Sdk.Linux.Stack;

/// <summary>
/// The bit layouts struct orc_entry has had (little-endian bit fields in the 16-bit word after the two
/// offsets). Bits 0–3 sp_reg and 4–7 bp_reg never moved; what follows did.
/// </summary>
public enum OrcLayout
{
    /// <summary>Bits 8–9 type (CALL 0, REGS 1, REGS_PARTIAL 2), bit 10 <c>end</c>: from ORC's start until commit ffb1b4a41016.</summary>
    TypeEnd,
    /// <summary>
    /// As <see cref="TypeEnd"/> plus bit 11 <c>signal</c>: commit ffb1b4a41016 ("x86/unwind/orc: Add 'signal'
    /// field to ORC metadata").
    /// </summary>
    TypeEndSignal,
    /// <summary>
    /// Bits 8–10 type (UNDEFINED 0, END_OF_STACK 1, CALL 2, REGS 3, REGS_PARTIAL 4), bit 11 <c>signal</c>,
    /// no <c>end</c>: commit fb799447ae29 ("x86,objtool: Split UNWIND_HINT_EMPTY in two").
    /// </summary>
    TypeSignal,
    /// <summary>
    /// The bits of <see cref="TypeSignal"/> with other ORC_REG_* numbers, as Debian's 7.3.4 kernel (fixture k73) has
    /// them: SP 3, PREV_SP 8, BP_INDIRECT 10; UNDEFINED 0, DX 2, BP 4, R10 6, R13 7 and SP_INDIRECT 9 as before; 1 and
    /// 5 unused. Read off the data: the register pairs of 7.3's entries, counted, match 6.12's one for one under
    /// exactly this mapping (SP/UNDEFINED, SP/PREV_SP, BP/PREV_SP, BP_INDIRECT/BP, R10, R13, SP_INDIRECT, DX). The
    /// kernel commit that renumbered them was not located; DI and AX are not identified and do not decode.
    /// </summary>
    TypeSignalRenumbered,
}

/// <summary>Decodes struct orc_entry bytes in a given layout.</summary>
public static class OrcDecoder
{
    /// <summary>
    /// Decodes one 6-byte entry. Returns false when the bits are impossible in the layout (reserved bits set,
    /// a type number the layout does not have, a register number above ORC_REG_SP_INDIRECT).
    /// </summary>
    public static bool TryDecode(ReadOnlySpan<byte> bytes, OrcLayout layout, out OrcEntry entry)
    {
        entry = default;
        if (bytes.Length < OrcEntry.Size) return false;
        short sp = (short)(bytes[0] | bytes[1] << 8);
        short bp = (short)(bytes[2] | bytes[3] << 8);
        int word = bytes[4] | bytes[5] << 8;
        return TryDecode(sp, bp, word, layout, out entry);
    }

    /// <summary>Decodes from the two offsets and the bit-field word.</summary>
    public static bool TryDecode(short spOffset, short bpOffset, int word, OrcLayout layout, out OrcEntry entry)
    {
        entry = default;
        int spReg = word & 0xf, bpReg = (word >> 4) & 0xf;
        if (layout == OrcLayout.TypeSignalRenumbered)
        {
            if (Renumbered(spReg) is not { } sr || Renumbered(bpReg) is not { } br) return false;
            (spReg, bpReg) = ((int)sr, (int)br);
        }
        if (spReg > (int)OrcRegister.SpIndirect || bpReg > (int)OrcRegister.SpIndirect) return false;
        OrcFrameType type;
        bool signal;
        switch (layout)
        {
            case OrcLayout.TypeEnd:
            case OrcLayout.TypeEndSignal:
            {
                int reserved = layout == OrcLayout.TypeEnd ? word >> 11 : word >> 12;
                int raw = (word >> 8) & 3;
                if (reserved != 0 || raw == 3) return false;
                bool end = (word & 0x400) != 0;
                signal = layout == OrcLayout.TypeEndSignal && (word & 0x800) != 0;
                // The old layout had no "undefined" type: an undefined SP ends the stack when `end` is set and
                // is an unwind error otherwise, exactly as unwind_next_frame treated it then.
                type = spReg == (int)OrcRegister.Undefined
                    ? (end ? OrcFrameType.EndOfStack : OrcFrameType.Undefined)
                    : raw switch { 0 => OrcFrameType.Call, 1 => OrcFrameType.Regs, _ => OrcFrameType.RegsPartial };
                break;
            }
            case OrcLayout.TypeSignal:
            case OrcLayout.TypeSignalRenumbered:
            {
                if (word >> 12 != 0) return false;
                int raw = (word >> 8) & 7;
                if (raw > 4) return false;
                signal = (word & 0x800) != 0;
                type = raw switch
                {
                    0 => OrcFrameType.Undefined,
                    1 => OrcFrameType.EndOfStack,
                    2 => OrcFrameType.Call,
                    3 => OrcFrameType.Regs,
                    _ => OrcFrameType.RegsPartial,
                };
                break;
            }
            default:
                return false;
        }
        entry = new OrcEntry(spOffset, bpOffset, (OrcRegister)spReg, (OrcRegister)bpReg, type, signal);
        return true;
    }

    /// <summary>A register number of <see cref="OrcLayout.TypeSignalRenumbered"/> as the original ORC_REG_* one, or null.</summary>
    private static OrcRegister? Renumbered(int raw) => raw switch
    {
        0 => OrcRegister.Undefined,
        2 => OrcRegister.Dx,
        3 => OrcRegister.Sp,
        4 => OrcRegister.Bp,
        6 => OrcRegister.R10,
        7 => OrcRegister.R13,
        8 => OrcRegister.PrevSp,
        9 => OrcRegister.SpIndirect,
        10 => OrcRegister.BpIndirect,
        _ => null,
    };
}
