using DumpScope.Host.Arch;
using DumpScope.Host.Arch.Arm64;
using DumpScope.Host.Kernel;
using DumpScope.Host.Rendering;

namespace DumpScope.Host.Tests.Arch;

/// <summary>
/// Whole arm64 dumps written by the kit (<see cref="Arm64KernelDumpFile"/>: ELF and kdump-compressed, arm64 page
/// tables, the VMCOREINFO arm64 writes, KASLR) opened as the CLI opens them: the architecture is detected, the
/// walk geometry and PAGE_OFFSET probed, and vtop, rd and ptov translate every kind of address.
/// </summary>
public sealed class Arm64DumpTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("dumpscope-arm64-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    public static TheoryData<int, int, ulong, bool> Layouts => new()
    {
        { 4096, 39, 0x4000_0000UL, true },
        { 4096, 48, 0x4000_0000UL, true },
        { 16384, 47, 0x8000_0000UL, true },
        { 65536, 42, 0x4000_0000UL, true },
        // 52-bit output addresses: RAM above 2^48 (64K, FEAT_LPA) and above 2^50 (4K, LPA2); ELF only, as a
        // kdump bitmap of 2^36 frames would be gigabytes.
        { 65536, 52, 0x0009_0000_0000_0000UL, false },
        { 4096, 52, 0x000c_0000_0000_0000UL, false },
    };

    private sealed record Built(SyntheticKernel Kernel, Arm64Layout Layout, Arm64KernelDumpFile.Written Files, ulong Marker, ulong LinearVa, ulong VmallocVa);

    private Built Write(int pageSize, int vaBits, ulong physOffset, bool kdump, Action<Arm64PageTables>? tamper = null)
    {
        var layout = new Arm64Layout { PageSize = pageSize, VaBits = vaBits, PhysOffset = physOffset, RamSize = pageSize == 65536 ? 1UL << 30 : 256UL << 20 };
        var kernel = new SyntheticKernel();
        ulong banner = layout.ImageData(0x100);
        kernel.Memory.Write(banner, Encoding.ASCII.GetBytes("Linux version 6.1.0-synthetic-arm64 (test@kit) #1 SMP\n\0"));
        kernel.Symbols.Add("linux_banner", banner, 'R');
        ulong marker = layout.ImageData(0x2008);
        kernel.Global("arm64_marker", marker, 0x6172_6d36_3400_0001UL);
        ulong linear = layout.Va(physOffset + 0x800_0000 + 0x48);
        kernel.Memory.WriteU64(linear, 0x6c69_6e65_6172UL);
        ulong vmalloc = layout.Vmalloc(0x5010);
        kernel.Memory.WriteU64(vmalloc, 0x766d_616c_6c6fUL);
        var cpus = new[]
        {
            new CpuNote(1, new Dictionary<string, ulong> { ["pc"] = layout.ImageData(0x40), ["sp"] = vmalloc, ["x29"] = vmalloc + 0x10, ["pstate"] = 0x3c5 }),
            new CpuNote(0, new Dictionary<string, ulong> { ["pc"] = layout.ImageData(0x80), ["sp"] = linear, ["x30"] = layout.ImageData(0x84) }),
        };
        var path = Path.Combine(_folder, $"arm64-{pageSize}-{vaBits}.{(kdump ? "kdump" : "elf")}");
        var files = Arm64KernelDumpFile.Write(kernel, layout, path, ReferenceTypes.Debian61Bytes, new Arm64KernelDumpFile.Options { Kdump = kdump, Cpus = cpus, Tamper = tamper });
        return new Built(kernel, layout, files, marker, linear, vmalloc);
    }

    private static DumpScopeSession Open(Built built) =>
        FixtureSession.Open(new SessionOptions { DumpPath = built.Files.Dump, SystemMapPath = built.Files.SystemMap, BtfPath = built.Files.Btf });

    private static DumpKernel Kernel(DumpScopeSession session) => (DumpKernel)session.Kernel();

    [Theory]
    [MemberData(nameof(Layouts))]
    public void The_kernel_opens_as_arm64_with_its_geometry_and_kaslr(int pageSize, int vaBits, ulong physOffset, bool kdump)
    {
        var built = Write(pageSize, vaBits, physOffset, kdump);
        using var session = Open(built);
        var kernel = Kernel(session);
        kernel.Architecture.Should().Be("aarch64");
        kernel.PageSize.Should().Be(pageSize);
        kernel.KaslrOffset.Should().Be(built.Layout.KaslrOffset);
        var space = kernel.AddressSpace.Should().BeOfType<Arm64AddressSpace>().Subject;
        space.Options.VaBits.Should().Be(vaBits);
        space.Options.Lpa2.Should().Be(built.Layout.Lpa2);
        space.PageTableRoot.Should().Be(built.Files.Tables.Root);
        space.PageOffset.Should().Be(built.Layout.PageOffset, "PAGE_OFFSET = -2^VA_BITS, confirmed against the tables");
        kernel.Symbols.TryGetAddress("arm64_marker", out var marker).Should().BeTrue();
        marker.Should().Be(built.Marker, "System.map addresses are moved by KERNELOFFSET");
        kernel.Memory.ReadU64(marker).Should().Be(0x6172_6d36_3400_0001UL);
        kernel.Memory.ReadU64(built.LinearVa).Should().Be(0x6c69_6e65_6172UL);
        kernel.Memory.ReadU64(built.VmallocVa).Should().Be(0x766d_616c_6c6fUL);
        kernel.Features.All.Single(f => f.Name == KernelFeatureNames.PageTables).Value.Should().Contain($"{vaBits}-bit VA");
    }

    [Theory]
    [MemberData(nameof(Layouts))]
    public void Vtop_shows_each_level_and_rd_and_ptov_agree(int pageSize, int vaBits, ulong physOffset, bool kdump)
    {
        var built = Write(pageSize, vaBits, physOffset, kdump);
        using var session = Open(built);
        var levels = new Arm64PageTables(pageSize, vaBits, built.Layout.Lpa2, 0).Levels;
        ulong expectedPa = physOffset + 0x800_0000 + 0x48;

        var vtop = session.Run($"vtop {built.LinearVa:x}");
        vtop.Failed.Should().BeFalse(vtop.Error);
        var walk = vtop.Blocks.OfType<TableBlock>().Single();
        walk.Rows.Should().HaveCount(levels - 1, "the linear map uses level-2 blocks");
        ((string)walk.Rows[^1].Cells[4].Value!).Should().Contain("BLOCK");
        var summary = vtop.Blocks.OfType<RecordBlock>().Single();
        summary.Fields.Single(f => f.Name == "PHYSICAL").Value.Value.Should().Be(expectedPa);
        summary.Fields.Single(f => f.Name == "ARITHMETIC").Value.Value.Should().Be($"linear map: {expectedPa:x16}");

        var image = session.Run("vtop arm64_marker");
        image.Blocks.OfType<TableBlock>().Single().Rows.Should().HaveCount(levels, "the image is mapped by pages");
        ((string)image.Blocks.OfType<TableBlock>().Single().Rows[^1].Cells[4].Value!).Should().Contain("CONT");

        var ptov = session.Run($"ptov {expectedPa:x}");
        ptov.Failed.Should().BeFalse(ptov.Error);
        ptov.Blocks.OfType<TableBlock>().Single().Rows[0].Cells[0].Value.Should().Be(built.LinearVa);

        var rd = session.Run($"rd {built.VmallocVa:x}");
        rd.Failed.Should().BeFalse(rd.Error);
        TextRenderer.Render(rd).Should().Contain("0000766d616c6c6f");
    }

    [Fact]
    public void The_prstatus_notes_give_the_arm64_registers_by_name()
    {
        var built = Write(4096, 48, 0x4000_0000, kdump: true);
        using var dump = DumpOpener.Open(built.Files.Dump);
        dump.Cpus.Should().HaveCount(2);
        dump.Cpus[0].Pid.Should().Be(1);
        dump.Cpus[0].Registers["pc"].Should().Be(built.Layout.ImageData(0x40));
        dump.Cpus[0].Registers["x29"].Should().Be(built.VmallocVa + 0x10);
        dump.Cpus[0].Registers["pstate"].Should().Be(0x3c5UL);
        dump.Cpus[1].Registers["x30"].Should().Be(built.Layout.ImageData(0x84));
        dump.Cpus[0].Registers.Keys.Should().HaveCount(34).And.NotContain("rip");
        using var elf = DumpOpener.Open(Write(4096, 48, 0x4000_0000, kdump: false).Files.Dump);
        elf.Cpus[1].Registers["sp"].Should().Be(built.LinearVa);
    }

    [Fact]
    public void A_garbage_entry_gives_one_clear_line_and_the_rest_reads_on()
    {
        Arm64PageTables? tables = null;
        var built = Write(4096, 48, 0x4000_0000, kdump: true, tamper: t =>
        {
            tables = t;
            // The vmalloc page's PTE becomes a reserved descriptor (bits 1:0 = 01 at level 3).
            var layout = new Arm64Layout();
            t.SetEntry(layout.Vmalloc(0x5000), 3, 0x0000_0000_dead_0001UL);
        });
        using var session = Open(built);
        var rd = session.Run($"rd {built.VmallocVa:x}");
        rd.Failed.Should().BeTrue();
        rd.Error.Should().Contain("reserved descriptor").And.Contain("dead0001").And.NotContain("\n").And.NotContain("   at ");
        session.Run("rd arm64_marker").Failed.Should().BeFalse("one bad entry spoils only its page");
        var vtop = session.Run($"vtop {built.VmallocVa:x}");
        vtop.Blocks.OfType<TableBlock>().Single().Rows[^1].Problem.Should().Contain("reserved descriptor");
    }

    [Fact]
    public void Detection_names_its_evidence()
    {
        var built = Write(16384, 47, 0x8000_0000, kdump: true);
        using var dump = DumpOpener.Open(built.Files.Dump);
        KernelArchitecture.Detect(dump).Should().Be(("aarch64", "the kdump header's utsname machine \"aarch64\""));
        using var elf = DumpOpener.Open(Write(16384, 47, 0x8000_0000, kdump: false).Files.Dump);
        KernelArchitecture.Detect(elf).How.Should().Contain("EM_AARCH64");
    }
}
