namespace DumpScope.Sdk.Linux.Tests.Sched;

/// <summary>The task helpers on synthetic kernels of three eras (no fixture needed).</summary>
public sealed class KernelTasksTests
{
    public static TheoryData<bool, bool, bool> Eras => new()
    {
        { false, false, false }, // 5.14+: __state, signal->thread_head, idr
        { true, false, false },  // before 5.14 (commit 2f064a59a11f): state
        { true, true, true },    // before 4.15: thread_group ring, pid_hash, pids[].node
    };

    [Theory]
    [MemberData(nameof(Eras))]
    public void For_each_task_finds_every_thread_and_the_other_cpus_idle_task_once(bool oldState, bool threadGroup, bool pidHash)
    {
        var world = new TaskWorld(oldState, threadGroup, pidHash);
        var walk = KernelTasks.ForEachTask(world.Kernel);
        walk.IsComplete.Should().BeTrue(walk.Problem);
        walk.Items.Select(t => t.Address).Should().BeEquivalentTo(
            [TaskWorld.InitTask, TaskWorld.Init, TaskWorld.Server, TaskWorld.Thread11, TaskWorld.Thread12, TaskWorld.Idle1]);
        walk.Items.Select(KernelTasks.TaskPid).Should().BeEquivalentTo([0, 1, 10, 11, 12, 0]);
    }

    [Theory]
    [MemberData(nameof(Eras))]
    public void For_each_thread_lists_the_group_leader_and_its_threads(bool oldState, bool threadGroup, bool pidHash)
    {
        var world = new TaskWorld(oldState, threadGroup, pidHash);
        var server = world.Kernel.Object("struct task_struct", TaskWorld.Server);
        var threads = KernelTasks.ForEachThread(server);
        threads.IsComplete.Should().BeTrue();
        threads.Items.Select(KernelTasks.TaskPid).Should().BeEquivalentTo([10, 11, 12]);
    }

    [Theory]
    [MemberData(nameof(Eras))]
    public void Find_task_looks_the_pid_up_in_the_pid_namespace(bool oldState, bool threadGroup, bool pidHash)
    {
        var world = new TaskWorld(oldState, threadGroup, pidHash);
        KernelTasks.FindTask(world.Kernel, 11)!.Address.Should().Be(TaskWorld.Thread11);
        KernelTasks.FindTask(world.Kernel, 1)!.Address.Should().Be(TaskWorld.Init);
        KernelTasks.FindTask(world.Kernel, 0)!.Address.Should().Be(TaskWorld.InitTask);
        KernelTasks.FindTask(world.Kernel, 13).Should().BeNull();
    }

    [Theory]
    [MemberData(nameof(Eras))]
    public void Task_state_reads_state_or_dunder_state(bool oldState, bool threadGroup, bool pidHash)
    {
        var world = new TaskWorld(oldState, threadGroup, pidHash);
        TaskStructLayout.Of(world.Kernel).State.Path.Should().Be(oldState ? "state" : "__state");
        var state = (ulong address) => KernelTasks.TaskStateOf(world.Kernel.Object("struct task_struct", address));
        state(TaskWorld.Thread12).Should().Be(new TaskState('D', "D (disk sleep)", "UN"));
        state(TaskWorld.Init).Letter.Should().Be('T');
        state(TaskWorld.Server).Code.Should().Be("IN");
        state(TaskWorld.Thread11).Code.Should().Be("RU");
    }

    [Fact]
    public void Accessors_read_comm_ids_parent_cpu_and_the_stack()
    {
        var world = new TaskWorld();
        var task = world.Kernel.Object("struct task_struct", TaskWorld.Thread12);
        KernelTasks.TaskComm(task).Should().Be("server-io");
        KernelTasks.TaskTgid(task).Should().Be(10);
        KernelTasks.TaskPpid(task).Should().Be(1);
        KernelTasks.TaskPpid(KernelTasks.InitTask(world.Kernel)).Should().Be(0, "init_task is its own parent");
        KernelTasks.TaskCpu(task).Should().Be(1);
        KernelTasks.TaskStack(task).Should().Be(TaskWorld.Stack + 12 * 0x4000);
        KernelTasks.TaskThreadSp(task).Should().Be(TaskWorld.Stack + 12 * 0x4000 + 0x3f00);
        KernelTasks.IsKernelThread(task).Should().BeFalse();
        KernelTasks.IsKernelThread(KernelTasks.InitTask(world.Kernel)).Should().BeTrue();
    }

    [Fact]
    public void Cpu_curr_and_idle_task_come_from_the_runqueues()
    {
        var world = new TaskWorld();
        Runqueues.CpuCurr(world.Kernel, 0).Address.Should().Be(TaskWorld.Thread11);
        Runqueues.CpuCurr(world.Kernel, 1).Address.Should().Be(TaskWorld.Idle1);
        Runqueues.IdleTask(world.Kernel, 0).Address.Should().Be(TaskWorld.InitTask);
        Runqueues.IdleTask(world.Kernel, 1).Address.Should().Be(TaskWorld.Idle1);
    }

    [Fact]
    public void A_broken_task_list_ends_that_walk_and_keeps_the_rest()
    {
        var world = new TaskWorld();
        // init's tasks.next points into unmapped memory: server and its threads are cut off the list; the node
        // reached is listed (its task is unreadable, which its reader reports).
        ulong tasks = world.Kernel.Offset("struct task_struct", "tasks");
        world.Kernel.Memory.WriteU64(TaskWorld.Init + tasks, 0xffff_8880_0900_0000 + tasks);
        var walk = KernelTasks.ForEachTask(world.Kernel);
        walk.End.Should().Be(WalkEnd.Fault);
        walk.Problem.Should().Contain("init_task.tasks").And.Contain("not mapped");
        walk.Items.Select(t => t.Address).Should().BeEquivalentTo([TaskWorld.InitTask, TaskWorld.Init, 0xffff_8880_0900_0000, TaskWorld.Idle1]);
    }
}
