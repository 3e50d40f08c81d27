using DumpScope.Host.Tests.Dwarf;
using DumpScope.Host.Types.Btf;
using DumpScope.Host.Types.Globals;
using Xunit.Abstractions;

namespace DumpScope.Host.Tests.Types.Globals;

/// <summary>
/// Every shipped declaration against the DWARF of the fixtures' 6.1 vmlinux: on kd1 (BTF from the dump,
/// kallsyms), the alternative chosen must have the variable's DWARF type and size. Declarations for globals
/// the 6.1 kernel does not have are listed in the output and skipped.
/// </summary>
public class DeclaredGlobalsDwarfTests(ITestOutputHelper output)
{
    /// <summary>The C spelling without qualifiers, which BTF and DWARF place alike but the declarations may omit.</summary>
    private static string Shape(KernelType type) =>
        type.DisplayName.Replace("const ", "", StringComparison.Ordinal).Replace("volatile ", "", StringComparison.Ordinal).Replace(" const", "", StringComparison.Ordinal);

    [SkippableFact]
    public void Every_declaration_agrees_with_the_vmlinux_DWARF_in_type_and_size()
    {
        var dwarf = FixtureDwarf.Catalog;
        using var session = FixtureSession.Open(Fixtures.Kd1Zlib);
        var kernel = session.Kernel();
        var btf = kernel.Types.Should().BeOfType<BtfTypeCatalog>().Subject;
        var globals = btf.DeclaredGlobals ?? throw new Xunit.Sdk.XunitException("a session attaches the declared globals to the dump's BTF");
        int verified = 0;
        var skipped = new List<string>();
        var wrong = new List<string>();
        foreach (var check in globals.CheckAll())
        {
            var truth = dwarf.FindVariableType(check.Name);
            if (truth is null)
            {
                skipped.Add($"{check.Name} ({string.Join("; ", check.Notes)})");
                check.Type.Should().BeNull($"{check.Name} is not a 6.1 variable, so kd1 has no symbol for it");
                continue;
            }
            if (check.Type is null && !kernel.Symbols.TryGetAddress(check.Name, out _))
            {
                // A 6.1 variable kd1's kallsyms does not list (kallsyms' own tables): nothing to check it with.
                skipped.Add($"{check.Name} (in DWARF, not in {kernel.Symbols.Source})");
                continue;
            }
            if (check.Type is null)
            {
                wrong.Add($"{check.Name}: no alternative fits: {string.Join("; ", check.Notes)}");
                continue;
            }
            // A "[]" length comes from the distance to the next symbol, an upper bound: the element type must
            // agree and the size may only be larger (DWARF itself says [0] for a linker-sized array).
            // DWARF may also index an extern declaration ("const char linux_banner[]", length 0) for the variable.
            bool inferred = check.Chosen!.Contains("[]", StringComparison.Ordinal) || truth.Resolve() is { Kind: TypeKind.Array, ArrayLength: 0 };
            if (inferred ? Shape(check.Type.Target!) != Shape(truth.Resolve().Target!) || check.Type.Size < truth.Size
                : Shape(check.Type) != Shape(truth) || check.Type.Size != truth.Size)
                wrong.Add($"{check.Name}: declared {check.Type.DisplayName} ({check.Type.Size} bytes) chose '{check.Chosen}', DWARF says {truth.DisplayName} ({truth.Size} bytes)");
            else verified++;
        }
        output.WriteLine($"{verified} of {GlobalDeclarationFile.All.Count} declarations (set version {GlobalDeclarationFile.Version}) verified against DWARF; {skipped.Count} not in 6.1:");
        foreach (var s in skipped) output.WriteLine("  skipped " + s);
        wrong.Should().BeEmpty();
        verified.Should().BeGreaterThan(250);
    }

    [SkippableFact]
    public void P_of_globals_without_DWARF_gives_the_values_crash_gives_with_it()
    {
        using var session = FixtureSession.Open(Fixtures.Kd1Zlib);
        session.Run("p jiffies").Blocks.OfType<TextBlock>().First().Lines[0].Should().Be("jiffies = 4294895541");
        session.Run("p nr_cpu_ids").Blocks.OfType<TextBlock>().First().Lines[0].Should().Be("nr_cpu_ids = 2");
        session.Run("p tainted_mask").Blocks.OfType<TextBlock>().First().Lines[0].Should().Be("tainted_mask = 0");
    }

    [SkippableFact]
    public void Every_type_inferred_for_an_undeclared_kd1_variable_is_the_one_DWARF_gives()
    {
        var dwarf = FixtureDwarf.Catalog;
        using var session = FixtureSession.Open(Fixtures.Kd1Zlib);
        var kernel = session.Kernel();
        var globals = kernel.Types.Should().BeOfType<BtfTypeCatalog>().Subject.DeclaredGlobals!;
        var declared = GlobalDeclarationFile.All.Select(d => d.Name).ToHashSet(StringComparer.Ordinal);
        var copies = kernel.Symbols.All.GroupBy(s => s.Name, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        int inferred = 0;
        string? firstInferred = null;
        var wrong = new List<string>();
        foreach (var symbol in kernel.Symbols.All.Where(s => s.Module is null && s.Type is 'D' or 'd' or 'B' or 'b' or 'R' or 'r').Select(s => s.Name).Distinct())
        {
            if (declared.Contains(symbol) || globals.Infer(symbol).Type is not { } type) continue;
            // A local symbol of several files (two "static struct x y") is not one variable: DWARF names either.
            if (copies[symbol] > 1) continue;
            var truth = dwarf.FindVariableType(symbol);
            if (truth is null) continue;
            inferred++;
            firstInferred ??= symbol;
            if (Shape(type) != Shape(truth) || type.Size != truth.Size)
                wrong.Add($"{symbol}: inferred {type.DisplayName} ({globals.Infer(symbol).Chosen}), DWARF says {truth.DisplayName} ({truth.Size} bytes)");
        }
        output.WriteLine($"{inferred} undeclared kd1 variables got an inferred type, each checked against DWARF");
        foreach (var w in wrong) output.WriteLine("  wrong " + w);
        wrong.Should().BeEmpty();
        inferred.Should().BeGreaterThan(50);
        var print = session.Run($"p {firstInferred}");
        print.Error.Should().BeNull();
        print.Warnings.Should().Contain(w => w.Contains("type from the name, not declared", StringComparison.Ordinal), "p says the type is a guess");
    }
}
