using DumpScope.Host.Commands.Builtins;
using Microsoft.Extensions.DependencyInjection;

namespace DumpScope.Host.Tests.Dumps;

/// <summary>
/// Big machines written sparsely by <see cref="SparseDumpWriter"/> (64 GiB here; the benchmarks use 1 and 4 TiB):
/// open reads no bitmap, a page read counts the 2nd bitmap only up to its frame, and every dumped page reads back.
/// </summary>
public sealed class SparseDumpTests : IDisposable
{
    private static readonly SparseDumpSpec Spec = new() { MaxPfn = 1UL << 24, RunStride = 1UL << 16, RunPages = 16, RunOffset = 1000 };
    private readonly string _folder = Directory.CreateTempSubdirectory("dumpscope-sparse-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string Write(string name, Action<string, SparseDumpSpec> write)
    {
        var path = Path.Combine(_folder, name);
        write(path, Spec);
        return path;
    }

    [Fact]
    public void Kdump_open_reads_no_bitmap_and_rank_counts_only_up_to_the_frame_read()
    {
        using var dump = DumpOpener.Open(Write("big.kdump", SparseDumpWriter.WriteKdump));
        var kdump = (KdumpDumpSource)dump;
        kdump.BitmapRegions.Should().Be((0L, 0L, 0L), "open reads headers only");
        dump.Truncation.Should().BeNull();

        var page = new byte[4096];
        var writer = new DumpWriter();
        dump.ReadPage(Spec.RunOffset + 3, page).State.Should().Be(PageState.Present);
        page.Should().Equal(writer.PatternPage(Spec.RunOffset + 3));
        kdump.BitmapRegions.DumpedCounted.Should().Be(0, "a frame of the first region needs no counts of regions below it");

        ulong high = Spec.MaxPfn - Spec.RunStride + Spec.RunOffset + 15;
        dump.ReadPage(high, page).State.Should().Be(PageState.Present);
        page.Should().Equal(writer.PatternPage(high));
        dump.ReadPage(high + 1, page).State.Should().Be(PageState.Excluded);
        dump.GetPageState(Spec.RunOffset - 1).Should().Be(PageState.Excluded);

        var counts = ((IDumpPageStatistics)dump).CountPages();
        counts.Should().Be(new DumpPageCounts(Spec.DumpedPages, Spec.MaxPfn - Spec.DumpedPages, 0));
        ((IDumpReadStatistics)dump).Statistics.Snapshot().PagesRead.Should().Be(2);
    }

    [Fact]
    public void Dumpinfo_on_a_kdump_with_bitmaps_over_16_MiB_counts_pages_only_when_asked()
    {
        // 2^27 + 2^20 frames (a 516 GiB machine): bitmaps just over 16 MiB each.
        var spec = Spec with { MaxPfn = (1UL << 27) + (1UL << 20), RunStride = 1UL << 22 };
        var path = Path.Combine(_folder, "over-16m.kdump");
        SparseDumpWriter.WriteKdump(path, spec);
        using var dump = DumpOpener.Open(path);
        var kdump = (KdumpDumpSource)dump;
        ((IDumpPageStatistics)dump).CountingIsCheap.Should().BeFalse();

        var quick = DumpInfo(dump);
        quick["pages present"].Absence.Should().Be(Absence.NotAvailable);
        quick["pages excluded"].Reason.Should().Contain("dumpinfo -p");
        kdump.BitmapRegions.Should().Be((0L, 0L, 0L), "dumpinfo without -p reads no bitmap");

        var counted = DumpInfo(dump, "-p");
        counted["pages present"].Value.Should().Be(spec.DumpedPages);
        counted["pages excluded"].Value.Should().Be(spec.MaxPfn - spec.DumpedPages);
        ((IDumpPageStatistics)dump).CountingIsCheap.Should().BeTrue("the counts are known once made");
    }

    private static Dictionary<string, Cell> DumpInfo(IDumpSource dump, params string[] options)
    {
        using var services = new ServiceCollection().AddSingleton(dump).BuildServiceProvider();
        var command = new DumpInfoCommand { CountAlways = options.Contains("-p") };
        return command.Execute(new CommandContext(services, "dumpinfo", CancellationToken.None))
            .Blocks.OfType<RecordBlock>().First().Fields.ToDictionary(f => f.Name, f => f.Value);
    }

    [Fact]
    public void Kdump_and_elf_of_the_same_machine_agree_on_every_run_edge()
    {
        using var kdump = DumpOpener.Open(Write("big.kdump", SparseDumpWriter.WriteKdump));
        using var elf = DumpOpener.Open(Write("big.elf", (p, s) => SparseDumpWriter.WriteElf(p, s)));
        elf.MaxPfn.Should().Be(Spec.MaxPfn);
        ((IDumpPageStatistics)elf).CountPages().Should().Be(((IDumpPageStatistics)kdump).CountPages());
        var a = new byte[4096];
        var b = new byte[4096];
        foreach (var (start, count) in Spec.Runs())
            foreach (var pfn in new[] { start - 1, start, start + count - 1, start + count })
            {
                var ka = kdump.ReadPage(pfn, a);
                elf.ReadPage(pfn, b).State.Should().Be(ka.State, $"pfn {pfn}");
                if (ka.State == PageState.Present) a.Should().Equal(b, $"pfn {pfn}");
            }
    }
}
