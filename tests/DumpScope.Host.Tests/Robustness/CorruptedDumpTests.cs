using DumpScope.Plugins.Memory;
using DumpScope.Plugins.Slab;
using DumpScope.Plugins.Tasks;
using Xunit.Abstractions;

namespace DumpScope.Host.Tests.Robustness;

/// <summary>
/// Damaged copies of the real kd1 kdump (zlib): pointers bent into excluded pages, unmapped space and
/// non-canonical addresses; files cut short in the header, bitmaps, page_desc table and page data; bitmaps
/// claiming frames the page_desc table lacks. Every case opens a session with the slab, tasks and memory
/// plugins and runs dumpinfo, kmem -s, ps, log and sys: each ends within a bound, none leaks an exception,
/// and damage shows up as a reason in the output while the rest is printed.
/// </summary>
public class CorruptedDumpTests(ITestOutputHelper output)
{
    private const int TasksBeforeDamage = 8;
    private const int CachesBeforeDamage = 6;
    private const ulong NonCanonical = 0xdead_0000_0000_0122UL; // LIST_POISON2: what a freed list entry holds

    private static DumpScopeSession Open(string path) =>
        FixtureSession.Open(path, typeof(SlabPlugin).Assembly, typeof(TasksPlugin).Assembly, typeof(MemoryPlugin).Assembly);

    public enum BadPointer { Excluded, Unmapped, NonCanonical }

    [SkippableTheory]
    [InlineData(BadPointer.Excluded)]
    [InlineData(BadPointer.Unmapped)]
    [InlineData(BadPointer.NonCanonical)]
    public void Bent_pointers_are_marked_and_the_rest_is_printed(BadPointer kind)
    {
        var original = Fixtures.Kd1Zlib;
        using var patched = new PatchedKdump(original, kind.ToString());
        ulong bad;
        ulong taskLink, cacheLink, prb;
        using (var pristine = Open(original))
        {
            var kernel = (IKernel)pristine.Services.GetService(typeof(IKernel))!;
            bad = kind switch
            {
                BadPointer.Excluded => ExcludedAddress(kernel),
                BadPointer.Unmapped => UnmappedAddress(kernel),
                _ => NonCanonical,
            };
            var fault = kernel.Memory.ReadVirtual(bad, new byte[8]).Fault;
            fault.Should().NotBeNull($"0x{bad:x} must be unreadable for this case");
            output.WriteLine($"bad pointer 0x{bad:x}: {fault!.Message}");

            taskLink = NthLink(kernel, kernel.Global("init_task", "struct task_struct")["tasks"].Address, TasksBeforeDamage);
            kernel.Symbols.TryGetAddress("slab_caches", out var slabCaches).Should().BeTrue();
            cacheLink = NthLink(kernel, slabCaches, CachesBeforeDamage);
            kernel.Symbols.TryGetAddress("prb", out prb).Should().BeTrue();
            var patches = new[] { taskLink, cacheLink, prb }
                .Select(va => (Pa: kernel.Memory.Translate(va).PhysicalAddress, Va: va))
                .GroupBy(p => p.Pa / (ulong)kernel.PageSize);
            foreach (var page in patches)
                patched.EditPage(kernel.Dump, page.Key, bytes =>
                {
                    foreach (var p in page) BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan((int)(p.Pa % (ulong)kernel.PageSize)), bad);
                });
        }
        output.WriteLine($"patched: task list link at 0x{taskLink:x}, slab_caches link at 0x{cacheLink:x}, prb at 0x{prb:x}");

        using var session = Open(patched.Path);
        var text = BoundedCommands.Standard.ToDictionary(c => c, c => BoundedCommands.Run(session, c, output));
        var hex = bad.ToString("x");

        text["dumpinfo"].Should().NotStartWith("ERROR");
        text["sys"].Should().NotStartWith("ERROR");
        // ps: the tasks before the bent link are listed, and the bent link is named.
        text["ps"].Should().Contain(hex, "the bad task-list pointer is marked");
        CountRows(text["ps"]).Should().BeGreaterThanOrEqualTo(TasksBeforeDamage);
        // kmem -s: the caches before the bent link are listed, and the bent link is named.
        text["kmem -s"].Should().Contain(hex, "the bad slab_caches pointer is marked");
        CountRows(text["kmem -s"]).Should().BeGreaterThanOrEqualTo(CachesBeforeDamage);
        // log: prb itself is bent, so the whole log is unreadable, and it says where.
        text["log"].Should().Contain(hex);
    }

    public static TheoryData<string> Cuts() => new() { "header", "bitmap", "descriptors", "data-early", "data-late" };

    [SkippableTheory]
    [MemberData(nameof(Cuts))]
    public void Truncated_files_fail_cleanly_or_read_what_is_there(string where)
    {
        var original = Fixtures.Kd1Zlib;
        using var patched = new PatchedKdump(original, "cut-" + where);
        long length = new FileInfo(original).Length;
        long cut = where switch
        {
            "header" => 300,
            "bitmap" => patched.BitmapOffset + patched.BitmapHalf + 1000,
            "descriptors" => patched.DescTableOffset + 5000 * 24 + 7,
            "data-early" => length / 3,
            _ => length - length / 10,
        };
        patched.Truncate(cut);
        output.WriteLine($"cut at {cut} of {length} bytes ({where})");

        DumpScopeSession session;
        try
        {
            session = Open(patched.Path);
        }
        catch (InvalidDataException e)
        {
            // Structural damage is refused at open with the file, the offset and what was expected.
            output.WriteLine($"open refused: {e.Message}");
            e.Message.Should().Contain(patched.Path).And.Contain("offset");
            where.Should().BeOneOf("header", "bitmap");
            return;
        }
        using (session)
        {
            where.Should().NotBe("header", "a 300-byte file cannot hold a disk_dump_header");
            output.WriteLine("notes: " + string.Join(" / ", session.Notes) + (session.KernelProblem is { } p ? $"; kernel problem: {p}" : ""));
            var text = BoundedCommands.Standard.ToDictionary(c => c, c => BoundedCommands.Run(session, c, output));
            text["dumpinfo"].Should().NotStartWith("ERROR", "the headers are intact");
            if (where == "data-late")
            {
                // The kernel's early data (text, BTF, task and cache structures) is usually before the cut; missing
                // pages must show as truncation reasons, never as a failed command.
                text["sys"].Should().NotStartWith("ERROR");
            }
        }
    }

    [SkippableFact]
    public void Bitmap_claiming_frames_the_descriptor_table_lacks()
    {
        var original = Fixtures.Kd1Zlib;
        using var patched = new PatchedKdump(original, "claim");
        ulong maxPfn;
        var claimed = new List<ulong>();
        using (var dump = Host.Dumps.DumpOpener.Open(original))
        {
            maxPfn = dump.MaxPfn;
            for (ulong pfn = maxPfn - 1; pfn > 0 && claimed.Count < 512; pfn--)
                if (dump.GetPageState(pfn) != PageState.Present) claimed.Add(pfn);
        }
        patched.ClaimFrames(claimed);
        output.WriteLine($"claimed {claimed.Count} frames 0x{claimed[^1]:x}-0x{claimed[0]:x} in both bitmaps");

        using (var dump = Host.Dumps.DumpOpener.Open(patched.Path))
        {
            var page = new byte[dump.PageSize];
            // Every frame from the lowest claimed one up: the claims shift the page_desc index of all of them.
            var reads = Enumerable.Range(0, (int)(maxPfn - claimed[^1])).Select(i => dump.ReadPage(claimed[^1] + (ulong)i, page)).ToList();
            reads.Should().OnlyContain(r => r.State == PageState.Present || !string.IsNullOrEmpty(r.Detail));
            // The table cannot hold descriptors for the extra frames: the ones past its end are corrupt, not
            // pages decoded out of some other frame's compressed data.
            reads.Should().Contain(r => r.State == PageState.Corrupt && r.Detail!.Contains("page_desc table"));
            dump.Describe().Should().Contain(kv => kv.Key == "warning" && kv.Value.Contains("bitmap is damaged"));
            output.WriteLine("frames from the lowest claimed one up read as: " + string.Join(", ", reads.GroupBy(r => r.State).Select(g => $"{g.Key} x{g.Count()}")));
            output.WriteLine("first reason: " + reads.FirstOrDefault(r => r.State != PageState.Present).Detail);
        }

        using var session = Open(patched.Path);
        var text = BoundedCommands.Standard.ToDictionary(c => c, c => BoundedCommands.Run(session, c, output));
        text["dumpinfo"].Should().NotStartWith("ERROR");
        text["sys"].Should().NotStartWith("ERROR");
        text["ps"].Should().NotStartWith("ERROR");
    }

    private static int CountRows(string text) => text.Split('\n').Count(l => l.Contains(" | "));

    /// <summary>The address of the link field reached after <paramref name="steps"/> steps from a list head.</summary>
    private static ulong NthLink(IKernel kernel, ulong head, int steps)
    {
        ulong node = head;
        for (int i = 0; i < steps; i++) node = kernel.Memory.ReadU64(node, "list walk");
        node.Should().NotBe(head, "the list must be longer than the steps taken");
        return node; // list_head.next is at offset 0 of the node
    }

    private static ulong ExcludedAddress(IKernel kernel)
    {
        kernel.Symbols.TryGetAddress("page_offset_base", out var pobSymbol).Should().BeTrue();
        ulong directMap = kernel.Memory.ReadU64(pobSymbol, "page_offset_base");
        for (ulong pfn = kernel.Dump.MaxPfn / 2; pfn < kernel.Dump.MaxPfn; pfn++)
            if (kernel.Dump.GetPageState(pfn) == PageState.Excluded) return directMap + pfn * (ulong)kernel.PageSize + 0x40;
        throw new InvalidOperationException("kd1 has no excluded frame in its upper half");
    }

    private static ulong UnmappedAddress(IKernel kernel)
    {
        // The top of the vmalloc area: reserved, and never populated on a 512 MB guest.
        for (ulong va = 0xffff_e8ff_ffe0_0000UL; va > 0xffff_c900_0000_0000UL; va -= 1UL << 30)
            if (kernel.Memory.Translate(va).Fault is { Kind: MemoryFaultKind.NotMapped }) return va + 0x80;
        throw new InvalidOperationException("no unmapped vmalloc address found");
    }
}
