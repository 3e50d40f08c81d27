using DumpScope.Plugins.Sched.Commands;
using DumpScope.Sdk.Linux.Timer;

namespace DumpScope.Plugins.Sched.Tests;

/// <summary>
/// The commands over kd3 with chosen damage (<see cref="FaultInjectingMemory"/>): queues made to hold tasks, cycles
/// in rb-trees and hash chains, excluded pages, bad pointers. Every walk ends, the damaged entry is a marked row or a
/// warning, and the command never fails for it.
/// </summary>
[Collection("dumps")]
public sealed class CorruptionTests(DumpSessions dumps)
{
    private IKernel Kd3 => dumps.Of("kd3").Kernel();

    private static ulong Offset(IKernel kernel, string type, string member) => kernel.Types.Require(type).Resolve().FindMember(member).Offset;

    /// <summary>Makes the CFS tree at <paramref name="root"/> hold exactly the task's run_node, as a black root without children.</summary>
    private static ulong Enqueue(PatchedKernel patched, ulong root, ulong task)
    {
        var kernel = patched.Kernel;
        ulong node = task + Offset(kernel, "struct task_struct", "se") + Offset(kernel, "struct sched_entity", "run_node");
        patched.Patches.Patch(root, node).Patch(node, 0).Patch(node + 8, 0).Patch(node + 16, 0);
        return node;
    }

    private (PatchedKernel Patched, ulong Root, ulong Task) QueueFxstack(int cpu)
    {
        var patched = new PatchedKernel(Kd3);
        var (cfs, _, _) = SchedQueues.RqQueues(Kd3, cpu);
        ulong root = cfs + SchedQueues.Of(Kd3).Timeline.Offset;
        ulong task = KernelTasks.FindTask(Kd3, 123)!.Address;
        Enqueue(patched, root, task);
        return (patched, root, task);
    }

    [SkippableFact]
    public void A_task_on_the_cfs_tree_is_listed_with_its_prio_and_task_target()
    {
        var (patched, _, task) = QueueFxstack(0);
        var result = patched.Run(new RunqCommand { Cpu = 0 }, "runq -c 0");
        result.Failed.Should().BeFalse(result.Error);
        var text = Sched.Text(result);
        text.Should().ContainInOrder("  CFS RB_ROOT: " + (SchedQueues.RqQueues(Kd3, 0).Cfs + SchedQueues.Of(Kd3).Timeline.Offset).ToString("x", CultureInfo.InvariantCulture),
            $"     [120] PID: 123    TASK: {task:x}  COMMAND: \"fxstack\"");
        var row = Sched.Table(result).Rows.Single(r => r.Cells[7].Value is ulong t && t == task);
        row.Cells[2].Value.Should().Be("cfs");
        row.Targets.Select(t => t.Subject).OfType<TaskTarget>().Should().ContainSingle();
        row.Targets.Select(t => t.Subject).OfType<ObjectTarget>().Select(o => o.Type).Should().Contain("struct sched_entity");
        result.Warnings.Should().BeEmpty();
    }

    [SkippableFact]
    public void A_cycle_in_the_cfs_rb_tree_ends_the_walk_with_a_warning()
    {
        var (patched, root, _) = QueueFxstack(0);
        ulong node = patched.Kernel.Memory.ReadU64(root);
        patched.Patches.Patch(node + 16, node);   // rb_left → itself
        var result = patched.Run(new RunqCommand { Cpu = 0 }, "runq -c 0");
        result.Failed.Should().BeFalse(result.Error);
        result.Warnings.Should().ContainSingle(w => w.Contains("cfs") && w.Contains("reached twice"));
        Sched.Table(result).Rows.Count(r => r.Cells[6].Value is 123L).Should().Be(1);
    }

    [SkippableFact]
    public void A_group_entity_leads_to_its_cfs_rq_and_a_loop_of_groups_is_cut()
    {
        var (patched, _, task) = QueueFxstack(0);
        var kernel = patched.Kernel;
        ulong myQ = task + Offset(kernel, "struct task_struct", "se") + Offset(kernel, "struct sched_entity", "my_q");
        // fxstack's entity becomes a group whose cfs_rq is CPU 1's, made to hold fx-piperead (125).
        var (cfs1, _, _) = SchedQueues.RqQueues(Kd3, 1);
        ulong piperead = KernelTasks.FindTask(Kd3, 125)!.Address;
        patched.Patches.Patch(myQ, cfs1);
        Enqueue(patched, cfs1 + SchedQueues.Of(Kd3).Timeline.Offset, piperead);
        var result = patched.Run(new RunqCommand { Cpu = 0 }, "runq -c 0");
        result.Failed.Should().BeFalse(result.Error);
        var rows = Sched.Table(result).Rows.Where(r => (string)r.Cells[2].Value! == "cfs").ToArray();
        rows.Should().HaveCount(2);
        rows[0].Cells[3].Value.Should().Be(cfs1, "the group row names its cfs_rq");
        rows[0].Cells[4].Value.Should().Be(0L);
        rows[1].Cells[6].Value.Should().Be(125L);
        rows[1].Cells[4].Value.Should().Be(1L, "the group's task is one level deeper");
        Sched.Text(result).Should().Contain($"     GROUP CFS_RQ: {cfs1:x}").And.Contain(l => l.StartsWith("        [120] PID: 125 ", StringComparison.Ordinal));

        // The group's cfs_rq pointing back at CPU 0's own cfs_rq is a loop: cut, reported.
        patched.Patches.Patch(myQ, SchedQueues.RqQueues(Kd3, 0).Cfs);
        var looped = patched.Run(new RunqCommand { Cpu = 0 }, "runq -c 0");
        looped.Failed.Should().BeFalse(looped.Error);
        looped.Warnings.Should().Contain(w => w.Contains("reached twice through group entities"));
    }

    [SkippableFact]
    public void A_cycle_in_an_hrtimer_tree_is_reported_and_the_timers_are_listed_once()
    {
        var healthy = Sched.Table(dumps.Of("kd3").Run("timer -r -c 0")).Rows.Count(r => r.Cells[7].HasValue);
        var patched = new PatchedKernel(Kd3);
        ulong clock0 = Hrtimers.CpuBase(Kd3, 0) + Offset(Kd3, "struct hrtimer_cpu_base", "clock_base");
        ulong root = Kd3.Memory.ReadU64(clock0 + Offset(Kd3, "struct hrtimer_clock_base", "active"));
        ulong rightmost = root;
        while (Kd3.Memory.ReadU64(rightmost + 8) is var r && r != 0) rightmost = r;
        patched.Patches.Patch(rightmost + 8, root);   // the last node's rb_right → the root
        var result = patched.Run(new TimerCommand { Hrtimers = true, Cpu = 0 }, "timer -r -c 0");
        result.Failed.Should().BeFalse(result.Error);
        result.Warnings.Should().Contain(w => w.Contains("clock 0") && w.Contains("reached twice"));
        var timers = Sched.Table(result).Rows.Where(r => r.Cells[7].HasValue).Select(r => r.Cells[7].Value).ToArray();
        timers.Should().OnlyHaveUniqueItems().And.HaveCount(healthy);
    }

    [SkippableFact]
    public void A_cycle_in_a_timer_wheel_bucket_and_an_excluded_timer_are_marked()
    {
        var bases = TimerWheel.ForEachTimerBase(Kd3, 0);
        var first = bases[0].Timers[0];
        var second = bases[1].Timers[0];
        var patched = new PatchedKernel(Kd3);
        patched.Patches.Patch(first.Timer, first.Timer);   // entry.next → itself: the bucket's chain loops
        patched.Patches.Exclude(second.Timer + Offset(Kd3, "struct timer_list", "expires"));
        var result = patched.Run(new TimerCommand { Cpu = 0 }, "timer -c 0");
        result.Failed.Should().BeFalse(result.Error);
        result.Warnings.Should().Contain(w => w.Contains("BASE_STD") && w.Contains("reached twice"));
        var rows = Sched.Table(result).Rows;
        rows.Count(r => r.Cells[5].Value is ulong t && t == first.Timer).Should().Be(1);
        var bad = rows.Single(r => r.Cells[5].Value is ulong t && t == second.Timer);
        bad.Cells[3].Absence.Should().Be(Absence.Unreadable);
        bad.Problem.Should().Contain("excluded");
    }

    [SkippableFact]
    public void A_bad_irq_desc_is_a_marked_row_and_the_others_are_intact()
    {
        var healthy = Sched.Table(dumps.Of("kd3").Run("irq -s")).Rows.Count;
        var walk = Sdk.Linux.Irq.IrqDescs.ForEachIrqDesc(Kd3);
        ulong desc4 = walk.Items.Single(d => d.Irq == 4).Desc;
        ulong desc8 = walk.Items.Single(d => d.Irq == 8).Desc;
        var patched = new PatchedKernel(Kd3);
        patched.Patches.Patch(desc4 + Offset(Kd3, "struct irq_desc", "action"), 0x1234);   // not a kernel address
        // CPU 0's count of IRQ 8 (desc->kstat_irqs is a per-cpu pointer) sits in an excluded page.
        ulong kstat8 = Kd3.Memory.ReadU64(desc8 + Offset(Kd3, "struct irq_desc", "kstat_irqs"));
        patched.Patches.Exclude(Kd3.PerCpuPtr(kstat8, 0));
        var result = patched.Run(new IrqCommand(), "irq");
        result.Failed.Should().BeFalse(result.Error);
        var rows = Sched.Table(result).Rows;
        rows.Single(r => r.Cells[0].Value is 4L).Problem.Should().Contain("not a kernel address");
        var counts = patched.Run(new IrqCommand { Stats = true }, "irq -s");
        var row8 = Sched.Table(counts).Rows.Single(r => r.Cells[0].Value is 8L);
        row8.Cells[1].Absence.Should().Be(Absence.Unreadable);
        row8.Problem.Should().Contain("excluded");
        Sched.Table(counts).Rows.Should().HaveCount(healthy - 1, "IRQ 4 lost its action chain, the rest keep theirs");
    }

    [SkippableFact]
    public void An_excluded_sighand_marks_every_action_and_the_pending_sets_still_show()
    {
        var task = KernelTasks.FindTask(Kd3, 129)!;
        ulong sighand = task["sighand"].ReadPointer();
        var patched = new PatchedKernel(Kd3);
        patched.Patches.Exclude(sighand + Offset(Kd3, "struct sighand_struct", "action"), 2048);
        var result = patched.Run(new SigCommand { Tasks = ["129"] }, "sig 129");
        result.Failed.Should().BeFalse(result.Error);
        var table = Sched.Table(result);
        table.Rows.Should().HaveCount(64).And.OnlyContain(r => r.Problem != null && r.Problem.Contains("excluded"));
        Sched.Text(result).Should().Contain("PRIVATE_PENDING").And.Contain("SHARED_PENDING");
    }
}
