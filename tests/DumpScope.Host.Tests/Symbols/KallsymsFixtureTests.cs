using DumpScope.Host.Arch.X86_64;
using DumpScope.Host.Symbols;

namespace DumpScope.Host.Tests.Symbols;

/// <summary>k510 (Debian 11's 5.10): VMCOREINFO names no kallsyms table, so they are searched for in the image.</summary>
public class KallsymsFixtureTests
{
    [SkippableTheory]
    [InlineData("k510/vmcore.kdump-zlib-d31")]
    [InlineData("k510/vmcore.elf-d31")]
    public void K510_symbols_from_the_dump_alone_equal_its_System_map_moved_by_KERNELOFFSET(string dumpName)
    {
        using var dump = DumpOpener.Open(Fixtures.Require(dumpName));
        var info = dump.VmcoreInfo!;
        KallsymsReader.IsAvailable(info).Should().BeFalse("5.10 does not export kallsyms in VMCOREINFO");
        var space = X86_64AddressSpace.FromVmcoreInfo(new DumpPhysicalMemory(dump), info, dump.MaxPfn * 4096, dump.FilePath);

        var result = KallsymsReader.TryRead(space, info, out var problem);
        problem.Should().BeNull();
        result!.HowFound.Should().StartWith("found by searching the kernel image");
        result.Encoding.Should().Be(KallsymsReader.AddressEncoding.AbsolutePercpu, "the config has CONFIG_KALLSYMS_ABSOLUTE_PERCPU=y");

        // System.map is unrelocated: kernel-image symbols move by KERNELOFFSET, per-cpu offsets (below the image) do not.
        var map = new Dictionary<string, List<ulong>>(StringComparer.Ordinal);
        foreach (var line in File.ReadLines(Fixtures.K510SystemMap))
        {
            var parts = line.Split(' ');
            ulong address = Convert.ToUInt64(parts[0], 16);
            if (address >= 0xffffffff80000000UL) address += info.KernelOffset;
            if (!map.TryGetValue(parts[2], out var list)) map[parts[2]] = list = [];
            list.Add(address);
        }
        var wrong = new List<string>();
        var absent = new List<string>();
        foreach (var symbol in result.Table.All)
        {
            if (!map.TryGetValue(symbol.Name, out var addresses)) absent.Add(symbol.Name);
            else if (!addresses.Contains(symbol.Address)) wrong.Add($"{symbol.Name} {symbol.Address:x} (System.map: {string.Join(",", addresses.Select(a => a.ToString("x")))})");
        }
        wrong.Should().BeEmpty();
        // scripts/mksysmap leaves out local labels (".L…"), which kallsyms keeps (one here: .LC4).
        absent.Should().OnlyContain(name => name.StartsWith(".L", StringComparison.Ordinal));
        result.Table.Count.Should().BeGreaterThan(90_000);
        result.Table.TryGetAddress("__start_BTF", out var btf).Should().BeTrue();
        btf.Should().Be(map["__start_BTF"][0]);
    }
}
