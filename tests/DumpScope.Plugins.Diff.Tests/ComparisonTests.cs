using DumpScope.Plugins.Diff.Comparison;
using DumpScope.Plugins.Diff.Snapshots;
using static DumpScope.Plugins.Diff.Tests.Synthetic;

namespace DumpScope.Plugins.Diff.Tests;

public sealed class ComparisonTests
{
    [Fact]
    public void Caches_are_ranked_by_byte_growth_and_appeared_and_vanished_caches_count_whole()
    {
        var old = Snapshot(caches: [Cache("dentry", 100, 2), Cache("filp", 10, 1), Cache("gone", 40, 4)]);
        var @new = Snapshot(caches: [Cache("dentry", 5100, 100), Cache("filp", 10, 1), Cache("fresh", 7, 3)]);

        var diff = DumpComparison.Compare(old, @new, sameBoot: true);

        diff.Caches.Select(c => c.Name).Should().Equal("dentry", "fresh", "filp", "gone");
        var dentry = diff.Caches[0];
        dentry.Change.Should().Be(Change.Changed);
        dentry.Objects.Should().Be(5000);
        dentry.Slabs.Should().Be(98);
        dentry.Bytes.Should().Be(98 * 4096);
        var fresh = diff.Caches.Single(c => c.Name == "fresh");
        fresh.Change.Should().Be(Change.Appeared);
        fresh.Objects.Should().Be(7, "a cache created between the dumps: every object is new");
        var gone = diff.Caches.Single(c => c.Name == "gone");
        gone.Change.Should().Be(Change.Vanished);
        gone.Bytes.Should().Be(-4 * 4096, "a destroyed cache gave back its slabs");
        diff.Caches.Single(c => c.Name == "filp").Change.Should().Be(Change.Unchanged);
    }

    [Fact]
    public void A_cache_unreadable_in_one_dump_is_marked_and_has_no_growth_and_the_rest_is_compared()
    {
        var old = Snapshot(caches: [Cache("kmalloc-64", 0, 0, problem: "kmem_cache ffff888003a4c000: page excluded"), Cache("dentry", 1, 1)]);
        var @new = Snapshot(caches: [Cache("kmalloc-64", 300, 5), Cache("dentry", 2, 1)]);

        var diff = DumpComparison.Compare(old, @new, sameBoot: true);

        var bad = diff.Caches.Single(c => c.Name == "kmalloc-64");
        bad.Change.Should().Be(Change.Unreadable);
        bad.Objects.Should().BeNull();
        bad.Bytes.Should().BeNull();
        bad.Problem.Should().Contain("old: kmem_cache ffff888003a4c000: page excluded");
        diff.Caches.Single(c => c.Name == "dentry").Objects.Should().Be(1);
        diff.Caches[^1].Name.Should().Be("kmalloc-64", "unknown growth ranks last");
    }

    [Fact]
    public void Tasks_that_appear_vanish_or_change_state_are_listed_and_unchanged_ones_are_not()
    {
        var old = Snapshot(tasks: [Task(1, "init", "S"), Task(50, "worker", "S"), Task(60, "gone", "S"), Task(70, "idle", "S", rss: 100)]);
        var @new = Snapshot(tasks: [Task(1, "init", "S"), Task(50, "worker", "D"), Task(70, "idle", "S", rss: 300), Task(80, "new", "R", ppid: 50)]);

        var diff = DumpComparison.Compare(old, @new, sameBoot: true);

        diff.Tasks.Select(t => (t.Change, t.Task.Pid)).Should().Equal(
            (Change.Appeared, 80), (Change.Vanished, 60), (Change.Changed, 50), (Change.Changed, 70));
        var worker = diff.Tasks.Single(t => t.Task.Pid == 50);
        worker.StateChanged.Should().BeTrue();
        worker.Old!.State.Should().Be("S");
        worker.New!.State.Should().Be("D");
        diff.Tasks.Single(t => t.Task.Pid == 70).RssGrowthKiB.Should().Be(200);
        diff.Tasks.Should().NotContain(t => t.Task.Pid == 1);
    }

    [Fact]
    public void A_pid_reused_by_another_task_struct_within_a_boot_is_one_task_gone_and_one_new()
    {
        var old = Snapshot(tasks: [Task(42, "sleep", "S", address: 0xffff888004100000)]);
        var @new = Snapshot(tasks: [Task(42, "sleep", "S", address: 0xffff888004200000)]);

        DumpComparison.Compare(old, @new, sameBoot: true).Tasks.Select(t => t.Change).Should().Equal(Change.Appeared, Change.Vanished);
        DumpComparison.Compare(old, @new, sameBoot: false).Tasks.Should().BeEmpty("across boots tasks are matched by pid and comm");
    }

    [Fact]
    public void Memory_counters_and_modules_are_compared_by_name()
    {
        var old = Snapshot(memory: [Row("FREE", 1000), Row("SLAB", 100), Row("CACHED", null)],
            modules: [new ModuleSnapshot("virtio_net", 0xffffffffc0001000, 65536, "LIVE"), new ModuleSnapshot("old_mod", 0xffffffffc0100000, 4096, "LIVE")]);
        var @new = Snapshot(memory: [Row("FREE", 400), Row("SLAB", 700), Row("CACHED", 5)],
            modules: [new ModuleSnapshot("virtio_net", 0xffffffffc0001000, 65536, "LIVE"), new ModuleSnapshot("new_mod", 0xffffffffc0200000, 8192, "COMING")]);

        var diff = DumpComparison.Compare(old, @new, sameBoot: true);

        diff.Memory.Single(m => m.Name == "SLAB").Pages.Should().Be(600);
        diff.Memory.Single(m => m.Name == "FREE").Pages.Should().Be(-600);
        var cached = diff.Memory.Single(m => m.Name == "CACHED");
        cached.Pages.Should().BeNull();
        cached.Problem.Should().Be("old: page excluded");
        diff.Modules.Select(m => (m.Change, m.Module.Name)).Should().Equal((Change.Appeared, "new_mod"), (Change.Vanished, "old_mod"));
    }

    [Fact]
    public void A_part_missing_from_one_dump_is_a_problem_not_a_list_of_everything_vanished()
    {
        var old = Snapshot(caches: [Cache("dentry", 1, 1)]);
        var @new = new DumpSnapshot { Identity = Identity, Caches = null, Tasks = [], Memory = [], Modules = [] };
        @new.Problems.Add("slab caches: page excluded");

        var diff = DumpComparison.Compare(old, @new, sameBoot: true);

        diff.Caches.Should().BeEmpty();
        diff.Problems.Should().Equal("new dump: slab caches: page excluded");
    }
}
