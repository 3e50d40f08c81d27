using System.Diagnostics;
using Xunit.Abstractions;

namespace DumpScope.Host.Tests.Dumps;

public class Kd1CrossFormatTests(ITestOutputHelper output)
{
    /// <summary>
    /// The kdump-compressed files (zlib, LZO, flattened) were written by makedumpfile from the same
    /// /proc/vmcore with dump level 31: every frame has the same state in all, every present frame the same bytes.
    /// </summary>
    [SkippableFact]
    public void Kd1_kdump_variants_agree_on_every_frame()
    {
        var dumps = new[] { Fixtures.Kd1Zlib, Fixtures.Kd1Lzo, Fixtures.Kd1Flat }.Select(p => DumpOpener.Open(p)).ToArray();
        try
        {
            var clock = Stopwatch.StartNew();
            dumps.Select(d => d.MaxPfn).Distinct().Should().HaveCount(1);
            var reference = new byte[4096];
            var other = new byte[4096];
            ulong present = 0, excluded = 0;
            for (ulong pfn = 0; pfn < dumps[0].MaxPfn; pfn++)
            {
                var state = dumps[0].GetPageState(pfn);
                for (int i = 1; i < dumps.Length; i++)
                    dumps[i].GetPageState(pfn).Should().Be(state, $"pfn 0x{pfn:x} in {dumps[i].FormatName}");
                if (state == PageState.Excluded) excluded++;
                if (state != PageState.Present) continue;
                present++;
                dumps[0].ReadPage(pfn, reference).State.Should().Be(PageState.Present);
                for (int i = 1; i < dumps.Length; i++)
                {
                    dumps[i].ReadPage(pfn, other).State.Should().Be(PageState.Present);
                    if (!other.AsSpan().SequenceEqual(reference))
                        Assert.Fail($"pfn 0x{pfn:x}: {dumps[i].FormatName} differs from {dumps[0].FormatName}");
                }
            }
            output.WriteLine($"kdump variants: {dumps[0].MaxPfn} frames ({present} present, {excluded} excluded) x 3 files in {clock.ElapsedMilliseconds} ms");
            present.Should().BeGreaterThan(10000);
            excluded.Should().BeGreaterThan(10000, "dump level 31 excludes free, cache and user pages");
            foreach (var d in dumps)
                ((IDumpPageStatistics)d).CountPages().Should().Be(new DumpPageCounts(present, excluded, d.MaxPfn - present - excluded), d.FormatName);
        }
        finally
        {
            foreach (var d in dumps) d.Dispose();
        }
    }

    /// <summary>
    /// makedumpfile -E and -c -d 31 agree on the bytes of every frame both hold, but not exactly on which
    /// frames are excluded, for two reasons in makedumpfile itself: the kdump writer finds zero pages while
    /// writing, after the bitmaps are final, so it keeps them "dumped" with a descriptor pointing at one shared
    /// zero page; the ELF writer writes excluded runs shorter than PFN_EXCLUDED (256 frames) as data rather
    /// than start a new PT_LOAD. Every difference must be one of these.
    /// </summary>
    [SkippableFact]
    public void Kd1_elf_and_kdump_agree_except_where_makedumpfile_differs()
    {
        using var kdump = DumpOpener.Open(Fixtures.Kd1Zlib);
        using var elf = DumpOpener.Open(Fixtures.Kd1Elf);
        var clock = Stopwatch.StartNew();
        ulong top = Math.Max(kdump.MaxPfn, elf.MaxPfn);
        var states = new PageState[top];
        for (ulong pfn = 0; pfn < top; pfn++) states[pfn] = kdump.GetPageState(pfn);
        // Length of the kdump excluded run each frame lies in.
        var runLength = new int[top];
        for (ulong pfn = 0; pfn < top;)
        {
            ulong end = pfn;
            while (end < top && states[end] == states[pfn]) end++;
            for (ulong p = pfn; p < end; p++) runLength[p] = (int)(end - pfn);
            pfn = end;
        }

        var a = new byte[4096];
        var b = new byte[4096];
        int same = 0, zeroKeptByKdump = 0, shortRunWrittenByElf = 0;
        for (ulong pfn = 0; pfn < top; pfn++)
        {
            var ks = states[pfn];
            var es = elf.GetPageState(pfn);
            if (ks == PageState.Present && es == PageState.Present)
            {
                kdump.ReadPage(pfn, a).State.Should().Be(PageState.Present);
                elf.ReadPage(pfn, b).State.Should().Be(PageState.Present);
                if (!a.AsSpan().SequenceEqual(b)) Assert.Fail($"pfn 0x{pfn:x}: ELF and kdump bytes differ");
                same++;
            }
            else if (ks == PageState.Present && es == PageState.Excluded)
            {
                kdump.ReadPage(pfn, a).State.Should().Be(PageState.Present);
                a.AsSpan().IndexOfAnyExcept((byte)0).Should().Be(-1, $"pfn 0x{pfn:x} is kept by kdump but excluded by ELF: only zero pages may be");
                zeroKeptByKdump++;
            }
            else if (ks == PageState.Excluded && es == PageState.Present)
            {
                runLength[pfn].Should().BeLessThan(256, $"pfn 0x{pfn:x} is excluded by kdump but written by ELF: only short excluded runs are");
                elf.ReadPage(pfn, b).State.Should().Be(PageState.Present);
                shortRunWrittenByElf++;
            }
            else
            {
                es.Should().Be(ks, $"pfn 0x{pfn:x}");
            }
        }
        output.WriteLine($"ELF vs kdump: {same} identical present frames, {zeroKeptByKdump} zero pages kept only by kdump, {shortRunWrittenByElf} short-run frames written only by ELF; {clock.ElapsedMilliseconds} ms");
        same.Should().BeGreaterThan(10000);
    }

    [SkippableFact]
    public void Q1_states_follow_its_program_headers()
    {
        using var dump = DumpOpener.Open(Fixtures.Q1Elf);
        // QEMU's PT_LOADs: 0-0xa0000, 0xc0000-0x8000000 (RAM below the PCI hole), 0xfd000000 (VGA), 0xfffc0000 (BIOS).
        dump.GetPageState(0).Should().Be(PageState.Present);
        dump.GetPageState(0xa0).Should().Be(PageState.NotInDump);
        dump.GetPageState(0xc0).Should().Be(PageState.Present);
        dump.GetPageState(0x7fff).Should().Be(PageState.Present);
        dump.GetPageState(0x8000).Should().Be(PageState.NotInDump);
        dump.MaxPfn.Should().Be(0x100000);
        var counts = ((IDumpPageStatistics)dump).CountPages();
        counts.Present.Should().Be(0xa0 + (0x8000 - 0xc0) + 0x1000 + 0x40);
        counts.Excluded.Should().Be(0);
    }
}
