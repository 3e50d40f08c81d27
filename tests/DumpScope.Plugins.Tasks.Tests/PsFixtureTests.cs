namespace DumpScope.Plugins.Tasks.Tests;

/// <summary>ps on the real kd1 kdump, checked against crash's task-list walk, the guest's /proc and crash's ps.</summary>
[Collection("kd1")]
public sealed class PsFixtureTests(Kd1Fixture kd1)
{
    [SkippableFact]
    public void Ps_lists_the_kernel_task_list_plus_the_idle_task_of_every_other_online_cpu()
    {
        var rows = kd1.Ps();
        var listed = GroundTruth.KernelTaskList();
        // The kernel's list holds init_task (swapper/0) and every thread; the idle tasks of the other CPUs are
        // on no list, only in their runqueue (runqueues[cpu].idle).
        var otherIdle = kd1.Kernel.ForEachOnlineCpu().Where(c => c != 0).Select(c => (0L, $"swapper/{c}"));
        var expected = listed.Select(t => ((long)t.Pid, t.Comm)).Concat(otherIdle).ToHashSet();

        rows.Select(r => (r.Pid!.Value, r.BareComm!)).Should().BeEquivalentTo(expected);
        rows.Select(r => r.Task).Should().Contain(listed.Select(t => t.Address), "every task of the kernel's list is listed at its own address");
        rows.Should().OnlyContain(r => r.Problem == null, "nothing is wrong with this dump's tasks");
        kd1.Session.Run("ps").Warnings.Should().BeEmpty("the task lists, runqueues and PID namespace agree on kd1");
    }

    [SkippableFact]
    public void Ps_agrees_with_the_guests_own_listing()
    {
        var rows = kd1.Ps().Where(r => r.Pid != 0).ToArray();
        var guest = GroundTruth.GuestTasks();
        // The guest listed /proc moments before the panic with nothing forking: the same pids, no extra task
        // (the panic was triggered by init, pid 1, writing to /proc/sysrq-trigger with the shell's builtin echo).
        rows.Select(r => r.Pid!.Value).Should().BeEquivalentTo(guest.Select(g => (long)g.Pid));
        foreach (var g in guest)
        {
            var ours = rows.Single(r => r.Pid == g.Pid);
            var comm = ours.BareComm!;
            // /proc shows full kthread names where task_struct.comm keeps 15 characters, and adds the workqueue to kworkers.
            bool same = g.Comm == comm || g.Comm.StartsWith(comm, StringComparison.Ordinal) && (comm.Length == 15 || comm.StartsWith("kworker/", StringComparison.Ordinal));
            same.Should().BeTrue($"pid {g.Pid}: guest '{g.Comm}', dump '{comm}'");
            // A task the guest saw running may have gone back to sleep before the panic (rcu_preempt does);
            // every other state must be the one the guest saw.
            if (g.State != 'R')
                ours.State.Should().Be(TaskStateDecoder.CrashCode(g.State), $"pid {g.Pid} ({g.Comm}) was '{g.State}' in the guest");
        }
    }

    [SkippableFact]
    public void The_workers_appear_with_their_sleep_children()
    {
        var rows = kd1.Ps();
        var init = rows.Single(r => r.Pid == 1);
        foreach (var name in new[] { "worker-alpha", "worker-beta", "worker-gamma" })
        {
            var worker = rows.Single(r => r.Comm == name);
            worker.Ppid.Should().Be(init.Pid, $"{name} was started by init");
            worker.VszKiB.Should().BeGreaterThan(0);
            var children = rows.Where(r => r.Ppid == worker.Pid).ToArray();
            children.Should().ContainSingle($"{name} runs one sleep at a time").Which.Comm.Should().Be("sleep");
        }
        rows.Count(r => r.Comm == "sleep").Should().Be(3);
    }

    [SkippableFact]
    public void Parent_pids_agree_with_the_parents_children_lists()
    {
        // real_parent (PPID) and the parent's children list (linked through sibling) are separate structures.
        var rows = kd1.Ps();
        var types = kd1.Kernel.Types.Require("struct task_struct");
        ulong children = types.Resolve().FindMember("children").Offset, sibling = types.Resolve().FindMember("sibling").Offset;
        foreach (var parent in rows.Where(r => r.Pid != 0 || r.Cpu == 0))
        {
            var walk = KernelLists.ListForEach(kd1.Kernel.Memory, parent.Task + children, 10_000);
            walk.IsComplete.Should().BeTrue(walk.Problem);
            var listedChildren = walk.Items.Select(n => n - sibling).ToHashSet();
            var byPpid = rows.Where(r => r.Ppid == parent.Pid && r.Pid != 0 && r.Task != parent.Task).Select(r => r.Task);
            if (parent.Pid == 0)
                listedChildren.Should().BeEquivalentTo(rows.Where(r => r.Ppid == 0 && r.Pid != 0).Select(r => r.Task));
            else
                listedChildren.Should().BeEquivalentTo(byPpid, $"children of pid {parent.Pid}");
        }
        // Kernel threads are forked by kthreadd, except the first ones.
        rows.Where(r => r.Comm!.StartsWith('[') && r.Pid > 2).Should().OnlyContain(r => r.Ppid == 2);
        rows.Where(r => r.Pid is 1 or 2).Should().OnlyContain(r => r.Ppid == 0);
    }

    [SkippableFact]
    public void The_task_running_on_each_cpu_is_marked_as_the_dumps_notes_say()
    {
        var rows = kd1.Ps();
        var notes = kd1.Kernel.Dump.Cpus;
        notes.Should().HaveCount(kd1.Kernel.ForEachPossibleCpu().Count(), "kdump writes one PRSTATUS note per CPU");
        foreach (var note in notes)
        {
            var active = rows.Where(r => r.Active && r.Cpu == note.Cpu).ToArray();
            active.Should().ContainSingle($"one task runs on CPU {note.Cpu}").Which.Pid.Should().Be(note.Pid, "the PRSTATUS note names the running pid");
        }
        rows.Count(r => r.Active).Should().Be(notes.Count);
    }

    [SkippableFact]
    public void The_panicking_task_is_flagged_in_ps_and_is_the_default_of_task()
    {
        var rows = kd1.Ps();
        var panicking = rows.Where(r => r.Panicking).Should().ContainSingle().Subject;
        var panicCpu = kd1.Kernel.Global("panic_cpu", "atomic_t")["counter"].ReadSigned();
        panicking.Cpu.Should().Be(panicCpu);
        // init (pid 1) ran the workload script and wrote 'c' to /proc/sysrq-trigger itself.
        panicking.Pid.Should().Be(1);
        kd1.Kernel.Dump.Cpus[(int)panicCpu].Pid.Should().Be((int)panicking.Pid!.Value, "the panic CPU's note names the same task");

        var task = kd1.Session.Run("task");
        task.Failed.Should().BeFalse(task.Error);
        var record = task.Blocks.OfType<RecordBlock>().Single();
        Field(record, "pid").Value.Value.Should().Be(1L);
        Field(record, "panicking").Value.Value.Should().Be(true);
        Field(record, "task").Value.Value.Should().Be(panicking.Task);
    }

    [SkippableFact]
    public void Crash_finds_three_tasks_and_we_find_them_all_with_the_same_columns()
    {
        var rows = kd1.Ps();
        var crash = GroundTruth.CrashPs();
        crash.Should().HaveCount(3, "crash 8.0.2 reads 96 bytes of each struct pid and misses numbers[0] (see the fixture README)");
        var analyzer = (TaskAnalyzer)kd1.Session.Services.GetService(typeof(TaskAnalyzer))!;
        foreach (var c in crash)
        {
            var ours = rows.Single(r => r.Task == c.Task);
            ours.Pid.Should().Be(c.Pid);
            ours.Cpu.Should().Be(c.Cpu);
            ours.State.Should().Be(c.State);
            ours.BareComm.Should().Be(c.Comm);
            ours.VszKiB.Should().Be((ulong)c.Vsz);
            ours.Active.Should().Be(c.Active);
            var usage = analyzer.MemoryOf(analyzer.Tasks().ByAddress(c.Task)!);
            // crash 8.0.2 adds MM_FILEPAGES and MM_ANONPAGES (with the per-thread deltas) but not MM_SHMEMPAGES;
            // busybox runs from the initramfs (tmpfs), so its text is shmem and crash's RSS is far smaller.
            (usage.FileKiB + usage.AnonKiB).Should().Be((ulong)c.Rss, $"pid {c.Pid}: file + anon as crash counts them");
            ours.RssKiB.Should().Be(usage.FileKiB + usage.AnonKiB + usage.ShmemKiB);
            // crash prints PPID 0 for every idle task; the idle tasks of secondary CPUs were forked by pid 1
            // (smp_init runs in kernel_init), and their real_parent says so.
            if (c.Pid != 0 || c.Cpu == 0) ours.Ppid.Should().Be(c.Ppid);
            else ours.Ppid.Should().Be(1);
        }
        rows.Count.Should().BeGreaterThan(crash.Count);
    }

    private static RecordField Field(RecordBlock record, string name) => record.Fields.Single(f => f.Name == name);
}
