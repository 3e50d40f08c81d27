using System.Diagnostics;
using DumpScope.Testing;

namespace DumpScope.Cli.Tests;

/// <summary>--vmlinux with DWARF and --types: the plugins work the same on DWARF types as on BTF.</summary>
public class DwarfTypesCliTests
{
    [SkippableFact]
    public void Kmem_s_ps_and_log_with_dwarf_types_print_what_they_print_with_btf()
    {
        var dump = Fixtures.Kd1Zlib;
        var vmlinux = Fixtures.Vmlinux;
        string[] commands = ["-c", "kmem -s", "-c", "ps", "-c", "log", "-c", "kmem -i", "-c", "kmem -S dentry"];
        var (btfExit, btfOut, btfErr) = CliRun.Run([dump, "--types", "btf", "--vmlinux", vmlinux, .. commands]);
        btfExit.Should().Be(0, btfErr);
        btfErr.Should().NotContain("types: DWARF");
        var (dwarfExit, dwarfOut, dwarfErr) = CliRun.Run([dump, "--vmlinux", vmlinux, "--types", "dwarf", .. commands]);
        dwarfExit.Should().Be(0, dwarfErr);
        dwarfErr.Should().Contain("note: types: DWARF in vmlinux-6.1.0-56-cloud-amd64");
        dwarfOut.Split('\n').Length.Should().BeGreaterThan(500, "every slab cache, task and log line is printed");
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

    [SkippableFact]
    public void A_vmlinux_of_another_build_is_refused_unless_forced()
    {
        var directory = Directory.CreateTempSubdirectory("dumpscope-cli-dwarf-").FullName;
        try
        {
            // Any ELF file with symbols, DWARF and a build-id will do as "the wrong vmlinux".
            var source = Path.Combine(directory, "other.c");
            var binary = Path.Combine(directory, "vmlinux-other");
            File.WriteAllText(source, "struct other_kernel_type { int a; long b; };\nstruct other_kernel_type other_global;\nint main(void) { return other_global.a; }\n");
            int code;
            try
            {
                using var gcc = Process.Start(new ProcessStartInfo("gcc", $"-g -O0 -no-pie -Wl,--build-id=sha1 -o {binary} {source}") { RedirectStandardError = true })!;
                gcc.StandardError.ReadToEnd();
                gcc.WaitForExit();
                code = gcc.ExitCode;
            }
            catch (System.ComponentModel.Win32Exception) { code = -1; }
            Skip.If(code != 0, "gcc is not available to build an ELF file");

            var (refused, _, why) = CliRun.Run(Fixtures.Kd1Zlib, "--vmlinux", binary, "--types", "dwarf", "-c", "whatis other_kernel_type");
            refused.Should().Be(Program.Usage, "a symbol file of another kernel is the user's mistake: a usage error listing the differences");
            why.Should().Contain("does not match the dump").And.Contain("build-id").And.Contain("--force");

            var (forced, output, notes) = CliRun.Run(Fixtures.Kd1Zlib, "--vmlinux", binary, "--types", "dwarf", "--force", "-c", "whatis other_kernel_type");
            forced.Should().Be(0, notes);
            notes.Should().Contain("does not match the dump but was forced").And.Contain("types: DWARF in vmlinux-other");
            output.Should().Contain("struct other_kernel_type {");
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
