using System.Text.RegularExpressions;
using DumpScope.Sdk.Linux.Tests.Objects;

namespace DumpScope.Sdk.Linux.Tests.Sched;

/// <summary>The task helpers on the real dumps, against the guests' own task listings.</summary>
public sealed partial class SchedFixtureTests
{
    /// <summary>"tid tgid ppid comm state wchan" lines of groundtruth-guest.txt's threads section.</summary>
    private static List<(int Tid, int Tgid, int Ppid, string Comm, char State)> GuestThreads(string file)
    {
        var lines = File.ReadAllLines(FixtureKernels.File(file));
        int start = Array.FindIndex(lines, l => l.StartsWith("--- threads (tid tgid ppid comm state wchan)", StringComparison.Ordinal));
        var threads = new List<(int, int, int, string, char)>();
        for (int i = start + 1; i < lines.Length && !lines[i].StartsWith("---", StringComparison.Ordinal); i++)
        {
            var m = ThreadLine().Match(lines[i]);
            if (m.Success) threads.Add((int.Parse(m.Groups[1].Value), int.Parse(m.Groups[2].Value), int.Parse(m.Groups[3].Value), m.Groups[4].Value, m.Groups[5].Value[0]));
        }
        return threads;
    }

    [SkippableFact]
    public void Kd3_for_each_task_is_the_guests_thread_list_plus_the_idle_tasks_and_the_panicking_shell()
    {
        var kernel = FixtureKernels.Kd3;
        var walk = KernelTasks.ForEachTask(kernel);
        walk.IsComplete.Should().BeTrue(walk.Problem);
        walk.Items.Should().HaveCount(88);
        var pids = walk.Items.Select(KernelTasks.TaskPid).ToList();
        pids.Count(p => p == 0).Should().Be(4, "one idle task per CPU");
        var guest = GuestThreads("kd3/groundtruth-guest.txt");
        // The guest listed /proc before its shell (pid 175) triggered the panic.
        pids.Where(p => p != 0).Should().BeEquivalentTo(guest.Select(t => t.Tid).Append(175));
        foreach (var task in walk.Items.Where(t => KernelTasks.TaskPid(t) != 0))
        {
            var g = guest.FirstOrDefault(x => x.Tid == KernelTasks.TaskPid(task));
            if (g.Tid == 0) continue;
            KernelTasks.TaskTgid(task).Should().Be(g.Tgid);
            KernelTasks.TaskPpid(task).Should().Be(g.Ppid, $"pid {g.Tid}");
            g.Comm.Should().StartWith(KernelTasks.TaskComm(task), "the guest shows the full kworker name");
        }
    }

    [SkippableFact]
    public void Kd3_find_task_and_task_state_of_the_fixture_tasks()
    {
        var kernel = FixtureKernels.Kd3;
        var vforker = KernelTasks.FindTask(kernel, 127)!;
        KernelTasks.TaskComm(vforker).Should().Be("fx-vforker");
        var state = KernelTasks.TaskStateOf(vforker);
        state.Letter.Should().Be('D');
        state.Code.Should().Be("UN");
        KernelTasks.TaskStateOf(KernelTasks.FindTask(kernel, 126)!).Letter.Should().Be('T', "fx-stopped got SIGSTOP");
        KernelTasks.TaskStateOf(KernelTasks.FindTask(kernel, 129)!).Letter.Should().Be('R', "fx-spin busy-loops");
        KernelTasks.FindTask(kernel, 131)!.Address.Should().NotBe(0);
        KernelTasks.TaskTgid(KernelTasks.FindTask(kernel, 131)!).Should().Be(123, "fx-thr-1 is a thread of fxstack");
        KernelTasks.FindTask(kernel, 4_000_000).Should().BeNull();
        // A task the guest saw running may have gone back to sleep before the panic; other states must agree.
        foreach (var (tid, _, _, _, letter) in GuestThreads("kd3/groundtruth-guest.txt").Where(t => t.State != 'R'))
            KernelTasks.TaskStateOf(KernelTasks.FindTask(kernel, tid)!).Letter.Should().Be(letter, $"tid {tid}");
    }

    [SkippableFact]
    public void Kd3_cpu_curr_is_the_shell_on_cpu_2_and_fx_spin_on_cpu_3()
    {
        var kernel = FixtureKernels.Kd3;
        var curr2 = Runqueues.CpuCurr(kernel, 2);
        (KernelTasks.TaskPid(curr2), KernelTasks.TaskComm(curr2)).Should().Be((175, "sh"));
        var curr3 = Runqueues.CpuCurr(kernel, 3);
        (KernelTasks.TaskPid(curr3), KernelTasks.TaskComm(curr3)).Should().Be((129, "fx-spin"));
        for (int cpu = 0; cpu < 4; cpu++)
        {
            var idle = Runqueues.IdleTask(kernel, cpu);
            KernelTasks.TaskPid(idle).Should().Be(0);
            KernelTasks.TaskComm(idle).Should().Be($"swapper/{cpu}");
            KernelTasks.TaskStack(idle).Should().BeGreaterThan(0xffff_8000_0000_0000UL);
        }
    }

    [SkippableFact]
    public void Kd1_for_each_task_holds_every_process_of_the_guest()
    {
        var kernel = FixtureKernels.Kd1;
        var lines = File.ReadAllLines(FixtureKernels.File("kd1/groundtruth-guest.txt"));
        int start = Array.FindIndex(lines, l => l.StartsWith("--- tasks (pid comm state)", StringComparison.Ordinal));
        var guest = lines.Skip(start + 1).TakeWhile(l => !l.StartsWith("---", StringComparison.Ordinal))
            .Select(l => l.Split(' ')).Where(f => f.Length >= 3 && int.TryParse(f[0], out _)).ToDictionary(f => int.Parse(f[0]), f => f[^1][0]);
        var walk = KernelTasks.ForEachTask(kernel);
        walk.IsComplete.Should().BeTrue(walk.Problem);
        walk.Items.Count(t => KernelTasks.TaskPid(t) == 0).Should().Be((int)kernel.NrCpuIds);
        var pids = walk.Items.Select(KernelTasks.TaskPid).ToHashSet();
        pids.Should().Contain(guest.Keys);
        foreach (var (pid, letter) in guest.Where(g => g.Value != 'R'))
            KernelTasks.TaskStateOf(KernelTasks.FindTask(kernel, pid)!).Letter.Should().Be(letter, $"pid {pid}");
    }

    [GeneratedRegex(@"^(\d+) (\d+) (\d+) (.+) ([A-Za-z]) \S+$")]
    private static partial Regex ThreadLine();
}
