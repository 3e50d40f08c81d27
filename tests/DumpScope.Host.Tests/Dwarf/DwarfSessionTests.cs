using DumpScope.Host.Types.Btf;
using DumpScope.Host.Types.Dwarf;
using Microsoft.Extensions.DependencyInjection;

namespace DumpScope.Host.Tests.Dwarf;

/// <summary>Type source selection in a session: --vmlinux with DWARF by default, --types btf|dwarf to force one.</summary>
public class DwarfSessionTests
{
    private static DumpScopeSession Open(TypeSourceKind types, string? vmlinux, string? btf = null) =>
        FixtureSession.Open(new SessionOptions { DumpPath = Fixtures.Kd1Zlib, VmlinuxPath = vmlinux, BtfPath = btf, Types = types });

    private static IKernel Kernel(DumpScopeSession session) => session.Services.GetRequiredService<IKernel>();

    [SkippableFact]
    public void A_vmlinux_with_debug_info_gives_dwarf_types_unless_btf_is_forced()
    {
        var vmlinux = FixtureDwarf.Catalog.FilePath;
        using (var automatic = Open(TypeSourceKind.Auto, vmlinux))
        {
            Kernel(automatic).Types.Should().BeOfType<DwarfTypeCatalog>();
            automatic.Notes.Should().Contain(n => n.StartsWith("types: DWARF in vmlinux-6.1.0-56-cloud-amd64", StringComparison.Ordinal));
            var whatis = automatic.Run("whatis slab_caches");
            whatis.Failed.Should().BeFalse(whatis.Error);
            whatis.Blocks.OfType<TextBlock>().Single().Lines.Should().Equal("struct list_head slab_caches;");
            automatic.Run("p nr_cpu_ids").Blocks.OfType<TextBlock>().First().Lines[0].Should().Be("nr_cpu_ids = 2");
        }
        using (var forced = Open(TypeSourceKind.Btf, vmlinux))
        {
            Kernel(forced).Types.Should().BeOfType<BtfTypeCatalog>();
            Kernel(forced).Symbols.Source.Should().Contain("vmlinux", "the vmlinux still gives symbols");
        }
        using (var btfFile = Open(TypeSourceKind.Auto, vmlinux, Fixtures.Btf))
            Kernel(btfFile).Types.Should().BeOfType<BtfTypeCatalog>("a --btf file named by the user wins in the default mode");
    }

    [SkippableFact]
    public void Forcing_dwarf_needs_a_vmlinux_with_debug_info()
    {
        _ = Fixtures.Kd1Zlib; // skip (outside CI) before the assertions when the fixture is missing
        var act = () => Open(TypeSourceKind.Dwarf, null);
        act.Should().Throw<UsageException>().WithMessage("--types dwarf needs --vmlinux*");
        var notElf = Fixtures.SystemMap;
        act = () => Open(TypeSourceKind.Dwarf, notElf);
        act.Should().Throw<UsageException>().WithMessage($"--vmlinux {notElf}: *not an ELF file*");
    }

    [SkippableFact]
    public void Forcing_dwarf_on_a_vmlinux_without_debug_info_is_a_usage_error()
    {
        _ = Fixtures.Kd1Zlib; // skip (outside CI) before the assertions when the fixture is missing
        var directory = Directory.CreateTempSubdirectory("dumpscope-nodwarf-").FullName;
        try
        {
            var stripped = Path.Combine(directory, "vmlinux");
            File.WriteAllBytes(stripped, DwarfBuilder.ElfImage([(".text", 1, new byte[64])]));
            var act = () => Open(TypeSourceKind.Dwarf, stripped);
            act.Should().Throw<UsageException>().WithMessage("--types dwarf: *has no DWARF debug information*");
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
