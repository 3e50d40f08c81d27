using DumpScope.Host.Types.Btf;

namespace DumpScope.Host.Tests.Types;

/// <summary>BTF features the fixture kernel (built with gcc, no tags) does not exercise, on hand-written blobs.</summary>
public class BtfSyntheticTests
{
    private static BtfTypeCatalog Load(BtfBuilder b) => BtfTypeCatalog.FromBytes(b.Build(), "synthetic.btf");

    [Fact]
    public void Type_tags_and_decl_tags_are_transparent()
    {
        var b = new BtfBuilder();
        int i = b.Int("int", 4, signed: true);
        int tagged = b.TypeTag("user", i);
        int ptr = b.Ptr(tagged);
        int rcu = b.TypeTag("rcu", ptr);
        int s = b.Struct("s", 16, ("p", ptr, 0, 0), ("q", rcu, 64, 0));
        b.DeclTag("noinline", s, -1);
        b.DeclTag("member_tag", s, 0);
        var catalog = Load(b);

        var type = catalog.FindType("struct s")!;
        type.Members[0].Type.DisplayName.Should().Be("int *");
        type.Members[0].Type.Target.Should().BeSameAs(catalog.FindType("int"));
        type.Members[1].Type.Should().BeSameAs(type.Members[0].Type, "a type tag on a pointer is the pointer itself");
        catalog.TypeById(tagged).Should().BeSameAs(catalog.FindType("int"));
        catalog.TypeNames.Should().NotContain(["user", "rcu", "noinline", "member_tag"]);
        catalog.FindType("noinline").Should().BeNull();
    }

    [Fact]
    public void Old_style_bitfields_come_from_the_int_encoding()
    {
        var b = new BtfBuilder();
        int u = b.Int("unsigned int", 4);
        int three = b.Int("unsigned int", 4, bits: 3);
        int fiveAt2 = b.Int("unsigned int", 4, bits: 5, bitOffset: 2);
        b.StructWithoutKindFlag("flags", 8, ("whole", u, 0), ("a", three, 32), ("b", fiveAt2, 32));
        var catalog = Load(b);
        var members = catalog.FindType("struct flags")!.Members;
        members[0].IsBitfield.Should().BeFalse();
        (members[1].BitOffset, members[1].BitSize).Should().Be((32UL, 3U));
        (members[2].BitOffset, members[2].BitSize).Should().Be((34UL, 5U), "the INT's own bit offset adds to the member's");
    }

    [Fact]
    public void Kind_flag_bitfields_split_the_offset_word()
    {
        var b = new BtfBuilder();
        int u = b.Int("unsigned int", 4);
        b.Struct("counters", 4, ("inuse", u, 0, 16), ("objects", u, 16, 15), ("frozen", u, 31, 1));
        var members = Load(b).FindType("counters")!.Members;
        members.Select(m => (m.Name, m.BitOffset, m.BitSize)).Should().Equal(
            ("inuse", 0UL, 16U), ("objects", 16UL, 15U), ("frozen", 31UL, 1U));
    }

    [Fact]
    public void Enums_signed_unsigned_and_64_bit()
    {
        var b = new BtfBuilder();
        b.Enum("e_signed", 4, true, ("MINUS_ONE", -1), ("ZERO", 0));
        b.Enum("e_unsigned", 4, false, ("BIG", unchecked((int)0xffff_fffe)));
        b.Enum64("e64", 8, true, ("MIN", long.MinValue), ("ONE", 1));
        b.Enum64("u64e", 8, false, ("TOP", unchecked((long)0x8000_0000_0000_0000UL)));
        var catalog = Load(b);
        catalog.FindType("enum e_signed")!.Enumerators[0].Should().Be(new EnumValue("MINUS_ONE", -1));
        catalog.FindType("enum e_signed")!.IsSigned.Should().BeTrue();
        catalog.FindType("enum e_unsigned")!.Enumerators[0].Value.Should().Be(0xffff_fffe);
        catalog.FindType("enum e_unsigned")!.IsSigned.Should().BeFalse();
        catalog.FindType("enum e64")!.Enumerators[0].Value.Should().Be(long.MinValue);
        catalog.FindType("enum e64")!.Size.Should().Be(8);
        ((ulong)catalog.FindType("enum u64e")!.Enumerators[0].Value).Should().Be(0x8000_0000_0000_0000UL);
    }

    [Fact]
    public void Definitions_win_over_declarations_in_either_order()
    {
        var b = new BtfBuilder();
        int i = b.Int("int", 4);
        b.Fwd("later");
        b.Struct("later", 4, ("x", i, 0, 0));
        b.Struct("earlier", 4, ("x", i, 0, 0));
        b.Fwd("earlier");
        b.Enum("e", 4, false);
        b.Enum("e", 4, false, ("A", 1));
        b.Fwd("u", union: true);
        var catalog = Load(b);
        catalog.FindType("struct later")!.Kind.Should().Be(TypeKind.Struct);
        catalog.FindType("struct earlier")!.Kind.Should().Be(TypeKind.Struct);
        catalog.FindType("enum e")!.Enumerators.Should().ContainSingle();
        catalog.FindType("union u")!.Kind.Should().Be(TypeKind.Forward);
        catalog.FindType("union u")!.DisplayName.Should().Be("union u");
        catalog.FindType("struct u").Should().BeNull("a union declaration is not a struct");
        catalog.FindTypes("struct later").Should().HaveCount(2);
    }

    [Fact]
    public void Qualifier_chains_resolve_and_size_follows_the_target()
    {
        var b = new BtfBuilder();
        int l = b.Int("long unsigned int", 8);
        int td = b.Typedef("ulong_t", l);
        int v = b.Volatile(td);
        int c = b.Const(v);
        int r = b.Restrict(b.NextId + 1);
        int p = b.Ptr(c);
        int arr = b.Array(c, l, 3);
        var catalog = Load(b);
        var cv = catalog.TypeById(c);
        cv.Size.Should().Be(8);
        cv.Resolve().Should().BeSameAs(catalog.TypeById(l));
        cv.DisplayName.Should().Be("const volatile ulong_t");
        catalog.TypeById(r).DisplayName.Should().Be("const volatile ulong_t *");
        catalog.TypeById(p).Size.Should().Be(8);
        catalog.TypeById(arr).Size.Should().Be(24);
        catalog.TypeById(arr).DisplayName.Should().Be("const volatile ulong_t [3]");
    }

    [Fact]
    public void Pointer_size_follows_the_long_of_the_btf()
    {
        var b = new BtfBuilder();
        int l = b.Int("long int", 4, signed: true);
        int p = b.Ptr(l);
        Load(b).TypeById(p).Size.Should().Be(4, "a 32-bit kernel's long and pointers are 4 bytes");
    }

    [Fact]
    public void Functions_variables_floats_and_datasecs()
    {
        var b = new BtfBuilder();
        int i = b.Int("int", 4, signed: true);
        int ch = b.Int("char", 1, signed: true, isChar: true);
        int cp = b.Ptr(b.Const(ch));
        int proto = b.FuncProto(i, ("fmt", cp), ("", 0));
        b.Func("printk", proto);
        int f = b.Float("double", 8);
        int var = b.Var("pcpu_value", f);
        b.Datasec(".data..percpu", 8, (var, 0, 8));
        var catalog = Load(b);
        var printk = catalog.FindFunctionType("printk")!;
        printk.Kind.Should().Be(TypeKind.Function);
        printk.Parameters.Should().ContainSingle().Which.DisplayName.Should().Be("const char *");
        printk.Target!.DisplayName.Should().Be("int");
        ((BtfFunctionType)printk).IsVariadic.Should().BeTrue();
        ((BtfFunctionType)printk).ParameterNames.Should().Equal("fmt");
        catalog.FindVariableType("pcpu_value")!.Kind.Should().Be(TypeKind.Float);
        catalog.FindType("double")!.Size.Should().Be(8);
        catalog.FindType(".data..percpu").Should().BeNull();
    }

    [Fact]
    public void From_memory_reads_page_by_page_and_matches_the_file()
    {
        var bytes = ReferenceTypes.Debian61Bytes;
        var memory = new SyntheticMemory();
        const ulong start = 0xffffffff9d000000UL + 0x123; // not page aligned, like a section start may be
        memory.Write(start, bytes);
        var catalog = BtfTypeCatalog.FromMemory(memory, start, start + (ulong)bytes.Length);
        catalog.TypeCount.Should().Be(95246);
        catalog.Source.Should().Be($"BTF in dump memory ({bytes.Length} bytes)");
        catalog.FindType("struct kmem_cache")!.Size.Should().Be(8408);
        memory.Reads.Should().OnlyContain(r => r.Length <= SyntheticMemory.PageSize);
        memory.Reads.Skip(1).Should().OnlyContain(r => r.Address % SyntheticMemory.PageSize == 0, "chunks after the first are page-aligned");
        memory.Reads.Sum(r => r.Length).Should().Be(bytes.Length);
    }

    [Fact]
    public void From_memory_names_the_unreadable_address()
    {
        var b = new BtfBuilder();
        for (int n = 0; n < 600; n++) b.Int("int" + n, 4);
        var bytes = b.Build();
        var memory = new SyntheticMemory();
        const ulong start = 0xffffffff9d000000UL;
        memory.Write(start, bytes);
        memory.Exclude(start + 4096);
        var act = () => BtfTypeCatalog.FromMemory(memory, start, start + (ulong)bytes.Length);
        var fault = act.Should().Throw<MemoryFaultException>().Which;
        fault.Fault.Address.Should().Be(start + 4096);
        fault.Message.Should().Contain("page excluded").And.Contain("ffffffff9d001000").And.Contain("__start_BTF+0x1000");
    }

    [Fact]
    public void From_memory_refuses_impossible_bounds()
    {
        var memory = new SyntheticMemory();
        var act = () => BtfTypeCatalog.FromMemory(memory, 0xffffffff9d001000UL, 0xffffffff9d000000UL);
        act.Should().Throw<InvalidDataException>().WithMessage("*__stop_BTF*not above*");
        act = () => BtfTypeCatalog.FromMemory(memory, 0xffff_0000_0000_0000UL, 0xffff_0001_0000_0000UL);
        act.Should().Throw<InvalidDataException>().WithMessage("*more than the*");
    }
}
