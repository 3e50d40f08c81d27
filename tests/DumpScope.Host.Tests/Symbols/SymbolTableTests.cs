using DumpScope.Host.Symbols;

namespace DumpScope.Host.Tests.Symbols;

public class SymbolTableTests
{
    private const ulong Text = 0xffffffff_9ca0_0000UL;

    private static SymbolTable Sample() => new("test",
    [
        new("init_task", Text + 0x1000, 'D'),
        new("_text", Text, 'T'),
        new("_stext", Text, 'T'),
        new("local_dup", Text + 0x100, 't'),
        new("local_dup", Text + 0x200, 't'),
        new("global_dup", Text + 0x300, 't'),
        new("global_dup", Text + 0x400, 'T'),
        new("static_at_same", Text + 0x500, 't'),
        new("Global_at_same", Text + 0x500, 'T'),
        new("fixed_percpu_data", 0, 'A'),
        new("runqueues", 0x2f000, 'D'),
        new("_end", Text + 0x2000, 'B'),
    ]);

    [Fact]
    public void Sorts_by_address_keeping_the_order_of_equal_addresses()
    {
        var table = Sample();
        table.Count.Should().Be(12);
        table.All.Select(s => s.Address).Should().BeInAscendingOrder();
        table.All.Where(s => s.Address == Text).Select(s => s.Name).Should().Equal("_text", "_stext");
    }

    [Fact]
    public void A_syscall_alias_pair_is_named_by_its_x64_entry_as_crash_names_it()
    {
        // System.map's order at one address: __do_sys_pause (t), __ia32_sys_pause (T), __x64_sys_pause (T).
        var table = new SymbolTable("test",
        [
            new("__do_sys_pause", Text + 0x10, 't'), new("__ia32_sys_pause", Text + 0x10, 'T'), new("__x64_sys_pause", Text + 0x10, 'T'),
            new("__ia32_compat_sys_x", Text + 0x40, 'T'), new("next_function", Text + 0x80, 'T'),
        ]);
        table.Lookup(Text + 0x34)!.Value.Symbol.Name.Should().Be("__x64_sys_pause");
        table.Lookup(Text + 0x34)!.Value.Offset.Should().Be(0x24UL);
        table.Lookup(Text + 0x40)!.Value.Symbol.Name.Should().Be("__ia32_compat_sys_x", "an __ia32_ symbol with no __x64_ twin keeps its name");
        table.TryGetAddress("__ia32_sys_pause", out var alias).Should().BeTrue();
        alias.Should().Be(Text + 0x10);
    }

    [Fact]
    public void Names_prefer_the_global_symbol_else_the_lowest_address()
    {
        var table = Sample();
        table.TryGetAddress("local_dup", out var local).Should().BeTrue();
        local.Should().Be(Text + 0x100);
        table.TryGetAddress("global_dup", out var global).Should().BeTrue();
        global.Should().Be(Text + 0x400);
        table.TryGetAddress("missing", out _).Should().BeFalse();
    }

    [Fact]
    public void Lookup_gives_the_nearest_symbol_below_and_its_offset()
    {
        var table = Sample();
        table.Lookup(Text + 0x1010)!.Value.ToString().Should().Be("init_task+16");
        table.Lookup(Text + 0x1000)!.Value.Offset.Should().Be(0UL);
        table.Lookup(Text)!.Value.Symbol.Name.Should().Be("_text", "the first global at the address");
        table.Lookup(Text + 0x510)!.Value.Symbol.Name.Should().Be("Global_at_same");
        table.Lookup(0x2f008)!.Value.ToString().Should().Be("runqueues+8");
    }

    [Fact]
    public void Lookup_refuses_addresses_in_huge_gaps_or_far_past_the_end()
    {
        var table = Sample();
        table.Lookup(0xffff_89ab_0000_1000UL).Should().BeNull("a direct-map address is not runqueues+2^47");
        table.Lookup(0x2f000 + SymbolTable.MaxTrailingOffset + 1).Should().BeNull("the last per-cpu symbol is followed by a gap of 2^64-ish");
        table.Lookup(Text + 0x2000 + SymbolTable.MaxTrailingOffset).Should().NotBeNull();
        table.Lookup(Text + 0x2001 + SymbolTable.MaxTrailingOffset).Should().BeNull();
        table.Lookup(0xffffffff_c051_c000UL).Should().BeNull("module space is far beyond _end");
        new SymbolTable("empty", []).Lookup(Text).Should().BeNull();
        new SymbolTable("above", [new KernelSymbol("x", Text, 'T')]).Lookup(Text - 1).Should().BeNull();
    }

    [Fact]
    public void Composite_answers_names_from_the_first_source_and_addresses_from_the_closest()
    {
        var kallsyms = new SymbolTable("kallsyms", [new("a", Text, 'T'), new("b", Text + 0x100, 'T')]);
        var map = new SymbolTable("map", [new("a", Text + 8, 'T'), new("c", Text + 0x80, 't'), new("map_only", Text + 0x200, 'D')]);
        var composite = new CompositeSymbolTable([kallsyms, map]);

        composite.TryGetAddress("a", out var a).Should().BeTrue();
        a.Should().Be(Text, "the first source wins");
        composite.TryGetAddress("map_only", out var mapOnly).Should().BeTrue();
        mapOnly.Should().Be(Text + 0x200);
        composite.Lookup(Text + 0x90)!.Value.ToString().Should().Be("c+16", "the map knows a closer symbol");
        composite.Lookup(Text + 0x4)!.Value.ToString().Should().Be("a+4");
        composite.Lookup(Text + 0x100)!.Value.Symbol.Name.Should().Be("b");
        composite.Count.Should().Be(5, "a twice at different addresses, b, c, map_only");
        composite.All.Select(s => s.Address).Should().BeInAscendingOrder();
        composite.Source.Should().Be("kallsyms (2 symbols) + map (3 symbols)");
        FluentActions.Invoking(() => new CompositeSymbolTable([])).Should().Throw<ArgumentException>();
    }
}
