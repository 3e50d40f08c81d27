using DumpScope.Host.Commands.Builtins;

namespace DumpScope.Host.Tests.DataCommands;

public class TreeAndSearchTests
{
    private static string InitPidNsIdr()
    {
        var kernel = DataCommandRuns.Kd1.Kernel();
        kernel.Symbols.TryGetAddress("init_pid_ns", out var ns).Should().BeTrue();
        // init_pid_ns.idr.idr_rt: the xarray crash was given (p &init_pid_ns.idr.idr_rt = 0xffffffff9e459420).
        ulong idr = kernel.Types.Require("pid_namespace").FindMember("idr.idr_rt").Offset;
        return (ns + idr).ToString("x", CultureInfo.InvariantCulture);
    }

    [SkippableFact]
    public void Kd1_xarray_of_the_pid_namespace_equals_crash()
    {
        var root = InitPidNsIdr();
        root.Should().Be("ffffffff9e459420");
        var ours = DataCommandRuns.Kd1.Text($"tree -t xarray {root}");
        DataCommandRuns.Lines(ours).Should().Equal(DataCommandRuns.Lines(DataCommandRuns.Reference("kd1/crash-tree-xarray-pid-ns.txt")));
        var withMembers = DataCommandRuns.Kd1.Text($"tree -t xarray -s pid.level {root}");
        DataCommandRuns.Lines(withMembers).Should().Equal(DataCommandRuns.Lines(DataCommandRuns.Reference("kd1/crash-tree-xarray-pid-level.txt")));
    }

    [SkippableFact]
    public void Kd1_xarray_rows_carry_the_index_and_lead_to_the_struct()
    {
        var result = DataCommandRuns.Kd1.Run($"tree -t xarray -p -s pid.level {InitPidNsIdr()}");
        var table = result.Blocks.OfType<TableBlock>().Single();
        table.Columns.Select(c => c.JsonKey).Should().Equal("index", "address", "level");
        table.Rows[0].Cells[0].Value.Should().Be(1UL);
        table.Rows[0].Text.Should().Be("ffff89ab01206580\n  index: 1  position: root/0/1\n  level = 0,");
        table.Rows[0].Targets[0].Subject.Should().Be(new ObjectTarget("struct pid", 0xffff89ab01206580));
    }

    [Fact]
    public void An_rbtree_with_a_cycle_stops_that_branch_with_the_reason()
    {
        var kernel = new SyntheticKernel(ReferenceTypes.Debian61);
        const ulong Root = 0xffff_8880_0000_1000, N1 = 0xffff_8880_0000_2000, N2 = 0xffff_8880_0000_3000, N3 = 0xffff_8880_0000_4000;
        kernel.Memory.WriteU64(Root, N1);
        // rb_node: __rb_parent_color, rb_right, rb_left.
        void Node(ulong at, ulong parent, ulong right, ulong left)
        {
            kernel.Memory.WriteU64(at, parent);
            kernel.Memory.WriteU64(at + 8, right);
            kernel.Memory.WriteU64(at + 16, left);
        }
        Node(N1, 0, N3, N2);
        Node(N2, N1, 0, 0);
        Node(N3, N1, 0, N1);
        var result = kernel.Run(new TreeCommand(), $"tree -t rbtree -l -o 0x10 {Root:x}");
        result.Blocks.OfType<TableBlock>().Single().Rows.Select(r => r.Cells[0].Value).Should().Equal(N2 - 0x10, N1 - 0x10, N3 - 0x10);
        result.Warnings.Should().ContainSingle().Which.Should().StartWith("tree: cycle:").And.Contain($"{N1:x}");
        // crash's default order is preorder: the root, its left subtree, its right subtree.
        var preorder = kernel.Run(new TreeCommand(), $"tree -t rbtree -p {Root:x}");
        preorder.Blocks.OfType<TableBlock>().Single().Rows.Select(r => r.Text).Should()
            .Equal($"{N1:x16}\n  position: root", $"{N2:x16}\n  position: root/l", $"{N3:x16}\n  position: root/r");
        preorder.Warnings.Should().ContainSingle().Which.Should().Contain("cycle").And.Contain("root/r/l");
    }

    [Fact]
    public void An_rbtree_whose_child_is_garbage_or_unreadable_keeps_the_rest()
    {
        var kernel = new SyntheticKernel(ReferenceTypes.Debian61);
        const ulong Root = 0xffff_8880_0000_1000, N1 = 0xffff_8880_0000_2000, N2 = 0xffff_8880_0000_3000;
        kernel.Memory.WriteU64(Root, N1);
        kernel.Memory.WriteU64(N1, 0);
        kernel.Memory.WriteU64(N1 + 8, 0xffff_8880_0fff_0000); // right: a page the dump does not hold
        kernel.Memory.Exclude(0xffff_8880_0fff_0000);
        kernel.Memory.WriteU64(N1 + 16, N2);
        kernel.Memory.WriteU64(N2, N1);
        kernel.Memory.WriteU64(N2 + 8, 0);
        kernel.Memory.WriteU64(N2 + 16, 0x1234); // left: not a kernel address
        var result = kernel.Run(new TreeCommand(), $"tree -t rbtree {Root:x}");
        // The unreadable node is still an entry (its pointer is sound); its subtree is lost. The first problem is reported.
        result.Blocks.OfType<TableBlock>().Single().Rows.Select(r => r.Cells[0].Value).Should().Equal(N1, N2, 0xffff_8880_0fff_0000UL);
        result.Warnings.Should().ContainSingle().Which.Should().Contain("1234").And.Contain("not a kernel address");
    }

    [SkippableTheory]
    [InlineData("kd1", "tree -t rbtree -o vmap_area.rb_node vmap_area_root", "crash-tree-rbtree-vmap.txt")]
    [InlineData("kd1", "tree -t rbtree -p -o vmap_area.rb_node vmap_area_root", "crash-tree-rbtree-vmap-p.txt")]
    [InlineData("kd1", "tree -t rbtree -l -p -o vmap_area.rb_node vmap_area_root", "crash-tree-rbtree-vmap-l-p.txt")]
    [InlineData("kd1", "tree -t rbtree -l -o vmap_area.rb_node -s vmap_area.va_start,va_end vmap_area_root", "crash-tree-rbtree-vmap-l-s.txt")]
    [InlineData("kd1", "tree -t rbtree -o vmap_area.rb_node -S vmap_area.va_start vmap_area_root", "crash-tree-rbtree-vmap-S.txt")]
    [InlineData("kd1", "tree -t xarray -s pid.level -p ffffffff9e459420", "crash-tree-xarray-pid-p-s.txt")]
    [InlineData("kd3", "tree -t rbtree -o vmap_area.rb_node vmap_area_root", "crash-tree-rbtree-vmap.txt")]
    [InlineData("kd3", "tree -t rbtree -l -o vmap_area.rb_node -S vmap_area.va_start,va_end vmap_area_root", "crash-tree-rbtree-vmap-l-S.txt")]
    [InlineData("kd3", "tree -t xarray -p -s pid.level init_pid_ns.idr.idr_rt", "crash-tree-xarray-pid-p-s.txt")]
    public void Tree_equals_crash(string dump, string command, string reference)
    {
        var session = dump == "kd1" ? DataCommandRuns.Kd1 : DataCommandRuns.Kd3;
        var ours = session.Text(command);
        DataCommandRuns.Lines(ours).Should().Equal(DataCommandRuns.Lines(DataCommandRuns.Reference($"{dump}/{reference}")));
    }

    [SkippableFact]
    public void Kd3_maple_tree_of_each_mm_holds_its_vmas_as_the_kernel_counts_them()
    {
        // crash 8.0.2 has no maple trees; the kernel's own bookkeeping is the reference: mm->map_count VMAs, each
        // stored for [vm_start, vm_end - 1] and pointing back at its mm (vm_mm).
        var session = DataCommandRuns.Kd3;
        var kernel = session.Kernel();
        var mmType = kernel.Types.Require("mm_struct");
        ulong mtOffset = mmType.FindMember("mm_mt").Offset;
        var mms = KernelTasks.ForEachTask(kernel).Items.Select(t => t["mm"].ReadPointer()).Where(m => m != 0).Distinct().ToList();
        mms.Should().HaveCountGreaterThan(10);
        int checkedVmas = 0;
        foreach (var mm in mms)
        {
            var result = session.Run($"tree -t maple -p -s vm_area_struct.vm_start,vm_end,vm_mm {mm + mtOffset:x}");
            result.Error.Should().BeNull();
            result.Warnings.Should().BeEmpty();
            var rows = result.Blocks.OfType<TableBlock>().Single().Rows;
            long mapCount = kernel.Object("struct mm_struct", mm)["map_count"].ReadSigned();
            rows.Should().HaveCount((int)mapCount, $"mm {mm:x} has map_count {mapCount}");
            ulong previousEnd = 0;
            foreach (var row in rows)
            {
                ulong first = (ulong)row.Cells[0].Value!, last = (ulong)row.Cells[1].Value!;
                var vma = kernel.Object("struct vm_area_struct", (ulong)row.Cells[2].Value!);
                vma["vm_start"].ReadUnsigned().Should().Be(first);
                vma["vm_end"].ReadUnsigned().Should().Be(last + 1);
                vma["vm_mm"].ReadPointer().Should().Be(mm);
                first.Should().BeGreaterThanOrEqualTo(previousEnd);
                previousEnd = last + 1;
                row.Text.Should().Contain($"  range: {first:x}-{last:x}");
                checkedVmas++;
            }
        }
        checkedVmas.Should().BeGreaterThan(100);
    }

    [SkippableTheory]
    [InlineData("search -s ffffffff9e400000 -e ffffffff9e500000 ffffffff9e41aa40", "kd1/crash-search-ktext.txt")]
    [InlineData("search -s ffff89ab01000000 -e ffff89ab01300000 ffffffff9e41aa40", "kd1/crash-search-dmap.txt")]
    [InlineData("search -s ffffffff9e41a000 -e ffffffff9e41b000 -m ffff ffffffff9e410000", "kd1/crash-search-mask.txt")]
    [InlineData("search -p -s 1000000 -e 1400000 ffffffff9e41aa40", "kd1/crash-search-phys.txt")]
    public void Kd1_search_equals_crash(string command, string reference)
    {
        var ours = DataCommandRuns.Kd1.Text(command);
        DataCommandRuns.Lines(ours).Should().Equal(DataCommandRuns.Lines(DataCommandRuns.Reference(reference)));
    }

    [SkippableFact]
    public void Kd1_search_of_all_kernel_memory_finds_what_the_ranges_found()
    {
        var result = DataCommandRuns.Kd1.Run("search ffffffff9e41aa40");
        result.Error.Should().BeNull();
        var hits = result.Blocks.OfType<TableBlock>().Single().Rows.Select(r => r.Text!).ToHashSet();
        foreach (var reference in new[] { "kd1/crash-search-ktext.txt", "kd1/crash-search-dmap.txt" })
            hits.Should().Contain(DataCommandRuns.Lines(DataCommandRuns.Reference(reference)));
        // crash's own search -k: every hit of the direct map, the vmalloc areas (kernel stacks) and the kernel image is
        // found; crash also reads the kernel's high mapping of low memory outside the image (aliases of direct-map pages).
        var kernel = DataCommandRuns.Kd1.Kernel();
        kernel.Symbols.TryGetAddress("_text", out var text).Should().BeTrue();
        kernel.Symbols.TryGetAddress("_end", out var end).Should().BeTrue();
        var crash = DataCommandRuns.Lines(DataCommandRuns.Reference("kd1/crash-search-k-init-task.txt"));
        var expected = crash.Where(l => ulong.Parse(l[..16], NumberStyles.HexNumber, CultureInfo.InvariantCulture) is var a && (a < 0xffff_ffff_8000_0000UL || a >= text && a < end)).ToList();
        expected.Should().Contain(l => l.StartsWith("ffffca4e", StringComparison.Ordinal), "kd1's kernel stacks are vmalloc'ed");
        hits.Should().Contain(expected);
        // Ordered by address: the direct map comes before the kernel image.
        var addresses = result.Blocks.OfType<TableBlock>().Single().Rows.Select(r => (ulong)r.Cells[0].Value!).ToList();
        addresses.Should().BeInAscendingOrder();
    }

    [SkippableFact]
    public void Kd1_search_for_a_string_finds_the_init_tasks_comm()
    {
        var kernel = DataCommandRuns.Kd1.Kernel();
        kernel.Symbols.TryGetAddress("init_task", out var init).Should().BeTrue();
        ulong comm = init + kernel.Types.Require("task_struct").FindMember("comm").Offset;
        var result = DataCommandRuns.Kd1.Run($"search -c -s {init:x} -l 0x4000 swapper/0");
        result.Blocks.OfType<TableBlock>().Single().Rows.Select(r => r.Cells[0].Value).Should().Contain(comm);
    }

    [SkippableFact]
    public void Kd1_search_reports_progress_and_stops_when_cancelled()
    {
        var session = DataCommandRuns.Kd1;
        var reports = new List<CommandProgress>();
        using var cancel = new CancellationTokenSource();
        var progress = new SynchronousProgress(p =>
        {
            reports.Add(p);
            if (reports.Count == 3) cancel.Cancel();
        });
        var result = session.Run("search deadbeefdeadbeef", cancel.Token, progress);
        result.Error.Should().Be("search: cancelled");
        reports.Should().HaveCount(3);
        reports[0].Total.Should().BeGreaterThan(reports[0].Done);
    }

    private sealed class SynchronousProgress(Action<CommandProgress> report) : IProgress<CommandProgress>
    {
        public void Report(CommandProgress value) => report(value);
    }
}
