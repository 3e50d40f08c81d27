using DumpScope.Host.Types.Dwarf;
using Attr = DumpScope.Host.Types.Dwarf.DwarfAttribute;
using Form = DumpScope.Host.Types.Dwarf.DwarfForm;
using Tag = DumpScope.Host.Types.Dwarf.DwarfTag;

namespace DumpScope.Host.Tests.Dwarf;

/// <summary>
/// Malformed DWARF and ELF: every case ends (a watchdog fails the test if it does not) in an
/// <see cref="InvalidDataException"/> naming the file, the section offset and what was expected, or a
/// <see cref="NotSupportedException"/> for what is valid but not handled.
/// </summary>
public sealed class DwarfMalformedTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("dumpscope-dwarf-bad-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string Write(byte[] bytes, string name = "bad.elf")
    {
        var path = Path.Combine(_directory, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    /// <summary>Runs <paramref name="action"/> with a watchdog and returns what it threw.</summary>
    private static Exception Thrown(Action action)
    {
        Exception? thrown = null;
        var worker = new Thread(() =>
        {
            try { action(); }
            catch (Exception e) { thrown = e; }
        });
        worker.Start();
        worker.Join(TimeSpan.FromSeconds(60)).Should().BeTrue("malformed input must not hang the reader");
        thrown.Should().NotBeNull("malformed input must be refused");
        return thrown!;
    }

    private static DwarfTypeCatalog OpenPath(string path) => DwarfTypeCatalog.Open(path, new DwarfOpenOptions { UseCache = false, Parallelism = 2 });

    private InvalidDataException Invalid(byte[] elf, Action<DwarfTypeCatalog>? use = null)
    {
        var path = Write(elf);
        var e = Thrown(() =>
        {
            using var catalog = OpenPath(path);
            use?.Invoke(catalog);
        });
        e.Should().BeOfType<InvalidDataException>();
        e.Message.Should().StartWith(path + ":").And.Contain("offset 0x");
        return (InvalidDataException)e;
    }

    /// <summary>A one-unit file: a compile unit whose children <paramref name="body"/> writes.</summary>
    private static DwarfBuilder OneUnit(Action<DwarfBuilder, Func<Tag, bool, (Attr, Form)[], int>> body)
    {
        var b = new DwarfBuilder();
        int cu = b.Abbrev(Tag.CompileUnit, true, (Attr.Name, Form.String));
        b.BeginUnit();
        b.Die(cu).CString("bad.c");
        body(b, (tag, children, attributes) => b.Abbrev(tag, children, attributes));
        b.End();
        b.EndUnit();
        return b;
    }

    [Fact]
    public void A_unit_longer_than_its_section_is_refused()
    {
        var elf = SyntheticDwarf.Build(5).Elf(editInfo: info => info[..(info.Length - 10)]);
        Invalid(elf).Message.Should().Contain(".debug_info offset").And.Contain("runs past the end of .debug_info");
    }

    [Fact]
    public void A_unit_cut_inside_a_die_is_refused()
    {
        var elf = SyntheticDwarf.Build(4).Elf(editInfo: info =>
        {
            // Keep the unit header consistent with the cut, so only the DIE stream is short.
            int firstUnit = BinaryPrimitives.ReadInt32LittleEndian(info) + 4;
            var cut = info[..(firstUnit / 2)];
            BinaryPrimitives.WriteInt32LittleEndian(cut, cut.Length - 4);
            return cut;
        });
        Invalid(elf).Message.Should().Contain(".debug_info offset");
    }

    [Fact]
    public void An_abbreviation_code_the_table_does_not_declare_is_refused()
    {
        var b = OneUnit((b, abbrev) =>
        {
            int type = abbrev(Tag.BaseType, false, [(Attr.Name, Form.String), (Attr.ByteSize, Form.Data1)]);
            b.Die(type).CString("int").U8(4);
            b.Die(77).CString("ghost");
        });
        Invalid(b.Elf()).Message.Should().Contain("abbreviation code 77 is not declared");
    }

    [Fact]
    public void A_form_code_out_of_range_is_refused_at_its_abbreviation()
    {
        var b = new DwarfBuilder();
        int cu = b.Abbrev(Tag.CompileUnit, true, (Attr.Name, Form.String));
        b.RawAbbrev(2, (byte)Tag.BaseType, 0, (byte)Attr.Name, 0x7f, 0, 0); // code 2: DW_AT_name with form 0x7f
        b.BeginUnit();
        b.Die(cu).CString("bad.c");
        b.Die(2).CString("int");
        b.End();
        b.EndUnit();
        Invalid(b.Elf()).Message.Should().Contain(".debug_abbrev offset").And.Contain("form 0x7f");
    }

    [Fact]
    public void A_typedef_cycle_is_refused_when_the_type_is_asked_for()
    {
        var b = OneUnit((b, abbrev) =>
        {
            int typedef = abbrev(Tag.Typedef, false, [(Attr.Name, Form.String), (Attr.Type, Form.Ref4)]);
            b.Die(typedef, "a").CString("loop_a").Ref4("b");
            b.Die(typedef, "b").CString("loop_b").Ref4("a");
        });
        var e = Invalid(b.Elf(), catalog => catalog.FindType("loop_a"));
        e.Message.Should().Contain("type reference cycle").And.Contain("'loop_a'").And.Contain("'loop_b'");
    }

    [Fact]
    public void An_array_of_itself_is_refused()
    {
        var b = OneUnit((b, abbrev) =>
        {
            int array = abbrev(Tag.ArrayType, false, [(Attr.Type, Form.Ref4)]);
            int typedef = abbrev(Tag.Typedef, false, [(Attr.Name, Form.String), (Attr.Type, Form.Ref4)]);
            b.Die(array, "self").Ref4("self");
            b.Die(typedef).CString("endless").Ref4("self");
        });
        Invalid(b.Elf(), catalog => _ = catalog.FindType("endless")!.Size).Message.Should().Contain("type reference cycle");
    }

    [Fact]
    public void A_struct_that_contains_itself_by_value_is_refused_when_its_members_are_asked_for()
    {
        var b = OneUnit((b, abbrev) =>
        {
            int structure = abbrev(Tag.StructureType, true, [(Attr.Name, Form.String), (Attr.ByteSize, Form.Data1)]);
            int member = abbrev(Tag.Member, false, [(Attr.Name, Form.String), (Attr.Type, Form.Ref4), (Attr.DataMemberLocation, Form.Data1)]);
            int typedef = abbrev(Tag.Typedef, false, [(Attr.Name, Form.String), (Attr.Type, Form.Ref4)]);
            b.Die(structure, "outer").CString("outer").U8(8);
            b.Die(member).CString("inner").Ref4("inner_t").U8(0);
            b.End();
            b.Die(typedef, "inner_t").CString("inner_t").Ref4("inner");
            b.Die(structure, "inner").CString("inner").U8(8);
            b.Die(member).CString("back").Ref4("outer").U8(0);
            b.End();
        });
        var e = Invalid(b.Elf(), catalog =>
        {
            catalog.FindType("struct outer")!.Size.Should().Be(8, "the declared size needs no members");
            _ = catalog.FindType("struct outer")!.Members;
        });
        e.Message.Should().Contain("contains itself by value").And.Contain("'outer'").And.Contain("'inner'");
    }

    [Fact]
    public void A_sibling_that_points_backwards_is_refused()
    {
        var b = OneUnit((b, abbrev) =>
        {
            int structure = abbrev(Tag.StructureType, true, [(Attr.Name, Form.String), (Attr.Sibling, Form.Ref4)]);
            b.Die(structure, "s").CString("s").Ref4("s");
            b.End();
        });
        Invalid(b.Elf()).Message.Should().Contain("DW_AT_sibling").And.Contain("does not point forward");
    }

    [Fact]
    public void A_reference_outside_every_unit_is_refused()
    {
        var b = OneUnit((b, abbrev) =>
        {
            int typedef = abbrev(Tag.Typedef, false, [(Attr.Name, Form.String), (Attr.Type, Form.Data4)]);
            int typedefRef = abbrev(Tag.Typedef, false, [(Attr.Name, Form.String), (Attr.Type, Form.RefAddr)]);
            b.Die(typedef).CString("unused").U32(0);
            b.Die(typedefRef).CString("dangling").U32(0x7fff_0000);
        });
        Invalid(b.Elf(), catalog => _ = catalog.FindType("dangling")!.Size).Message.Should().Contain("not inside any unit");
    }

    [Fact]
    public void A_string_index_past_the_string_offsets_table_is_refused()
    {
        var b = OneUnit((b, abbrev) =>
        {
            int type = abbrev(Tag.BaseType, false, [(Attr.Name, Form.Strx1), (Attr.ByteSize, Form.Data1)]);
            b.Die(type).U8(9).U8(4);
        });
        b.ExtraSections[".debug_str_offsets"] = SyntheticDwarf.StrOffsets(b.Str("int"));
        Invalid(b.Elf()).Message.Should().Contain(".debug_str_offsets offset").And.Contain("string index 9");
    }

    [Fact]
    public void A_string_offset_past_the_string_section_is_refused()
    {
        var b = OneUnit((b, abbrev) =>
        {
            int type = abbrev(Tag.BaseType, false, [(Attr.Name, Form.Strp), (Attr.ByteSize, Form.Data1)]);
            b.Die(type).U32(0x10000).U8(4);
        });
        Invalid(b.Elf()).Message.Should().Contain(".debug_str offset 0x10000");
    }

    [Fact]
    public void An_overlong_leb128_is_refused()
    {
        var b = OneUnit((b, abbrev) =>
        {
            int type = abbrev(Tag.BaseType, false, [(Attr.Name, Form.String), (Attr.ByteSize, Form.Udata)]);
            b.Die(type).CString("int").Bytes(Enumerable.Repeat((byte)0x80, 20).Append((byte)0).ToArray());
        });
        Invalid(b.Elf()).Message.Should().Contain("LEB128");
    }

    [Theory]
    [InlineData(6, "unit version 6")]
    [InlineData(1, "unit version 1")]
    public void An_unknown_unit_version_is_refused(int version, string expected)
    {
        var elf = new DwarfBuilder(4).Elf(editInfo: _ => [7, 0, 0, 0, (byte)version, 0, 0, 0, 0, 0, 8]);
        Invalid(elf).Message.Should().Contain(expected);
    }

    [Fact]
    public void An_address_size_other_than_4_or_8_is_refused()
    {
        var elf = new DwarfBuilder(4).Elf(editInfo: _ => [7, 0, 0, 0, 4, 0, 0, 0, 0, 0, 3]);
        Invalid(elf).Message.Should().Contain("address size 3");
    }

    [Fact]
    public void Files_that_are_not_elf_or_lack_dwarf_are_refused_clearly()
    {
        var text = Write("this is not an ELF file at all, just text"u8.ToArray(), "text.elf");
        var notElf = Thrown(() => OpenPath(text));
        notElf.Should().BeOfType<InvalidDataException>().Which.Message.Should().Contain(text).And.Contain("not an ELF file");

        var empty = Write(DwarfBuilder.ElfImage([(".text", 1, new byte[16])]), "nodwarf.elf");
        var noDwarf = Thrown(() => OpenPath(empty));
        noDwarf.Should().BeOfType<NotSupportedException>().Which.Message.Should().Contain("no .debug_info");
        DwarfTypeCatalog.HasDebugInfo(empty).Should().BeFalse();

        var tiny = Write([0x7f, (byte)'E', (byte)'L', (byte)'F'], "tiny.elf");
        Thrown(() => OpenPath(tiny)).Should().BeOfType<InvalidDataException>().Which.Message.Should().Contain("shorter than an ELF header");
    }

    [Fact]
    public void Section_headers_past_the_end_of_the_file_are_refused()
    {
        var elf = SyntheticDwarf.Build(5).Elf();
        BinaryPrimitives.WriteUInt64LittleEndian(elf.AsSpan(0x28), (ulong)elf.Length - 10);
        Invalid(elf).Message.Should().Contain("e_shoff").And.Contain("past the end of the file");
    }

    [Fact]
    public void A_type_kind_the_reader_does_not_know_is_reported_as_not_a_type()
    {
        var b = OneUnit((b, abbrev) =>
        {
            int typedef = abbrev(Tag.Typedef, false, [(Attr.Name, Form.String), (Attr.Type, Form.Ref4)]);
            int label = abbrev((Tag)0x0a, false, [(Attr.Name, Form.String)]); // DW_TAG_label
            b.Die(typedef).CString("odd").Ref4("label");
            b.Die(label, "label").CString("here");
        });
        Invalid(b.Elf(), catalog => _ = catalog.FindType("odd")!.Size).Message.Should().Contain("a type is expected");
    }
}
