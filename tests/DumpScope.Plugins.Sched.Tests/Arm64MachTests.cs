using System.Text.RegularExpressions;
using DumpScope.Host.Session;

namespace DumpScope.Plugins.Sched.Tests;

/// <summary>
/// mach on the real arm64 kdump (tests/fixtures/arm64/README.md): arm64's own facts, not x86-64's constants. RAM from
/// memblock against the kernel's boot line, the module area from VMCOREINFO, the image base from System.map and
/// KERNELOFFSET, PAGE_OFFSET from VA_BITS. An optional shared fixture: skipped when ../shared/fixtures/arm64 is absent,
/// under CI too.
/// </summary>
public sealed class Arm64MachTests
{
    [SkippableFact]
    public void Mach_gives_arm64s_memory_size_and_address_space_bases()
    {
        string root = DumpScope.Testing.Fixtures.Root ?? "";
        string kernelFolder = Path.Combine(root, "kernel-6.1.0-56-cloud-arm64"), dump = Path.Combine(root, "arm64", "vmcore.kdump-zlib-d31");
        string map = Path.Combine(kernelFolder, "System.map-6.1.0-56-cloud-arm64");
        Skip.IfNot(File.Exists(dump) && File.Exists(map), $"{dump} is absent (tests/fixtures/arm64/README.md says how it was made)");
        using var session = FixtureSession.Open(new SessionOptions { DumpPath = dump, SystemMapPath = map, BtfPath = Path.Combine(kernelFolder, "vmlinux.btf") },
            typeof(SchedPlugin).Assembly);
        var result = session.Run("mach");
        result.Failed.Should().BeFalse(result.Error);
        var fields = result.Blocks.OfType<RecordBlock>().First().Fields.GroupBy(f => f.Name).ToDictionary(g => g.Key, g => g.First().Value);
        var info = File.ReadAllText(Path.Combine(root, "arm64", "vmcoreinfo.txt"));
        ulong Number(string name) => Convert.ToUInt64(Regex.Match(info, $@"NUMBER\({name}\)=0x([0-9a-f]+)").Groups[1].Value, 16);

        fields["MACHINE TYPE"].Value.Should().Be("aarch64");
        // "Memory: 103828K/786432K available": the second number is the RAM memblock registered.
        long bootKb = long.Parse(Regex.Match(File.ReadAllText(Path.Combine(root, "arm64", "dmesg.txt")), @"Memory: \d+K/(\d+)K available").Groups[1].Value, CultureInfo.InvariantCulture);
        fields["MEMORY SIZE"].Value.Should().Be((ulong)bootKb * 1024);
        int vaBits = (int)Convert.ToUInt64(Regex.Match(info, @"NUMBER\(VA_BITS\)=(\d+)").Groups[1].Value, CultureInfo.InvariantCulture);
        fields["KERNEL VIRTUAL BASE"].Value.Should().Be(~0UL << vaBits, "PAGE_OFFSET is -(1 << VA_BITS)");
        fields["KERNEL VMALLOC BASE"].Value.Should().Be(Number("VMALLOC_START"));
        fields["KERNEL MODULES BASE"].Value.Should().Be(Number("MODULES_VADDR"));
        ulong text = Convert.ToUInt64(Regex.Match(File.ReadAllText(map), @"^([0-9a-f]+) T _text$", RegexOptions.Multiline).Groups[1].Value, 16);
        ulong offset = Convert.ToUInt64(Regex.Match(info, @"KERNELOFFSET=([0-9a-f]+)").Groups[1].Value, 16);
        fields["KERNEL IMAGE BASE"].Value.Should().Be(text + offset);
        fields.Should().NotContainKey("KERNEL START MAP", "__START_KERNEL_map is x86-64's");
    }
}
