using DumpScope.Host.Commands.Builtins;

namespace DumpScope.Host.Tests.Types;

/// <summary>The struct command on a fake kernel over the fixture BTF, with objects written into fake memory.</summary>
public class StructCommandTests
{
    // A page of the direct map; kmem_cache objects are placed near its end so their declared size crosses pages.
    private const ulong Page = 0xffff888003a00000UL;

    private static CommandResult Run(SyntheticKernel kernel, string type, string? address = null, bool offsets = false, int elements = 16) =>
        new StructCommand { TypeName = type, Address = address, Offsets = offsets, Elements = elements }.Execute(kernel.Context());

    private static SyntheticKernel Kernel() => new(ReferenceTypes.Debian61, nrCpuIds: 2, nrNodeIds: 1);

    /// <summary>Writes a plausible kmem_cache at <paramref name="at"/>: only the first 224 bytes (its live size with one node).</summary>
    private static void WriteKmemCache(SyntheticKernel kernel, ulong at, string name, ulong nameAddress)
    {
        var type = kernel.Types.Require("struct kmem_cache");
        var live = new byte[224];
        void U64(string member, ulong value) => BitConverter.GetBytes(value).CopyTo(live, (int)type.FindMember(member).Offset);
        void U32(string member, uint value) => BitConverter.GetBytes(value).CopyTo(live, (int)type.FindMember(member).Offset);
        U64("cpu_slab", 0x3c4a0UL);
        U32("flags", 0x40000000);
        U32("size", 64);
        U32("object_size", 64);
        U32("offset", 32);
        U32("oo.x", (0u << 16) | 64);
        U32("refcount", 1);
        U64("name", nameAddress);
        U64("list.next", at + 104);
        U64("list.prev", at + 104);
        U64("node[0]", 0xffff888003b00000UL);
        kernel.Memory.Write(at, live);
        kernel.Memory.Write(nameAddress, Encoding.ASCII.GetBytes(name + "\0"));
    }

    [Fact]
    public void Layout_lists_offsets_sizes_types_and_bitfields_like_pahole()
    {
        var result = Run(Kernel(), "slab");
        result.Failed.Should().BeFalse(ResultText.Render(result));
        var text = ResultText.Render(result);
        // pahole -C slab: "unsigned int inuse:16; /* 40: 0 4 */", "objects:15 /* 40:16 4 */", "frozen:1 /* 40:31 4 */".
        var inuse = ResultText.Row(result, "NAME", "inuse:16");
        ResultText.Show(ResultText.Cell(result, inuse, "OFFSET")).Should().Be("40");
        ResultText.Show(ResultText.Cell(result, inuse, "BIT")).Should().Be("0");
        ResultText.Show(ResultText.Cell(result, inuse, "SIZE")).Should().Be("4");
        ResultText.Show(ResultText.Cell(result, ResultText.Row(result, "NAME", "objects:15"), "BIT")).Should().Be("16");
        ResultText.Show(ResultText.Cell(result, ResultText.Row(result, "NAME", "frozen:1"), "BIT")).Should().Be("31");
        ResultText.Show(ResultText.Cell(result, ResultText.Row(result, "NAME", "slab_cache"), "OFFSET")).Should().Be("24");
        ResultText.Show(ResultText.Cell(result, ResultText.Row(result, "NAME", "slab_cache"), "TYPE")).Should().Be("struct kmem_cache *");
        // Anonymous members are rows of their own, and their members are indented under them.
        var table = ResultText.Table(result);
        var names = table.Rows.Select(r => ResultText.Show(r.Cells[4])).ToList();
        names.Should().ContainInOrder("__page_flags", "", "  slab_list", "  callback_head", "", "    next", "    slabs", "slab_cache");
        names.Should().Contain("    inuse:16");
        table.Rows.Should().HaveCount(18, text);
        result.Blocks.OfType<RecordBlock>().Single().Fields.Single(f => f.Name == "SIZE").Value.Value.Should().Be(64UL);
    }

    [Fact]
    public void Layout_of_one_member_path_expands_it()
    {
        var result = Run(Kernel(), "kmem_cache.kobj");
        var names = ResultText.Table(result).Rows.Select(r => ResultText.Show(r.Cells[4]).Trim()).ToList();
        names.First().Should().Be("kobj");
        names.Should().Contain(["name", "entry", "kref", "state_initialized:1"]);
        names.Should().NotContain("cpu_slab");
        ResultText.Show(ResultText.Cell(result, ResultText.Row(result, "NAME", "kref"), "OFFSET")).Should().Be("176", "kobj at 120 + kref at 56");
    }

    [Fact]
    public void Unknown_types_and_members_are_usage_errors()
    {
        var kernel = Kernel();
        var act = () => Run(kernel, "no_such_struct");
        act.Should().Throw<UsageException>().WithMessage("*unknown type 'no_such_struct'*");
        act = () => Run(kernel, "kmem_cache.no_such_member");
        act.Should().Throw<UsageException>().WithMessage("*struct kmem_cache has no member 'no_such_member'*");
        act = () => Run(kernel, "kmem_cache", "not-an-address");
        act.Should().Throw<UsageException>().WithMessage("*'not' is not a symbol*(column 1 of 'not-an-address')*");
        act = () => Run(kernel, "struct", "page");
        act.Should().Throw<UsageException>().WithMessage("*in quotes*");
    }

    [Fact]
    public void Values_of_a_trimmed_kmem_cache_stop_at_its_runtime_size()
    {
        var kernel = Kernel();
        ulong at = Page + 0xe00; // declared 8408 bytes would run over the next pages
        WriteKmemCache(kernel, at, "kmalloc-64", Page + 0x100);
        // The next pages are excluded, as in the seed report: reading the declared size would fault there.
        for (ulong p = Page + 0x1000; p < at + 8408; p += 0x1000) kernel.Memory.Exclude(p);
        kernel.RuntimeSizes.Register(new RuntimeSize("struct kmem_cache", 224, "offsetof(node) + nr_node_ids pointers"));

        var result = Run(kernel, "kmem_cache", $"{at:x}");
        var text = ResultText.Render(result);
        result.Failed.Should().BeFalse(text);
        ResultText.Cell(result, ResultText.Row(result, "NAME", "size"), "VALUE").Value.Should().Be(64UL);
        ResultText.Cell(result, ResultText.Row(result, "NAME", "oo.x"), "VALUE").Value.Should().Be(64UL);
        ResultText.Cell(result, ResultText.Row(result, "NAME", "refcount"), "VALUE").Value.Should().Be(1L);
        var name = ResultText.Row(result, "NAME", "name");
        ResultText.Cell(result, name, "VALUE").Should().Be(Cell.Address(Page + 0x100));
        ResultText.Show(ResultText.Cell(result, name, "DETAIL")).Should().Be("\"kmalloc-64\"");
        ResultText.Cell(result, ResultText.Row(result, "NAME", "node[0]"), "VALUE").Should().Be(Cell.Address(0xffff888003b00000UL));
        ResultText.Cell(result, ResultText.Row(result, "NAME", "list.next"), "VALUE").Should().Be(Cell.Address(at + 104));
        ResultText.Row(result, "NAME", "kobj.name");
        ResultText.Row(result, "NAME", "kobj.state_initialized");

        var cut = ResultText.Cell(result, ResultText.Row(result, "NAME", "node[1..1023]"), "VALUE");
        cut.Absence.Should().Be(Absence.NotAvailable);
        cut.Reason.Should().Be("not part of the live object (runtime size 224 of declared 8408)");
        ResultText.Table(result).Rows.Should().NotContain(r => r.Cells.Any(c => c.Absence == Absence.Unreadable), text);
        var summary = result.Blocks.OfType<RecordBlock>().Single();
        summary.Fields.Single(f => f.Name == "RUNTIME SIZE").Value.Value.Should().Be(224UL);

        // Nothing read the excluded pages, and no read of the object went past its live size.
        kernel.Memory.Reads.Where(r => r.Address >= at && r.Address < at + 8408)
            .Should().OnlyContain(r => r.Address + (ulong)r.Length <= at + 224);
    }

    [Fact]
    public void Members_past_the_runtime_size_are_absent_even_when_memory_is_readable()
    {
        var kernel = Kernel();
        ulong at = Page + 0x200;
        WriteKmemCache(kernel, at, "dentry", Page + 0x100);
        kernel.Memory.Write(at + 224, new byte[8408 - 224]);
        // Pretend a kernel whose kmem_cache ends right after usersize (no node[] at all).
        kernel.RuntimeSizes.Register(new RuntimeSize("struct kmem_cache", 212, "test"));
        var result = Run(kernel, "struct kmem_cache", $"0x{at:x}", elements: 4);
        var usersize = ResultText.Cell(result, ResultText.Row(result, "NAME", "usersize"), "VALUE");
        usersize.Absence.Should().Be(Absence.NotAvailable);
        usersize.Reason.Should().Be("not part of the live object (runtime size 212 of declared 8408)");
        ResultText.Cell(result, ResultText.Row(result, "NAME", "useroffset"), "VALUE").HasValue.Should().BeTrue();
        ResultText.Cell(result, ResultText.Row(result, "NAME", "node[0..1023]"), "VALUE").Absence.Should().Be(Absence.NotAvailable);
    }

    [Fact]
    public void Members_on_an_unreadable_page_are_marked_one_by_one()
    {
        var kernel = Kernel();
        ulong at = Page + 0xf80; // 128 bytes on this page, the rest on the next one
        var type = kernel.Types.Require("struct kmem_cache");
        var bytes = new byte[128];
        BitConverter.GetBytes(64u).CopyTo(bytes, (int)type.FindMember("object_size").Offset);
        kernel.Memory.Write(at, bytes);
        kernel.Memory.Exclude(Page + 0x1000);
        kernel.Memory.Exclude(Page + 0x2000);
        kernel.Memory.Exclude(Page + 0x3000);

        var result = Run(kernel, "kmem_cache", $"{at:x}", offsets: true, elements: 2);
        var text = ResultText.Render(result);
        result.Failed.Should().BeFalse(text);
        ResultText.Cell(result, ResultText.Row(result, "NAME", "object_size"), "VALUE").Value.Should().Be(64UL);
        ResultText.Cell(result, ResultText.Row(result, "NAME", "kobj.name"), "VALUE").HasValue.Should().BeTrue("kobj.name at 120..127 is on the readable page");
        var random = ResultText.Row(result, "NAME", "random");
        var cell = ResultText.Cell(result, random, "VALUE");
        cell.Absence.Should().Be(Absence.Unreadable);
        cell.Reason.Should().Be($"page excluded: kernel virtual address: {at + 184:x} type: \"struct kmem_cache\"");
        random.Problem.Should().Contain("random");
        ResultText.Cell(result, random, "OFFSET").Value.Should().Be(184UL);
        ResultText.Cell(result, random, "ADDRESS").Should().Be(Cell.Address(at + 184));
        ResultText.Cell(result, ResultText.Row(result, "NAME", "node[1]"), "VALUE").Absence.Should().Be(Absence.Unreadable);
        ResultText.Row(result, "NAME", "node[2..1023]");
    }

    [Fact]
    public void Bitfields_enums_char_arrays_and_navigation()
    {
        var kernel = Kernel();
        ulong slabAt = Page + 0x400;
        var slab = kernel.Types.Require("struct slab");
        var bytes = new byte[64];
        BitConverter.GetBytes((1u << 31) | (32u << 16) | 5u).CopyTo(bytes, 40);
        BitConverter.GetBytes(Page + 0xe00).CopyTo(bytes, (int)slab.FindMember("slab_cache").Offset);
        kernel.Memory.Write(slabAt, bytes);
        var result = Run(kernel, "slab", $"{slabAt:x}");
        ResultText.Cell(result, ResultText.Row(result, "NAME", "inuse"), "VALUE").Value.Should().Be(5UL);
        ResultText.Cell(result, ResultText.Row(result, "NAME", "objects"), "VALUE").Value.Should().Be(32UL);
        ResultText.Cell(result, ResultText.Row(result, "NAME", "frozen"), "VALUE").Value.Should().Be(1UL);
        ResultText.Cell(result, ResultText.Row(result, "NAME", "counters"), "VALUE").Value.Should().Be((1UL << 31) | (32UL << 16) | 5UL);
        ResultText.Row(result, "NAME", "slab_cache").Targets.Should().ContainSingle()
            .Which.Subject.Should().Be(new ObjectTarget("struct kmem_cache", Page + 0xe00));

        ulong moduleAt = Page + 0x800;
        var module = new byte[0x400];
        BitConverter.GetBytes(2u).CopyTo(module, 0); // MODULE_STATE_GOING
        Encoding.ASCII.GetBytes("ext4\0").CopyTo(module, 24);
        kernel.Memory.Write(moduleAt, module);
        result = Run(kernel, "module.name", $"{moduleAt:x}");
        ResultText.Cell(result, ResultText.Table(result).Rows.Single(), "VALUE").Should().Be(Cell.Text("ext4"));
        result = Run(kernel, "module.state", $"{moduleAt:x}");
        var state = ResultText.Table(result).Rows.Single();
        ResultText.Cell(result, state, "VALUE").Should().Be(Cell.Enum("MODULE_STATE_GOING"));
        ResultText.Show(ResultText.Cell(result, state, "DETAIL")).Should().Be("2");
    }

    [Fact]
    public void A_symbol_serves_as_the_address_and_a_member_path_limits_the_output()
    {
        var kernel = Kernel();
        ulong at = Page + 0x100;
        WriteKmemCache(kernel, at, "kmem_cache", Page + 0x80);
        kernel.Symbols.Add("kmem_cache_boot", at);
        var result = Run(kernel, "kmem_cache.list", "kmem_cache_boot");
        ResultText.Table(result).Rows.Select(r => ResultText.Show(r.Cells[0])).Should().Equal("list.next", "list.prev");
        result = Run(kernel, "\"struct kmem_cache\".list", $"{at:x}");
        ResultText.Table(result).Rows.Should().HaveCount(2, "quotes around the type are tolerated");
        result = Run(kernel, "kmem_cache.node[0]", $"{at:x}");
        ResultText.Table(result).Rows.Select(r => ResultText.Show(r.Cells[0])).Should().Equal("node[0]");
    }

    [Fact]
    public void Big_arrays_are_summarised_after_n_elements()
    {
        var kernel = Kernel();
        ulong at = Page + 0x100;
        kernel.Memory.Write(at, new byte[1024]);
        var result = Run(kernel, "cpumask", $"{at:x}", elements: 3);
        var names = ResultText.Table(result).Rows.Select(r => ResultText.Show(r.Cells[0])).ToList();
        names.Should().Equal("bits[0]", "bits[1]", "bits[2]", "bits[3..127]");
        ResultText.Show(ResultText.Cell(result, ResultText.Row(result, "NAME", "bits[3..127]"), "DETAIL")).Should().Be("125 more elements (-n to show more)");
    }

    [Fact]
    public void Wide_integers_floats_bools_and_byte_arrays_on_synthetic_types()
    {
        var b = new BtfBuilder();
        int u128 = b.Int("__int128 unsigned", 16);
        int dbl = b.Float("double", 8);
        int boolean = b.Int("_Bool", 1, isBool: true);
        int u8 = b.Int("unsigned char", 1);
        int bytes = b.Array(u8, u8, 4);
        int neg = b.Int("int", 4, signed: true);
        b.Struct("wide", 40, ("v", u128, 0, 0), ("d", dbl, 128, 0), ("ok", boolean, 192, 0), ("raw", bytes, 200, 0), ("n", neg, 256, 0));
        var kernel = new SyntheticKernel(Host.Types.Btf.BtfTypeCatalog.FromBytes(b.Build(), "synthetic"));
        ulong at = Page + 0x40;
        var data = new byte[40];
        data[0] = 0x01;
        data[15] = 0x80;
        BitConverter.GetBytes(2.5).CopyTo(data, 16);
        data[24] = 1;
        new byte[] { 0xde, 0xad, 0xbe, 0xef }.CopyTo(data, 25);
        BitConverter.GetBytes(-7).CopyTo(data, 32);
        kernel.Memory.Write(at, data);

        var result = Run(kernel, "wide", $"{at:x}");
        ResultText.Cell(result, ResultText.Row(result, "NAME", "v"), "VALUE").Should().Be(Cell.Text("0x80000000000000000000000000000001"));
        ResultText.Cell(result, ResultText.Row(result, "NAME", "d"), "VALUE").Should().Be(Cell.Text("2.5"));
        ResultText.Cell(result, ResultText.Row(result, "NAME", "ok"), "VALUE").Should().Be(Cell.Bool(true));
        ResultText.Cell(result, ResultText.Row(result, "NAME", "raw"), "VALUE").Should().Be(Cell.Text("deadbeef"));
        ResultText.Cell(result, ResultText.Row(result, "NAME", "n"), "VALUE").Should().Be(Cell.Int(-7));
    }

    [Fact]
    public void A_flexible_array_member_is_marked_not_guessed()
    {
        var kernel = Kernel();
        ulong at = Page + 0x100;
        kernel.Memory.Write(at, new byte[128]);
        var result = Run(kernel, "pid", $"{at:x}");
        var numbers = ResultText.Cell(result, ResultText.Row(result, "NAME", "numbers"), "VALUE");
        numbers.Absence.Should().Be(Absence.NotAvailable);
        numbers.Reason.Should().Contain("flexible array member");
    }
}
