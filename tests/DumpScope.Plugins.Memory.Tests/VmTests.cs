using DumpScope.Plugins.Memory.Vm;
using DumpScope.Testing;

namespace DumpScope.Plugins.Memory.Tests;

/// <summary>vm PID on kd1: the maple tree of a busybox process.</summary>
public sealed class VmTests(Kd1Session kd1) : IClassFixture<Kd1Session>
{
    [SkippableFact]
    public void Init_maps_busybox_and_its_stack()
    {
        var result = kd1.Session.Run("vm 1");
        result.Error.Should().BeNull();
        result.Warnings.Should().BeEmpty();
        var header = result.Blocks.OfType<RecordBlock>().Single();
        header.Fields.Single(f => f.Name == "COMMAND").Value.Value.Should().Be("init");
        var rows = result.Blocks.OfType<TableBlock>().Single().Rows;
        rows.Should().HaveCountGreaterThan(4);
        rows.Should().OnlyContain(r => r.Problem == null, "every VMA's range agrees with the tree");
        rows[0].Cells[4].Value.Should().Be("/bin/busybox");
        var ranges = rows.Select(r => ((ulong)r.Cells[1].Value!, (ulong)r.Cells[2].Value!)).ToList();
        ranges.Should().OnlyContain(r => r.Item1 < r.Item2);
        for (int i = 1; i < ranges.Count; i++) ranges[i].Item1.Should().BeGreaterThanOrEqualTo(ranges[i - 1].Item2, "VMAs are disjoint and in order");
        // The stack VMA (VM_GROWSDOWN = 0x100) is near the top of the user half.
        rows.Should().Contain(r => ((ulong)r.Cells[3].Value! & 0x100) != 0 && (ulong)r.Cells[1].Value! > 0x7f00_0000_0000UL);
    }

    [SkippableFact]
    public void Every_user_task_has_a_walkable_tree()
    {
        var kernel = kd1.Analyzer.Kernel;
        var tasks = KernelTasks.ForEachTask(kernel);
        tasks.Problem.Should().BeNull();
        var users = tasks.Items.Where(t => t["mm"].ReadPointer() != 0).ToList();
        users.Select(KernelTasks.TaskComm).Should().Contain(["worker-alpha", "worker-beta", "worker-gamma", "sleep"]);
        foreach (var task in users)
        {
            var vmas = VmaTable.Read(kernel, task["mm"].ReadPointer());
            vmas.IsComplete.Should().BeTrue(vmas.Problem);
            vmas.Items.Should().NotBeEmpty().And.OnlyContain(v => v.Problem == null);
        }
    }

    [SkippableFact]
    public void Kernel_threads_and_unknown_pids()
    {
        var thread = kd1.Session.Run("vm 2");
        thread.Error.Should().BeNull();
        thread.Blocks.OfType<TextBlock>().Single().Lines.Single().Should().Contain("kernel thread");
        kd1.Session.Run("vm 999999").Error.Should().Contain("no task with pid 999999");
        kd1.Session.Run("vm abc").Error.Should().Contain("not a pid");
    }

    [SkippableFact]
    public void A_garbage_maple_node_ends_the_walk_with_a_reason()
    {
        var kernel = kd1.Analyzer.Kernel;
        ulong initMm = KernelTasks.FindTask(kernel, 1)!["mm"].ReadPointer();
        var mm = kernel.Object("struct mm_struct", initMm);
        ulong root = mm["mm_mt.ma_root"].ReadPointer() & ~0xffUL;
        foreach (var memory in new[]
        {
            new FaultInjectingMemory(kernel.Memory).Garbage(root + 8, 248),
            new FaultInjectingMemory(kernel.Memory).Exclude(root, 256),
        })
        {
            var task = Task.Run(() => VmaTable.Read(new KernelWithMemory(kernel, memory), initMm));
            task.Wait(TimeSpan.FromSeconds(60)).Should().BeTrue("the maple walk must end");
            var vmas = task.Result;
            if (vmas.IsComplete) vmas.Items.Should().Contain(v => v.Problem != null, "garbage that happens to parse must still be flagged");
            else vmas.Problem.Should().NotBeNullOrEmpty();
        }
    }
}
