using DumpScope.Host.Commands.Builtins;
using Microsoft.Extensions.DependencyInjection;

namespace DumpScope.Host.Tests.Dumps;

public class DumpInfoCommandTests
{
    private static CommandResult Run(IDumpSource? dump)
    {
        var services = new ServiceCollection();
        if (dump is not null) services.AddSingleton(dump);
        using var provider = services.BuildServiceProvider();
        return new DumpInfoCommand().Execute(new CommandContext(provider, "dumpinfo", CancellationToken.None));
    }

    private static Dictionary<string, Cell> Fields(CommandResult result) =>
        result.Blocks.OfType<RecordBlock>().First().Fields.ToDictionary(f => f.Name, f => f.Value);

    [SkippableFact]
    public void Describes_the_kd1_zlib_dump()
    {
        using var dump = DumpOpener.Open(Fixtures.Kd1Zlib);
        var result = Run(dump);
        result.Failed.Should().BeFalse();
        var f = Fields(result);
        f["format"].Value.Should().Be("kdump-compressed (zlib)");
        f["compression"].Value.Should().Be("zlib");
        f["dump level"].Value.Should().Be(31L);
        f["page size"].Value.Should().Be(4096UL);
        f["max pfn"].Value.Should().Be(0x1ffddUL);
        var counts = ((IDumpPageStatistics)dump).CountPages();
        f["pages present"].Value.Should().Be(counts.Present);
        f["pages excluded"].Value.Should().Be(counts.Excluded);
        ((ulong)f["pages present"].Value! + (ulong)f["pages excluded"].Value! + (ulong)f["pages not in dump"].Value!).Should().Be(0x1ffddUL);
        f["cpus"].Value.Should().Be(2L);
        f["OSRELEASE"].Value.Should().Be("6.1.0-56-cloud-amd64");
        f["BUILD-ID"].Value.Should().Be(dump.VmcoreInfo!.BuildId);
        f["KERNELOFFSET"].Value.Should().Be(0x1ba00000UL);
        // Cross-check: crash 8.0.2 prints "DATE: Sun Nov 29 00:48:49 UTC 2026" for this file (crash-vmcore.kdump-zlib-d31.out).
        ((string)f["CRASHTIME"].Value!).Should().StartWith("1795913329 (2026-11-29 00:48:49 UTC)");
        result.Blocks.OfType<TableBlock>().Single().Rows.Should().HaveCount(2);
    }

    [SkippableFact]
    public void Elf_dump_level_is_not_available_with_a_reason()
    {
        using var dump = DumpOpener.Open(Fixtures.Q1Elf);
        var f = Fields(Run(dump));
        f["format"].Value.Should().Be("QEMU ELF");
        f["dump level"].Absence.Should().Be(Absence.NotAvailable);
        f["dump level"].Reason.Should().Contain("ELF");
        f["pages excluded"].Value.Should().Be(0UL);
    }

    [Fact]
    public void Synthetic_dump_without_vmcoreinfo_says_why_fields_are_missing()
    {
        var w = SyntheticDumps.Standard();
        w.VmcoreInfo = null;
        using var file = new TempDumpFile(w.WriteKdump(new Testing.DumpWriters.KdumpWriterOptions { Codec = Testing.DumpWriters.TestPageCodec.Snappy }).Bytes);
        using var dump = DumpOpener.Open(file.Path);
        var f = Fields(Run(dump));
        f["compression"].Value.Should().Be("snappy");
        f["pages present"].Value.Should().Be((ulong)w.Pages.Count);
        f["pages excluded"].Value.Should().Be((ulong)w.Excluded.Count);
        f["pages not in dump"].Value.Should().Be(200UL - (ulong)w.Pages.Count - (ulong)w.Excluded.Count);
        f["OSRELEASE"].Absence.Should().Be(Absence.NotAvailable);
        f["OSRELEASE"].Reason.Should().Be("the dump has no VMCOREINFO note");
        f["CRASHTIME"].Absence.Should().Be(Absence.NotAvailable);
    }

    [Fact]
    public void Without_a_dump_it_throws_no_dump()
    {
        var act = () => Run(null);
        act.Should().Throw<NoDumpException>();
    }
}
