namespace DumpScope.Host.Types.Dwarf;

/// <summary>
/// A decoded attribute value. <see cref="Value"/> holds constants (sdata sign-extended, implicit_const),
/// flags, addresses, string and section offsets, indexes (strx, addrx, loclistx), references as absolute
/// .debug_info offsets, and ref_sig8 signatures. Inline strings, blocks, exprlocs and data16 are the
/// <see cref="DataLength"/> bytes at <see cref="DataOffset"/> of .debug_info.
/// </summary>
internal readonly record struct DwarfAttributeValue(DwarfAttribute Name, DwarfForm Form, ulong Value, int DataOffset, int DataLength)
{
    /// <summary>True for forms that refer to another DIE in this file (not ref_sig8 or a supplementary file).</summary>
    public bool IsLocalReference => Form is DwarfForm.Ref1 or DwarfForm.Ref2 or DwarfForm.Ref4 or DwarfForm.Ref8 or DwarfForm.RefUdata or DwarfForm.RefAddr;

    /// <summary>True for the constant classes (data1–8, sdata, udata, implicit_const).</summary>
    public bool IsConstant => Form is DwarfForm.Data1 or DwarfForm.Data2 or DwarfForm.Data4 or DwarfForm.Data8 or DwarfForm.Sdata
        or DwarfForm.Udata or DwarfForm.ImplicitConst;

    /// <summary>True when the constant is signed by its form (sdata, implicit_const).</summary>
    public bool IsSignedConstant => Form is DwarfForm.Sdata or DwarfForm.ImplicitConst;

    /// <summary>True for exprloc and the block forms.</summary>
    public bool IsBlock => Form is DwarfForm.Exprloc or DwarfForm.Block or DwarfForm.Block1 or DwarfForm.Block2 or DwarfForm.Block4;
}
