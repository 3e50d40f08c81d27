namespace DumpScope.Host.Tests.Dumps;

/// <summary>A standard synthetic dump and the checks every reader must pass on it.</summary>
internal static class SyntheticDumps
{
    public const string VmcoreInfoText =
        "OSRELEASE=6.1.0-test\nBUILD-ID=0123456789abcdef\nPAGESIZE=4096\nKERNELOFFSET=1ba00000\nCRASHTIME=1700000000\nSYMBOL(_stext)=ffffffff9ca00000\nNUMBER(phys_base)=-333447168\n";

    /// <summary>
    /// Dumped runs, excluded runs, an all-zero page, an incompressible page, holes, and a max_mapnr beyond the
    /// last RAM frame; two CPUs.
    /// </summary>
    public static DumpWriter Standard(int pageSize = 4096)
    {
        var w = new DumpWriter(pageSize) { VmcoreInfo = VmcoreInfoText.Replace("PAGESIZE=4096", $"PAGESIZE={pageSize}"), MaxPfn = 200 };
        for (ulong p = 1; p <= 20; p++) w.AddPage(p, w.PatternPage(p));
        for (ulong p = 21; p <= 25; p++) w.Exclude(p);
        for (ulong p = 26; p <= 30; p++) w.AddPage(p, w.PatternPage(p));
        w.AddPage(31, new byte[pageSize]);
        var random = new byte[pageSize];
        new Random(42).NextBytes(random);
        w.AddPage(32, random);
        w.AddPage(33, new byte[pageSize]);
        for (ulong p = 40; p < 60; p++) w.AddPage(p, w.PatternPage(p));
        for (ulong p = 60; p < 65; p++) w.Exclude(p);
        w.AddPage(100, w.PatternPage(100));
        w.Exclude(150);
        w.Exclude(151);
        w.Cpus.Add(new CpuNote(0, new Dictionary<string, ulong> { ["rip"] = 0xffffffff81234567, ["rsp"] = 0xffffc90000003f00 }, QemuCr3: 0x1234000));
        w.Cpus.Add(new CpuNote(123, new Dictionary<string, ulong> { ["rip"] = 0xffffffff81000010, ["rsp"] = 0xffffc90000007f00, ["rax"] = 7 }, QemuCr3: 0x5678000));
        return w;
    }

    /// <summary>Every frame below and a little beyond MaxPfn has the writer's state and bytes.</summary>
    public static void AssertMatches(IDumpSource dump, DumpWriter w)
    {
        var page = new byte[dump.PageSize];
        ulong top = Math.Max(dump.MaxPfn, w.MaxPfn ?? 0) + 3;
        for (ulong pfn = 0; pfn < top; pfn++)
        {
            var expected = w.Pages.ContainsKey(pfn) ? PageState.Present : w.Excluded.Contains(pfn) ? PageState.Excluded : PageState.NotInDump;
            dump.GetPageState(pfn).Should().Be(expected, $"pfn {pfn} state");
            Array.Fill(page, (byte)0xCC);
            var read = dump.ReadPage(pfn, page);
            read.State.Should().Be(expected, $"pfn {pfn}: {read.Detail}");
            if (expected == PageState.Present) page.Should().Equal(w.Pages[pfn], $"pfn {pfn} data");
            else read.Detail.Should().NotBeNullOrEmpty();
        }
        if (dump is IDumpPageStatistics stats)
        {
            var counts = stats.CountPages();
            counts.Present.Should().Be((ulong)w.Pages.Count);
            counts.Excluded.Should().Be((ulong)w.Excluded.Count);
            counts.NotInDump.Should().Be(dump.MaxPfn - (ulong)w.Pages.Count - (ulong)w.Excluded.Count);
        }
    }

    public static void AssertNotesAndVmcoreinfo(IDumpSource dump)
    {
        dump.VmcoreInfo.Should().NotBeNull();
        dump.VmcoreInfo!.OsRelease.Should().Be("6.1.0-test");
        dump.VmcoreInfo.KernelOffset.Should().Be(0x1ba00000UL);
        dump.Cpus.Should().HaveCount(2);
        dump.Cpus[0].Pid.Should().Be(0);
        dump.Cpus[1].Pid.Should().Be(123);
        dump.Cpus[0].Registers["rip"].Should().Be(0xffffffff81234567UL);
        dump.Cpus[1].Registers["rsp"].Should().Be(0xffffc90000007f00UL);
        dump.Cpus[1].Registers["rax"].Should().Be(7UL);
    }
}
