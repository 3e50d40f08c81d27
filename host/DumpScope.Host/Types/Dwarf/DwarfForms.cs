using System.Runtime.CompilerServices;

namespace DumpScope.Host.Types.Dwarf;

/// <summary>Sizes, skipping and decoding of attribute forms.</summary>
internal static class DwarfForms
{
    /// <summary>Deepest chain of DW_FORM_indirect accepted (one is all a producer needs).</summary>
    private const int MaxIndirection = 4;

    /// <summary>True for every form DWARF 2–5 and the GNU extensions define.</summary>
    public static bool IsKnown(DwarfForm form) =>
        form is >= DwarfForm.Addr and <= DwarfForm.Addrx4 and not (DwarfForm)0x02
        || form is DwarfForm.GnuAddrIndex or DwarfForm.GnuStrIndex or DwarfForm.GnuRefAlt or DwarfForm.GnuStrpAlt;

    /// <summary>The size of a form's value when it is fixed for the unit, else -1.</summary>
    public static int FixedSize(DwarfForm form, int addressSize, int offsetSize, int version) => form switch
    {
        DwarfForm.Addr => addressSize,
        DwarfForm.Data1 or DwarfForm.Ref1 or DwarfForm.Flag or DwarfForm.Strx1 or DwarfForm.Addrx1 => 1,
        DwarfForm.Data2 or DwarfForm.Ref2 or DwarfForm.Strx2 or DwarfForm.Addrx2 => 2,
        DwarfForm.Strx3 or DwarfForm.Addrx3 => 3,
        DwarfForm.Data4 or DwarfForm.Ref4 or DwarfForm.RefSup4 or DwarfForm.Strx4 or DwarfForm.Addrx4 => 4,
        DwarfForm.Data8 or DwarfForm.Ref8 or DwarfForm.RefSig8 or DwarfForm.RefSup8 => 8,
        DwarfForm.Data16 => 16,
        DwarfForm.Strp or DwarfForm.LineStrp or DwarfForm.SecOffset or DwarfForm.StrpSup or DwarfForm.GnuRefAlt or DwarfForm.GnuStrpAlt => offsetSize,
        // DWARF 2 wrote ref_addr with the size of an address.
        DwarfForm.RefAddr => version <= 2 ? addressSize : offsetSize,
        DwarfForm.FlagPresent or DwarfForm.ImplicitConst => 0,
        _ => -1,
    };

    /// <summary>Steps over one value of <paramref name="form"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Skip(ref DwarfCursor cursor, DwarfForm form, DwarfUnit unit)
    {
        int size = FixedSize(form, unit.AddressSize, unit.OffsetSize, unit.Version);
        if (size >= 0)
        {
            cursor.Skip((ulong)size);
            return;
        }
        SkipVariable(ref cursor, form, unit, 0);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void SkipVariable(ref DwarfCursor cursor, DwarfForm form, DwarfUnit unit, int depth)
    {
        switch (form)
        {
            case DwarfForm.String: cursor.SkipCString(); break;
            case DwarfForm.Block1: cursor.Skip(cursor.U8()); break;
            case DwarfForm.Block2: cursor.Skip(cursor.U16()); break;
            case DwarfForm.Block4: cursor.Skip(cursor.U32()); break;
            case DwarfForm.Block or DwarfForm.Exprloc: cursor.Skip(cursor.Uleb()); break;
            case DwarfForm.Sdata: cursor.Sleb(); break;
            case DwarfForm.Udata or DwarfForm.RefUdata or DwarfForm.Strx or DwarfForm.Addrx or DwarfForm.Loclistx or DwarfForm.Rnglistx
                or DwarfForm.GnuAddrIndex or DwarfForm.GnuStrIndex:
                cursor.Uleb();
                break;
            case DwarfForm.Indirect:
                {
                    int at = cursor.Position;
                    var actual = IndirectForm(ref cursor, at, depth);
                    int size = FixedSize(actual, unit.AddressSize, unit.OffsetSize, unit.Version);
                    if (size >= 0) cursor.Skip((ulong)size);
                    else SkipVariable(ref cursor, actual, unit, depth + 1);
                    break;
                }
            default:
                throw cursor.Section.Error(cursor.Position, $"form 0x{(int)form:x} is not a DWARF form");
        }
    }

    /// <summary>Reads one value; references come back as absolute .debug_info offsets.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static DwarfAttributeValue Read(ref DwarfCursor cursor, DwarfAttributeSpec spec, DwarfUnit unit)
    {
        var form = spec.Form;
        int depth = 0;
        while (form == DwarfForm.Indirect)
            form = IndirectForm(ref cursor, cursor.Position, depth++);
        ulong value = 0;
        int dataOffset = 0, dataLength = 0;
        switch (form)
        {
            case DwarfForm.Addr: value = cursor.Sized(unit.AddressSize); break;
            case DwarfForm.Data1 or DwarfForm.Flag or DwarfForm.Strx1 or DwarfForm.Addrx1: value = cursor.U8(); break;
            case DwarfForm.Data2 or DwarfForm.Strx2 or DwarfForm.Addrx2: value = cursor.U16(); break;
            case DwarfForm.Strx3 or DwarfForm.Addrx3: value = cursor.U24(); break;
            case DwarfForm.Data4 or DwarfForm.Strx4 or DwarfForm.Addrx4 or DwarfForm.RefSup4: value = cursor.U32(); break;
            case DwarfForm.Data8 or DwarfForm.RefSig8 or DwarfForm.RefSup8: value = cursor.U64(); break;
            case DwarfForm.Ref1: value = (ulong)unit.Offset + cursor.U8(); break;
            case DwarfForm.Ref2: value = (ulong)unit.Offset + cursor.U16(); break;
            case DwarfForm.Ref4: value = (ulong)unit.Offset + cursor.U32(); break;
            case DwarfForm.Ref8: value = (ulong)unit.Offset + cursor.U64(); break;
            case DwarfForm.RefUdata: value = (ulong)unit.Offset + cursor.Uleb(); break;
            case DwarfForm.RefAddr: value = cursor.Sized(unit.Version <= 2 ? unit.AddressSize : unit.OffsetSize); break;
            case DwarfForm.Strp or DwarfForm.LineStrp or DwarfForm.SecOffset or DwarfForm.StrpSup or DwarfForm.GnuRefAlt or DwarfForm.GnuStrpAlt:
                value = cursor.Sized(unit.OffsetSize);
                break;
            case DwarfForm.Sdata: value = (ulong)cursor.Sleb(); break;
            case DwarfForm.Udata or DwarfForm.Strx or DwarfForm.Addrx or DwarfForm.Loclistx or DwarfForm.Rnglistx
                or DwarfForm.GnuAddrIndex or DwarfForm.GnuStrIndex:
                value = cursor.Uleb();
                break;
            case DwarfForm.FlagPresent: value = 1; break;
            case DwarfForm.ImplicitConst: value = (ulong)spec.ImplicitConst; break;
            case DwarfForm.Data16:
                dataOffset = cursor.Position;
                dataLength = 16;
                cursor.Skip(16);
                break;
            case DwarfForm.String:
                dataOffset = cursor.Position;
                dataLength = cursor.SkipCString();
                break;
            case DwarfForm.Block1 or DwarfForm.Block2 or DwarfForm.Block4 or DwarfForm.Block or DwarfForm.Exprloc:
                {
                    ulong length = form switch
                    {
                        DwarfForm.Block1 => cursor.U8(),
                        DwarfForm.Block2 => cursor.U16(),
                        DwarfForm.Block4 => cursor.U32(),
                        _ => cursor.Uleb(),
                    };
                    dataOffset = cursor.Position;
                    cursor.Skip(length);
                    dataLength = (int)length;
                    break;
                }
            default:
                throw cursor.Section.Error(cursor.Position, $"form 0x{(int)form:x} is not a DWARF form");
        }
        return new DwarfAttributeValue(spec.Name, form, value, dataOffset, dataLength);
    }

    private static DwarfForm IndirectForm(ref DwarfCursor cursor, int at, int depth)
    {
        ulong code = cursor.Uleb();
        if (code > 0xffff || !IsKnown((DwarfForm)code))
            throw cursor.Section.Error(at, $"DW_FORM_indirect names form 0x{code:x}, which is not a DWARF form");
        if (depth >= MaxIndirection)
            throw cursor.Section.Error(at, $"more than {MaxIndirection} nested DW_FORM_indirect");
        return (DwarfForm)code;
    }
}
