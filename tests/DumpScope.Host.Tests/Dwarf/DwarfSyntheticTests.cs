using DumpScope.Host.Types.Dwarf;

namespace DumpScope.Host.Tests.Dwarf;

/// <summary>The DWARF reader on the hand-written <see cref="SyntheticDwarf"/> file, in its DWARF 4 and DWARF 5 flavours.</summary>
public sealed class DwarfSyntheticTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("dumpscope-dwarf-").FullName;
    private readonly List<DwarfTypeCatalog> _opened = [];

    public void Dispose()
    {
        foreach (var catalog in _opened) catalog.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    private DwarfTypeCatalog Open(int version)
    {
        var path = Path.Combine(_directory, $"synthetic-v{version}.elf");
        File.WriteAllBytes(path, SyntheticDwarf.Build(version).Elf());
        var catalog = DwarfTypeCatalog.Open(path, new DwarfOpenOptions { UseCache = false, Parallelism = 2 });
        _opened.Add(catalog);
        return catalog;
    }

    private static IEnumerable<(string Name, ulong BitOffset, uint BitSize, string Type)> Layout(KernelType type) =>
        type.Resolve().Members.Select(m => (m.Name, m.BitOffset, m.BitSize, m.Type.DisplayName));

    [Theory]
    [InlineData(4)]
    [InlineData(5)]
    public void A_struct_has_its_members_bitfields_anonymous_union_and_arrays(int version)
    {
        var catalog = Open(version);
        var sample = catalog.FindType("struct sample")!;
        sample.Kind.Should().Be(TypeKind.Struct);
        sample.Size.Should().Be(48);
        Layout(sample).Should().Equal(
            ("a", 0UL, 0U, "int"),
            ("flags", 32UL, 3U, "unsigned int"),
            ("mode", 35UL, 5U, "unsigned int"),
            ("", 64UL, 0U, "union {...}"),
            ("list", 128UL, 0U, "struct list_head"),
            ("name", 256UL, 0U, "char [2][3]"),
            ("cptr", 320UL, 0U, "const struct list_head *"),
            ("tail", 384UL, 0U, "u32 [0]"));
        sample.FindMember("i").Offset.Should().Be(8, "the anonymous union's members are found through it");
        sample.FindMember("list.prev").Offset.Should().Be(24);
        sample.FindMember("name[1]").Offset.Should().Be(35);

        var name = sample.FindMember("name").Type;
        name.ArrayLength.Should().Be(2);
        name.Size.Should().Be(6);
        name.Target!.ArrayLength.Should().Be(3);
        name.Target.Target!.DisplayName.Should().Be("char");
        sample.FindMember("tail").Type.ArrayLength.Should().Be(0, "a flexible array member has no length");
        sample.FindMember("i").Type.Resolve().Size.Should().Be(4);
    }

    [Theory]
    [InlineData(4)]
    [InlineData(5)]
    public void Legacy_bit_offsets_count_from_the_most_significant_bit(int version)
    {
        var legacy = Open(version).FindType("legacy")!;
        legacy.Size.Should().Be(4);
        Layout(legacy).Should().Equal(("x", 0UL, 4U, "unsigned int"), ("y", 4UL, 6U, "unsigned int"));
    }

    [Theory]
    [InlineData(4)]
    [InlineData(5)]
    public void References_in_every_form_resolve(int version)
    {
        var catalog = Open(version);
        var extras = catalog.FindType("struct extras")!;
        extras.Size.Should().Be(32);
        extras.FindMember("r").Type.DisplayName.Should().Be("int", "ref_addr");
        extras.FindMember("ind").Offset.Should().Be(4, "DW_FORM_indirect");
        extras.FindMember("ind").Type.DisplayName.Should().Be("int");
        var handler = extras.FindMember("handler").Type;
        handler.DisplayName.Should().Be("handler_t");
        var function = handler.Resolve().Target!;
        function.Kind.Should().Be(TypeKind.Function);
        function.Target!.DisplayName.Should().Be("int");
        function.Parameters.Select(p => p.DisplayName).Should().Equal("int");
        ((DwarfFunctionType)function).IsVariadic.Should().BeTrue();
        if (version >= 5)
        {
            var sig = extras.FindMember("sig");
            sig.Type.DisplayName.Should().Be("struct from_tu", "ref_sig8 through the type unit");
            sig.Type.Size.Should().Be(8);
            sig.Type.Resolve().Members.Single().Name.Should().Be("x");
        }
        else extras.HasMember("sig").Should().BeFalse();
    }

    [Theory]
    [InlineData(4)]
    [InlineData(5)]
    public void Every_reference_width_and_block_member_locations_decode(int version)
    {
        var refs = Open(version).FindType("struct refs")!;
        Layout(refs).Should().Equal(("r1", 0UL, 0U, "int"), ("r2", 32UL, 0U, "int"), ("r8", 64UL, 0U, "int"), ("ru", 96UL, 0U, "int"), ("rb", 128UL, 0U, "int"));
    }

    [Fact]
    public void Strx_and_addrx_of_every_width_and_location_lists_are_read_or_stepped_over()
    {
        var catalog = Open(5);
        foreach (var name in new[] { "s_strx", "s_strx2", "s_strx3", "s_strx4" })
            catalog.FindType(name)!.Resolve().DisplayName.Should().Be("int", name);
        catalog.FindVariableType("optimized_var")!.DisplayName.Should().Be("int", "a variable kept in a location list still has its type");
        catalog.TryGetVariable("optimized_var", out _).Should().BeFalse("it has no static address");
    }

    [Theory]
    [InlineData(4)]
    [InlineData(5)]
    public void A_struct_declared_but_defined_nowhere_is_a_forward_declaration(int version)
    {
        var declared = Open(version).FindType("struct only_declared")!;
        declared.Kind.Should().Be(TypeKind.Forward);
        declared.DeclaredKind.Should().Be(TypeKind.Struct);
        declared.DisplayName.Should().Be("struct only_declared");
        declared.Size.Should().Be(0);
    }

    [Theory]
    [InlineData(4)]
    [InlineData(5)]
    public void A_declaration_resolves_to_the_definition_in_another_unit(int version)
    {
        var catalog = Open(version);
        var mm = catalog.FindType("struct extras")!.FindMember("mm").Type.Resolve().Target!;
        mm.Kind.Should().Be(TypeKind.Struct, "unit 1 only declares struct mm; unit 2 defines it");
        mm.Size.Should().Be(4);
        mm.Members.Single().Name.Should().Be("users");
        catalog.FindType("struct mm")!.Should().BeSameAs(mm);
    }

    [Theory]
    [InlineData(4)]
    [InlineData(5)]
    public void Enums_keep_their_values_signedness_and_underlying_type(int version)
    {
        var catalog = Open(version);
        var color = catalog.FindType("enum color")!;
        color.Kind.Should().Be(TypeKind.Enum);
        color.Size.Should().Be(4);
        color.IsSigned.Should().BeTrue();
        color.Target!.DisplayName.Should().Be("int");
        color.Enumerators.Should().Equal(new EnumValue("RED", -1), new EnumValue("GREEN", 0), new EnumValue("BLUE", 200));
        var big = catalog.FindType("enum big")!;
        big.IsSigned.Should().BeFalse();
        big.Enumerators.Single().Value.Should().Be(0xffffffff, "data4 values are not sign-extended");
    }

    [Theory]
    [InlineData(4)]
    [InlineData(5)]
    public void Names_follow_the_c_name_spaces_and_integer_spellings(int version)
    {
        var catalog = Open(version);
        var u32 = catalog.FindType("u32")!;
        u32.Kind.Should().Be(TypeKind.Typedef);
        u32.Resolve().DisplayName.Should().Be("unsigned int", "the first unit's typedef wins over unit 2's");
        catalog.FindType("unsigned long")!.DisplayName.Should().Be("long unsigned int");
        catalog.FindType("unsigned")!.Size.Should().Be(4);
        catalog.FindType("struct  sample")!.Size.Should().Be(48);
        catalog.FindType("union sample").Should().BeNull();
        catalog.FindType("enum color").Should().NotBeNull();
        catalog.FindType("color")!.Kind.Should().Be(TypeKind.Enum);
        catalog.FindType("nothing_like_this").Should().BeNull();
        catalog.TypeNames.Should().Contain(["u32", "struct sample", "struct list_head", "enum color", "handler_t", "int", "struct refs"]);
        catalog.TypeNames.Should().NotContain("struct inner_local");
        catalog.Require("struct list_head *").Size.Should().Be(8);
    }

    [Theory]
    [InlineData(4)]
    [InlineData(5)]
    public void Global_variables_have_types_and_addresses(int version)
    {
        var catalog = Open(version);
        catalog.FindVariableType("counter")!.DisplayName.Should().Be("int");
        catalog.FindVariableType("static_var")!.DisplayName.Should().Be("int");
        catalog.FindVariableType("declared_only")!.DisplayName.Should().Be("unsigned int", "a declaration still states the type");
        catalog.FindVariableType("spec_var")!.DisplayName.Should().Be("struct list_head", "the definition takes its declaration's type");
        catalog.FindVariableType("mm_var")!.Size.Should().Be(4);
        catalog.FindVariableType("inner_local").Should().BeNull("a function's local variable is not a global");
        catalog.FindVariableType("sample").Should().BeNull();

        catalog.TryGetVariable("counter", out var counter).Should().BeTrue();
        counter.Should().Be(new DwarfVariable("counter", SyntheticDwarf.CounterAddress, true));
        catalog.TryGetVariable("spec_var", out var spec).Should().BeTrue();
        spec.LinkAddress.Should().Be(SyntheticDwarf.SpecVarAddress, version >= 5 ? "DW_OP_addrx through .debug_addr" : "DW_OP_addr");
        spec.IsExternal.Should().BeTrue("external comes from the declaration");
        catalog.TryGetVariable("static_var", out var local).Should().BeTrue();
        local.IsExternal.Should().BeFalse();
        catalog.TryGetVariable("declared_only", out _).Should().BeFalse();

        var symbols = catalog.VariableSymbols(0x1000000);
        symbols.TryGetAddress("counter", out var relocated).Should().BeTrue();
        relocated.Should().Be(SyntheticDwarf.CounterAddress + 0x1000000);
        symbols.TryGetAddress("pcpu_var", out var perCpu).Should().BeTrue();
        perCpu.Should().Be(SyntheticDwarf.PerCpuAddress, "per-cpu offsets do not move with KASLR");
        symbols.All.Single(s => s.Name == "static_var").Type.Should().Be('d');
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(8)]
    public void The_index_does_not_depend_on_the_number_of_threads(int threads)
    {
        var path = Path.Combine(_directory, $"threads-{threads}.elf");
        File.WriteAllBytes(path, SyntheticDwarf.Build(5).Elf());
        using var catalog = DwarfTypeCatalog.Open(path, new DwarfOpenOptions { UseCache = false, Parallelism = threads });
        using var reference = DwarfTypeCatalog.Open(path, new DwarfOpenOptions { UseCache = false, Parallelism = 1 });
        catalog.TypeNames.Order().Should().Equal(reference.TypeNames.Order());
        catalog.Variables.Should().Equal(reference.Variables);
        ((DwarfType)catalog.FindType("u32")!).DieOffset.Should().Be(((DwarfType)reference.FindType("u32")!).DieOffset);
    }

    [Theory]
    [InlineData((int)DwarfForm.Data1, 0xffUL, 256UL)]
    [InlineData((int)DwarfForm.Data2, 0xffffUL, 65536UL)]
    [InlineData((int)DwarfForm.Data8, ulong.MaxValue, 0UL)]
    [InlineData((int)DwarfForm.Sdata, ulong.MaxValue, 0UL)]
    [InlineData((int)DwarfForm.Data1, 0UL, 1UL)]
    public void Array_bounds_are_unsigned_except_the_old_minus_one_for_zero_length(int formCode, ulong upper, ulong expected)
    {
        var form = (DwarfForm)formCode;
        var b = new DwarfBuilder();
        int cu = b.Abbrev(DwarfTag.CompileUnit, true, (DwarfAttribute.Name, DwarfForm.String));
        int baseType = b.Abbrev(DwarfTag.BaseType, false, (DwarfAttribute.Name, DwarfForm.String), (DwarfAttribute.ByteSize, DwarfForm.Data1), (DwarfAttribute.Encoding, DwarfForm.Data1));
        int array = b.Abbrev(DwarfTag.ArrayType, true, (DwarfAttribute.Type, DwarfForm.Ref4));
        int subrange = b.Abbrev(DwarfTag.SubrangeType, false, (DwarfAttribute.UpperBound, form));
        int typedef = b.Abbrev(DwarfTag.Typedef, false, (DwarfAttribute.Name, DwarfForm.String), (DwarfAttribute.Type, DwarfForm.Ref4));
        b.BeginUnit();
        b.Die(cu).CString("bounds.c");
        b.Die(baseType, "char").CString("char").U8(1).U8(DwarfBaseType.AteSignedChar);
        b.Die(array, "array").Ref4("char");
        b.Die(subrange);
        switch (form)
        {
            case DwarfForm.Data1: b.U8((byte)upper); break;
            case DwarfForm.Data2: b.U16((ushort)upper); break;
            case DwarfForm.Data8: b.U64(upper); break;
            default: b.Sleb((long)upper); break;
        }
        b.End();
        b.Die(typedef).CString("buffer_t").Ref4("array");
        b.End();
        b.EndUnit();
        var path = Path.Combine(_directory, "bounds.elf");
        File.WriteAllBytes(path, b.Elf());
        using var catalog = DwarfTypeCatalog.Open(path, new DwarfOpenOptions { UseCache = false });
        catalog.FindType("buffer_t")!.Resolve().ArrayLength.Should().Be(expected);
    }

    [Fact]
    public void Types_are_made_once_and_survive_disposal_of_the_catalog()
    {
        var path = Path.Combine(_directory, "dispose.elf");
        File.WriteAllBytes(path, SyntheticDwarf.Build(5).Elf());
        var catalog = DwarfTypeCatalog.Open(path, new DwarfOpenOptions { UseCache = false });
        var sample = catalog.FindType("struct sample")!;
        sample.Should().BeSameAs(catalog.FindType("sample"));
        _ = sample.Members;
        catalog.Dispose();
        sample.Members.Should().HaveCount(8, "decoded members stay");
        var act = () => catalog.FindType("struct legacy");
        act.Should().Throw<ObjectDisposedException>("new decoding needs the mapping");
    }
}
