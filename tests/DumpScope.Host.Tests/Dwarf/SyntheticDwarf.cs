using DumpScope.Host.Types.Dwarf;
using Attr = DumpScope.Host.Types.Dwarf.DwarfAttribute;
using Form = DumpScope.Host.Types.Dwarf.DwarfForm;
using Tag = DumpScope.Host.Types.Dwarf.DwarfTag;

namespace DumpScope.Host.Tests.Dwarf;

/// <summary>
/// A small kernel-like DWARF file written field by field, in a DWARF 4 and a DWARF 5 flavour. The DWARF 5
/// one uses the newer forms (strx1 through .debug_str_offsets, DW_OP_addrx through .debug_addr, line_strp,
/// a type unit reached by ref_sig8); both use implicit_const, data16, indirect, ref_addr, exprloc member
/// locations, bitfields in both encodings, multi-dimensional and flexible arrays, a declaration resolved in
/// another unit, and a subprogram without DW_AT_sibling whose local variable must not be taken for a global.
/// </summary>
/// <remarks>
/// Layouts (little-endian, LP64):
/// struct sample (48): int a @0; unsigned int flags:3 @bit 32; unsigned int mode:5 @bit 35;
///   union { int i; char c; } @8; struct list_head list @16; char name[2][3] @32;
///   const struct list_head *cptr @40; u32 tail[] @48.
/// struct extras (32): int r @0 (ref_addr); int ind @4 (indirect); struct from_tu sig @8 (v5 only);
///   handler_t handler @16; struct mm *mm @24.
/// struct legacy (4): unsigned int x:4 @bit 0; unsigned int y:6 @bit 4 (DW_AT_bit_offset 28 and 22).
/// enum color : int { RED = -1, GREEN = 0, BLUE = 200 }; enum big : unsigned int { ALL = 0xffffffff }.
/// </remarks>
internal static class SyntheticDwarf
{
    public const ulong CounterAddress = 0xffffffff81000010, StaticAddress = 0xffffffff81000020, MmVarAddress = 0xffffffff81000030,
        SpecVarAddress = 0xffffffff82000000, PerCpuAddress = 0x1a0;

    public const ulong TypeSignature = 0x1122334455667788;

    private const Attr DeclFile = (Attr)0x3a, LowPc = (Attr)0x11, HighPc = (Attr)0x12, Prototyped = (Attr)0x27, CompDir = (Attr)0x1b, Vendor = (Attr)0x2ff0;

    /// <summary>The builder with everything written, for tests that edit the bytes.</summary>
    public static DwarfBuilder Build(int version)
    {
        bool v5 = version >= 5;
        var b = new DwarfBuilder(version);
        int cu = v5
            ? b.Abbrev(Tag.CompileUnit, true, (Attr.Name, Form.String), (Attr.StrOffsetsBase, Form.SecOffset), (Attr.AddrBase, Form.SecOffset), (CompDir, Form.LineStrp))
            : b.Abbrev(Tag.CompileUnit, true, (Attr.Name, Form.String));
        int baseType = b.Abbrev(Tag.BaseType, false, (Attr.Name, Form.Strp), (Attr.ByteSize, Form.Data1), (Attr.Encoding, Form.Data1));
        int baseData16 = b.Abbrev(Tag.BaseType, false, (Attr.Name, Form.Strp), (Attr.ByteSize, Form.Data1), (Attr.Encoding, Form.Data1), (Vendor, Form.Data16));
        int typedefStrx = v5 ? b.Abbrev(Tag.Typedef, false, (Attr.Name, Form.Strx1), (Attr.Type, Form.Ref4)) : b.Abbrev(Tag.Typedef, false, (Attr.Name, Form.Strp), (Attr.Type, Form.Ref4));
        int typedefT = b.Abbrev(Tag.Typedef, false, (Attr.Name, Form.String), (Attr.Type, Form.Ref4));
        int pointer = b.AbbrevWithConsts(Tag.PointerType, false, (Attr.ByteSize, Form.ImplicitConst, 8), (Attr.Type, Form.Ref4, 0));
        int constT = b.Abbrev(Tag.ConstType, false, (Attr.Type, Form.Ref4));
        int structSibling = b.AbbrevWithConsts(Tag.StructureType, true, (Attr.Name, Form.Strp, 0), (Attr.ByteSize, Form.Data1, 0), (Attr.Sibling, Form.Ref4, 0), (DeclFile, Form.ImplicitConst, 1));
        int structPlain = b.Abbrev(Tag.StructureType, true, (Attr.Name, Form.String), (Attr.ByteSize, Form.Data2));
        int structDecl = b.Abbrev(Tag.StructureType, false, (Attr.Name, Form.String), (Attr.Declaration, Form.FlagPresent));
        int union = b.Abbrev(Tag.UnionType, true, (Attr.ByteSize, Form.Data1));
        int member = b.Abbrev(Tag.Member, false, (Attr.Name, Form.String), (Attr.Type, Form.Ref4), (Attr.DataMemberLocation, Form.Data1));
        int memberUdata = b.Abbrev(Tag.Member, false, (Attr.Name, Form.String), (Attr.Type, Form.Ref4), (Attr.DataMemberLocation, Form.Udata));
        int memberExpr = b.Abbrev(Tag.Member, false, (Attr.Type, Form.Ref4), (Attr.DataMemberLocation, Form.Exprloc));
        int memberBits = b.Abbrev(Tag.Member, false, (Attr.Name, Form.String), (Attr.Type, Form.Ref4), (Attr.BitSize, Form.Data1), (Attr.DataBitOffset, Form.Data2));
        int memberLegacy = b.Abbrev(Tag.Member, false, (Attr.Name, Form.String), (Attr.Type, Form.Ref4), (Attr.ByteSize, Form.Data1), (Attr.BitSize, Form.Data1),
            (Attr.BitOffset, Form.Data1), (Attr.DataMemberLocation, Form.Data1));
        int memberNoLocation = b.Abbrev(Tag.Member, false, (Attr.Name, Form.String), (Attr.Type, Form.Ref4));
        int memberRefAddr = b.Abbrev(Tag.Member, false, (Attr.Name, Form.String), (Attr.Type, Form.RefAddr), (Attr.DataMemberLocation, Form.Data1));
        int memberIndirect = b.Abbrev(Tag.Member, false, (Attr.Name, Form.String), (Attr.Type, Form.Indirect), (Attr.DataMemberLocation, Form.Data1));
        int memberSig = v5 ? b.Abbrev(Tag.Member, false, (Attr.Name, Form.String), (Attr.Type, Form.RefSig8), (Attr.DataMemberLocation, Form.Data1)) : 0;
        int array = b.Abbrev(Tag.ArrayType, true, (Attr.Type, Form.Ref4));
        int subrangeUpper = b.Abbrev(Tag.SubrangeType, false, (Attr.UpperBound, Form.Data1));
        int subrangeCount = b.Abbrev(Tag.SubrangeType, false, (Attr.Count, Form.Data1));
        int subrangeNone = b.Abbrev(Tag.SubrangeType, false);
        int enumT = b.Abbrev(Tag.EnumerationType, true, (Attr.Name, Form.String), (Attr.ByteSize, Form.Data1), (Attr.Type, Form.Ref4));
        int enumSdata = b.Abbrev(Tag.Enumerator, false, (Attr.Name, Form.String), (Attr.ConstValue, Form.Sdata));
        int enumData1 = b.Abbrev(Tag.Enumerator, false, (Attr.Name, Form.String), (Attr.ConstValue, Form.Data1));
        int enumData4 = b.Abbrev(Tag.Enumerator, false, (Attr.Name, Form.String), (Attr.ConstValue, Form.Data4));
        int subroutine = b.Abbrev(Tag.SubroutineType, true, (Attr.Type, Form.Ref4), (Prototyped, Form.FlagPresent));
        int formal = b.Abbrev(Tag.FormalParameter, false, (Attr.Type, Form.Ref4));
        int unspecified = b.Abbrev(Tag.UnspecifiedParameters, false);
        int variable = b.Abbrev(Tag.Variable, false, (Attr.Name, Form.String), (Attr.Type, Form.Ref4), (Attr.External, Form.FlagPresent), (Attr.Location, Form.Exprloc));
        int staticVariable = b.Abbrev(Tag.Variable, false, (Attr.Name, Form.String), (Attr.Type, Form.Ref4), (Attr.Location, Form.Exprloc));
        int declaredVariable = b.Abbrev(Tag.Variable, false, (Attr.Name, Form.String), (Attr.Type, Form.Ref4), (Attr.External, Form.FlagPresent), (Attr.Declaration, Form.FlagPresent));
        int definingVariable = b.Abbrev(Tag.Variable, false, (Attr.Specification, Form.Ref4), (Attr.Location, Form.Exprloc));
        int subprogram = b.Abbrev(Tag.Subprogram, true, (Attr.Name, Form.String), (LowPc, Form.Addr), (HighPc, Form.Data8));
        int local = b.Abbrev(Tag.Variable, false, (Attr.Name, Form.String), (Attr.Type, Form.Ref4));
        int memberRef1 = b.Abbrev(Tag.Member, false, (Attr.Name, Form.String), (Attr.Type, Form.Ref1), (Attr.DataMemberLocation, Form.Data1));
        int memberRef2 = b.Abbrev(Tag.Member, false, (Attr.Name, Form.String), (Attr.Type, Form.Ref2), (Attr.DataMemberLocation, Form.Data1));
        int memberRef8 = b.Abbrev(Tag.Member, false, (Attr.Name, Form.String), (Attr.Type, Form.Ref8), (Attr.DataMemberLocation, Form.Data1));
        int memberRefUdata = b.Abbrev(Tag.Member, false, (Attr.Name, Form.String), (Attr.Type, Form.RefUdata), (Attr.DataMemberLocation, Form.Data1));
        int memberBlock1 = b.Abbrev(Tag.Member, false, (Attr.Name, Form.String), (Attr.Type, Form.Ref4), (Attr.DataMemberLocation, Form.Block1));
        int flaggedDecl = b.Abbrev(Tag.StructureType, false, (Attr.Name, Form.String), (Attr.Declaration, Form.Flag));
        // DWARF 5 only: every strx and addrx width, and a location list index, on DIEs the index must step over.
        var strxForms = new[] { Form.Strx, Form.Strx2, Form.Strx3, Form.Strx4 };
        var addrxForms = new[] { Form.Addrx, Form.Addrx2, Form.Addrx3, Form.Addrx4 };
        var typedefStrxN = v5 ? strxForms.Select((f, i) => b.Abbrev(Tag.Typedef, false, (Attr.Name, f), (Attr.Type, Form.Ref4), (LowPc, addrxForms[i]))).ToArray() : [];
        int locationList = v5 ? b.Abbrev(Tag.Variable, false, (Attr.Name, Form.String), (Attr.Type, Form.Ref4), (Attr.External, Form.FlagPresent), (Attr.Location, Form.Loclistx), (Vendor, Form.Rnglistx)) : 0;

        if (v5)
        {
            b.ExtraSections[".debug_str_offsets"] = StrOffsets(b.Str("u32"), b.Str("s_strx"), b.Str("s_strx2"), b.Str("s_strx3"), b.Str("s_strx4"));
            b.ExtraSections[".debug_addr"] = Addresses(SpecVarAddress);
            b.ExtraSections[".debug_line_str"] = "/build/comp-dir\0"u8.ToArray();
        }

        // Unit 1: most of the types and variables.
        b.BeginUnit();
        b.Die(cu).CString("unit1.c");
        if (v5) b.U32(8).U32(8).U32(0);
        b.Die(baseType, "int").Strp("int").U8(4).U8(DwarfBaseType.AteSigned);
        b.Die(baseType, "uint").Strp("unsigned int").U8(4).U8(DwarfBaseType.AteUnsigned);
        b.Die(baseType, "char").Strp("char").U8(1).U8(DwarfBaseType.AteSignedChar);
        b.Die(baseData16, "ulong").Strp("long unsigned int").U8(8).U8(DwarfBaseType.AteUnsigned).Bytes(new byte[16]);
        b.Die(typedefStrx, "u32");
        if (v5) b.U8(0); else b.Strp("u32");
        b.Ref4("uint");
        b.Die(structSibling, "list_head").Strp("list_head").U8(16).Ref4("list_head_ptr");
        b.Die(member).CString("next").Ref4("list_head_ptr").U8(0);
        b.Die(member).CString("prev").Ref4("list_head_ptr").U8(8);
        b.End();
        b.Die(pointer, "list_head_ptr").Ref4("list_head");
        b.Die(constT, "const_list_head").Ref4("list_head");
        b.Die(pointer, "const_list_head_ptr").Ref4("const_list_head");

        b.Die(structSibling, "sample").Strp("sample").U8(48).Ref4("sample_end");
        b.Die(member).CString("a").Ref4("int").U8(0);
        b.Die(memberBits).CString("flags").Ref4("uint").U8(3).U16(32);
        b.Die(memberBits).CString("mode").Ref4("uint").U8(5).U16(35);
        b.Die(memberExpr).Ref4("anon_union").Uleb(2).Bytes(0x23, 0x08); // DW_OP_plus_uconst 8
        b.Die(memberUdata).CString("list").Ref4("list_head").Uleb(16);
        b.Die(member).CString("name").Ref4("char_2_3").U8(32);
        b.Die(member).CString("cptr").Ref4("const_list_head_ptr").U8(40);
        b.Die(member).CString("tail").Ref4("u32_flexible").U8(48);
        b.End();
        b.Die(union, "anon_union", "sample_end").U8(4);
        b.Die(memberNoLocation).CString("i").Ref4("int");
        b.Die(memberNoLocation).CString("c").Ref4("char");
        b.End();
        b.Die(array, "char_2_3").Ref4("char");
        b.Die(subrangeUpper).U8(1);
        b.Die(subrangeCount).U8(3);
        b.End();
        b.Die(array, "u32_flexible").Ref4("u32");
        b.Die(subrangeNone);
        b.End();

        b.Die(structPlain, "legacy").CString("legacy").U16(4);
        b.Die(memberLegacy).CString("x").Ref4("uint").U8(4).U8(4).U8(28).U8(0);
        b.Die(memberLegacy).CString("y").Ref4("uint").U8(4).U8(6).U8(22).U8(0);
        b.End();

        b.Die(structDecl, "mm_decl").CString("mm");
        b.Die(pointer, "mm_ptr").Ref4("mm_decl");
        b.Die(subroutine, "handler_fn").Ref4("int");
        b.Die(formal).Ref4("int");
        b.Die(unspecified);
        b.End();
        b.Die(pointer, "handler_ptr").Ref4("handler_fn");
        b.Die(typedefT, "handler_t").CString("handler_t").Ref4("handler_ptr");

        b.Die(structPlain, "extras").CString("extras").U16(32);
        b.Die(memberRefAddr).CString("r").RefAddr("int").U8(0);
        b.Die(memberIndirect).CString("ind").Uleb((ulong)Form.Ref4).Ref4("int").U8(4);
        if (v5) b.Die(memberSig).CString("sig").U64(TypeSignature).U8(8);
        b.Die(member).CString("handler").Ref4("handler_t").U8(16);
        b.Die(member).CString("mm").Ref4("mm_ptr").U8(24);
        b.End();

        b.Die(enumT, "color").CString("color").U8(4).Ref4("int");
        b.Die(enumSdata).CString("RED").Sleb(-1);
        b.Die(enumData1).CString("GREEN").U8(0);
        b.Die(enumData1).CString("BLUE").U8(200);
        b.End();
        b.Die(enumT, "big").CString("big").U8(4).Ref4("uint");
        b.Die(enumData4).CString("ALL").U32(0xffffffff);
        b.End();

        b.Die(structPlain, "refs").CString("refs").U16(20);
        b.Die(memberRef1).CString("r1").Ref1("int").U8(0);
        b.Die(memberRef2).CString("r2").Ref2("int").U8(4);
        b.Die(memberRef8).CString("r8").Ref8("int").U8(8);
        b.Die(memberRefUdata).CString("ru").RefUdata("int").U8(12);
        b.Die(memberBlock1).CString("rb").Ref4("int").U8(2).Bytes(0x23, 16); // block1 holding DW_OP_plus_uconst 16
        b.End();
        b.Die(flaggedDecl).CString("only_declared").U8(1);
        if (v5)
        {
            ulong[] addrxValues = [0, 0, 0, 0];
            b.Die(typedefStrxN[0]).Uleb(1).Ref4("int").Uleb(addrxValues[0]);
            b.Die(typedefStrxN[1]).U16(2).Ref4("int").U16(0);
            b.Die(typedefStrxN[2]).Bytes(3, 0, 0).Ref4("int").Bytes(0, 0, 0);
            b.Die(typedefStrxN[3]).U32(4).Ref4("int").U32(0);
            b.Die(locationList).CString("optimized_var").Ref4("int").Uleb(0).Uleb(0);
        }
        b.Die(subprogram).CString("some_function").U64(0xffffffff81001000).U64(0x40);
        b.Die(local).CString("inner_local").Ref4("int");
        b.End();

        b.Die(variable).CString("counter").Ref4("int").ExprAddr(CounterAddress);
        b.Die(staticVariable).CString("static_var").Ref4("int").ExprAddr(StaticAddress);
        b.Die(declaredVariable).CString("declared_only").Ref4("uint");
        b.Die(declaredVariable, "spec_decl").CString("spec_var").Ref4("list_head");
        b.Die(definingVariable).Ref4("spec_decl");
        if (v5) b.Uleb(2).Bytes(0xa1, 0x00); else b.ExprAddr(SpecVarAddress); // DW_OP_addrx 0
        b.Die(variable).CString("pcpu_var").Ref4("int").ExprAddr(PerCpuAddress);
        b.End();
        b.EndUnit();

        // Unit 2: the definition unit 1 only declared, and a second u32 (the first one wins).
        b.BeginUnit();
        b.Die(cu).CString("unit2.c");
        if (v5) b.U32(8).U32(8).U32(0);
        b.Die(baseType, "int2").Strp("int").U8(4).U8(DwarfBaseType.AteSigned);
        b.Die(baseType, "ulong2").Strp("long unsigned int").U8(8).U8(DwarfBaseType.AteUnsigned);
        b.Die(typedefT, "u32_second").CString("u32").Ref4("ulong2");
        b.Die(structPlain, "mm_def").CString("mm").U16(4);
        b.Die(member).CString("users").Ref4("int2").U8(0);
        b.End();
        b.Die(variable).CString("mm_var").Ref4("mm_def").ExprAddr(MmVarAddress);
        b.End();
        b.EndUnit();

        if (v5)
        {
            // Unit 3: a type unit, found through its signature.
            b.BeginUnit(DwarfUnit.UtType, TypeSignature, "from_tu");
            b.Die(b.Abbrev(Tag.TypeUnit, true));
            b.Die(baseType, "ulong3").Strp("long unsigned int").U8(8).U8(DwarfBaseType.AteUnsigned);
            b.Die(structPlain, "from_tu").CString("from_tu").U16(8);
            b.Die(member).CString("x").Ref4("ulong3").U8(0);
            b.End();
            b.End();
            b.EndUnit();
        }
        return b;
    }

    /// <summary>A DWARF 5 .debug_str_offsets contribution (8-byte header, then 4-byte offsets).</summary>
    public static byte[] StrOffsets(params int[] offsets)
    {
        var bytes = new byte[8 + 4 * offsets.Length];
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, (uint)(4 + 4 * offsets.Length));
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(4), 5);
        for (int i = 0; i < offsets.Length; i++) BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(8 + 4 * i), (uint)offsets[i]);
        return bytes;
    }

    /// <summary>A DWARF 5 .debug_addr contribution (8-byte header, then 8-byte addresses).</summary>
    public static byte[] Addresses(params ulong[] addresses)
    {
        var bytes = new byte[8 + 8 * addresses.Length];
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, (uint)(4 + 8 * addresses.Length));
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(4), 5);
        bytes[6] = 8;
        for (int i = 0; i < addresses.Length; i++) BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(8 + 8 * i), addresses[i]);
        return bytes;
    }
}
