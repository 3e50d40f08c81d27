using DumpScope.Plugins.Tasks.Commands;
using Microsoft.Extensions.DependencyInjection;

namespace DumpScope.Plugins.Tasks.Tests;

/// <summary>
/// ps over kd1 with chosen damage (<see cref="FaultInjectingMemory"/>): every walk ends, damaged entries are marked
/// rows, and the independent walks recover what one damaged structure hides.
/// </summary>
[Collection("kd1")]
public sealed class CorruptionTests(Kd1Fixture kd1)
{
    private ulong Offset(string type, string member) => kd1.Kernel.Types.Require(type).Resolve().FindMember(member).Offset;

    private (PatchedKernel Kernel, Func<CommandResult> Ps) Patched()
    {
        var kernel = new PatchedKernel(kd1.Kernel);
        var services = kernel.Services(s => s.AddSingleton<TaskAnalyzer>());
        return (kernel, () => services.Run<PsCommand>("ps"));
    }

    private IReadOnlyList<PsRow> Healthy() => kd1.Ps();

    private IReadOnlyList<ulong> Leaders()
    {
        ulong tasks = Offset("struct task_struct", "tasks");
        var init = kd1.Kernel.Global("init_task", "struct task_struct").Address;
        return KernelLists.ListForEach(kd1.Kernel.Memory, init + tasks, 10_000).Items.Select(n => n - tasks).ToArray();
    }

    [SkippableFact]
    public void A_cycle_in_the_task_list_ends_the_walk_and_the_pid_namespace_finds_the_rest()
    {
        var healthy = Healthy();
        var leaders = Leaders();
        ulong tasks = Offset("struct task_struct", "tasks");
        var (kernel, ps) = Patched();
        int cut = leaders.Count / 2;
        // leader[cut].tasks.next → leader[3].tasks: the list loops without coming back to init_task.
        kernel.Patches.Patch(leaders[cut] + tasks, leaders[3] + tasks);

        var result = ps();
        var rows = PsRow.From(result);
        result.Warnings.Should().Contain(w => w.StartsWith("init_task.tasks:") && w.Contains("loops back"));
        rows.Select(r => r.Task).Should().BeEquivalentTo(healthy.Select(r => r.Task), "the PID namespace reaches the leaders past the loop");
        var lost = leaders.Skip(cut + 1).ToHashSet();
        rows.Where(r => lost.Contains(r.Task)).Should().NotBeEmpty()
            .And.OnlyContain(r => r.Problem!.Contains("found only through the PID namespace"));
        rows.Where(r => !lost.Contains(r.Task)).Should().OnlyContain(r => r.Problem == null);
    }

    [SkippableFact]
    public void A_task_whose_comm_is_in_an_excluded_page_is_a_marked_row()
    {
        var healthy = Healthy();
        var beta = healthy.Single(r => r.Comm == "worker-beta");
        var (kernel, ps) = Patched();
        kernel.Patches.Exclude(beta.Task + Offset("struct task_struct", "comm"));

        var result = ps();
        result.Failed.Should().BeFalse();
        var rows = PsRow.From(result);
        rows.Should().HaveCount(healthy.Count);
        var row = rows.Single(r => r.Task == beta.Task);
        var comm = row.Row.Cells[^1];
        comm.Absence.Should().Be(Absence.Unreadable);
        comm.Reason.Should().Contain("page excluded").And.Contain("task_struct");
        row.Problem.Should().Contain("comm unreadable");
        // Only the members inside the excluded page are lost.
        ulong Page(ulong address) => address & ~4095UL;
        ulong commPage = Page(beta.Task + Offset("struct task_struct", "comm"));
        bool pidLost = Page(beta.Task + Offset("struct task_struct", "pid")) == commPage;
        bool stateLost = Page(beta.Task + Offset("struct task_struct", "__state")) == commPage;
        (row.Pid is null).Should().Be(pidLost);
        (row.State is null).Should().Be(stateLost);
        (pidLost && stateLost).Should().BeFalse("task_struct spans several pages: this test needs one member outside the excluded page");
    }

    [SkippableFact]
    public void A_cycle_in_a_thread_list_ends_that_walk_and_marks_the_leader()
    {
        var healthy = Healthy();
        var alpha = healthy.Single(r => r.Comm == "worker-alpha");
        ulong threadNode = Offset("struct task_struct", "thread_node");
        var (kernel, ps) = Patched();
        // alpha.thread_node.next → itself: the walk of signal->thread_head never gets back to the head.
        kernel.Patches.Patch(alpha.Task + threadNode, alpha.Task + threadNode);

        var result = ps();
        var rows = PsRow.From(result);
        rows.Should().HaveCount(healthy.Count);
        result.Warnings.Should().Contain(w => w.Contains($"threads of pid {alpha.Pid}") && w.Contains("signal->thread_head"));
        rows.Single(r => r.Task == alpha.Task).Problem.Should().Contain("signal->thread_head");
    }

    [SkippableFact]
    public void A_cycle_in_the_pid_namespace_tree_is_reported_and_the_task_lists_still_list_everything()
    {
        var healthy = Healthy();
        var (kernel, ps) = Patched();
        var root = kd1.Kernel.Global("init_pid_ns", "struct pid_namespace")["idr.idr_rt.xa_head"].ReadPointer();
        (root & 3).Should().Be(2UL, "kd1's pids (up to 105) need a two-level tree: the head is a node");
        ulong node = root - 2;
        ulong slots = Offset("struct xa_node", "slots");
        // The top node's second slot (ids 64..127) → the top node itself.
        kernel.Patches.Patch(node + slots + 8, root);

        var result = ps();
        var rows = PsRow.From(result);
        rows.Select(r => r.Task).Should().BeEquivalentTo(healthy.Select(r => r.Task));
        result.Warnings.Should().Contain(w => w.StartsWith("init_pid_ns.idr:") && w.Contains("reached twice"));
        var hidden = rows.Where(r => r.Pid >= 64).ToArray();
        hidden.Should().NotBeEmpty().And.OnlyContain(r => r.Problem!.Contains("not found through the PID namespace"));
        rows.Where(r => r.Pid < 64).Should().OnlyContain(r => r.Problem == null);
    }

    [SkippableFact]
    public void An_unreadable_task_state_array_falls_back_to_the_modern_names_with_a_note()
    {
        var healthy = Healthy();
        var (kernel, ps) = Patched();
        kd1.Kernel.Symbols.TryGetAddress("task_state_array", out var array).Should().BeTrue();
        kernel.Patches.Exclude(array);

        var result = ps();
        result.Warnings.Should().Contain(w => w.Contains("task_state_array") && w.Contains("could not be read"));
        PsRow.From(result).Select(r => (r.Task, r.State)).Should().BeEquivalentTo(healthy.Select(r => (r.Task, r.State)));
    }

    [SkippableFact]
    public void An_unreadable_runqueue_loses_only_that_cpus_idle_task()
    {
        var healthy = Healthy();
        var (kernel, ps) = Patched();
        kd1.Kernel.Symbols.TryGetAddress("runqueues", out var runqueues).Should().BeTrue();
        ulong rq1 = kd1.Kernel.PerCpuPtr(runqueues, 1);
        kernel.Patches.Exclude(rq1 + Offset("struct rq", "idle"));

        var result = ps();
        result.Failed.Should().BeFalse();
        result.Warnings.Should().Contain(w => w.StartsWith("runqueues[1]") && w.Contains("page excluded"));
        PsRow.From(result).Select(r => r.Task).Should().BeEquivalentTo(
            healthy.Where(r => !(r.Pid == 0 && r.Cpu == 1)).Select(r => r.Task));
    }

    [SkippableFact]
    public void A_loop_in_parent_pointers_ends_the_tree_and_the_parent_chain()
    {
        var healthy = Healthy();
        var alpha = healthy.Single(r => r.Comm == "worker-alpha");
        var child = healthy.Single(r => r.Ppid == alpha.Pid);
        var kernel = new PatchedKernel(kd1.Kernel);
        var services = kernel.Services(s => s.AddSingleton<TaskAnalyzer>());
        // alpha's real_parent → its own child: alpha → sleep → alpha.
        kernel.Patches.Patch(alpha.Task + Offset("struct task_struct", "real_parent"), child.Task);

        var tree = services.Run<PsCommand>("ps --tree", c => c.Tree = true);
        tree.Failed.Should().BeFalse(tree.Error);
        var rows = tree.Blocks.OfType<TableBlock>().First().Rows;
        rows.Should().HaveCount(healthy.Count, "every task is placed once");
        rows.Should().ContainSingle(r => r.Problem != null && r.Problem.Contains("parent chain loops"));

        var chain = services.Run<PsCommand>("ps -p", c => { c.Parents = true; c.Filter = [$"{child.Pid}"]; });
        chain.Failed.Should().BeFalse(chain.Error);
        var block = chain.Blocks.OfType<TableBlock>().Single();
        block.Rows.Should().HaveCount(2);
        block.Rows[0].Problem.Should().Contain("loops");
    }

    [SkippableFact]
    public void A_struct_pid_that_names_another_pid_marks_the_task()
    {
        var healthy = Healthy();
        var gamma = healthy.Single(r => r.Comm == "worker-gamma");
        var kernel = new PatchedKernel(kd1.Kernel);
        var services = kernel.Services(s => s.AddSingleton<TaskAnalyzer>());
        ulong pid = kd1.Kernel.Object("struct task_struct", gamma.Task)["thread_pid"].ReadPointer();
        ulong nr = Offset("struct pid", "numbers") + Offset("struct upid", "nr");
        // numbers[0].nr lives past sizeof(struct pid): patch the word that holds it (nr is its low 32 bits).
        var word = kd1.Kernel.Memory.ReadU64(pid + nr);
        kernel.Patches.Patch(pid + nr, (word & 0xffff_ffff_0000_0000UL) | 4242);

        var result = services.Run<PsCommand>("ps");
        var row = PsRow.From(result).Single(r => r.Task == gamma.Task);
        row.Problem.Should().Contain($"says pid 4242, the task says {gamma.Pid}");
        result.Warnings.Should().Contain(w => w.Contains("numbers[0].nr 4242 differs from its idr id"));
    }
}
