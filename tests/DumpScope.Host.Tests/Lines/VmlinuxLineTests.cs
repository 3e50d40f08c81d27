using DumpScope.Host.Types.Dwarf;

namespace DumpScope.Host.Tests.Lines;

/// <summary>
/// The .debug_line reader on the fixtures' vmlinux files against binutils' addr2line (2.40): 300 text addresses
/// of the 6.1 kernel (DWARF 5) and 200 of k510's 5.10 (DWARF 4, assembly units DWARF 3), in
/// tests/fixtures/kernel-*/addr2line.txt; skips without the vmlinux.
/// </summary>
public sealed class VmlinuxLineTests
{
    private static readonly Lazy<(DwarfElfImage Image, DwarfLineIndex Index)> Opened = new(() => Open(Fixtures.Vmlinux));
    private static readonly Lazy<(DwarfElfImage Image, DwarfLineIndex Index)> Opened510 = new(() => Open(Fixtures.K510Vmlinux));

    private static (DwarfElfImage, DwarfLineIndex) Open(string path)
    {
        var image = DwarfElfImage.Open(path);
        return (image, new DwarfLineIndex(new DwarfFile(image)));
    }

    private static IEnumerable<(ulong Address, string Expected)> Reference(string kernel) =>
        File.ReadLines(Path.Combine(AppContext.BaseDirectory, "references", kernel, "addr2line.txt"))
            .Where(l => !l.StartsWith('#'))
            .Select(l => l.Split(' ', 2))
            .Select(p => (ulong.Parse(p[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture), p[1].Split(" (discriminator")[0]));

    // Where binutils 2.40's addr2line names the unit's primary file for code defined in a header it includes
    // (the line number is the header's): readelf --debug-dump=decodedline, binutils' other decoder, shows these
    // rows in the header, as the reader does. is_ISA_range is an inline of asm/e820/api.h emitted in x86_init.c;
    // the __traceiter_* functions are made by TRACE_EVENT() in include/trace/events/*.h.
    private static readonly Dictionary<ulong, string> AddrToLineErrors = new()
    {
        [0xffffffff810354c4] = "debian/build/build_amd64_none_cloud-amd64/arch/x86/include/asm/e820/api.h:52",
        [0xffffffff81450dce] = "debian/build/build_amd64_none_cloud-amd64/include/trace/events/ext4.h:153",
        [0xffffffff81481e50] = "debian/build/build_amd64_none_cloud-amd64/include/trace/events/jbd2.h:421",
        [0xffffffff815745c0] = "debian/build/build_amd64_none_cloud-amd64/include/trace/events/wbt.h:15",
    };

    [SkippableFact]
    public void Every_address_gets_the_file_and_line_addr2line_gives() => Compare(Opened.Value.Index, Reference("kernel-6.1.0-56-cloud-amd64").ToList(), 300);

    [SkippableFact]
    public void Every_address_of_the_5_10_kernel_gets_the_file_and_line_addr2line_gives() =>
        Compare(Opened510.Value.Index, Reference("kernel-5.10.0-32-cloud-amd64").ToList(), 200);

    private static void Compare(DwarfLineIndex index, List<(ulong Address, string Expected)> reference, int count)
    {
        reference.Should().HaveCount(count);
        var mismatches = new List<string>();
        foreach (var (address, addr2line) in reference)
        {
            var expected = AddrToLineErrors.GetValueOrDefault(address, addr2line);
            var line = index.Find(address);
            var actual = line is { } l ? l.ToString() : "??:?";
            // addr2line prints "??:0"/"??:?" for code without lines; the reader answers null there.
            if (expected.StartsWith("??", StringComparison.Ordinal) ? line is not null : actual != expected)
                mismatches.Add($"{address:x}: addr2line {expected}, reader {actual}");
        }
        mismatches.Should().BeEmpty("every one should agree:\n{0}", string.Join("\n", mismatches));
    }

    [SkippableFact]
    public void Only_the_units_asked_about_are_decoded()
    {
        var (image, _) = Opened.Value;
        var index = new DwarfLineIndex(new DwarfFile(image));
        var panic = index.Find(0xffffffff819ccf31)!.Value;
        (panic.File, panic.Line).Should().Be(("debian/build/build_amd64_none_cloud-amd64/kernel/panic.c", 276));
        index.DecodedPrograms.Should().Be(1, "panic() is in one unit, found through .debug_aranges");
    }
}
