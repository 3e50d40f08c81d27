using DumpScope.Host.Symbols;
using DumpScope.Testing.Kallsyms;

namespace DumpScope.Host.Tests.Symbols;

/// <summary>Kernels whose VMCOREINFO does not name kallsyms (before 6.0): the tables are searched for in the image.</summary>
public class KallsymsSearchTests
{
    private const ulong Text = 0xffffffff_9ca0_0000UL;
    private const ulong ImageAt = Text + 0x70_0123; // after 7 MiB of "text", not aligned: the filler puts the tables in place
    private const ulong UtsNs = Text + 0x80_0000;   // .data, above the tables: bounds the search
    private const ulong MemSection = Text + 0x60_0000;
    private const ulong MemSectionValue = 0xffff_8880_1234_5000UL;

    private static List<KernelSymbol> Symbols(bool percpu)
    {
        var list = new List<KernelSymbol>();
        if (percpu) { list.Add(new("fixed_percpu_data", 0x0, 'A')); list.Add(new("per_cpu_runqueues", 0x2f000, 'A')); }
        list.Add(new("_text", Text, 'T'));
        list.Add(new("_stext", Text, 'T'));
        // 700 symbols: three markers, the last covering a partial block.
        list.AddRange(Enumerable.Range(0, 700).Select(i => new KernelSymbol($"function_number_{i}", Text + 0x1000 + (ulong)i * 48, i % 3 == 0 ? 'T' : 't')));
        list.Add(new("a_rust_symbol_" + new string('x', 180), Text + 0x40_0000, 'T'));
        list.Add(new("mem_section", MemSection, 'B'));
        list.Add(new("init_uts_ns", UtsNs, 'D'));
        return list;
    }

    private static (SyntheticMemory Memory, VmcoreInfo Info, KallsymsImage Image) Build(KallsymsLayout layout, bool percpu, int markerSize = 4)
    {
        var symbols = Symbols(percpu);
        var image = KallsymsImage.Build(symbols, layout, ImageAt, relativeBase: Text, absolutePercpu: percpu, markerSize: markerSize);
        var memory = new SyntheticMemory();
        memory.Write(image.Address, image.Bytes);
        var pointer = new byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(pointer, MemSectionValue);
        memory.Write(MemSection, pointer);
        // A 5.x VMCOREINFO: anchors, no SYMBOL(kallsyms_*).
        var info = VmcoreInfo.Parse($"OSRELEASE=5.10.0-test\nSYMBOL(init_uts_ns)={UtsNs:x}\nSYMBOL(_stext)={Text:x}\nSYMBOL(mem_section)={MemSectionValue:x}\n");
        return (memory, info, image);
    }

    public static TheoryData<KallsymsLayout, bool, int, string> Layouts => new()
    {
        { KallsymsLayout.OffsetsFirst, true, 4, "AbsolutePercpu" },   // 4.20–6.3, x86-64 SMP
        { KallsymsLayout.OffsetsFirst, false, 4, "Relative" },
        { KallsymsLayout.OffsetsFirst, true, 8, "AbsolutePercpu" },   // markers as unsigned long (before 4.20)
        { KallsymsLayout.AddressesFirst, true, 4, "Absolute" },       // no CONFIG_KALLSYMS_BASE_RELATIVE
        { KallsymsLayout.SeqsBetween, true, 4, "AbsolutePercpu" },    // 6.2–6.3: seqs_of_names before the token table
        { KallsymsLayout.SeqsBetween, false, 4, "Relative" },
        { KallsymsLayout.OffsetsLast, true, 4, "AbsolutePercpu" },    // 6.4 on
        { KallsymsLayout.OffsetsLast, false, 4, "Relative" },         // without absolute per-cpu
        { KallsymsLayout.PlaceRelative, false, 4, "PlaceRelative" },  // no kallsyms_relative_base
    };

    [Theory]
    [MemberData(nameof(Layouts))]
    public void Finds_and_decodes_every_layout_from_the_image_alone(KallsymsLayout layout, bool percpu, int markerSize, string expected)
    {
        var (memory, info, image) = Build(layout, percpu, markerSize);
        var result = KallsymsReader.TryRead(memory, info, out var problem);
        problem.Should().BeNull();
        result!.Encoding.ToString().Should().Be(expected);
        result.Table.All.Should().BeEquivalentTo(Symbols(percpu));
        result.HowFound.Should().StartWith($"found by searching the kernel image {Text:x}-{UtsNs:x}")
            .And.Contain($"token index at {image.TokenIndexAddress:x}")
            .And.Contain($"names at {image.NamesAddress:x}")
            .And.Contain($"({Symbols(percpu).Count} symbols)")
            .And.Contain("confirmed by 3 VMCOREINFO symbols (_stext, init_uts_ns, mem_section (the pointer it holds))");
    }

    [Fact]
    public void The_search_range_runs_from_stext_to_the_lowest_data_symbol()
    {
        var info = VmcoreInfo.Parse($"SYMBOL(_stext)={Text:x}\nSYMBOL(init_uts_ns)={UtsNs:x}\nSYMBOL(prb)={UtsNs + 0x1000:x}\nSYMBOL(mem_section)={MemSectionValue:x}\nKERNELOFFSET=1ba00000\n");
        KallsymsReader.SearchRange(info).Should().Be((Text, UtsNs));
        // Without _stext: the default text address plus KASLR; without data symbols: 64 MiB.
        KallsymsReader.SearchRange(VmcoreInfo.Parse("KERNELOFFSET=1ba00000\n"))
            .Should().Be((0xffffffff81000000UL + 0x1ba00000, 0xffffffff81000000UL + 0x1ba00000 + KallsymsReader.DefaultSearchSize));
    }

    [Fact]
    public void Absent_tables_are_reported_with_the_range_searched()
    {
        var (_, info, _) = Build(KallsymsLayout.OffsetsFirst, true);
        var empty = new SyntheticMemory();
        empty.Write(Text, new byte[4096]);
        KallsymsReader.TryRead(empty, info, out var problem).Should().BeNull();
        problem.Should().StartWith($"no kallsyms token table found in the kernel image {Text:x}-{UtsNs:x} (").And.Contain("pages of it unreadable");
    }

    [Fact]
    public void A_corrupted_token_index_is_not_mistaken_for_a_table()
    {
        var (memory, info, image) = Build(KallsymsLayout.OffsetsFirst, true);
        memory.Write(image.TokenIndexAddress + 200, [0xff, 0x7f]); // entry 100 jumps far ahead: not a token index
        KallsymsReader.TryRead(memory, info, out var problem).Should().BeNull();
        problem.Should().StartWith("no kallsyms token table found in the kernel image");
    }

    [Fact]
    public void Corrupted_markers_reject_the_candidate_and_say_why()
    {
        var (memory, info, image) = Build(KallsymsLayout.OffsetsFirst, true);
        memory.Write(image.MarkersAddress + 4, [0xff, 0xff, 0xff, 0x00]); // markers[1] beyond markers[2]
        KallsymsReader.TryRead(memory, info, out var problem).Should().BeNull();
        problem.Should().Contain($"candidates rejected: token table at {image.TokenTableAddress:x}: no kallsyms_markers/kallsyms_names before it");
    }

    [Fact]
    public void Addresses_that_disagree_with_vmcoreinfo_are_refused()
    {
        var (memory, _, _) = Build(KallsymsLayout.OffsetsFirst, true);
        var info = VmcoreInfo.Parse($"SYMBOL(init_uts_ns)={UtsNs + 0x40:x}\nSYMBOL(_stext)={Text:x}\n");
        KallsymsReader.TryRead(memory, info, out var problem).Should().BeNull();
        problem.Should().StartWith($"kallsyms names decoded ({Symbols(true).Count} symbols) but no address table agrees with VMCOREINFO")
            .And.Contain($"init_uts_ns comes out at {UtsNs:x}, VMCOREINFO says {UtsNs + 0x40:x}");
    }

    [Fact]
    public void The_token_index_signature_needs_zero_first_and_short_steps()
    {
        var index = new byte[512];
        for (int i = 0; i < 256; i++) BinaryPrimitives.WriteUInt16LittleEndian(index.AsSpan(i * 2), (ushort)(i * 3));
        KallsymsSearch.IsTokenIndex(index).Should().BeTrue();
        BinaryPrimitives.WriteUInt16LittleEndian(index.AsSpan(0), 1);
        KallsymsSearch.IsTokenIndex(index).Should().BeFalse();
        BinaryPrimitives.WriteUInt16LittleEndian(index.AsSpan(0), 0);
        BinaryPrimitives.WriteUInt16LittleEndian(index.AsSpan(20), 27); // step 0 after 27
        KallsymsSearch.IsTokenIndex(index).Should().BeFalse();
    }
}
