namespace DumpScope.Plugins.Memory.Tests;

/// <summary>kmem -i on kd1 against crash 8.0.2's output and the guest's /proc/meminfo.</summary>
public sealed class KmemInfoTests(Kd1Session kd1) : IClassFixture<Kd1Session>
{
    [SkippableFact]
    public void Rows_agree_with_crash()
    {
        var crash = CrashOutput.KmemInfo();
        var info = kd1.Analyzer.MemoryInfo();
        crash.Should().ContainKeys("TOTAL MEM", "FREE", "USED", "SHARED", "BUFFERS", "CACHED", "SLAB", "TOTAL SWAP", "COMMIT LIMIT");
        foreach (var name in new[] { "TOTAL MEM", "FREE", "USED", "SHARED", "BUFFERS", "CACHED", "TOTAL HUGE", "HUGE FREE", "TOTAL SWAP", "SWAP USED", "SWAP FREE", "COMMIT LIMIT" })
            info.Pages(name).Should().Be(crash[name].Pages, $"crash prints {name} {crash[name].Pages}");
        // crash truncates percentages to whole numbers.
        foreach (var name in new[] { "FREE", "USED", "CACHED" })
            ((int)Math.Floor(info.Pages(name)!.Value * 100.0 / info.Pages("TOTAL MEM")!.Value)).Should().Be(crash[name].Percent);
    }

    [SkippableFact]
    public void Slab_counts_pages_where_crash_counts_slabs()
    {
        // crash 8.0.2 does not know the 5.9+ counter names NR_SLAB_*_B, so its SLAB row falls back to counting
        // PG_slab struct pages, which on this kernel mark only the head page of each slab: it is the number of
        // slabs. Its own kmem -s proves it: the SLABS column sums to the same number.
        var crash = CrashOutput.KmemInfo();
        var slabs = CrashOutput.KmemSlabs();
        slabs.Should().HaveCountGreaterThan(100);
        slabs.Sum(s => s.Slabs).Should().Be(crash["SLAB"].Pages);
        var info = kd1.Analyzer.MemoryInfo();
        info.MemMap.Should().NotBeNull();
        info.MemMap!.SlabPages.Should().Be(crash["SLAB"].Pages, "our struct page scan finds the same PG_slab pages");

        // Our SLAB is the kernel's counter in pages: at least every cache's slabs times their size, plus
        // kmalloc_large() pages (also accounted to NR_SLAB_UNRECLAIMABLE_B but in no cache) — a few hundred here.
        long cachePages = slabs.Sum(s => s.Slabs * s.SlabSize / info.PageSize);
        info.Pages("SLAB").Should().BeGreaterThanOrEqualTo(cachePages).And.BeLessThan(cachePages + 1024);
    }

    [SkippableFact]
    public void Rows_are_consistent_with_the_guests_meminfo()
    {
        var meminfo = GuestMeminfo.Read();
        var info = kd1.Analyzer.MemoryInfo();
        long Kb(string row) => info.Pages(row)!.Value * info.PageSize / 1024;
        // Fixed quantities match exactly.
        Kb("TOTAL MEM").Should().Be(meminfo["MemTotal"]);
        Kb("BUFFERS").Should().Be(meminfo["Buffers"]);
        Kb("CACHED").Should().Be(meminfo["Cached"], "the tmpfs files (Shmem) are the whole page cache and did not change");
        Kb("TOTAL SWAP").Should().Be(meminfo["SwapTotal"]);
        Kb("SWAP FREE").Should().Be(meminfo["SwapFree"]);
        Kb("COMMIT LIMIT").Should().Be(meminfo["CommitLimit"]);
        Kb("TOTAL HUGE").Should().Be(meminfo["HugePages_Total"] * meminfo["Hugepagesize"]);
        // The guest read meminfo a moment before the panic (and ran cat/grep to do it): moving counters differ a little.
        Kb("FREE").Should().BeCloseTo(meminfo["MemFree"], 1024);
        Kb("SLAB").Should().BeCloseTo(meminfo["Slab"], 512);
        // meminfo prints vm_committed_as.count alone; we add the per-cpu deltas (at most a batch per CPU).
        Kb("COMMITTED").Should().BeCloseTo(meminfo["Committed_AS"], 2048);
    }

    [SkippableFact]
    public void Committed_note_names_the_count_crash_prints()
    {
        var crash = CrashOutput.KmemInfo();
        var info = kd1.Analyzer.MemoryInfo();
        info.Notes.Should().Contain(n => n.Contains($"is {crash["COMMITTED"].Pages} pages", StringComparison.Ordinal));
    }

    [SkippableFact]
    public void Command_renders_typed_rows_with_sources()
    {
        long crashTotal = CrashOutput.KmemInfo()["TOTAL MEM"].Pages;
        var result = kd1.Session.Run("kmem -i -v");
        result.Error.Should().BeNull();
        var rows = result.Blocks.OfType<TableBlock>().SelectMany(t => t.Rows).ToList();
        rows.Select(r => r.Cells[0].Value).Should().ContainInOrder("TOTAL MEM", "FREE", "USED", "SHARED", "BUFFERS", "CACHED", "SLAB",
            "TOTAL HUGE", "HUGE FREE", "TOTAL SWAP", "SWAP USED", "SWAP FREE", "COMMIT LIMIT", "COMMITTED");
        var total = rows.Single(r => (string?)r.Cells[0].Value == "TOTAL MEM");
        total.Cells[1].Value.Should().Be(crashTotal);
        total.Cells[2].Kind.Should().Be(CellKind.Size);
        total.Cells[2].Value.Should().Be((ulong)crashTotal * 4096);
        rows.Should().OnlyContain(r => r.Cells[5].HasValue && ((string)r.Cells[5].Value!).Length > 0, "every row says where it comes from");
        rows.Single(r => (string?)r.Cells[0].Value == "SLAB").Targets.Should().Contain(t => t.Command == "kmem -s");
    }
}
