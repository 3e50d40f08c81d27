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
}
