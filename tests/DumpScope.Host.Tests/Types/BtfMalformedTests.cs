using DumpScope.Host.Types.Btf;

namespace DumpScope.Host.Tests.Types;

/// <summary>Bad BTF gives a clear error naming the source and offset, never a hang or a stray exception type.</summary>
public class BtfMalformedTests
{
    private const string Source = "test.btf";

    private static BtfTypeCatalog Load(byte[] data) => BtfTypeCatalog.FromBytes(data, Source);

    private static InvalidDataException Invalid(byte[] data)
    {
        var act = () => Load(data);
        var error = act.Should().Throw<InvalidDataException>().Which;
        error.Message.Should().StartWith(Source + ": BTF offset ");
        return error;
    }

    private static byte[] Minimal()
    {
        var b = new BtfBuilder();
        b.Int("int", 4, signed: true);
        return b.Build();
    }

    [Fact]
    public void A_minimal_blob_loads()
    {
        var catalog = Load(Minimal());
        catalog.TypeCount.Should().Be(1);
        catalog.FindType("int")!.Size.Should().Be(4);
    }

    [Fact]
    public void Data_shorter_than_the_header_is_refused()
    {
        Invalid(Minimal()[..10]).Message.Should().Contain("24-byte BTF header").And.Contain("10 bytes");
    }

    [Fact]
    public void A_wrong_magic_is_refused_and_big_endian_is_unsupported()
    {
        var data = Minimal();
        data[0] = 0x7f;
        Invalid(data).Message.Should().Contain("magic 0xeb9f");
        data = Minimal();
        (data[0], data[1]) = (0xeb, 0x9f);
        var act = () => Load(data);
        act.Should().Throw<NotSupportedException>().WithMessage("*big-endian*");
    }

    [Fact]
    public void An_unknown_version_is_unsupported()
    {
        var data = Minimal();
        data[2] = 2;
        var act = () => Load(data);
        act.Should().Throw<NotSupportedException>().WithMessage("*version 2*");
    }

    [Fact]
    public void Sections_past_the_end_of_the_data_are_refused()
    {
        var data = Minimal();
        BinaryPrimitives.WriteUInt32LittleEndian(data.AsSpan(12), 4000); // type_len
        Invalid(data).Message.Should().Contain("type section").And.Contain("type_len 4000");
        data = Minimal();
        BinaryPrimitives.WriteUInt32LittleEndian(data.AsSpan(20), 4000); // str_len
        Invalid(data).Message.Should().Contain("string section").And.Contain("str_len 4000");
        data = Minimal();
        BinaryPrimitives.WriteUInt32LittleEndian(data.AsSpan(4), 1_000_000); // hdr_len
        Invalid(data).Message.Should().Contain("hdr_len 1000000");
    }

    [Fact]
    public void A_fixture_cut_short_is_refused_with_the_section_that_no_longer_fits()
    {
        var data = ReferenceTypes.Debian61Bytes;
        Invalid(data[..(data.Length / 2)]).Message.Should().Contain("type section").And.Contain("ends past");
    }

    [Fact]
    public void A_type_record_cut_by_the_end_of_the_type_section_is_refused()
    {
        var b = new BtfBuilder();
        int i = b.Int("int", 4);
        b.Struct("s", 8, ("a", i, 0, 0), ("b", i, 32, 0));
        var data = b.Build();
        // Shrink type_len by one member record (12 bytes) so the struct's second member runs past the section.
        uint typeLength = BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan(12));
        BinaryPrimitives.WriteUInt32LittleEndian(data.AsSpan(12), typeLength - 12);
        var error = Invalid(data);
        error.Message.Should().Contain("type 2").And.Contain("24 bytes of trailing data").And.Contain("ends after 12");
    }

    [Fact]
    public void A_string_offset_out_of_range_is_refused()
    {
        var b = new BtfBuilder();
        b.Raw(5000, 8, 0, false, 0); // a typedef whose name_off points far past the strings
        var error = Invalid(b.Build());
        error.Message.Should().Contain("type 1").And.Contain("string offset 5000");
        error.Message.Should().StartWith(Source + ": BTF offset 24 ");
    }

    [Fact]
    public void A_member_name_offset_out_of_range_is_refused()
    {
        var b = new BtfBuilder();
        int i = b.Int("int", 4);
        b.Raw(b.Str("s"), 4, 1, false, 4, 9999, (uint)i, 0);
        Invalid(b.Build()).Message.Should().Contain("type 2").And.Contain("string offset 9999");
    }

    [Fact]
    public void A_type_id_out_of_range_is_refused()
    {
        var b = new BtfBuilder();
        b.Int("int", 4);
        b.Ptr(77);
        Invalid(b.Build()).Message.Should().Contain("type 2 refers to type id 77").And.Contain("last type (2)");
    }

    [Fact]
    public void An_unknown_kind_is_refused()
    {
        var b = new BtfBuilder();
        b.Raw(0, 25, 0, false, 0);
        Invalid(b.Build()).Message.Should().Contain("unknown BTF kind 25");
    }

    [Fact]
    public void An_impossible_int_is_refused()
    {
        var b = new BtfBuilder();
        b.Int("weird", 3);
        Invalid(b.Build()).Message.Should().Contain("INT of size 3");
    }

    [Fact]
    public async Task A_typedef_cycle_is_refused_without_hanging()
    {
        var b = new BtfBuilder();
        int a = b.NextId;
        b.Typedef("A", a + 1);
        b.Typedef("B", a);
        var load = Task.Run(() => Load(b.Build()));
        var first = await Task.WhenAny(load, Task.Delay(TimeSpan.FromSeconds(20)));
        first.Should().BeSameAs(load, "a cycle must not make the load loop");
        var act = async () => await load;
        (await act.Should().ThrowAsync<InvalidDataException>())
            .Which.Message.Should().Contain("reference cycle").And.Contain("'A'").And.Contain("'B'");
    }

    [Fact]
    public void A_pointer_and_qualifier_cycle_is_refused()
    {
        var b = new BtfBuilder();
        int first = b.NextId;
        b.Const(first + 1);
        b.Volatile(first + 2);
        b.Ptr(first);
        Invalid(b.Build()).Message.Should().Contain("reference cycle");
    }

    [Fact]
    public void A_struct_containing_itself_by_value_is_refused()
    {
        var b = new BtfBuilder();
        int self = b.NextId;
        int arr = self + 2;
        b.Struct("outer", 16, ("inner", self + 1, 0, 0));
        b.Typedef("outer_t", arr);
        b.Array(self, 0, 1);
        Invalid(b.Build()).Message.Should().Contain("contains itself by value").And.Contain("'outer'");
    }

    [Fact]
    public void A_struct_pointing_to_itself_is_fine()
    {
        var b = new BtfBuilder();
        int self = b.NextId;
        b.Struct("node", 8, ("next", self + 1, 0, 0));
        b.Ptr(self);
        var node = Load(b.Build()).FindType("struct node")!;
        node.Members[0].Type.Target.Should().BeSameAs(node);
        node.Members[0].Type.DisplayName.Should().Be("struct node *");
    }

    [Fact]
    public void A_var_used_as_a_member_type_fails_on_use_with_a_clear_message()
    {
        var b = new BtfBuilder();
        int i = b.Int("int", 4);
        int v = b.Var("x", i);
        b.Struct("s", 4, ("m", v, 0, 0));
        var catalog = Load(b.Build());
        var act = () => catalog.FindType("struct s")!.Members;
        act.Should().Throw<InvalidDataException>().WithMessage("*type 2 is a Var record ('x'), which is not a data type*");
    }

    [Fact]
    public void A_longer_header_is_accepted_and_its_extra_fields_skipped()
    {
        var b = new BtfBuilder();
        b.Int("int", 4, signed: true);
        var plain = b.Build();
        // Insert 8 bytes of unknown header fields (non-zero) and grow hdr_len to 32; offsets stay relative.
        var longer = new byte[plain.Length + 8];
        plain.AsSpan(0, 24).CopyTo(longer);
        BinaryPrimitives.WriteUInt32LittleEndian(longer.AsSpan(4), 32);
        longer[24] = 0x55;
        plain.AsSpan(24).CopyTo(longer.AsSpan(32));
        Load(longer).FindType("int")!.Size.Should().Be(4);
    }

    [Fact]
    public void A_string_section_without_a_final_nul_is_refused()
    {
        var data = Minimal();
        data[^1] = (byte)'x';
        Invalid(data).Message.Should().Contain("must end with a NUL");
    }

    [SkippableFact]
    public void A_file_that_is_not_btf_is_named_in_the_error()
    {
        var path = Fixtures.SystemMap;
        var act = () => BtfTypeCatalog.FromFile(path);
        act.Should().Throw<InvalidDataException>()
            .WithMessage($"{path}: BTF offset 0 (0x0): expected the BTF magic 0xeb9f, found 0x3030");
    }

    [Fact]
    public void A_missing_file_is_a_plain_file_error()
    {
        var act = () => BtfTypeCatalog.FromFile("/nonexistent/vmlinux.btf");
        act.Should().Throw<IOException>().WithMessage("*/nonexistent/vmlinux.btf*");
    }
}
