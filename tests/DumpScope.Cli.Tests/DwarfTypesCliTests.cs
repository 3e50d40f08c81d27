using DumpScope.Testing;

namespace DumpScope.Cli.Tests;

/// <summary>--vmlinux with DWARF and --types: the plugins work the same on DWARF types as on BTF.</summary>
public class DwarfTypesCliTests
{
    [SkippableFact]
    public void Kmem_s_with_dwarf_types_prints_what_it_prints_with_btf()
    {
        var dump = Fixtures.Kd1Zlib;
        var vmlinux = Fixtures.Vmlinux;
        var (btfExit, btfOut, btfErr) = CliRun.Run(dump, "--types", "btf", "--vmlinux", vmlinux, "-c", "kmem -s");
        btfExit.Should().Be(0, btfErr);
        btfErr.Should().NotContain("types: DWARF");
        var (dwarfExit, dwarfOut, dwarfErr) = CliRun.Run(dump, "--vmlinux", vmlinux, "--types", "dwarf", "-c", "kmem -s");
        dwarfExit.Should().Be(0, dwarfErr);
        dwarfErr.Should().Contain("note: types: DWARF in vmlinux-6.1.0-56-cloud-amd64");
        dwarfOut.Split('\n').Length.Should().BeGreaterThan(100, "every slab cache has a line");
        dwarfOut.Should().Be(btfOut);
    }

    [SkippableFact]
    public void P_and_whatis_use_the_dwarf_of_the_vmlinux()
    {
        var (exit, output, error) = CliRun.Run(Fixtures.Kd1Zlib, "--vmlinux", Fixtures.Vmlinux, "-c", "p nr_cpu_ids", "-c", "whatis slab_caches");
        exit.Should().Be(0, error);
        output.Should().Contain("nr_cpu_ids = 2").And.Contain("struct list_head slab_caches;");
    }

    [Fact]
    public void An_unknown_type_source_is_a_usage_error()
    {
        var (exit, _, error) = CliRun.Run("--types", "stabs", "-c", "plugins");
        exit.Should().Be(Program.Usage);
        error.Should().Contain("stabs").And.Contain("btf").And.Contain("dwarf");
    }

    [SkippableFact]
    public void Dwarf_without_a_vmlinux_is_a_usage_error()
    {
        var (exit, _, error) = CliRun.Run(Fixtures.Kd1Zlib, "--types", "dwarf", "-c", "sys");
        exit.Should().Be(Program.Usage);
        error.Should().Contain("--types dwarf needs --vmlinux");
    }
}
