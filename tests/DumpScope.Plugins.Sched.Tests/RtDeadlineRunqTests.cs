using DumpScope.Plugins.Sched.Commands;
using DumpScope.Testing;
using DumpScope.Testing.Types;

namespace DumpScope.Plugins.Sched.Tests;

/// <summary>
/// runq's RT priority array and deadline tree, which the fixtures never hold a task on: a one-CPU synthetic kernel
/// with the 6.1 layout (bundled BTF) running init, with two SCHED_FIFO tasks queued at prio 49 and one at prio 10,
/// and two SCHED_DEADLINE tasks in the dl_rq's rb-tree.
/// </summary>
public sealed class RtDeadlineRunqTests
{
    private const ulong Runqueues = 0xffff_9000_0000_0000;
    private const ulong Init = 0xffff_8880_0100_0000;
    private const ulong Fifo1 = 0xffff_8880_0110_0000, Fifo2 = 0xffff_8880_0120_0000, Fifo3 = 0xffff_8880_0130_0000;
    private const ulong Dl1 = 0xffff_8880_0140_0000, Dl2 = 0xffff_8880_0150_0000;

    private readonly SyntheticKernel _kernel = new(ReferenceTypes.Debian61, nrCpuIds: 1);

    private ulong Rq => Runqueues + _kernel.PerCpuOffset(0);

    private ulong Off(string type, string member) => _kernel.Offset(type, member);

    public RtDeadlineRunqTests()
    {
        _kernel.Symbols.Add("runqueues", Runqueues);
        _kernel.Zero("struct rq", Rq);
        foreach (var (task, pid, comm, prio) in new[] { (Init, 1, "init", 120), (Fifo1, 20, "fifo-a", 49), (Fifo2, 21, "fifo-b", 49), (Fifo3, 22, "fifo-hi", 10),
                     (Dl1, 30, "dl-late", -1), (Dl2, 31, "dl-early", -1) })
        {
            _kernel.Memory.Write(task, new byte[(int)_kernel.T("struct task_struct").Size]);
            _kernel.Set("struct task_struct", task, "pid", (ulong)pid);
            _kernel.Set("struct task_struct", task, "tgid", (ulong)pid);
            _kernel.SetString("struct task_struct", task, "comm", comm);
            _kernel.Set("struct task_struct", task, "prio", unchecked((ulong)prio));
        }
        _kernel.Set("struct rq", Rq, "curr", Init);
        _kernel.Set("struct rq", Rq, "nr_running", 6);

        // rt.active.queue[100]: every list empty (pointing at itself) but 10 (fifo-hi) and 49 (fifo-a, fifo-b).
        ulong queues = Rq + Off("struct rq", "rt") + Off("struct rt_rq", "active") + Off("struct rt_prio_array", "queue");
        for (ulong prio = 0; prio < 100; prio++) _kernel.Memory.LinkList(queues + prio * 16);
        ulong runList = Off("struct task_struct", "rt") + Off("struct sched_rt_entity", "run_list");
        _kernel.Memory.LinkObjects(queues + 49 * 16, runList, Fifo1, Fifo2);
        _kernel.Memory.LinkObjects(queues + 10 * 16, runList, Fifo3);

        // dl.root: dl-late at the root, dl-early its left child (the earlier deadline).
        ulong dlNode = Off("struct task_struct", "dl") + Off("struct sched_dl_entity", "rb_node");
        ulong deadline = Off("struct task_struct", "dl") + Off("struct sched_dl_entity", "deadline");
        _kernel.Memory.WriteU64(Rq + Off("struct rq", "dl") + Off("struct dl_rq", "root.rb_root"), Dl1 + dlNode);
        _kernel.Memory.WriteU64(Dl1 + dlNode + 16, Dl2 + dlNode);   // rb_left
        _kernel.Memory.WriteU64(Dl2 + dlNode, Dl1 + dlNode);        // __rb_parent_color: the parent, red
        _kernel.Memory.WriteU64(Dl1 + deadline, 2_000_000);
        _kernel.Memory.WriteU64(Dl2 + deadline, 1_000_000);
    }

    private CommandResult Runq() => _kernel.Services().Run(new RunqCommand(), "runq");

    [Fact]
    public void Rt_tasks_are_listed_by_priority_and_deadline_tasks_by_deadline()
    {
        var result = Runq();
        result.Failed.Should().BeFalse(result.Error);
        result.Warnings.Should().BeEmpty();
        var rows = Sched.Table(result).Rows.Where(r => r.Cells[7].Value is ulong).Select(r => ((string)r.Cells[2].Value!, r.Cells[6].Value, (object?)r.Cells[5].Value)).ToArray();
        rows.Should().Equal(("current", 1L, (object?)null), ("rt", 22L, 10L), ("rt", 20L, 49L), ("rt", 21L, 49L), ("dl", 31L, -1L), ("dl", 30L, -1L));
        var dlRow = Sched.Table(result).Rows.Single(r => r.Cells[6].Value is 31L);
        dlRow.Cells[13].Value.Should().Be(1_000_000UL, "the deadline column carries dl.deadline");
        dlRow.Targets.Select(t => t.Subject).OfType<ObjectTarget>().Select(o => o.Type).Should().Contain("struct sched_dl_entity");
        Sched.Text(result).Should().ContainInOrder(
            $"  RT PRIO_ARRAY: {Rq + Off("struct rq", "rt") + Off("struct rt_rq", "active"):x}",
            $"     [ 10] PID: 22     TASK: {Fifo3:x}  COMMAND: \"fifo-hi\"",
            $"     [ 49] PID: 20     TASK: {Fifo1:x}  COMMAND: \"fifo-a\"",
            $"     [ 49] PID: 21     TASK: {Fifo2:x}  COMMAND: \"fifo-b\"",
            "     [no tasks queued]",
            $"  DL RB_ROOT: {Rq + Off("struct rq", "dl") + Off("struct dl_rq", "root.rb_root"):x}",
            $"     [ -1] PID: 31     TASK: {Dl2:x}  COMMAND: \"dl-early\"",
            $"     [ -1] PID: 30     TASK: {Dl1:x}  COMMAND: \"dl-late\"");
    }

    [Fact]
    public void A_looping_rt_list_and_a_deadline_tree_cycle_are_warnings_and_each_task_is_listed_once()
    {
        ulong runList = Off("struct task_struct", "rt") + Off("struct sched_rt_entity", "run_list");
        _kernel.Memory.WriteU64(Fifo2 + runList, Fifo1 + runList);   // fifo-b.next → fifo-a: never back to the head
        ulong dlNode = Off("struct task_struct", "dl") + Off("struct sched_dl_entity", "rb_node");
        _kernel.Memory.WriteU64(Dl2 + dlNode + 8, Dl1 + dlNode);     // dl-early.rb_right → its parent
        var result = Runq();
        result.Failed.Should().BeFalse(result.Error);
        result.Warnings.Should().Contain(w => w.Contains("rt")).And.Contain(w => w.Contains("dl"));
        var pids = Sched.Table(result).Rows.Select(r => r.Cells[6].Value).OfType<long>().ToArray();
        pids.Should().OnlyHaveUniqueItems();
        pids.Should().Contain([20L, 21L, 22L, 31L]);
    }
}
