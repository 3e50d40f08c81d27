using DumpScope.Host.Rendering;
using DumpScope.Testing;
using DumpScope.Testing.Sessions;

namespace DumpScope.Plugins.Diff.Tests;

/// <summary>
/// diff on leak/ (one boot dumped twice; between the dumps the guest created 50,000 empty tmpfs files, and
/// leaker-a opened 1000 of them; README.md and console.log): the ground truth decides.
/// </summary>
public sealed class LeakDiffTests(LeakPair pair) : IClassFixture<LeakPair>
{
    private TableBlock Table(string titleStart) => pair.Diff.Blocks.OfType<TableBlock>().Single(t => t.Title!.StartsWith(titleStart, StringComparison.Ordinal));

    private static object? Value(TableBlock table, TableRow row, string key) => row.Cells[table.Columns.ToList().FindIndex(c => c.JsonKey == key)].Value;

    [SkippableTheory]
    // The workload made 50,000 files (a dentry, a shmem inode and an LSM inode blob each) and held 1000 of them
    // open (a struct file and an LSM file blob each).
    [InlineData("shmem_inode_cache", 50_000)]
    [InlineData("dentry", 50_000)]
    [InlineData("lsm_inode_cache", 50_000)]
    [InlineData("filp", 1000)]
    [InlineData("lsm_file_cache", 1000)]
    public void The_caches_the_workload_fed_grew_by_what_it_created(string cache, long created)
    {
        pair.Diff.Failed.Should().BeFalse(pair.Diff.Error);
        var table = Table("slab caches by growth");
        var row = table.Rows.Single(r => (string)r.Cells[0].Value! == cache);
        row.Problem.Should().BeNull();
        var growth = Convert.ToInt64(Value(table, row, "delta_objects"), CultureInfo.InvariantCulture);
        growth.Should().BeInRange((long)(created * 0.95), (long)(created * 1.05), $"{cache} grew by one object per file the workload created or opened");
    }

    [SkippableFact]
    public void The_exact_growth_is_the_one_walking_every_slab_finds()
    {
        // crash 8.0.2's kmem -s ALLOCATED on the two dumps (crash-kmem-s.txt; the README's Δ crash alloc column).
        var table = Table("slab caches by growth");
        long Growth(string name) => Convert.ToInt64(Value(table, table.Rows.Single(r => (string)r.Cells[0].Value! == name), "delta_objects"), CultureInfo.InvariantCulture);
        Growth("shmem_inode_cache").Should().Be(50_000);
        Growth("dentry").Should().Be(50_022);
        Growth("filp").Should().Be(1008);
        Growth("task_struct").Should().Be(4, "leaker-a, leaker-b and their two sleeps");
    }

    [SkippableFact]
    public void The_biggest_growers_come_first_and_are_charted()
    {
        var table = Table("slab caches by growth");
        table.Rows.Take(2).Select(r => (string)r.Cells[0].Value!).Should().BeEquivalentTo(["shmem_inode_cache", "dentry"]);
        var chart = pair.Diff.Blocks.OfType<ChartBlock>().Single();
        chart.Kind.Should().Be(ChartKind.Bar);
        chart.Labels.Take(2).Should().BeEquivalentTo(["shmem_inode_cache", "dentry"]);
        chart.Series.Single().Values[0].Should().BeGreaterThan(9_000_000, "shmem_inode_cache took 2500 more slabs of 32 KiB (README: Δ slabs)");
    }

    [SkippableFact]
    public void The_new_processes_are_listed_and_none_vanished()
    {
        var table = Table("tasks appeared");
        var appeared = table.Rows.Where(r => (string)r.Cells[0].Value! == "appeared")
            .Select(r => (Pid: Convert.ToInt32(Value(table, r, "pid"), CultureInfo.InvariantCulture), Ppid: Convert.ToInt32(Value(table, r, "ppid"), CultureInfo.InvariantCulture), Comm: (string)Value(table, r, "comm")!))
            .ToList();
        // README: New tasks in B: 115 leaker-a, 116 leaker-b, 118 sleep (child of 116), 119 sleep (child of 115).
        appeared.Should().BeEquivalentTo([(115, 1, "leaker-a"), (116, 1, "leaker-b"), (118, 116, "sleep"), (119, 115, "sleep")]);
        table.Rows.Should().NotContain(r => (string)r.Cells[0].Value! == "vanished", "no task of A is gone in B");
        pair.Diff.Blocks.OfType<RecordBlock>().First().Fields.Single(f => f.Key == "tasks_appeared").Value.Value.Should().Be(4L);
    }

    [SkippableFact]
    public void Slab_memory_grew_as_meminfo_says_and_no_module_changed()
    {
        var memory = Table("memory");
        var slab = memory.Rows.Single(r => (string)r.Cells[0].Value! == "SLAB");
        long grownKiB = Convert.ToInt64(Value(memory, slab, "delta_bytes"), CultureInfo.InvariantCulture) / 1024;
        // /proc/meminfo Slab: 16716 kB at A, 68356 kB at B (+51640 kB), read a few seconds before each dump.
        grownKiB.Should().BeInRange(51_640 * 95 / 100, 51_640 * 105 / 100);
        Table("modules").Rows.Should().BeEmpty("the modules were loaded before dump A");
    }

    [SkippableFact]
    public void Every_output_format_renders_the_result()
    {
        var json = JsonRenderer.Render("diff B", pair.Diff);
        using var doc = System.Text.Json.JsonDocument.Parse(json);
        doc.RootElement.GetProperty("ok").GetBoolean().Should().BeTrue();
        doc.RootElement.GetProperty("blocks").EnumerateArray().Select(b => b.GetProperty("type").GetString()).Should().Contain(["record", "chart", "table"]);
        var csv = new StringWriter();
        new CsvRenderer().Write("diff B", pair.Diff, csv, TextWriter.Null);
        csv.ToString().Should().Contain("name,objsize,old_allocated,new_allocated,delta_objects").And.Contain("shmem_inode_cache,");
        TextRenderer.Render(pair.Diff).Should().Contain("top slab growers by bytes").And.Contain("####");
    }

    [SkippableFact]
    public void The_pair_in_the_wrong_order_says_so_and_shows_the_growth_reversed()
    {
        pair.Diff.Warnings.Should().NotContain(w => w.Contains("taken before", StringComparison.Ordinal), "A was dumped before B");
        using var b = FixtureSession.Open(Fixtures.LeakDumpB, typeof(DiffPlugin).Assembly);
        var reversed = b.Run($"diff {Fixtures.LeakDumpA}");
        reversed.Failed.Should().BeFalse(reversed.Error);
        reversed.Warnings.Should().Contain(w => w.StartsWith("the new dump was taken before the old one (uptime ", StringComparison.Ordinal));
    }

    [SkippableFact]
    public void A_dump_of_another_boot_is_refused_in_one_line()
    {
        using var kd1 = FixtureSession.Open(Fixtures.Kd1Zlib, typeof(DiffPlugin).Assembly);
        var refused = kd1.Run($"diff {Fixtures.LeakDumpA}");
        refused.Failed.Should().BeTrue();
        refused.Error.Should().Be("diff: the dumps are of different boots (KASLR offset 1ba00000 vs 10200000) of 6.1.0-56-cloud-amd64: tasks, pids and objects do not correspond; --other-boot compares them anyway");
    }

    [SkippableFact]
    public void Another_boot_compares_when_asked_with_a_warning()
    {
        using var kd1 = FixtureSession.Open(Fixtures.Kd1Zlib, typeof(DiffPlugin).Assembly);
        var allowed = kd1.Run($"diff --other-boot {Fixtures.LeakDumpA}");
        allowed.Failed.Should().BeFalse(allowed.Error);
        allowed.Warnings.Should().Contain(w => w.Contains("matched by pid and comm", StringComparison.Ordinal));
    }

    [SkippableFact]
    public void The_open_dump_against_itself_has_no_differences()
    {
        var same = pair.Session.Run($"diff {Fixtures.LeakDumpA}");
        same.Failed.Should().BeFalse(same.Error);
        same.Blocks.OfType<TableBlock>().First().Rows.Should().BeEmpty();
        same.Blocks.OfType<ChartBlock>().Should().BeEmpty();
        same.Blocks.OfType<TableBlock>().Single(t => t.Title!.StartsWith("tasks", StringComparison.Ordinal)).Rows.Should().BeEmpty();
    }

    [SkippableFact]
    public void A_missing_new_dump_is_a_usage_error()
    {
        var missing = pair.Session.Run("diff /nonexistent/vmcore");
        missing.Failed.Should().BeTrue();
        missing.Error.Should().Be("dump not found: /nonexistent/vmcore");
    }
}
