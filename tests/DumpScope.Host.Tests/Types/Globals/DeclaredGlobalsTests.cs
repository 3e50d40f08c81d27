using DumpScope.Host.Types.Globals;

namespace DumpScope.Host.Tests.Types.Globals;

/// <summary>The declaration file format and the choice among alternatives, over the real 6.1 BTF and hand-placed symbols.</summary>
public class DeclaredGlobalsTests
{
    private static IReadOnlyList<GlobalDeclaration> Parse(string text) => GlobalDeclarationFile.Parse(text, "test.txt").All;

    [Fact]
    public void The_file_has_names_alternatives_comments_and_a_version()
    {
        var (version, all) = GlobalDeclarationFile.Parse("# comment\n@version 3\njiffies: unsigned long  # a comment\n\nmask: struct cpumask | const struct cpumask *\nbanner: const char [204] | char []\n", "t");
        version.Should().Be(3);
        all.Select(d => d.Name).Should().Equal("jiffies", "mask", "banner");
        all[1].Alternatives.Select(a => a.Text).Should().Equal("struct cpumask", "const struct cpumask *");
        all[1].Alternatives[1].Type.Pointers.Should().Be(1);
        all[2].Alternatives[1].Type.ArrayLengths.Should().Equal([null]);
        all[1].Line.Should().Be(5);
    }

    [Theory]
    [InlineData("jiffies unsigned long", "test.txt:1: expected 'NAME: TYPE'*")]
    [InlineData("a: int\na: long", "test.txt:2: 'a' is declared twice")]
    [InlineData("a-b: int", "test.txt:1: 'a-b' is not a symbol name")]
    [InlineData("a: int [", "test.txt:1: a: expected an array length*")]
    [InlineData("@version x", "test.txt:1: '@version' needs a number")]
    public void A_malformed_line_is_reported_with_its_number(string text, string message)
    {
        var act = () => Parse(text);
        act.Should().Throw<InvalidDataException>().WithMessage(message);
    }

    [Fact]
    public void The_shipped_set_parses_and_is_versioned()
    {
        GlobalDeclarationFile.All.Count.Should().BeGreaterThan(250);
        GlobalDeclarationFile.Version.Should().BeGreaterThan(0);
        GlobalDeclarationFile.All.Select(d => d.Name).Should().Contain(["jiffies", "init_task", "_totalram_pages", "totalram_pages", "__cpu_online_mask", "cpu_online_mask", "modules", "prb", "vm_node_stat"]);
    }

    [Fact]
    public void The_first_alternative_that_exists_and_fits_before_the_next_symbol_wins()
    {
        var symbols = new SyntheticSymbols();
        symbols.Add("small", 0x1000);
        symbols.Add("after_small", 0x1008);
        symbols.Add("big", 0x2000);
        symbols.Add("after_big", 0x3000);
        symbols.Add("stats", 0x4000);
        symbols.Add("after_stats", 0x4000 + 5 * 8);
        symbols.Add("gone", 0x5000);
        var globals = new DeclaredGlobals(ReferenceTypes.Debian61, symbols, Parse("""
            small: struct cpumask | const struct cpumask *
            big: struct cpumask | const struct cpumask *
            stats: atomic_long_t [43] | atomic_long_t []
            gone: struct no_such_struct | struct no_such_either *
            absent: unsigned long
            """));
        var small = globals.Check("small")!;
        small.Chosen.Should().Be("const struct cpumask *", "a 1024-byte cpumask does not fit the 8 bytes before the next symbol (a pre-4.5 pointer)");
        small.Notes.Should().ContainSingle().Which.Should().Contain("1024 bytes do not fit the 8 bytes");
        globals.Check("big")!.Chosen.Should().Be("struct cpumask");
        var stats = globals.Find("stats")!;
        stats.DisplayName.Should().Be("atomic_long_t [5]", "'[]' takes its length from the distance to the next symbol");
        var gone = globals.Check("gone")!;
        gone.Type.Should().BeNull();
        gone.Notes.Should().HaveCount(2).And.AllSatisfy(n => n.Should().Contain("has no type"));
        globals.Check("absent")!.Notes.Should().ContainSingle().Which.Should().Contain("no symbol 'absent'");
        globals.Check("not_declared").Should().BeNull();
    }

    [Fact]
    public void An_undeclared_struct_variable_is_inferred_from_its_name_only_when_its_size_agrees()
    {
        var types = ReferenceTypes.Debian61;
        ulong busType = types.FindType("struct bus_type")!.Size, fs = types.FindType("struct fs_struct")!.Size, rcu = types.FindType("struct rcu_state")!.Size;
        var symbols = new SyntheticSymbols();
        symbols.Add("pci_bus_type", 0x10000);
        symbols.Add("after_pci", 0x10000 + busType + 4);
        symbols.Add("fake_bus_type", 0x20000);
        symbols.Add("after_fake", 0x20000 + busType + 4096);
        symbols.Add("init_fs", 0x30000);
        symbols.Add("after_init_fs", 0x30000 + fs);
        symbols.Add("rcu_state", 0x100000);
        symbols.Add("after_rcu", 0x100000 + rcu);
        symbols.Add("text_bus_type", 0x50000, 'T');
        symbols.Add("after_text", 0x50000 + busType);
        symbols.Add("zz_no_such_thing", 0x60000);
        symbols.Add("uts_sem", 0x80000);
        symbols.Add("after_uts_sem", 0x80000 + types.FindType("struct sem")!.Size);
        var globals = new DeclaredGlobals(types, symbols, Parse("declared_one: unsigned long"));

        globals.Find("pci_bus_type")!.DisplayName.Should().Be("struct bus_type", "its two-word tail names a struct whose size fits, with 4 bytes of padding");
        globals.Infer("pci_bus_type").Chosen.Should().Contain("inferred");
        globals.Find("init_fs")!.DisplayName.Should().Be("struct fs_struct");
        globals.Find("rcu_state")!.DisplayName.Should().Be("struct rcu_state");
        globals.Find("fake_bus_type").Should().BeNull("4 KiB more than a bus_type before the next symbol: something else lives there");
        globals.Infer("fake_bus_type").Notes.Should().ContainSingle().Which.Should().Contain("suggests struct bus_type").And.Contain($"{busType + 4096} bytes");
        globals.Find("text_bus_type").Should().BeNull("a function is not a variable");
        globals.Find("uts_sem").Should().BeNull("one-word tails are not guessed even when the size fits: uts_sem is an rw_semaphore, not a struct sem");
        globals.Infer("zz_no_such_thing").Notes.Should().ContainSingle().Which.Should().Contain("matches no struct");
        globals.Check("pci_bus_type").Should().BeNull("inference does not make a declaration");
        DeclaredGlobals.StructNames("def_root_domain").Should().Equal(["def_root_domain", "root_domain"], "one-word tails are never guessed");
        DeclaredGlobals.StructNames("__tpstrtab_read_msr").Should().BeEmpty("macro-made names are never guessed");
    }
}
