using DumpScope.Host.Symbols;
using DumpScope.Testing.Kallsyms;

namespace DumpScope.Host.Tests.Symbols;

public class KallsymsReaderTests
{
    private const ulong Text = 0xffffffff_9ca0_0000UL;
    private const ulong MemoryBase = 0xffffffff_9d00_0000UL;
    private const ulong ImageAt = MemoryBase + 0x10_0000;

    private static List<KernelSymbol> SampleSymbols() =>
    [
        new("fixed_percpu_data", 0x0, 'A'),
        new("per_cpu_runqueues", 0x2f000, 'D'),
        new("_text", Text, 'T'),
        new("_stext", Text, 'T'),
        new("init_task", Text + 0x1a1_aa40, 'D'),
        new("local_sym", Text + 0x2000, 't'),
        new("tt__t", Text + 0x3000, 'b'),
        new("a_rust_symbol_" + new string('x', 180), Text + 0x4000, 'T'), // > 127 tokens: two-byte length
        new("nr_cpu_ids", Text + 0x1c3_9f50, 'D'),
    ];

    private static SyntheticMemory Map(KallsymsImage image)
    {
        var memory = new SyntheticMemory();
        memory.Write(image.Address, image.Bytes);
        return memory;
    }

    private static (SyntheticMemory Memory, VmcoreInfo Info) Build(bool absolutePercpu, ulong? claimedStext = null, List<KernelSymbol>? symbols = null)
    {
        var image = KallsymsImage.Build(symbols ?? SampleSymbols(), KallsymsLayout.OffsetsFirst, ImageAt, absolutePercpu ? Text : 0, absolutePercpu);
        return (Map(image), VmcoreInfo.Parse(image.VmcoreInfoText(claimedStext ?? Text)));
    }

    [Fact]
    public void Decodes_names_types_and_absolute_percpu_addresses()
    {
        var (memory, info) = Build(absolutePercpu: true);
        var result = KallsymsReader.TryRead(memory, info, out var problem);
        problem.Should().BeNull();
        result!.Encoding.Should().Be(KallsymsReader.AddressEncoding.AbsolutePercpu);
        result.HowFound.Should().StartWith("named by VMCOREINFO").And.Contain("confirmed by 1 VMCOREINFO symbols (_stext)");
        var table = result.Table;
        table.Source.Should().Be(KallsymsReader.SourceName);
        table.All.Should().BeEquivalentTo(SampleSymbols());
        table.TryGetAddress("init_task", out var initTask).Should().BeTrue();
        initTask.Should().Be(Text + 0x1a1_aa40);
        table.TryGetSymbol("a_rust_symbol_" + new string('x', 180), out var big).Should().BeTrue();
        big.Type.Should().Be('T');
    }

    [Fact]
    public void Decodes_plain_relative_offsets_when_that_is_what_gives_stext()
    {
        // Without --absolute-percpu the offsets are unsigned distances from relative_base (here 0: a kernel
        // whose symbols all sit in the low 4 GiB, like a 32-bit layout); per-cpu symbols are then ordinary.
        var symbols = new List<KernelSymbol> { new("_stext", 0x8100_0000, 'T'), new("init_task", 0x8200_0000, 'D'), new("x", 0x10, 'D') };
        var image = KallsymsImage.Build(symbols, KallsymsLayout.OffsetsFirst, ImageAt);
        var result = KallsymsReader.TryRead(Map(image), VmcoreInfo.Parse(image.VmcoreInfoText(0x8100_0000)), out var problem);
        problem.Should().BeNull();
        result!.Encoding.Should().Be(KallsymsReader.AddressEncoding.Relative);
        result.Table.All.Should().BeEquivalentTo(symbols);
    }

    [Fact]
    public void Decodes_place_relative_offsets_when_vmcoreinfo_names_no_relative_base()
    {
        var image = KallsymsImage.Build(SampleSymbols(), KallsymsLayout.PlaceRelative, ImageAt);
        image.RelativeBaseAddress.Should().BeNull();
        var result = KallsymsReader.TryRead(Map(image), VmcoreInfo.Parse(image.VmcoreInfoText(Text)), out var problem);
        problem.Should().BeNull();
        result!.Encoding.Should().Be(KallsymsReader.AddressEncoding.PlaceRelative);
        result.Table.All.Should().BeEquivalentTo(SampleSymbols());
    }

    [Fact]
    public void Refuses_a_table_whose_stext_disagrees_with_vmcoreinfo()
    {
        var (memory, info) = Build(absolutePercpu: true, claimedStext: Text + 0x200000);
        KallsymsReader.TryRead(memory, info, out var problem).Should().BeNull();
        // _stext sits at relative_base, stored as -1: read as an unsigned offset that is base + 0xffffffff.
        problem.Should().StartWith("kallsyms names decoded (9 symbols) but no address table agrees with VMCOREINFO: ")
            .And.Contain($"as AbsolutePercpu: _stext comes out at {Text:x}, VMCOREINFO says {Text + 0x200000:x}")
            .And.Contain($"as Relative: _stext comes out at {unchecked(Text + 0xffffffffUL):x}");
    }

    [Fact]
    public void Reports_missing_vmcoreinfo_and_absurd_counts()
    {
        KallsymsReader.TryRead(new SyntheticMemory(), null, out var noInfo).Should().BeNull();
        noInfo.Should().Be("the dump has no VMCOREINFO");

        var (memory, info) = Build(absolutePercpu: true);
        info.TryGetSymbol("kallsyms_num_syms", out var numSyms);
        memory.Write(numSyms, BitConverter.GetBytes(KallsymsReader.MaxSymbols + 1));
        KallsymsReader.TryRead(memory, info, out var absurd).Should().BeNull();
        absurd.Should().Be($"kallsyms_num_syms is {KallsymsReader.MaxSymbols + 1}; expected 1..{KallsymsReader.MaxSymbols}");
    }

    [Fact]
    public void A_names_table_cut_by_missing_memory_is_a_problem_not_an_exception()
    {
        var many = Enumerable.Range(0, 3000).Select(i => new KernelSymbol($"function_number_{i}", Text + (ulong)i * 64, 't')).ToList();
        many.Insert(0, new KernelSymbol("_stext", Text, 'T'));
        var (memory, info) = Build(absolutePercpu: true, symbols: many);
        info.TryGetSymbol("kallsyms_names", out var names);
        memory.Exclude(names + 20_000);
        KallsymsReader.TryRead(memory, info, out var problem).Should().BeNull();
        problem.Should().StartWith("kallsyms_names entry ").And.Contain("unreadable: page excluded");
    }

    [Fact]
    public void Token_table_without_terminator_is_reported()
    {
        var (memory, info) = Build(absolutePercpu: true);
        info.TryGetSymbol("kallsyms_token_index", out var index);
        // Point token 5 far past the table, where no NUL can be found in what is mapped.
        memory.Write(index + 10, [0xf0, 0xff]);
        KallsymsReader.TryRead(memory, info, out var problem).Should().BeNull();
        problem.Should().Contain("kallsyms_token_table").And.Contain("unreadable");
    }
}
