namespace DumpScope.Host.Tests.Dumps;

public class DumpOpenerFixtureTests
{
    public static TheoryData<string> Kd1Files => new() { "zlib", "lzo", "flat", "elf" };

    private static string Kd1(string which) => which switch
    {
        "zlib" => Fixtures.Kd1Zlib,
        "lzo" => Fixtures.Kd1Lzo,
        "flat" => Fixtures.Kd1Flat,
        "elf" => Fixtures.Kd1Elf,
        _ => throw new ArgumentOutOfRangeException(nameof(which)),
    };

    [SkippableFact]
    public void Kd1_zlib_opens_with_vmcoreinfo_cpus_and_readable_pages()
    {
        using var dump = DumpOpener.Open(Fixtures.Kd1Zlib);
        dump.FormatName.Should().Be("kdump-compressed (zlib)");
        dump.PageSize.Should().Be(4096);
        dump.VmcoreInfo.Should().NotBeNull();
        dump.VmcoreInfo!.OsRelease.Should().Be("6.1.0-56-cloud-amd64");
        dump.Cpus.Should().HaveCount(2);
        dump.Cpus.Select(c => c.Cpu).Should().Equal(0, 1);
        dump.Cpus.Should().OnlyContain(c => c.Registers.ContainsKey("rip") && c.Registers.ContainsKey("rsp"));
        dump.Cpus.Should().Contain(c => c.Registers["rip"] >= 0xffffffff80000000UL, "the crashing CPU was in the kernel");
        // max_mapnr covers the 512 MB guest.
        dump.MaxPfn.Should().BeGreaterThan(0x1f000UL).And.BeLessThan(0x30000UL);
        AssertUtsName(dump);
        var header = (IKdumpHeaderInfo)dump;
        header.HeaderVersion.Should().Be(6);
        header.DumpLevel.Should().Be(31);
        header.NrCpus.Should().Be(2);
        header.UtsRelease.Should().Be("6.1.0-56-cloud-amd64");
        dump.VmcoreInfo.TryGetNumber("phys_base", out var physBase).Should().BeTrue();
        header.PhysBase.Should().Be(physBase, "the sub-header and VMCOREINFO agree on phys_base");
    }

    [SkippableTheory]
    [MemberData(nameof(Kd1Files))]
    public void Every_kd1_variant_opens_and_reads_init_uts_ns(string which)
    {
        using var dump = DumpOpener.Open(Kd1(which));
        dump.VmcoreInfo!.OsRelease.Should().Be("6.1.0-56-cloud-amd64");
        dump.Cpus.Should().HaveCount(2);
        AssertUtsName(dump);
    }

    [SkippableFact]
    public void Q1_qemu_elf_opens_with_qemu_cpu_state()
    {
        using var dump = DumpOpener.Open(Fixtures.Q1Elf);
        dump.FormatName.Should().Be("QEMU ELF");
        dump.VmcoreInfo!.OsRelease.Should().Be("6.1.0-56-cloud-amd64");
        dump.Cpus.Should().HaveCount(2);
        // QEMU's CPU state notes carry the control registers; CR3 is a page-aligned page-table root.
        dump.Cpus.Should().OnlyContain(c => c.Registers.ContainsKey("cr3") && c.Registers.ContainsKey("cr0"));
        dump.Cpus.Should().Contain(c => c.Registers["cr3"] != 0);
        ((IDumpPageStatistics)dump).CountPages().Excluded.Should().Be(0, "QEMU excludes nothing");
        AssertUtsName(dump);
    }

    /// <summary>init_uts_ns.name starts with sysname "Linux", release at 2 x 65 bytes.</summary>
    private static void AssertUtsName(IDumpSource dump)
    {
        var info = dump.VmcoreInfo!;
        var phys = KernelImage.SymbolPhysical(info, "init_uts_ns");
        info.TryGetOffset("uts_namespace.name", out var nameOffset).Should().BeTrue();
        var memory = new DumpPhysicalMemory(dump);
        var buffer = new byte[6 * 65];
        var result = memory.ReadPhysical(phys + (ulong)nameOffset, buffer);
        result.IsComplete.Should().BeTrue(result.Fault?.Message);
        CString(buffer, 0).Should().Be("Linux");
        CString(buffer, 130).Should().Be(info.OsRelease);
    }

    private static string CString(byte[] b, int at)
    {
        int end = Array.IndexOf(b, (byte)0, at);
        return Encoding.ASCII.GetString(b, at, end - at);
    }
}
